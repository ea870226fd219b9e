"""Channel filings (报备, seed 002 渠道报备管理制度): new, change and termination."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from channelhub import roles, workflow
from channelhub.tenancy import TenantOwnedModel
from filings.models.choices import EDITABLE_STATES, FilingKind, FilingState
from partners.models import ChannelType

S = FilingState
_user_fk = {"on_delete": models.PROTECT, "null": True, "blank": True, "related_name": "+"}


def may_file(filing, membership) -> bool:
    """Who files, submits and withdraws ``filing``: channel managers (a new channel: only they,
    filings.submit_new), and partner admins for what their own partner filed (seed 002)."""
    if membership is None or not membership.is_active:
        return False
    permission = "filings.submit_new" if filing.kind == FilingKind.NEW else "filings.submit"
    if not roles.can(membership.role, permission):
        return False
    if membership.is_partner_user:
        return filing.filed_by_partner and filing.partner_id == membership.partner_id
    return True


def _by_the_filer(filing, user) -> bool:
    from channelhub.models import Membership

    membership = Membership.all_tenants.filter(user_id=user.pk, tenant_id=filing.tenant_id).first()
    return may_file(filing, membership)


class Filing(ConcurrentTransitionMixin, TenantOwnedModel):
    """One filing form and its way through approval and recording.

    ``proposed`` holds partner-record values by field name: the new channel's basic
    information (kind new) or only the fields that change (kind change).
    ``baseline`` holds the partner's values of every filable field when the filing
    was made or last edited; recording a change compares it with the partner as it
    is then and stops if they differ (filings.checks.stale_fields).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=FilingKind.choices)
    state = FSMField(_("status"), default=S.DRAFT, choices=S.choices, protected=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filings",
        verbose_name=_("partner"),
    )
    channel_type = models.CharField(_("channel type"), max_length=32, choices=ChannelType.choices, blank=True)
    proposed = models.JSONField(_("proposed values"), default=dict, blank=True)
    baseline = models.JSONField(_("partner values when filed"), default=dict, blank=True)

    # New channel filing (新渠道报备表)
    basic_situation = models.TextField(_("basic situation of the channel"), blank=True)
    expected_annual_sales = models.DecimalField(
        _("expected annual sales (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_scale_notes = models.TextField(_("expected business scale"), blank=True)
    expected_start_date = models.DateField(_("expected start date"), null=True, blank=True)
    resources_needed = models.TextField(_("resources needed"), blank=True)

    # Change (渠道业务变更报备表) and termination (渠道业务终止报备表)
    reason = models.TextField(_("reason"), blank=True)
    impact = models.TextField(_("impact"), blank=True)
    termination_date = models.DateField(_("termination date"), null=True, blank=True)
    impact_snapshot = models.JSONField(_("business impact (from the data)"), default=dict, blank=True)

    # The way through (who and when)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    # Filed by a partner user for its own channel (partner users see those, and recorded ones).
    filed_by_partner = models.BooleanField(_("filed by the partner"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    revision = models.PositiveSmallIntegerField(_("submissions"), default=0)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), **_user_fk)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), **_user_fk)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    record_due = models.DateField(_("to be recorded by"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), **_user_fk)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    record_year = models.PositiveSmallIntegerField(_("record year"), null=True, blank=True)
    record_seq = models.PositiveIntegerField(_("record sequence"), null=True, blank=True)
    record_number = models.CharField(_("record number"), max_length=32, blank=True)
    record_note = models.TextField(_("recording note"), blank=True)
    effective_at = models.DateTimeField(_("effective at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "record_year", "record_seq"],
                condition=Q(record_seq__isnull=False),
                name="filing_record_seq_unique",
            ),
            models.UniqueConstraint(
                fields=["tenant", "record_number"],
                condition=~Q(record_number=""),
                name="filing_record_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "kind"]),
            models.Index(fields=["tenant", "partner"]),
            models.Index(fields=["tenant", "record_year", "record_seq"]),
            models.Index(fields=["tenant", "created_at"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """The record number once recorded, else the filing's own number."""
        return self.record_number or f"#{self.pk}"

    @property
    def subject_name(self) -> str:
        if self.partner_id:
            return self.partner.name
        return self.proposed.get("name", "") or str(_("(new channel)"))

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    # Transitions stay pure: filings.services runs them through channelhub.workflow.transition(),
    # which checks who may, saves and writes the audit entry; the services add the side effects.
    @transition(
        field=state,
        source=[S.DRAFT, S.RETURNED],
        target=S.SUBMITTED,
        permission=workflow.may("filings.submit", _by_the_filer),
    )
    def submit(self):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.APPROVED, custom=workflow.BY_APPROVAL)
    def approve(self):
        pass

    # Returned by the supervisor's decision; a stale change filing is also sent back while the
    # clerk records it (filings.services, authority "system").
    @transition(field=state, source=[S.SUBMITTED, S.APPROVED], target=S.RETURNED, custom=workflow.BY_APPROVAL)
    def return_for_correction(self):
        pass

    # The clerk cannot record it (an exclusive territory taken meanwhile, a partner changed...):
    # back to the filer with the clerk's reason, to correct and submit again.
    @transition(
        field=state, source=S.APPROVED, target=S.RETURNED, permission=workflow.may("filings.send_back")
    )
    def send_back(self):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.REJECTED, custom=workflow.BY_APPROVAL)
    def reject(self):
        pass

    @transition(
        field=state,
        source=[S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED],
        target=S.WITHDRAWN,
        permission=workflow.may("filings.submit", _by_the_filer),
    )
    def withdraw(self):
        pass

    @transition(field=state, source=S.APPROVED, target=S.RECORDED, permission=workflow.may("filings.record"))
    def record(self):
        pass

    # A consequence of recording (or, for a termination dated ahead, of the daily job on its date).
    @transition(field=state, source=S.RECORDED, target=S.EFFECTIVE, custom=workflow.BY_SYSTEM)
    def take_effect(self):
        pass

    @transition(
        field=state, source=[S.SUBMITTED, S.RETURNED, S.APPROVED], target=S.EXPIRED, custom=workflow.BY_JOB
    )
    def expire(self):
        pass


class RecordCounter(TenantOwnedModel):
    """The last record number (备案号) given in one tenant and year.

    ``record_filing`` locks this row (``select_for_update``) inside the recording
    transaction: numbers come out one by one, and a failed recording rolls its
    number back with it — no gaps, no duplicates (MAX()+1 would give both).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    last_seq = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("record number counter")
        verbose_name_plural = _("record number counters")
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="record_counter_per_year")]

    def __str__(self):
        return f"{self.year}: {self.last_seq}"


class FilingReminder(TenantOwnedModel):
    """A deadline reminder that was sent: the history, and the key that keeps the daily job idempotent."""

    class Kind(models.TextChoices):
        VALIDITY_SOON = "validity_soon", _("Validity ends soon")
        RECORD_SOON = "record_soon", _("Recording deadline soon")
        RECORD_OVERDUE = "record_overdue", _("Recording overdue")
        EXPIRED = "expired", _("Validity ended")

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on_date = models.DateField(_("for the day"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("filing reminder")
        verbose_name_plural = _("filing reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "filing", "kind"], name="filing_reminder_once_per_kind")
        ]

    def __str__(self):
        return f"{self.filing_id} {self.kind}"
