"""What the partner registry plugs into the shared mechanisms (imported by apps.ready()):

- the approval action ``partners.reactivate`` (an executive approves a suspended
  partner's reactivation; approval runs ``services.reactivate_partner``);
- who may download files hanging on a partner or on an import;
- words for the registry's audit verbs and states on timelines.
"""

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from channelhub import approvals, audit, files
from channelhub.approvals import ApprovalAction
from partners import services
from partners.access import can_view_import_files, can_view_partner_files
from partners.models import Partner, PartnerImport, PartnerStatus


def _on_approved(partner, request, by):
    services.reactivate_partner(partner, approval=request, by=by)


def _describe(partner):
    pending = services.pending_reactivation(partner)
    latest = pending.summary if pending is not None else ""
    owner = partner.owner.display_name if partner.owner_id else "—"
    return [
        (_("Partner"), partner.name),
        (_("Unified social credit code"), partner.credit_code),
        (_("Status"), partner.get_status_display()),
        (_("Reason for the reactivation"), latest or "—"),
        (_("Reason for the suspension"), partner.status_reason or "—"),
        (_("Channel manager"), owner),
    ]


def _subject_url(partner):
    return reverse("partner-detail", kwargs={"tenant_slug": partner.tenant.slug, "pk": partner.pk})


approvals.register_action(
    ApprovalAction(
        key=services.REACTIVATE,
        on_approved=_on_approved,
        describe=_describe,
        subject_url=_subject_url,
    )
)

files.register_file_owner(Partner, can_view_partner_files)
files.register_file_owner(PartnerImport, can_view_import_files)

audit.register_labels(
    {
        "partner.created": _("Created the partner"),
        "partner.changed": _("Changed the partner record"),
        "partner.imported": _("Created by an Excel import"),
        "partner.suspended": _("Suspended the partner"),
        "partner.terminated": _("Terminated the partner"),
        "partner.reactivated": _("Reactivated the partner"),
        "partner.reactivation_requested": _("Asked for the partner's reactivation"),
        "partner.contact_added": _("Added a contact"),
        "partner.contact_changed": _("Changed a contact"),
        "partner.document_added": _("Added a qualification document"),
        "partner.reward_recorded": _("Recorded a reward"),
        "partner.penalty_recorded": _("Recorded a penalty"),
        "partner.document_expiring": _("Told the owner a document is about to expire"),
        "tier.created": _("Created the tier"),
        "tier.changed": _("Changed the tier"),
        "region.created": _("Created the region"),
        "region.changed": _("Changed the region"),
    }
)
audit.register_state_labels(Partner, PartnerStatus)

# The keys of the registry's audit diffs are field names ("credit_limit"); give them words,
# without taking a key another module registered first. (The shared timeline shows the raw
# key today; piping it through |audit_label would show these.)
_FIELD_LABELS = {
    name: capfirst(Partner._meta.get_field(name).verbose_name) for name in services.PARTNER_FIELDS
}
_FIELD_LABELS.update(
    {
        "contact": _("Contact"),
        "position": _("Position"),
        "mobile": _("Mobile"),
        "email": _("E-mail address"),
        "is_primary": _("Primary contact"),
        "is_active": _("Still a contact"),
        "notes": _("Notes"),
        "valid_until": _("Valid until"),
    }
)
audit.register_labels({key: label for key, label in _FIELD_LABELS.items() if key not in audit.LABELS})
