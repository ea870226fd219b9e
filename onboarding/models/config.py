"""Per-tenant configuration of the admission pipeline: settings, the screening rubric,
the inspection checklist, required qualification documents, training topics, the
contract template and the recruitment campaigns."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from channelhub import periods
from channelhub.roles import Role
from channelhub.tenancy import TenantOwnedModel
from partners.models import ChannelType


class OnboardingSettings(TenantOwnedModel):
    """One row per tenant; ``for_tenant()`` gives an unsaved default when none is stored."""

    pass_mark = models.DecimalField(
        _("screening pass mark"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Weighted rubric score (0–100) an application needs to go on to site inspection."),
    )
    inspection_weight = models.PositiveSmallIntegerField(
        _("weight of the site inspection in the evaluation (%)"),
        default=40,
        validators=[MaxValueValidator(100)],
    )
    inspection_days = models.PositiveSmallIntegerField(
        _("days allowed for a site inspection"), default=7, validators=[MinValueValidator(1)]
    )
    approval_days = models.PositiveSmallIntegerField(
        _("days allowed for management approval"), default=3, validators=[MinValueValidator(1)]
    )
    approval_roles = models.JSONField(
        _("approval steps"),
        default=list,
        help_text=_("Roles that approve an admission, in order (e.g. supervisor, then executive)."),
    )
    contract_months = models.PositiveSmallIntegerField(
        _("default contract validity (months)"), default=12, validators=[MinValueValidator(1)]
    )

    DEFAULT_APPROVAL_ROLES = [Role.CHANNEL_SUPERVISOR.value, Role.EXECUTIVE.value]

    class Meta:
        verbose_name = _("admission settings")
        verbose_name_plural = _("admission settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="onboarding_settings_one_per_tenant")]

    def __str__(self):
        return f"{self.tenant_id}"

    @classmethod
    def for_tenant(cls, tenant):
        found = cls.objects.filter(tenant=tenant).first()
        return found or cls(tenant=tenant, approval_roles=list(cls.DEFAULT_APPROVAL_ROLES))


class OrderedConfig(TenantOwnedModel):
    """A tenant-configurable list row: ordered, switched off rather than deleted."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class ScreeningCriterion(OrderedConfig):
    """One line of the tenant's screening rubric (初步筛选标准)."""

    name = models.CharField(_("criterion"), max_length=100)
    description = models.CharField(_("what to look at"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=10, validators=[MinValueValidator(1)])
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta(OrderedConfig.Meta):
        verbose_name = _("screening criterion")
        verbose_name_plural = _("screening rubric")
        indexes = [models.Index(fields=["tenant", "is_active", "order"])]

    def __str__(self):
        return self.name


class InspectionItem(OrderedConfig):
    """One point of the tenant's site-inspection checklist (实地考察)."""

    text = models.CharField(_("checklist item"), max_length=200)

    class Meta(OrderedConfig.Meta):
        verbose_name = _("inspection checklist item")
        verbose_name_plural = _("inspection checklist")
        indexes = [models.Index(fields=["tenant", "is_active", "order"])]

    def __str__(self):
        return self.text


class DocumentRequirement(OrderedConfig):
    """A qualification document applicants upload; per channel type (empty = every type)."""

    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("document"), max_length=100)
    help_text = models.CharField(_("hint for applicants"), max_length=200, blank=True)
    channel_types = models.JSONField(
        _("channel types"), default=list, blank=True, help_text=_("Empty: every channel type.")
    )
    is_required = models.BooleanField(_("required"), default=True)

    class Meta(OrderedConfig.Meta):
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="onboarding_document_code")]

    def __str__(self):
        return self.label

    def applies_to(self, channel_type: str) -> bool:
        return not self.channel_types or channel_type in self.channel_types

    def channel_type_labels(self):
        labels = dict(ChannelType.choices)
        return [labels.get(code, code) for code in self.channel_types]


class TrainingTopic(OrderedConfig):
    """A topic of the onboarding training (入职培训) and the department that runs it."""

    title = models.CharField(_("topic"), max_length=100)
    description = models.CharField(_("content"), max_length=300, blank=True)
    responsible_role = models.CharField(_("responsible department"), max_length=32, choices=Role.choices)

    class Meta(OrderedConfig.Meta):
        verbose_name = _("training topic")
        verbose_name_plural = _("onboarding training topics")

    def __str__(self):
        return self.title


class ContractTemplate(TenantOwnedModel):
    """The tenant's cooperation-agreement template: Django template text, rendered in a
    sandbox (no loaders, no tag libraries, only the context the pipeline passes).
    Editing makes a new version; contracts keep the version they were made from."""

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("template text"))
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract template")
        verbose_name_plural = _("contract templates")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "version"], name="onboarding_template_version"),
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(is_current=True), name="onboarding_one_current_template"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class Campaign(TenantOwnedModel):
    """A recruitment campaign (招募公告) with its public page and application form."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"), max_length=60, help_text=_("Part of the public link: letters, digits and hyphens.")
    )
    summary = models.TextField(_("introduction"), blank=True)
    channel_types = models.JSONField(_("channel types sought"), default=list)
    regions = models.CharField(_("regions sought"), max_length=300)
    requirements = models.TextField(_("requirements"))
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel manager in charge"),
        help_text=_("New applications are assigned to this person."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recruitment campaign")
        verbose_name_plural = _("recruitment campaigns")
        ordering = ["-opens_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["tenant", "slug"], name="onboarding_campaign_slug")]
        indexes = [models.Index(fields=["tenant", "is_published", "opens_on"])]

    def __str__(self):
        return self.title

    def is_open(self, today=None) -> bool:
        today = today or periods.today(self.tenant)
        return (
            self.is_published
            and self.opens_on <= today
            and (self.closes_on is None or today <= self.closes_on)
        )

    def channel_type_labels(self):
        labels = dict(ChannelType.choices)
        return [labels.get(code, code) for code in self.channel_types]
