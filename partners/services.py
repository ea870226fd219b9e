"""Every change to the partner registry (STYLE.md §5).

Each function checks the role (``channelhub.roles``), runs the change and ``save()`` in one
transaction, writes the audit entry and queues notifications on commit (``notify()`` creates
its rows when the transaction commits). Status changes run through the shared runner
``channelhub.workflow.transition()`` (row lock, "already changed" check, who may, audit).
Refusals are ``ValidationError`` (with the form field they concern where there is one) or
``PermissionDenied``.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import ConcurrentTransition

from channelhub import approvals, audit, files, roles, workflow
from channelhub.approvals import Approver
from channelhub.models import ApprovalRequest, Membership, User
from channelhub.models.approvals import ApprovalStatus
from channelhub.notifications import Kind, Text, choice, notify
from channelhub.roles import Role
from channelhub.tenancy import get_current_tenant
from partners.models import (
    AMOUNT_REQUIRED,
    CATEGORIES_OF,
    DocumentKind,
    Partner,
    PartnerContact,
    PartnerDocument,
    PartnerStatus,
    Region,
    RewardPenalty,
    Tier,
)
from partners.validators import normalise_credit_code

REACTIVATE = "partners.reactivate"

# The partner fields people edit, in form order; diffs and imports use the same list.
PARTNER_FIELDS = [
    "name",
    "credit_code",
    "legal_representative",
    "registered_capital",
    "address",
    "channel_type",
    "tier",
    "region",
    "exclusive_territory",
    "owner",
    "bank_name",
    "bank_account_name",
    "bank_account_number",
    "credit_limit",
    "credit_rating",
]


# What a recorded change filing governs (seed 002: 变更报备): where the tenant keeps that rule
# (Tenant.partner_changes_by_filing) these change by filing, or by the tenant admin with a reason.
GOVERNED_FIELDS = (
    "channel_type",
    "tier",
    "region",
    "exclusive_territory",
    "bank_name",
    "bank_account_name",
    "bank_account_number",
)


def governed_by_filing(tenant) -> bool:
    return bool(tenant is not None and tenant.partner_changes_by_filing)


def may_edit_governed(user, tenant) -> bool:
    """Whether ``user`` may change the governed fields without a filing (then with a reason)."""
    return not governed_by_filing(tenant) or roles.can(
        roles.role_of(user, tenant.pk), "partners.edit_governed"
    )


def partner_url(partner) -> str:
    return reverse("partners:detail", kwargs={"tenant_slug": partner.tenant.slug, "pk": partner.pk})


def owner_choices():
    """Users who may own a partner: the tenant's active channel managers (a queryset, for forms)."""
    return roles.member_users(Role.CHANNEL_MANAGER).order_by("full_name", "email")


# The tables of PartnerContact, PartnerDocument and RewardPenalty, tenant first (the partner's
# own tenant, as every query of the registry); tests/partners/test_page_cost.py checks the
# counts against the rows.
CHILD_COUNTS_SQL = (
    "SELECT (SELECT COUNT(*) FROM partners_partnercontact WHERE tenant_id = %s AND partner_id = %s),"
    " (SELECT COUNT(*) FROM partners_partnerdocument WHERE tenant_id = %s AND partner_id = %s),"
    " (SELECT COUNT(*) FROM partners_rewardpenalty WHERE tenant_id = %s AND partner_id = %s)"
)


def child_counts(partner) -> dict[str, int]:
    """How many contacts, documents and rewards or penalties the partner has (the tabs'
    badges), in one query. Plain SQL: the same three counts through the ORM's subqueries cost
    a quarter of the page's Python time to build."""
    with connection.cursor() as cursor:
        cursor.execute(CHILD_COUNTS_SQL, [partner.tenant_id, partner.pk] * 3)
        return dict(zip(("contacts", "documents", "records"), cursor.fetchone(), strict=True))


# --- the record ----------------------------------------------------------------------------


def snapshot(partner) -> dict:
    """The editable fields as plain text, for ``audit.diff`` (related rows by their names)."""
    values = {}
    for name in PARTNER_FIELDS:
        field = Partner._meta.get_field(name)
        if field.is_relation:
            related_id = getattr(partner, field.attname)
            related = getattr(partner, name) if related_id else None
            if isinstance(related, Region):
                values[name] = related.path
            elif isinstance(related, User):
                values[name] = related.display_name
            else:
                values[name] = str(related) if related is not None else ""
        else:
            value = getattr(partner, name)
            values[name] = "" if value is None else str(value)
    return values


def _check_owner(partner, *, previous_owner_id=None) -> None:
    if partner.owner_id is None or partner.owner_id == previous_owner_id:
        return
    if not owner_choices().filter(pk=partner.owner_id).exists():
        raise ValidationError({"owner": _("The owner must be an active channel manager of this workspace.")})


def _territory_overlap(region_id) -> set[int]:
    """The region, its ancestors and its descendants (one query over the tenant's small tree)."""
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    return overlap_in_tree(region_id, parents)


def overlap_in_tree(region_id, parents: dict) -> set[int]:
    overlap, node = set(), region_id
    while node is not None and node not in overlap:
        overlap.add(node)
        node = parents.get(node)
    children: dict = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    stack = [region_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in overlap:
                overlap.add(child)
                stack.append(child)
    return overlap


def territory_conflict(partner, claims) -> tuple | None:
    """The first claim that clashes with ``partner``'s territory.

    Exclusive rights hold among partners of the same channel type: a partner with
    exclusive rights in a territory admits no other partner of its type in that territory,
    above it or inside it; and nobody gets exclusive rights where another partner of that
    type already works. ``claims`` are (pk, name, channel_type, region_id, exclusive) of
    the other live (not terminated) partners whose region overlaps.
    """
    for pk, name, channel_type, region_id, exclusive in claims:
        if pk == partner.pk or channel_type != partner.channel_type:
            continue
        if exclusive or partner.exclusive_territory:
            return (pk, name, region_id, exclusive)
    return None


@dataclass(frozen=True)
class TerritoryClash:
    """Who is in the way of a partner's territory (``territory_clash``)."""

    holder: str  # the other partner's name
    region: str  # where, as a path ("浙江省 / 杭州市")
    exclusive: bool  # the other partner holds exclusive rights there
    field: str  # the partner field the clash is about: "exclusive_territory" or "region"

    def message(self, *, holder: str | None = None) -> str:
        """The registry's words; ``holder`` replaces the other partner's name (for partner users,
        who are not told other partners' names)."""
        if self.exclusive:
            text = _("%(partner)s holds exclusive rights for this channel type in %(region)s.")
        else:
            text = _("%(partner)s already works in %(region)s with the same channel type.")
        return text % {"partner": holder or self.holder, "region": self.region}


def territory_clash(partner) -> TerritoryClash | None:
    """The clash of ``partner``'s territory (saved or not) with another live partner's, if any."""
    if partner.region_id is None or partner.status == PartnerStatus.TERMINATED:
        return None
    overlap = _territory_overlap(partner.region_id)
    claims = (
        Partner.objects.filter(region_id__in=overlap, channel_type=partner.channel_type)
        .exclude(status=PartnerStatus.TERMINATED)
        .exclude(pk=partner.pk)
        .values_list("pk", "name", "channel_type", "region_id", "exclusive_territory")
    )
    clash = territory_conflict(partner, claims)
    if clash is None:
        return None
    _pk, name, region_id, exclusive = clash
    region = Region.objects.select_related("parent__parent").get(pk=region_id)
    field = "exclusive_territory" if partner.exclusive_territory else "region"
    return TerritoryClash(name, region.path, exclusive, field)


def _check_territory(partner) -> None:
    clash = territory_clash(partner)
    if clash is not None:
        raise ValidationError({clash.field: clash.message()})


def _validate(partner, *, previous_owner_id=None) -> None:
    partner.credit_code = normalise_credit_code(partner.credit_code)
    try:
        partner.full_clean(exclude=["tenant", "status"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    for name in ("registered_capital", "credit_limit"):
        if getattr(partner, name) is not None and getattr(partner, name) < 0:
            raise ValidationError({name: _("The amount cannot be negative.")})
    if Partner.objects.filter(credit_code=partner.credit_code).exclude(pk=partner.pk).exists():
        raise ValidationError({"credit_code": _("Another partner already has this credit code.")})
    _check_owner(partner, previous_owner_id=previous_owner_id)
    _check_territory(partner)


def _save_new(partner, *, duplicate: ValidationError | None = None) -> None:
    """Insert the new partner; a credit code taken meanwhile is refused with ``duplicate``."""
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        raise duplicate or ValidationError(
            {"credit_code": _("Another partner already has this credit code.")}
        ) from None


def create_partner(*, data: dict, by, via: str = "web") -> Partner:
    roles.require(by, "partners.edit")
    partner = Partner(**{key: value for key, value in data.items() if key in PARTNER_FIELDS})
    if partner.owner_id is None and roles.role_of(by, get_current_tenant().pk) == Role.CHANNEL_MANAGER:
        partner.owner = by  # a manager's new partner joins their own portfolio
    _validate(partner)
    with transaction.atomic():
        _save_new(partner)
        audit.record(
            partner, "partner.created", actor=by, to_state=partner.status, changes=_created(partner), via=via
        )
        notify_owner(
            partner,
            by=by,
            title=Text(gettext_noop("New partner in your portfolio: %(name)s"), name=partner.name),
        )
    return partner


def _created(partner) -> dict:
    return {key: ["", value] for key, value in snapshot(partner).items() if value not in ("", "False")}


def update_partner(partner, *, data: dict, by, via: str = "web", reason: str = "") -> dict:
    """Apply ``data`` to the partner; returns the audit diff ({} when nothing changed).

    Where the tenant governs territory, channel type, tier and bank account by filing, only the
    tenant admin changes them here, and ``reason`` (kept on the timeline) is then required.
    On a refusal the instance is put back as it was, so the page shows the stored record.
    """
    roles.require(by, "partners.edit", partner.tenant_id)
    if partner.status == PartnerStatus.TERMINATED:
        raise ValidationError(_("A terminated partner's record is kept as it was and cannot be changed."))
    before = snapshot(partner)
    stored = {
        field.attname: getattr(partner, field.attname)
        for field in Partner._meta.concrete_fields
        if field.name in PARTNER_FIELDS
    }
    try:
        for key, value in data.items():
            if key in PARTNER_FIELDS:
                setattr(partner, key, value)
        _validate(partner, previous_owner_id=stored["owner_id"])
        changes = audit.diff(before, snapshot(partner))
        if not changes:
            return {}
        reason = (reason or "").strip()
        _check_governed(partner, changes, by=by, reason=reason)
        with transaction.atomic():
            partner.save()
            audit.record(partner, "partner.changed", actor=by, changes=changes, comment=reason, via=via)
            if partner.owner_id != stored["owner_id"]:
                notify_owner(
                    partner,
                    by=by,
                    title=Text(gettext_noop("Partner handed over to you: %(name)s"), name=partner.name),
                )
    except ValidationError:
        _restore(partner, stored)
        raise
    except IntegrityError:
        _restore(partner, stored)
        raise ValidationError({"credit_code": _("Another partner already has this credit code.")}) from None
    except ConcurrentTransition:
        partner.refresh_from_db()
        raise ValidationError(
            _("Someone changed this partner's status while you were editing; please check and save again.")
        ) from None
    return changes


def _check_governed(partner, changes: dict, *, by, reason: str) -> None:
    governed = [name for name in GOVERNED_FIELDS if name in changes]
    if not governed or not governed_by_filing(partner.tenant):
        return
    if not may_edit_governed(by, partner.tenant):
        message = _("This changes only through a recorded change filing.")
        raise ValidationError({name: message for name in governed})
    if not reason:
        raise ValidationError(
            {"reason": _("Say why territory, channel type, tier or bank account change without a filing.")}
        )


def _restore(partner, stored: dict) -> None:
    for attname, value in stored.items():
        setattr(partner, attname, value)


def notify_owner(partner, *, by, title, kind: str = Kind.GENERAL) -> None:
    if partner.owner_id and partner.owner_id != getattr(by, "pk", None):
        notify([partner.owner_id], kind=kind, title=title, url=partner_url(partner), actor=by)


# --- status --------------------------------------------------------------------------------
# Each change runs through channelhub.workflow.transition(): it locks the row, refuses a copy
# someone else changed meanwhile (AlreadyChanged, naming who and when), checks the transition's
# permission (partners.change_status) or the authority standing in for it, stamps
# status_changed_at (Partner.stamp_transition) and writes the audit entry.

ACTION_WORDS = {
    "suspend": lambda: _("suspended"),
    "terminate": lambda: _("terminated"),
    "reactivate": lambda: _("reactivated"),
}


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason: it is kept in the partner's history.")})
    return reason


def _refused(action: str):
    """The runner's ``refused=`` message when the partner's state does not allow ``action``."""

    def message(partner) -> str:
        return _("A partner that is %(status)s cannot be %(action)s.") % {
            "status": partner.get_status_display(),
            "action": ACTION_WORDS[action](),
        }

    return message


def _status_recipients(partner, by) -> list:
    """Who hears of a status change: the owner and the partner's own admins (not the actor)."""
    admins = Membership.objects.filter(partner=partner, role=Role.PARTNER_ADMIN, is_active=True).values_list(
        "user_id", flat=True
    )
    recipients = {partner.owner_id, *admins} - {None, getattr(by, "pk", None)}
    return sorted(recipients)


def _announce_status(partner, *, by, reason: str) -> None:
    notify(
        _status_recipients(partner, by),
        kind=Kind.PARTNER_STATUS,
        title=Text(
            gettext_noop("%(name)s is now %(status)s"), name=partner.name, status=choice(partner, "status")
        ),
        body=reason,
        url=partner_url(partner),
        actor=by,
    )


def _suspend(partner, *, reason: str, by, authority: str | None = None, via: str = "web") -> Partner:
    reason = _reason(reason)
    with transaction.atomic():
        workflow.transition(
            partner,
            "suspend",
            by=by,
            verb="partner.suspended",
            comment=reason,
            via=via,
            fields={"status_reason": reason},
            authority=authority,
            refused=_refused("suspend"),
        )
        _announce_status(partner, by=by, reason=reason)
    return partner


def _terminate(partner, *, reason: str, by, authority: str | None = None, via: str = "web") -> Partner:
    reason = _reason(reason)
    with transaction.atomic():
        workflow.transition(
            partner,
            "terminate",
            by=by,
            verb="partner.terminated",
            comment=reason,
            via=via,
            fields={"status_reason": reason},
            authority=authority,
            refused=_refused("terminate"),
        )
        # A pending reactivation (or admission) request dies with the partner.
        approvals.cancel_pending(partner, by=by, reason=_("The partner was terminated."))
        _announce_status(partner, by=by, reason=reason)
    return partner


def suspend_partner(partner, *, reason: str, by) -> Partner:
    return _suspend(partner, reason=reason, by=by)


def terminate_partner(partner, *, reason: str, by) -> Partner:
    return _terminate(partner, reason=reason, by=by)


def pending_reactivation(partner) -> ApprovalRequest | None:
    """The partner's reactivation (or admission) request waiting for an executive, if any."""
    return approvals.pending_request(partner, action=REACTIVATE)


def request_reactivation(partner, *, reason: str, by) -> ApprovalRequest:
    """A manager or supervisor asks an executive to reactivate a suspended partner, or to
    admit a pending one."""
    roles.require(by, "partners.request_reactivation", partner.tenant_id)
    reason = _reason(reason)
    if partner.status not in (PartnerStatus.SUSPENDED, PartnerStatus.PENDING):
        raise ValidationError(_("Only a suspended partner can be reactivated."))
    admission = partner.status == PartnerStatus.PENDING
    with transaction.atomic():
        audit.record(partner, "partner.reactivation_requested", actor=by, comment=reason)
        if admission:
            title = _("Admit %(name)s as an active partner") % {"name": partner.name}
        else:
            title = _("Reactivate %(name)s") % {"name": partner.name}
        request = approvals.request_approval(
            partner,
            action=REACTIVATE,
            title=title,
            summary=reason,
            steps=[Approver(role=Role.EXECUTIVE)],
            by=by,
        )
    return request


def reactivate_partner(partner, *, approval: ApprovalRequest, by) -> Partner:
    """Run by the approval action when the executive approves (inside decide()'s transaction):
    the approval is the transition's authority (``Partner.reactivate``: ``BY_APPROVAL``)."""
    if (
        approval.action != REACTIVATE
        or approval.object_id != partner.pk
        or approval.tenant_id != partner.tenant_id
        or approval.status != ApprovalStatus.APPROVED
    ):
        raise PermissionDenied("reactivation needs an approved request")
    reason = _reason(approval.summary or approval.title)
    with transaction.atomic():
        workflow.transition(
            partner,
            "reactivate",
            by=by,
            verb="partner.reactivated",
            comment=reason,
            fields={"status_reason": reason},
            refused=_refused("reactivate"),
        )
        _announce_status(partner, by=by, reason=reason)
    return partner


# --- contacts, documents, rewards and penalties ---------------------------------------------


def save_contact(partner, *, data: dict, by, contact: PartnerContact | None = None) -> PartnerContact:
    roles.require(by, "partners.edit", partner.tenant_id)
    creating = contact is None
    contact = contact or PartnerContact(partner=partner)
    before = {} if creating else _contact_values(contact)
    for key in ("name", "position", "mobile", "email", "is_primary", "is_active", "notes"):
        if key in data:
            setattr(contact, key, data[key])
    if contact.is_primary and contact.is_active:
        others = partner.contacts.filter(is_primary=True, is_active=True).exclude(pk=contact.pk)
    else:
        others = None
    changes = audit.diff(before, _contact_values(contact))
    try:
        with transaction.atomic():
            if others is not None:
                others.update(is_primary=False)  # one primary contact at a time
            contact.save()
            if changes:
                verb = "partner.contact_added" if creating else "partner.contact_changed"
                audit.record(partner, verb, actor=by, comment=contact.name, changes=changes)
    except IntegrityError:
        raise ValidationError({"name": _("This partner already has a contact with this name.")}) from None
    return contact


def _contact_values(contact) -> dict:
    return {
        "contact": contact.name,
        "position": contact.position,
        "mobile": contact.mobile,
        "email": contact.email,
        "is_primary": str(contact.is_primary),
        "is_active": str(contact.is_active),
        "notes": contact.notes,
    }


def add_document(
    partner, *, uploaded, kind, number="", issued_on=None, expires_on=None, by
) -> PartnerDocument:
    """Store an already validated upload (PrivateFileField) as a qualification document."""
    role = roles.role_of(by, partner.tenant_id)
    if not roles.can(role, "partners.upload_document"):
        raise PermissionDenied(_("Your role may not upload documents."))
    if role in roles.PARTNER_ROLES:
        membership_partner = (
            Membership.objects.filter(user=by, is_active=True).values_list("partner_id", flat=True).first()
        )
        if membership_partner != partner.pk:
            raise PermissionDenied(_("You may upload documents for your own company only."))
    if issued_on and expires_on and expires_on < issued_on:
        raise ValidationError({"expires_on": _("The document cannot expire before it was issued.")})
    with transaction.atomic():
        stored = files.store_file(partner, uploaded, kind="qualification", by=by)
        document = PartnerDocument.objects.create(
            partner=partner,
            kind=kind,
            number=number or "",
            issued_on=issued_on,
            expires_on=expires_on,
            file=stored,
            uploaded_by=by,
        )
        audit.record(
            partner,
            "partner.document_added",
            actor=by,
            comment=str(document),
            changes={"valid_until": ["", str(expires_on or "")]} if expires_on else None,
        )
    return document


def record_reward_penalty(partner, *, kind, category, amount, reason, date, by) -> RewardPenalty:
    roles.require(by, "partners.record_reward_penalty", partner.tenant_id)
    if category not in CATEGORIES_OF.get(kind, ()):
        raise ValidationError({"category": _("This category does not belong to the chosen kind.")})
    if category in AMOUNT_REQUIRED and not amount:
        raise ValidationError({"amount": _("Please enter the amount.")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    with transaction.atomic():
        entry = RewardPenalty.objects.create(
            partner=partner,
            kind=kind,
            category=category,
            amount=amount,
            reason=reason,
            date=date,
            recorded_by=by,
        )
        audit.record(
            partner,
            f"partner.{kind}_recorded",
            actor=by,
            comment=reason,
            # Codes, put into the reader's words by the timeline (partners/registration.py).
            changes={"category": ["", entry.category], "amount": ["", str(amount or "")]},
        )
        if kind == "penalty":
            notify_owner(
                partner,
                by=by,
                title=Text(
                    gettext_noop("Penalty recorded for %(name)s: %(category)s"),
                    name=partner.name,
                    category=choice(entry, "category"),
                ),
            )
    return entry


# --- tenant settings: tiers and regions -----------------------------------------------------


def save_tier(*, data: dict, by, tier: Tier | None = None) -> Tier:
    roles.require(by, "tenant.configure")
    creating = tier is None
    tier = tier or Tier()
    before = {} if creating else _plain_values(tier, TIER_FIELDS)
    for key in TIER_FIELDS:
        if key in data:
            setattr(tier, key, data[key])
    try:
        with transaction.atomic():
            tier.save()
            changes = audit.diff(before, _plain_values(tier, TIER_FIELDS))
            if changes:
                audit.record(tier, "tier.created" if creating else "tier.changed", actor=by, changes=changes)
    except IntegrityError:
        raise ValidationError({"name": _("A tier with this name exists already.")}) from None
    return tier


def save_region(*, data: dict, by, region: Region | None = None) -> Region:
    roles.require(by, "tenant.configure")
    creating = region is None
    region = region or Region(parent=data.get("parent"))
    before = {} if creating else _plain_values(region, REGION_FIELDS)
    for key in REGION_FIELDS:
        if key in data:
            setattr(region, key, data[key])
    region.clean()
    try:
        with transaction.atomic():
            region.save()
            changes = audit.diff(before, _plain_values(region, REGION_FIELDS))
            if changes:
                audit.record(
                    region, "region.created" if creating else "region.changed", actor=by, changes=changes
                )
    except IntegrityError:
        raise ValidationError(
            {"name": _("This name or division code is already used at this place of the tree.")}
        ) from None
    return region


TIER_FIELDS = ("name", "rank", "description", "is_active")
REGION_FIELDS = ("name", "code", "is_active")


def _plain_values(obj, fields) -> dict:
    return {key: str(getattr(obj, key)) for key in fields}


# --- changes a recorded filing authorises (filings app, seed 002) ---------------------------
# Recording a filing (备案) is itself the authority for these changes: the channel department
# clerk who records it, or the daily job (``by=None``), holds no partners.* role. The registry's
# own checks (credit code, owner, exclusive territory), history and notifications still apply.
# The filings app decides what changes and refuses stale filings before calling these.


def create_by_filing(*, data: dict, by, reference: str) -> Partner:
    """A new channel filing's partner: pending admission until an executive approves it (the
    same request-and-approve path as a reactivation); it may not do business before."""
    partner = Partner(
        **{key: value for key, value in data.items() if key in PARTNER_FIELDS},
        status=PartnerStatus.PENDING,
        status_reason=_("Created by %(reference)s; waits for admission.") % {"reference": reference},
        status_changed_at=timezone.now(),
    )
    _validate(partner)
    with transaction.atomic():
        _save_new(partner)
        audit.record(
            partner,
            "partner.created",
            actor=by,
            to_state=partner.status,
            changes=_created(partner),
            comment=partner.status_reason,
            via="filing",
        )
    return partner


def update_by_filing(partner, *, data: dict, by, reference: str) -> dict:
    """Apply a recorded change filing's values; returns the audit diff. Call inside a transaction."""
    previous_owner_id = partner.owner_id
    before = snapshot(partner)
    for key, value in data.items():
        if key in PARTNER_FIELDS:
            setattr(partner, key, value)
    _validate(partner, previous_owner_id=previous_owner_id)
    changes = audit.diff(before, snapshot(partner))
    if changes:
        partner.save()
        audit.record(partner, "partner.changed", actor=by, changes=changes, comment=reference, via="filing")
    return changes


def replace_primary_contact_by_filing(partner, *, data: dict, by, reference: str) -> PartnerContact:
    """The primary contact a change filing names (name, mobile, e-mail). Another name is another
    person: the old contact stays in the record, no longer primary."""
    current = partner.contacts.filter(is_primary=True, is_active=True).first()
    name = (data.get("name") or "").strip()
    if current is not None and (not name or name == current.name):
        contact, before = current, _contact_values(current)
    else:
        contact = partner.contacts.filter(name=name).first() or PartnerContact(partner=partner, name=name)
        before = {} if contact.pk is None else _contact_values(contact)
        if current is not None:
            partner.contacts.filter(pk=current.pk).update(is_primary=False)
    for key in ("mobile", "email"):
        if key in data:
            setattr(contact, key, data[key] or "")
    contact.is_primary = contact.is_active = True
    contact.save()
    changes = audit.diff(before, _contact_values(contact))
    if changes:
        verb = "partner.contact_added" if not before else "partner.contact_changed"
        audit.record(
            partner, verb, actor=by, comment=f"{contact.name} · {reference}", changes=changes, via="filing"
        )
    return contact


def suspend_by_filing(partner, *, reason: str, by) -> Partner:
    return _suspend(partner, reason=reason, by=by, authority="filing", via="filing")


def terminate_by_filing(partner, *, reason: str, by) -> Partner:
    return _terminate(partner, reason=reason, by=by, authority="filing", via="filing")


# --- the partner record of an admitted application (onboarding) ------------------------------
# The admission (the application's approval and signed contract) is the authority: whoever
# completes it holds no partners.* role for it. The registry's own checks still apply.


def create_by_admission(*, data: dict, by, reference: str) -> Partner:
    """The partner record of an admitted application: active at once, remembering the
    application's ``reference`` (``admission_reference``). ``data`` holds Partner field values
    (other keys are ignored). Refuses a credit code already in the registry, an owner who is
    not an active channel manager and a clash of exclusive territories. Call inside the
    admission's transaction."""
    partner = Partner(
        **{key: value for key, value in data.items() if key in PARTNER_FIELDS},
        status=PartnerStatus.ACTIVE,
        admission_reference=reference,
    )
    partner.credit_code = normalise_credit_code(partner.credit_code)
    duplicate = ValidationError(_("A partner with this credit code already exists."))
    if partner.credit_code and Partner.objects.filter(credit_code=partner.credit_code).exists():
        raise duplicate
    _validate(partner)
    with transaction.atomic():
        _save_new(partner, duplicate=duplicate)
        audit.record(
            partner,
            "partner.created",
            actor=by,
            to_state=partner.status,
            changes=_created(partner),
            comment=_("Admitted through application %(reference)s.") % {"reference": reference},
            via="admission",
        )
    return partner


def admitted(credit_code: str) -> Partner | None:
    """The partner of this credit code that was admitted through an application, if any."""
    code = normalise_credit_code(credit_code or "")
    if not code:
        return None
    return Partner.objects.filter(credit_code=code).exclude(admission_reference="").first()


# --- territory questions asked before a change is made (filings, onboarding) -----------------


def territory_problem(partner, *, anonymous: bool = False) -> tuple[str, str] | None:
    """``(field, message)`` when ``partner`` — saved or not, as it would be after a change — clashes
    with another partner's exclusive territory (the registry's own rule, ``_check_territory``);
    ``None`` when it does not. Lets a filing or a contract be checked when it is drafted and
    submitted, long before the registry would refuse the change itself. ``anonymous``: the
    message does not name the other partner (for partner users)."""
    clash = territory_clash(partner)
    if clash is None:
        return None
    return clash.field, clash.message(holder=_("Another partner") if anonymous else None)


# The suffixes a place name may be written with or without (浙江 / 浙江省, 杭州 / 杭州市).
_PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "省", "市", "区", "县", "州", "盟", "旗")


def _place_key(name: str) -> str:
    name = "".join((name or "").split())
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def region_for(names) -> Region | None:
    """The region of the tenant's territory tree that ``names`` (province first: "浙江省",
    "杭州市", "西湖区") name, with or without the 省/市/区/县 suffix; ``None`` unless every name
    is found (a territory is never widened to the province because its city is missing)."""
    names = [name for name in names if name and name.strip()]
    if not names:
        return None
    rows = list(Region.objects.filter(is_active=True).values_list("pk", "parent_id", "name"))
    parent_id = None
    for name in names:
        found = [pk for pk, parent, label in rows if parent == parent_id and label == name.strip()] or [
            pk for pk, parent, label in rows if parent == parent_id and _place_key(label) == _place_key(name)
        ]
        if len(found) != 1:
            return None
        parent_id = found[0]
    return Region.objects.select_related("parent__parent").get(pk=parent_id)


# --- what an admitted application brings along (onboarding) ----------------------------------


_CARRIED = ("contact", "position", "mobile", "email")  # what the application's contact brings


def carry_over_admission(partner, *, by, reference: str, contact: dict | None = None, documents=()) -> dict:
    """Give the partner an admitted application's primary contact and qualification documents,
    each marked with where it came from (``admission_reference``, worded on the page in the
    reader's language; the timeline entries name ``reference`` too). ``contact``: name, position, mobile, email; ``documents``: ``(stored file of the
    partner, document code)`` pairs — a code the registry knows (``business_licence``…) keeps its
    kind, any other becomes "other". Call inside the admission's transaction. Returns what was
    added: ``{"contact": PartnerContact | None, "documents": [PartnerDocument]}``."""
    added = {"contact": None, "documents": []}
    contact = contact or {}
    name = str(contact.get("name") or "").strip()
    if name:
        values = {
            "name": name[:60],
            "position": str(contact.get("position") or "").strip()[:60],
            # A phone number object or text: the contact's field takes either (its own form).
            "mobile": contact.get("mobile") or "",
            "email": str(contact.get("email") or "").strip(),
        }
        current = partner.contacts.filter(is_primary=True, is_active=True).exists()
        new = PartnerContact(partner=partner, is_primary=not current, admission_reference=reference, **values)
        new.save()  # the application's form checked these values when the applicant sent them
        audit.record(
            partner,
            "partner.contact_added",
            actor=by,
            comment=f"{new.name} · {reference}",
            changes=audit.diff({}, {k: v for k, v in _contact_values(new).items() if k in _CARRIED}),
            via="admission",
        )
        added["contact"] = new
    kinds = {value for value, _label in DocumentKind.choices}
    for stored, code in documents:
        document = PartnerDocument.objects.create(
            partner=partner,
            kind=code if code in kinds else DocumentKind.OTHER,
            file=stored,
            uploaded_by=stored.uploaded_by,
            admission_reference=reference,
        )
        audit.record(
            partner,
            "partner.document_added",
            actor=by,
            comment=f"{stored.original_name} · {reference}",
            via="admission",
        )
        added["documents"].append(document)
    return added
