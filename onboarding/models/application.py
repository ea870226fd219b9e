"""The application (入网申请) and its state machine.

Transitions are pure (they change the state and nothing else); ``onboarding.services``
runs them through ``channelhub.workflow.transition()`` (row lock, "already changed" check,
who may, save, audit entry) and queues notifications in the same transaction. Each
transition says who may take it: a permission of channelhub/roles.py (``workflow.may``),
the applicant through the private link (``BY_APPLICANT``), or the shared approval
mechanism (``BY_APPROVAL``).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from channelhub import workflow
from channelhub.tenancy import TenantOwnedModel
from channelhub.validators import PhoneNumberField
from onboarding.models.config import Campaign
from partners.models import ChannelType
from partners.validators import validate_credit_code

MONEY = {"max_digits": 14, "decimal_places": 2}


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    AWAITING_SUPPLEMENTS = "awaiting_supplements", _("Returned for supplements")
    SITE_INSPECTION = "site_inspection", _("Site inspection")
    EVALUATION = "evaluation", _("Evaluation")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved")
    CONTRACT_ISSUED = "contract_issued", _("Contract issued")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed")
    ACTIVE = "active", _("Active partner")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STATES = (State.ACTIVE, State.REJECTED, State.WITHDRAWN)
OPEN_STATES = tuple(s for s in State if s not in CLOSED_STATES)
# The main line, in order (the board's columns and the applicant's progress bar).
PIPELINE = [s for s in State if s not in (State.REJECTED, State.WITHDRAWN)]
# States with a deadline (Application.due_on): overdue ones are highlighted.
DEADLINE_STATES = (State.SITE_INSPECTION, State.PENDING_APPROVAL)


def _is_the_assigned_inspector(instance, user) -> bool:
    return instance.inspector_id is not None and instance.inspector_id == user.pk


class Application(ConcurrentTransitionMixin, TenantOwnedModel):
    """An application to become a channel partner, from the public form to the active partner."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="applications", verbose_name=_("campaign")
    )
    state = FSMField(_("status"), default=State.SUBMITTED, choices=State.choices, protected=True)
    state_changed_at = models.DateTimeField(_("in this status since"), default=timezone.now)
    due_on = models.DateField(_("due"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel manager"),
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspector"),
    )
    language = models.CharField(_("applicant's language"), max_length=10, default="zh-hans")
    applicant_ip = models.GenericIPAddressField(_("applicant's IP address"), null=True, blank=True)

    # Company and legal data (企业资质)
    company_name = models.CharField(_("company name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    registered_capital = models.DecimalField(_("registered capital (CNY)"), **MONEY)
    established_on = models.DateField(_("date of establishment"))
    registered_address = models.CharField(_("registered address"), max_length=300)
    business_scope = models.TextField(_("business scope"), blank=True)
    # Contact
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_title = models.CharField(_("position"), max_length=50, blank=True)
    contact_phone = PhoneNumberField(_("phone"))
    contact_email = models.EmailField(_("e-mail address"))
    # Operating status (经营状况) and reputation (市场口碑)
    annual_revenue = models.DecimalField(_("revenue last year (CNY)"), null=True, blank=True, **MONEY)
    employee_count = models.PositiveIntegerField(_("employees"))
    operating_status = models.TextField(_("operating status"))
    reputation = models.TextField(_("market reputation"), blank=True)
    # Sales capability (销售能力) and team (团队实力)
    sales_capability = models.TextField(_("sales channels and customer resources"))
    last_year_sales = models.DecimalField(
        _("sales in our line last year (CNY)"), null=True, blank=True, **MONEY
    )
    team_size = models.PositiveIntegerField(_("team size"))
    sales_staff = models.PositiveIntegerField(_("sales staff"), null=True, blank=True)
    technical_staff = models.PositiveIntegerField(_("technical staff"), null=True, blank=True)
    team_description = models.TextField(_("team"), blank=True)
    # Warehouse and logistics (仓储物流)
    warehouse_area = models.PositiveIntegerField(_("warehouse area (m²)"), null=True, blank=True)
    warehouse_address = models.CharField(_("warehouse address"), max_length=300, blank=True)
    logistics = models.TextField(_("logistics"), blank=True)
    # Proposal: channel type, territory, cooperation plan (合作方案)
    channel_type = models.CharField(_("channel type"), max_length=32, choices=ChannelType.choices)
    province = models.CharField(_("province"), max_length=30)
    city = models.CharField(_("city"), max_length=30)
    district = models.CharField(_("district"), max_length=30, blank=True)
    wants_exclusive = models.BooleanField(_("asks for an exclusive territory"), default=False)
    premises_address = models.CharField(_("premises address"), max_length=300, blank=True)
    premises_area = models.PositiveIntegerField(_("premises area (m²)"), null=True, blank=True)
    cooperation_plan = models.TextField(_("cooperation plan"))
    expected_annual_sales = models.DecimalField(
        _("expected annual sales (CNY)"), null=True, blank=True, **MONEY
    )
    resources_needed = models.TextField(_("support needed from us"), blank=True)

    # Results of the steps, kept here for the board
    review_score = models.DecimalField(
        _("screening score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    inspection_score = models.DecimalField(
        _("inspection score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["state_changed_at", "pk"]
        constraints = [
            # Duplicates: one open application per credit code in a tenant.
            models.UniqueConstraint(
                fields=["tenant", "credit_code"],
                condition=models.Q(state__in=[s.value for s in OPEN_STATES]),
                name="onboarding_one_open_application_per_credit_code",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "state_changed_at"]),
            models.Index(fields=["tenant", "campaign", "state"]),
            models.Index(fields=["tenant", "owner", "state"]),
            models.Index(fields=["tenant", "province", "state"]),
            models.Index(fields=["tenant", "channel_type", "state"]),
            models.Index(fields=["tenant", "credit_code"]),
        ]

    def __str__(self):
        return f"{self.reference} {self.company_name}"

    @property
    def reference(self) -> str:
        return f"RW{self.submitted_at:%Y}{self.pk:05d}" if self.pk and self.submitted_at else "—"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def territory(self) -> str:
        return " ".join(part for part in (self.province, self.city, self.district) if part)

    def days_in_state(self, now=None) -> int:
        return max(0, ((now or timezone.now()) - self.state_changed_at).days)

    def is_overdue(self, today) -> bool:
        return self.state in DEADLINE_STATES and self.due_on is not None and self.due_on < today

    def stamp_transition(self, from_state, at) -> None:
        """Called by the workflow runner after each transition: the time it entered its
        state, when it closed, and a due date only for the step it was set for."""
        if self.state != from_state:
            self.state_changed_at = at
        if self.state in CLOSED_STATES:
            self.closed_at = at
        if self.state not in DEADLINE_STATES:
            self.due_on = None

    # --- transitions (pure) ------------------------------------------------------------
    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.UNDER_REVIEW,
        permission=workflow.may("onboarding.review"),
    )
    def start_review(self):
        pass

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.AWAITING_SUPPLEMENTS,
        permission=workflow.may("onboarding.review"),
    )
    def request_supplements(self):
        pass

    @transition(
        field=state,
        source=State.AWAITING_SUPPLEMENTS,
        target=State.UNDER_REVIEW,
        custom=workflow.BY_APPLICANT,
    )
    def supply(self):
        pass

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.SITE_INSPECTION,
        permission=workflow.may("onboarding.review"),
    )
    def pass_review(self):
        pass

    @transition(
        field=state,
        source=State.SITE_INSPECTION,
        target=State.EVALUATION,
        permission=workflow.may("onboarding.inspect", _is_the_assigned_inspector),
    )
    def file_inspection(self):
        pass

    @transition(
        field=state,
        source=State.EVALUATION,
        target=State.PENDING_APPROVAL,
        permission=workflow.may("onboarding.review"),
    )
    def submit_evaluation(self):
        pass

    @transition(
        field=state, source=State.PENDING_APPROVAL, target=State.APPROVED, custom=workflow.BY_APPROVAL
    )
    def approve(self):
        pass

    @transition(
        field=state, source=State.PENDING_APPROVAL, target=State.REJECTED, custom=workflow.BY_APPROVAL
    )
    def decline(self):
        pass

    @transition(
        field=state, source=State.PENDING_APPROVAL, target=State.EVALUATION, custom=workflow.BY_APPROVAL
    )
    def return_to_evaluation(self):
        pass

    @transition(
        field=state,
        source=[State.APPROVED, State.CONTRACT_ISSUED],
        target=State.CONTRACT_ISSUED,
        permission=workflow.may("onboarding.contract"),
    )
    def issue_contract(self):
        pass

    @transition(
        field=state, source=State.CONTRACT_ISSUED, target=State.CONTRACT_SIGNED, custom=workflow.BY_APPLICANT
    )
    def sign_contract(self):
        pass

    @transition(
        field=state,
        source=State.CONTRACT_SIGNED,
        target=State.ACTIVE,
        permission=workflow.may("onboarding.countersign"),
    )
    def countersign(self):
        pass

    @transition(
        field=state,
        source=[s for s in OPEN_STATES if s != State.PENDING_APPROVAL],
        target=State.REJECTED,
        permission=workflow.may("onboarding.review"),
    )
    def reject(self):
        pass

    @transition(
        field=state,
        source=[s for s in OPEN_STATES if s != State.CONTRACT_SIGNED],
        target=State.WITHDRAWN,
        custom=workflow.BY_APPLICANT,
    )
    def withdraw(self):
        pass


class ApplicantLink(TenantOwnedModel):
    """A private link for the applicant (no account): a random token stored hashed.

    Every e-mail to the applicant carries a fresh one; all stay valid while the
    application is open and for a while after it closes."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("applicant link")
        verbose_name_plural = _("applicant links")
        indexes = [models.Index(fields=["tenant", "application"])]

    def __str__(self):
        return f"link {self.pk} of application {self.application_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class ApplicationDraft(TenantOwnedModel):
    """Holds the files of a public form that failed validation, so the applicant does
    not upload them again. Claimed by the application on success; stale ones are purged."""

    key_hash = models.CharField(max_length=64, unique=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")

    def __str__(self):
        return f"draft {self.pk}"


class SupplementRequest(TenantOwnedModel):
    """A request for more documents or information, and the applicant's answer."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="supplement_requests")
    message = models.TextField(_("what is missing"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reply = models.TextField(_("applicant's answer"), blank=True)
    replied_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for supplements")
        verbose_name_plural = _("requests for supplements")
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["tenant", "application"])]

    def __str__(self):
        return self.message[:40]
