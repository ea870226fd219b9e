"""The partner registry: partners, their territory, tiers, contacts, qualification
documents, rewards and penalties, and Excel imports.

Every table is tenant-owned (``TenantOwnedModel``): a non-null ``tenant``, the fail-closed
``objects`` manager, uniqueness per tenant and indexes that start with ``tenant``.
Changes go through ``partners.services``; the status is a django-fsm-2 state machine
whose transitions only change state and say who may take them; the services run them
through ``channelhub.workflow.transition()`` and notify.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from channelhub import workflow
from channelhub.caching import InvalidatingQuerySet
from channelhub.models.files import ImportStatus, SpreadsheetImport  # noqa: F401 (ImportStatus: partners' name)
from channelhub.tenancy import TenantOwnedModel, TenantQuerySet, TenantScopedManager
from channelhub.validators import PhoneNumberField
from partners.validators import validate_credit_code


class ChannelType(models.TextChoices):
    AGENT = "agent", _("Agent")
    DISTRIBUTOR = "distributor", _("Distributor")
    FRANCHISE = "franchise", _("Franchisee")
    COOPERATIVE_HALL = "cooperative_hall", _("Cooperative hall")
    EXCLUSIVE_STORE = "exclusive_store", _("Exclusive store")
    CONCURRENT_STORE = "concurrent_store", _("Concurrent store")
    ONLINE = "online", _("Online")


class PartnerStatus(models.TextChoices):
    # A channel recorded by a new channel filing (报备) that no admission has approved yet:
    # it may not do business until an executive approves its admission.
    PENDING = "pending", _("Pending admission")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class CreditRating(models.TextChoices):
    AAA = "AAA", _("AAA · excellent")
    AA = "AA", _("AA · good")
    A = "A", _("A · fair")
    B = "B", _("B · watch")
    C = "C", _("C · poor")


class KeptQuerySet(InvalidatingQuerySet, TenantQuerySet):
    """Tiers, regions and partners: the shared cache keeps values computed from them (the list's
    filter choices, partners.filters.filter_choices; the list's counts, channelhub.pagination)."""


class Tier(TenantOwnedModel):
    """A partner grade defined by the tenant (e.g. 金牌/银牌/铜牌 or 一级/二级/三级)."""

    name = models.CharField(_("name"), max_length=40)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=10, help_text=_("Lower numbers are shown first (the highest tier).")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = TenantScopedManager.from_queryset(KeptQuerySet)()
    all_tenants = models.Manager.from_queryset(KeptQuerySet)()  # noqa: DJ012

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="tier_name_unique_per_tenant")]

    def __str__(self):
        return self.name

    @staticmethod
    def cache_scopes_of(tier) -> tuple[str, ...]:
        return (f"tiers:{tier.tenant_id}",)

    @classmethod
    def cache_scopes(cls, queryset) -> list[str]:
        return [f"tiers:{pk}" for pk in set(queryset.values_list("tenant_id", flat=True))]


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    DISTRICT = 3, _("District / county")


class Region(TenantOwnedModel):
    """A node of the tenant's territory tree: province → city → district."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices, editable=False)
    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(
        _("division code"), max_length=12, blank=True, help_text=_("Administrative division code, optional.")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    objects = TenantScopedManager.from_queryset(KeptQuerySet)()
    all_tenants = models.Manager.from_queryset(KeptQuerySet)()  # noqa: DJ012

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["level", "code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "parent", "name"], name="region_name_unique_in_parent"),
            models.UniqueConstraint(
                fields=["tenant", "name"], condition=Q(parent__isnull=True), name="region_province_unique"
            ),
            models.UniqueConstraint(
                fields=["tenant", "code"], condition=~Q(code=""), name="region_code_unique_per_tenant"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "parent"])]

    def __str__(self):
        return self.path

    # A renamed region renames the paths of everything inside it: any change recomputes them all.
    @staticmethod
    def cache_scopes_of(region) -> tuple[str, ...]:
        return (f"regions:{region.tenant_id}",)

    @classmethod
    def cache_scopes(cls, queryset) -> list[str]:
        return [f"regions:{pk}" for pk in set(queryset.values_list("tenant_id", flat=True))]

    def save(self, *args, **kwargs):
        self.level = self.parent.level + 1 if self.parent_id else RegionLevel.PROVINCE
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent.level >= RegionLevel.DISTRICT:
            raise ValidationError({"parent": _("A district cannot contain other regions.")})

    @property
    def chain(self) -> list["Region"]:
        """This region and its ancestors, province first (load with
        ``select_related("parent__parent")`` to avoid queries)."""
        nodes, node = [], self
        while node is not None:
            nodes.append(node)
            node = node.parent if node.parent_id else None
        return nodes[::-1]

    @property
    def path(self) -> str:
        return " / ".join(node.name for node in self.chain)


class Partner(ConcurrentTransitionMixin, TenantOwnedModel):
    """A channel partner of one tenant (渠道档案)."""

    # Legal data
    name = models.CharField(_("legal name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    # Channel
    channel_type = models.CharField(_("channel type"), max_length=32, choices=ChannelType.choices)
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tier")
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory"),
        help_text=_("The province, city or district the partner covers."),
    )
    exclusive_territory = models.BooleanField(
        _("exclusive territory"),
        default=False,
        help_text=_("No other partner may hold exclusive rights in this territory or inside it."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel manager"),
    )
    # Finance
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account_name = models.CharField(_("account name"), max_length=200, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=40, blank=True)
    credit_limit = models.DecimalField(
        _("credit limit (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    credit_rating = models.CharField(
        _("credit rating"), max_length=3, choices=CreditRating.choices, blank=True
    )
    # Lifecycle
    status = FSMField(
        _("status"),
        max_length=16,
        choices=PartnerStatus.choices,
        default=PartnerStatus.ACTIVE,
        protected=True,
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    admission_reference = models.CharField(
        _("admitted through"),
        max_length=32,
        blank=True,
        help_text=_("The reference of the admission application it was admitted through, e.g. RW202600002."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantScopedManager.from_queryset(KeptQuerySet)()
    all_tenants = models.Manager.from_queryset(KeptQuerySet)()  # noqa: DJ012

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "credit_code"], name="partner_credit_code_unique_per_tenant"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status"]),
            models.Index(fields=["tenant", "owner"], name="partner_tenant_owner_idx"),
            models.Index(fields=["tenant", "channel_type"], name="partner_tenant_type_idx"),
            models.Index(fields=["tenant", "region"], name="partner_tenant_region_idx"),
            models.Index(fields=["tenant", "tier"], name="partner_tenant_tier_idx"),
            models.Index(fields=["tenant", "name"], name="partner_tenant_name_idx"),
        ]

    def __str__(self):
        return self.name

    # The list's counts are kept (channelhub.pagination.page_by_ids): any partner change recounts.
    @staticmethod
    def cache_scopes_of(partner) -> tuple[str, ...]:
        return (f"partners:{partner.tenant_id}",)

    @classmethod
    def cache_scopes(cls, queryset) -> list[str]:
        return [f"partners:{pk}" for pk in set(queryset.values_list("tenant_id", flat=True))]

    # Transitions change the state only; partners.services runs them through
    # channelhub.workflow.transition(), which writes the audit entry (the service notifies).
    @transition(
        field=status,
        source=PartnerStatus.ACTIVE,
        target=PartnerStatus.SUSPENDED,
        permission=workflow.may("partners.change_status"),
    )
    def suspend(self):
        pass

    @transition(
        field=status,
        source=[PartnerStatus.PENDING, PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED],
        target=PartnerStatus.TERMINATED,
        permission=workflow.may("partners.change_status"),
    )
    def terminate(self):
        pass

    # No role may take this one directly: an executive approves a reactivation request
    # (approval action "partners.reactivate"), and the approval runs services.reactivate_partner —
    # for a pending partner, its admission.
    @transition(
        field=status,
        source=[PartnerStatus.SUSPENDED, PartnerStatus.PENDING],
        target=PartnerStatus.ACTIVE,
        custom=workflow.BY_APPROVAL,
    )
    def reactivate(self):
        pass

    def stamp_transition(self, from_state, at) -> None:
        """Called by the workflow runner after each status transition."""
        self.status_changed_at = at

    @property
    def territory(self) -> str:
        return self.region.path if self.region_id else ""


class PartnerContact(TenantOwnedModel):
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position"), max_length=60, blank=True)
    mobile = PhoneNumberField(_("mobile"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    is_active = models.BooleanField(
        _("still a contact"), default=True, help_text=_("Untick when the person leaves; the record stays.")
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    # The reference of the admission application it came from (shown translated on the page).
    admission_reference = models.CharField(
        _("from admission application"), max_length=40, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_active", "-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner", "name"], name="contact_name_unique_per_partner"
            ),
            models.UniqueConstraint(
                fields=["tenant", "partner"],
                condition=Q(is_primary=True, is_active=True),
                name="contact_one_primary_per_partner",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner"], name="contact_tenant_partner_idx")]

    def __str__(self):
        return self.name


class DocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    INDUSTRY_LICENCE = "industry_licence", _("Industry licence or permit")
    AUTHORISATION = "authorisation", _("Authorisation letter")
    TAX_REGISTRATION = "tax_registration", _("Tax registration")
    QUALITY_CERTIFICATE = "quality_certificate", _("Quality or safety certificate")
    BANK_PERMIT = "bank_permit", _("Bank account permit")
    OTHER = "other", _("Other")


class PartnerDocument(TenantOwnedModel):
    """A qualification document with its validity. The file is a StoredFile whose subject is
    the partner (so it shows on the partner's timeline and is downloaded under its rules)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="documents", verbose_name=_("partner")
    )
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty if it does not expire.")
    )
    file = models.ForeignKey(
        "channelhub.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    admission_reference = models.CharField(
        _("from admission application"), max_length=40, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # Set when the owner was told it is about to expire: the daily job tells them once.
    expiry_notified_at = models.DateTimeField(_("expiry notice sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")
        ordering = ["kind", "-expires_on", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["tenant", "file"], name="document_file_unique")]
        indexes = [
            models.Index(fields=["tenant", "partner"], name="document_tenant_partner_idx"),
            models.Index(fields=["tenant", "expires_on"], name="document_tenant_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}".strip()


class RewardPenaltyKind(models.TextChoices):
    REWARD = "reward", _("Reward")
    PENALTY = "penalty", _("Penalty")


class RewardPenaltyCategory(models.TextChoices):
    CASH = "cash", _("Cash")
    GOODS = "goods", _("Goods")
    CERTIFICATE = "certificate", _("Certificate of honour")
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    SUSPENSION = "suspension", _("Suspension of business")
    TERMINATION = "termination", _("Termination of cooperation")


CATEGORIES_OF = {
    RewardPenaltyKind.REWARD: (
        RewardPenaltyCategory.CASH,
        RewardPenaltyCategory.GOODS,
        RewardPenaltyCategory.CERTIFICATE,
    ),
    RewardPenaltyKind.PENALTY: (
        RewardPenaltyCategory.WARNING,
        RewardPenaltyCategory.FINE,
        RewardPenaltyCategory.SUSPENSION,
        RewardPenaltyCategory.TERMINATION,
    ),
}
# Categories whose amount is money and therefore required.
AMOUNT_REQUIRED = (RewardPenaltyCategory.CASH, RewardPenaltyCategory.FINE)


class RewardPenalty(TenantOwnedModel):
    """A reward (cash, goods, certificate) or penalty (warning, fine, suspension, termination)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="rewards_penalties", verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RewardPenaltyKind.choices)
    category = models.CharField(_("category"), max_length=16, choices=RewardPenaltyCategory.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason"))
    date = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reward or penalty")
        verbose_name_plural = _("rewards and penalties")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind=RewardPenaltyKind.REWARD, category__in=CATEGORIES_OF[RewardPenaltyKind.REWARD]
                )
                | Q(kind=RewardPenaltyKind.PENALTY, category__in=CATEGORIES_OF[RewardPenaltyKind.PENALTY]),
                name="reward_penalty_category_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="reward_penalty_amount_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner", "date"], name="rp_tenant_partner_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_category_display()}"


class PartnerImport(SpreadsheetImport):
    """One uploaded Excel file of partners (partners.importer), checked, previewed, confirmed."""

    class Meta(SpreadsheetImport.Meta):
        verbose_name = _("partner import")
        verbose_name_plural = _("partner imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "created_at"], name="import_tenant_created_idx")]

    def __str__(self):
        return self.file.original_name if self.file_id else f"#{self.pk}"
