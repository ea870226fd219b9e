"""What a recorded filing does to the partner record.

The partner registry owns partner state: every write goes through partners.services
(its "changes a recorded filing authorises" functions keep the registry's checks,
history and notifications). This module decides what to write: the field-by-field
apply of a change filing (filings.partner_fields), the new partner of a new channel
filing, the suspension and termination of a termination filing. All of it runs
inside the recording transaction of filings.services (or the daily job's).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from channelhub import audit
from channelhub.approvals import revoke_links_of
from channelhub.models import Invitation, Membership
from channelhub.roles import Role
from filings import partner_fields
from partners import services as partner_services
from partners.models import Partner, PartnerStatus


def _reference(filing) -> str:
    """How the partner's timeline names the filing: "Change filing BA-2026-0001"."""
    return f"{filing.get_kind_display()} {filing.record_number}"


def _owner_for(filing) -> dict:
    """A manager's new partner joins their own portfolio (as in the registry's own form)."""
    membership = Membership.objects.filter(user=filing.created_by, is_active=True).first()
    if membership is not None and membership.role == Role.CHANNEL_MANAGER:
        return {"owner": filing.created_by}
    return {}


def create_partner(filing, *, by) -> Partner:
    """A new channel filing's partner: the one its admission application made (linked), or a new
    one pending admission (see partners.services).

    Seed 002's order is admission first, then the filing with the channel department: when the
    channel was admitted through onboarding, recording links to that partner."""
    admitted = partner_services.admitted(filing.proposed.get("credit_code", ""))
    if admitted is not None:
        audit.record(
            admitted,
            "partner.filed",
            actor=by,
            comment=_("%(filing)s, admitted through application %(application)s")
            % {"filing": _reference(filing), "application": admitted.admission_reference},
            via="filing",
        )
        return admitted
    record, contact = partner_fields.split(filing.proposed)
    partner = partner_services.create_by_filing(
        data={**_owner_for(filing), **record}, by=by, reference=_reference(filing)
    )
    if contact.get("name"):
        partner_services.replace_primary_contact_by_filing(
            partner, data=contact, by=by, reference=_reference(filing)
        )
    return partner


def apply_change(partner: Partner, values: dict, *, by, filing) -> dict:
    """Write a recorded change filing's fields; the partner's timeline shows before → after.
    Returns the changes by field name, for the filing's own timeline (which puts names and
    choice codes in the reader's words: filings/registration.py)."""
    record, contact = partner_fields.split(values)
    before = {
        f.name: f.audit_value(f.read(partner)) for f in partner_fields.change_fields() if f.name in values
    }
    if record:
        partner_services.update_by_filing(partner, data=record, by=by, reference=_reference(filing))
    if contact:
        current = partner_fields.primary_contact(partner)
        merged = {
            "name": current.name if current else "",
            "mobile": current.mobile if current else "",
            "email": current.email if current else "",
            **contact,
        }
        partner_services.replace_primary_contact_by_filing(
            partner, data=merged, by=by, reference=_reference(filing)
        )
    fields = partner_fields.by_name()
    after = {name: fields[name].audit_value(value) for name, value in values.items() if name in fields}
    return audit.diff(before, after)


def suspend_ordering(partner: Partner, *, by, filing) -> None:
    """A recorded termination stops ordering at once: the partner is suspended until its date."""
    reason = _(
        "Termination filing %(number)s: ordering stops now; the partner is terminated on %(date)s."
    ) % {
        "number": filing.record_number,
        "date": filing.termination_date.isoformat(),
    }
    if partner.status == PartnerStatus.ACTIVE:
        partner_services.suspend_by_filing(partner, reason=reason, by=by)
    else:  # already suspended (or pending admission): ordering is already stopped
        audit.record(partner, "partner.termination_recorded", actor=by, comment=reason)


def terminate(partner: Partner, *, by, filing) -> list[Membership]:
    """Terminate the partner and deactivate its users. Returns the memberships deactivated."""
    reason = _("Termination filing %(number)s, effective %(date)s.") % {
        "number": filing.record_number,
        "date": filing.termination_date.isoformat(),
    }
    if partner.status != PartnerStatus.TERMINATED:
        partner_services.terminate_by_filing(partner, reason=reason, by=by)
    memberships = list(Membership.objects.filter(partner=partner, is_active=True).select_related("user"))
    for membership in memberships:
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
        audit.record(
            membership,
            "membership.changed",
            actor=by,
            from_state=membership.role,
            to_state=membership.role,
            changes={"is_active": ["True", "False"]},
            comment=reason,
            via="job" if by is None else "web",
        )
        revoke_links_of(membership.user)
    Invitation.objects.pending().filter(partner=partner).update(revoked_at=timezone.now())
    audit.record(
        partner,
        "partner.users_deactivated",
        actor=by,
        via="job" if by is None else "web",
        comment=", ".join(m.user.email for m in memberships) or "—",
    )
    return memberships
