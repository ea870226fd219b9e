"""Every change of a filing: create, edit, attach, submit, approve / return / reject
(through the shared approval mechanism), withdraw, record, take effect; and the module's
tenant settings. Expiry is the daily job's (filings.jobs).

Each function owns its transaction (or joins the caller's), runs the transition through
``channelhub.workflow.transition()`` — which checks who may, refuses a copy someone else
moved first (``AlreadyChanged``) and writes the audit entry — and queues notifications
on commit. Views validate input and call these.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channelhub import approvals, audit, periods, roles, workflow
from channelhub.approvals import Approver
from channelhub.files import store_file
from channelhub.models import Activity, Membership
from channelhub.notifications import Kind, Text, choice, notify
from channelhub.roles import Role, members_with
from channelhub.tenancy import get_current_tenant
from filings import checks, deadlines, effects, partner_fields
from filings.models import (
    SETTINGS_FIELDS,
    Filing,
    FilingKind,
    FilingSettings,
    FilingState,
    RecordCounter,
    RequiredAttachment,
)
from partners.models import ChannelType, Partner

K, S = FilingKind, FilingState
APPROVAL_ACTION = "filings.filing"

# Seed 002's new-store rule: 门头照片, 合作协议 (否则报备无效), 店家银行账号及开户信息.
STORE_TYPES = [
    ChannelType.FRANCHISE,
    ChannelType.COOPERATIVE_HALL,
    ChannelType.EXCLUSIVE_STORE,
    ChannelType.CONCURRENT_STORE,
]
# Stored per tenant as data (not interface text), so they are written in the tenant's language
# here rather than through the translation catalogue.
DEFAULT_ATTACHMENTS = [
    (K.NEW, "storefront_photo", {"zh-hans": "门头照片", "en": "Storefront photo"}, STORE_TYPES),
    (K.NEW, "cooperation_agreement", {"zh-hans": "合作协议", "en": "Cooperation agreement"}, STORE_TYPES),
    (
        K.NEW,
        "bank_account",
        {"zh-hans": "店家银行账号及开户信息", "en": "Bank account and opening details"},
        STORE_TYPES,
    ),
]


class StaleFiling(Exception):
    """The partner changed after the filing was made: recording stopped, the filing went back."""

    def __init__(self, filing: Filing, conflicts: dict):
        super().__init__("stale filing")
        self.filing, self.conflicts = filing, conflicts


# --- settings ---------------------------------------------------------------------------------


def get_settings() -> FilingSettings:
    """The active tenant's filing settings, created with seed 002's defaults on first use."""
    found = FilingSettings.objects.first()
    if found is not None:
        return found
    with transaction.atomic():
        found, created = FilingSettings.objects.get_or_create()
        if created:
            language = get_current_tenant().default_language
            for order, (kind, code, labels, types) in enumerate(DEFAULT_ATTACHMENTS):
                RequiredAttachment.objects.get_or_create(
                    kind=kind,
                    code=code,
                    defaults={
                        "label": labels.get(language, labels["en"]),
                        "channel_types": [str(t) for t in types],
                        "sort_order": order,
                    },
                )
    return found


def update_settings(*, data: dict, by) -> FilingSettings:
    """Change the tenant's deadlines, protection period and record number prefix."""
    roles.require(by, "tenant.configure")
    with transaction.atomic():
        cfg = FilingSettings.objects.select_for_update().get(pk=get_settings().pk)
        audit.apply_changes(cfg, SETTINGS_FIELDS, data, by=by, verb="filings.settings_changed")
    return cfg


def add_required_attachment(*, data: dict, by) -> RequiredAttachment:
    """A document filings of ``data["kind"]`` (for ``channel_types``; none: all) must carry."""
    roles.require(by, "tenant.configure")
    requirement = RequiredAttachment(
        kind=data["kind"],
        code=data["code"],
        label=data["label"],
        channel_types=list(data.get("channel_types") or []),
    )
    try:
        with transaction.atomic():
            requirement.save()
            audit.record(requirement, "filings.attachment_required", actor=by, comment=requirement.label)
    except IntegrityError:
        raise ValidationError({"code": _("This code is already used for this kind of filing.")}) from None
    return requirement


def toggle_required_attachment(requirement: RequiredAttachment, *, by) -> RequiredAttachment:
    """Stop (or start again) requiring an attachment; filings already submitted keep theirs."""
    roles.require(by, "tenant.configure")
    with transaction.atomic():
        requirement = RequiredAttachment.objects.select_for_update().get(pk=requirement.pk)
        requirement.is_active = not requirement.is_active
        requirement.save(update_fields=["is_active"])
        audit.record(
            requirement,
            "filings.attachment_enabled" if requirement.is_active else "filings.attachment_disabled",
            actor=by,
            comment=requirement.label,
        )
    return requirement


# --- helpers ------------------------------------------------------------------------------------


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


def filing_url(filing: Filing) -> str:
    return reverse("filings:detail", kwargs={"tenant_slug": get_current_tenant().slug, "pk": filing.pk})


def title_of(filing: Filing) -> str:
    return _("%(kind)s: %(name)s") % {"kind": filing.get_kind_display(), "name": filing.subject_name}


def notice_title(filing: Filing) -> Text:
    """``title_of`` kept as words to translate for each reader (notifications and their e-mails)."""
    return Text(gettext_noop("%(kind)s: %(name)s"), kind=choice(filing, "kind"), name=filing.subject_name)


def _notify(recipients, filing: Filing, title, body="", kind=Kind.GENERAL, by=None) -> None:
    notify(recipients, kind=kind, title=title, body=body, url=filing_url(filing), actor=by)


def _channel_type_for(kind, partner, proposed) -> str:
    if kind == K.NEW:
        return proposed.get("channel_type", "") or ""
    return partner.channel_type if partner is not None else ""


def _proposed_changes(partner, values: dict) -> dict:
    """Only the fields whose value differs from the partner's current one."""
    current = partner_fields.snapshot(partner)
    return {
        name: value
        for name, value in values.items()
        if name in current and not partner_fields.same(current[name], value)
    }


# --- drafting -----------------------------------------------------------------------------------


def create_filing(
    *, kind: str, by, partner: Partner | None = None, fields: dict, proposed: dict, by_partner: bool = False
) -> Filing:
    """A draft filing. ``fields`` are the form's own fields (reason, impact, dates...);
    ``proposed`` partner values: all of them for a new channel, the edited ones for a change.
    ``by_partner``: filed by a partner user for its own channel."""
    _require(kind in K.values, _("Unknown filing kind."))
    if kind != K.NEW:
        _require(partner is not None, _("Choose the partner."))
    with transaction.atomic():
        filing = Filing(
            kind=kind,
            partner=partner if kind != K.NEW else None,
            created_by=by,
            filed_by_partner=by_partner,
            **fields,
        )
        if kind == K.CHANGE:
            filing.proposed = _proposed_changes(partner, proposed)
            filing.baseline = partner_fields.snapshot(partner)
        elif kind == K.NEW:
            filing.proposed = proposed
        filing.channel_type = _channel_type_for(kind, partner, filing.proposed)
        _refuse_territory_clash(filing, by=by)
        filing.save()
        audit.record(filing, "filing.created", actor=by, to_state=filing.state)
    return filing


def update_filing(filing: Filing, *, by, fields: dict, proposed: dict) -> Filing:
    """Edit a draft or returned filing. A change filing is re-based on the partner as it is now
    (this is the "refreshed filing" a stale one asks for)."""
    with transaction.atomic():
        locked = workflow.lock(filing)
        _require(locked.is_editable, _("Only drafts and returned filings can be edited."))
        before = _editable_values(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        if locked.kind == K.CHANGE:
            partner = Partner.objects.select_for_update().get(pk=locked.partner_id)
            locked.proposed = _proposed_changes(partner, proposed)
            locked.baseline = partner_fields.snapshot(partner)
        elif locked.kind == K.NEW:
            locked.proposed = proposed
        locked.channel_type = _channel_type_for(locked.kind, locked.partner, locked.proposed)
        _refuse_territory_clash(locked, by=by)
        locked.save()
        changes = audit.diff(before, _editable_values(locked))
        audit.record(locked, "filing.edited", actor=by, changes=changes)
    return locked


def _for_partner_user(by, filing: Filing) -> bool:
    """Messages for a partner user name no other partner."""
    return roles.role_of(by, filing.tenant_id or get_current_tenant().pk) in roles.PARTNER_ROLES


def _refuse_territory_clash(filing: Filing, *, by) -> None:
    """Checked when the filing is drafted (and again when it is submitted, approved and recorded,
    through the checklist): a territory that clashes with another partner's exclusive rights is
    refused beside the field it is about, while the filer is still at the form."""
    clash = checks.territory_problem(filing, anonymous=_for_partner_user(by, filing))
    if clash is not None:
        field, message = clash
        raise ValidationError({field: message})


def _editable_values(filing: Filing) -> dict:
    values = {
        str(Filing._meta.get_field(name).verbose_name): getattr(filing, name)
        for name in (
            "basic_situation",
            "expected_annual_sales",
            "expected_scale_notes",
            "expected_start_date",
            "resources_needed",
            "reason",
            "impact",
            "termination_date",
        )
        if getattr(filing, name) not in (None, "")
    }
    for label, value in partner_fields.labelled(filing.proposed):
        values[label] = value
    return values


def add_attachment(filing: Filing, uploaded, *, code: str, by):
    """Attach a supporting document (``code``: a required attachment's code, or "other")."""
    with transaction.atomic():
        locked = workflow.lock(filing)
        _require(locked.is_editable, _("Attachments can be added while the filing is a draft or returned."))
        return store_file(locked, uploaded, kind=code or "other", by=by)


# --- submission and approval --------------------------------------------------------------------


def submit_filing(filing: Filing, *, by) -> Filing:
    """Check completeness, fix the validity on first submission and ask the supervisor."""
    get_settings()  # made (with the default attachments) outside the transaction a refusal rolls back
    with transaction.atomic():
        locked = workflow.lock(filing)
        if not locked.is_editable:
            raise workflow.WrongState(locked, _("This filing has already been submitted."))
        today = periods.today()
        if locked.valid_until is None:
            locked.valid_until = deadlines.validity_end(today, get_settings())
        if locked.kind == K.TERMINATION and locked.partner_id:
            locked.impact_snapshot = checks.termination_impact(locked.partner)
        result = checks.checklist(locked, today=today, anonymous=_for_partner_user(by, locked))
        if not result.passed:
            raise ValidationError(
                _("The filing is not complete: %(problems)s") % {"problems": result.message()}
            )
        workflow.transition(
            locked,
            "submit",
            by=by,
            verb="filing.submitted",
            fields={"revision": locked.revision + 1, "submitted_by": by, "submitted_at": timezone.now()},
        )
        approvals.request_approval(
            locked,
            action=APPROVAL_ACTION,
            title=title_of(locked),
            steps=[Approver(role=Role.CHANNEL_SUPERVISOR)],
            by=by,
        )
    return locked


def _decided_via(request) -> str:
    step = request.steps.exclude(decision="").order_by("-order").first()
    return step.via if step is not None and step.via else "web"


def _decision_comment(request) -> str:
    step = request.steps.exclude(decision="").order_by("-order").first()
    return step.comment if step is not None else ""


def on_approved(filing: Filing, request, by) -> None:
    """The supervisor approved (run by approvals.decide, inside its transaction): the checklist
    must still pass; the clerks are told to record it by the deadline."""
    locked = workflow.lock(filing)
    today = periods.today()
    result = checks.checklist(locked, today=today)
    if not result.passed:
        raise ValidationError(
            _("This filing cannot be approved: %(problems)s. Return it for correction instead.")
            % {"problems": result.message()}
        )
    workflow.transition(
        locked,
        "approve",
        by=by,
        verb="filing.approved",
        via=_decided_via(request),
        fields={
            "approved_by": by,
            "approved_at": timezone.now(),
            "record_due": min(deadlines.record_due(today, get_settings()), locked.valid_until or today),
        },
    )
    _notify(
        members_with(Role.CLERK),
        locked,
        Text(
            gettext_noop("To be recorded by %(date)s: %(title)s"),
            date=locked.record_due.isoformat(),
            title=notice_title(locked),
        ),
        by=by,
    )


def on_returned(filing: Filing, request, by) -> None:
    workflow.transition(
        filing,
        "return_for_correction",
        by=by,
        verb="filing.returned",
        comment=_decision_comment(request),
        via=_decided_via(request),
    )


def on_rejected(filing: Filing, request, by) -> None:
    workflow.transition(
        filing,
        "reject",
        by=by,
        verb="filing.rejected",
        comment=_decision_comment(request),
        via=_decided_via(request),
        fields={"closed_at": timezone.now()},
    )


def describe(filing: Filing) -> list[tuple[str, str]]:
    """What the supervisor sees in the portal and in the e-mail: the filing, its diff, the checklist."""
    from filings.presenters import approval_rows

    return approval_rows(filing)


def withdraw_filing(filing: Filing, *, by, reason: str = "") -> Filing:
    """The filer takes the filing back while it waits; its open approval (and links) die with it."""
    with transaction.atomic():
        # The approval request first, then the filing: the order approvals.decide() locks them
        # in, so a withdrawal and a decision at the same moment queue instead of deadlocking.
        approvals.cancel_pending(filing, by=by, reason=reason)
        workflow.transition(
            filing,
            "withdraw",
            by=by,
            verb="filing.withdrawn",
            comment=reason,
            fields={"closed_at": timezone.now()},
            refused=_("This filing can no longer be withdrawn."),
        )
    return filing


# --- recording (备案) ----------------------------------------------------------------------------


def next_record_seq(year: int) -> int:
    """The next number of the tenant's sequence for ``year``. Call inside the recording transaction:
    the counter row stays locked until it commits, so concurrent recordings queue here."""
    RecordCounter.objects.get_or_create(year=year)
    counter = RecordCounter.objects.select_for_update().get(year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return counter.last_seq


def record_filing(filing: Filing, *, by, note: str = "") -> Filing:
    """Record an approved filing: a record number and time, then its effect on the partner.

    A change filing whose partner changed since it was made is not applied: it goes
    back to the filer for a refreshed filing, and ``StaleFiling`` says what changed.
    Another clerk who recorded it first: ``workflow.AlreadyChanged`` (no number is used).
    """
    roles.require(by, "filings.record", filing.tenant_id)  # also for the send-back below
    conflicts = {}
    try:
        with transaction.atomic():
            locked = workflow.lock(filing)
            if locked.state != S.APPROVED:
                raise workflow.WrongState(locked, _("Only approved filings can be recorded."))
            today = periods.today()
            if locked.valid_until and today > locked.valid_until:
                raise ValidationError(
                    _("This filing's validity ended on %(date)s; it can no longer be recorded.")
                    % {"date": locked.valid_until.isoformat()}
                )
            partner = None
            if locked.partner_id:
                partner = Partner.objects.select_for_update().get(pk=locked.partner_id)
            if locked.kind == K.CHANGE:
                conflicts = checks.stale_fields(locked, partner)
            if conflicts:
                _send_back_stale(locked, conflicts, by=by, note=note)
            else:
                result = checks.checklist(locked, today=today)
                if not result.passed:
                    raise ValidationError(
                        _("This filing cannot be recorded: %(problems)s") % {"problems": result.message()}
                    )
                try:
                    _record(locked, partner, by=by, note=note, today=today)
                except ValidationError as refused:  # the registry's own checks, a moment later
                    if isinstance(refused, workflow.WrongState):
                        raise
                    raise ValidationError(
                        _("This filing cannot be recorded: %(problems)s")
                        % {"problems": "; ".join(refused.messages)}
                    ) from None
    except ValidationError as blocked:
        if not isinstance(blocked, workflow.WrongState):  # not "someone else recorded it first"
            _announce_blocked(filing, blocked, by=by)
        raise
    if conflicts:
        raise StaleFiling(locked, conflicts)
    return locked


def _filer_side(filing: Filing) -> set:
    """Who filed it and who answers for the partner: the filer, the submitter, the partner's
    channel manager."""
    people = {filing.created_by_id, filing.submitted_by_id}
    if filing.partner_id:
        people.add(filing.partner.owner_id)
    return people - {None}


def _announce_blocked(filing: Filing, refusal: ValidationError, *, by) -> None:
    """A refused recording is written down (the filing's timeline) and told to the filer's side and
    the approver — in its own transaction, since the recording's rolled back. Told once per reason:
    the clerk trying again changes nothing."""
    reasons = "; ".join(refusal.messages)
    with transaction.atomic():
        last = (
            Activity.objects.filter(
                content_type=ContentType.objects.get_for_model(Filing), object_id=filing.pk
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if last is not None and last.verb == "filing.record_blocked" and last.comment == reasons:
            return
        audit.record(filing, "filing.record_blocked", actor=by, comment=reasons)
        _notify(
            _filer_side(filing) | ({filing.approved_by_id} - {None}),
            filing,
            Text(gettext_noop("Recording blocked: %(title)s"), title=notice_title(filing)),
            Text(
                gettext_noop(
                    "%(clerk)s could not record this approved filing: %(reasons)s. "
                    "The clerk sends it back to the filer to correct it (or the filer withdraws it)."
                ),
                clerk=by.display_name,
                reasons=reasons,
            ),
            by=by,
        )


def send_back_filing(filing: Filing, *, by, reason: str) -> Filing:
    """The clerk sends an approved filing that cannot be recorded back to its filer, who corrects it
    and submits it again (a new approval). The reason goes on the timeline and to the filer's side."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please say why: the filer reads it.")})
    with transaction.atomic():
        workflow.transition(
            filing,
            "send_back",
            by=by,
            verb="filing.sent_back",
            comment=reason,
            refused=_("Only an approved filing that waits for recording can be sent back."),
        )
        _notify(
            _filer_side(filing),
            filing,
            Text(
                gettext_noop("Sent back by the clerk for correction: %(title)s"), title=notice_title(filing)
            ),
            Text(
                gettext_noop("%(clerk)s sent it back: %(reason)s. Correct it and submit it again."),
                clerk=by.display_name,
                reason=reason,
            ),
            by=by,
        )
    return filing


def _send_back_stale(filing: Filing, conflicts: dict, *, by, note: str = "") -> None:
    # Not the supervisor's decision: the recording found the partner changed (the clerk's
    # filings.record is checked by record_filing), so the send-back is the system's. The note the
    # clerk typed for the recording is kept with it (nothing typed is lost).
    comment = _("The partner record changed after this filing was made. Please check and resubmit it.")
    workflow.transition(
        filing,
        "return_for_correction",
        by=by,
        verb="filing.stale",
        authority="system",
        changes=conflicts,
        comment=comment + (f"\n{note.strip()}" if note and note.strip() else ""),
    )
    _notify(
        [filing.created_by],
        filing,
        Text(gettext_noop("Please refresh your filing: %(title)s"), title=notice_title(filing)),
        Text(
            gettext_noop("The partner record changed after the filing was made: %(fields)s"),
            fields=", ".join(conflicts),
        ),
        by=by,
    )


def _record(filing: Filing, partner, *, by, note: str, today) -> None:
    now = timezone.now()
    cfg = get_settings()
    year = periods.year_of(now)
    seq = next_record_seq(year)
    number = f"{cfg.record_number_prefix}-{year}-{seq:04d}"
    workflow.transition(
        filing,
        "record",
        by=by,
        verb="filing.recorded",
        comment=number + (f"\n{note}" if note else ""),
        fields={
            "record_year": year,
            "record_seq": seq,
            "record_number": number,
            "recorded_by": by,
            "recorded_at": now,
            "record_note": note,
        },
    )
    if filing.kind == K.NEW:
        filing.partner = effects.create_partner(filing, by=by)
        _take_effect(filing, by=by)
    elif filing.kind == K.CHANGE:
        changes = effects.apply_change(partner, filing.proposed, by=by, filing=filing)
        _take_effect(filing, by=by, changes=changes)
    else:
        effects.suspend_ordering(partner, by=by, filing=filing)
        if filing.termination_date <= today:
            _terminate(filing, partner, by=by)
    people = {filing.created_by, filing.approved_by}
    if filing.partner_id:
        people |= set(_partner_users(filing.partner))
    _notify(
        people,
        filing,
        Text(
            gettext_noop("Recorded as %(number)s: %(title)s"),
            number=filing.record_number,
            title=notice_title(filing),
        ),
        by=by,
    )


def _take_effect(filing: Filing, *, by, changes: dict | None = None) -> None:
    """The recorded filing's effect is done (``by=None``: the daily job, on the termination date)."""
    now = timezone.now()
    workflow.transition(
        filing,
        "take_effect",
        by=by,
        verb="filing.effective",
        changes=changes,
        via="job" if by is None else "web",
        authority="job" if by is None else None,
        fields={"effective_at": now, "closed_at": now},
    )


def _partner_users(partner) -> list:
    return [m.user for m in Membership.objects.filter(partner=partner).select_related("user")]


def _terminate(filing: Filing, partner, *, by) -> None:
    users = _partner_users(partner)
    effects.terminate(partner, by=by, filing=filing)
    _take_effect(filing, by=by)
    concerned = set(users) | {filing.created_by, filing.approved_by, filing.recorded_by, partner.owner}
    concerned |= set(members_with(Role.CHANNEL_SUPERVISOR, Role.FINANCE, Role.TENANT_ADMIN))
    notify(
        concerned,
        kind=Kind.PARTNER_STATUS,
        title=Text(
            gettext_noop("%(partner)s is terminated as of %(date)s (%(number)s)"),
            partner=partner.name,
            date=filing.termination_date.isoformat(),
            number=filing.record_number,
        ),
        body=Text(
            gettext_noop(
                "Its users can no longer log in. Open orders, stock and unsettled accounts need handling."
            )
        ),
        url=filing_url(filing),
        actor=by,
    )


def complete_termination(filing_id: int, *, today) -> bool:
    """Terminate the partner of a recorded termination filing whose date has come.

    Idempotent (the daily job may run it twice): a filing that is no longer
    recorded, or whose date is still ahead, is left alone. Returns whether it acted.
    """
    filing = Filing.objects.filter(pk=filing_id).first()
    if (
        filing is None
        or filing.kind != K.TERMINATION
        or filing.state != S.RECORDED
        or filing.termination_date > today
    ):
        return False
    try:
        with transaction.atomic():
            locked = workflow.lock(filing)  # still recorded, under the lock
            partner = Partner.objects.select_for_update().get(pk=locked.partner_id)
            _terminate(locked, partner, by=None)
    except workflow.AlreadyChanged:
        return False  # another run took it a moment ago
    return True
