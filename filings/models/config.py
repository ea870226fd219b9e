"""Tenant settings of the filings module: deadlines, protection period, required attachments."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from channelhub.tenancy import TenantOwnedModel
from filings.models.choices import FilingKind

# What the tenant admin may change (the settings form and services.update_settings).
SETTINGS_FIELDS = (
    "validity_months",
    "validity_days",
    "record_within_days",
    "remind_days_before",
    "customer_protection_months",
    "record_number_prefix",
)


class FilingSettings(TenantOwnedModel):
    """One row per tenant, made with seed 002's defaults the first time it is needed.

    The row is also the lock that serialises customer registrations of a tenant
    (``select_for_update`` in filings.customers), so two partners registering the
    same customer at the same moment cannot both win.
    """

    validity_months = models.PositiveSmallIntegerField(
        _("filing validity (months)"),
        default=1,
        validators=[MaxValueValidator(24)],
        help_text=_("Seed 002: a new-store filing is valid for 1 month + 5 days from its first submission."),
    )
    validity_days = models.PositiveSmallIntegerField(
        _("filing validity (extra days)"), default=5, validators=[MaxValueValidator(366)]
    )
    record_within_days = models.PositiveSmallIntegerField(
        _("recording deadline (days after approval)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("The channel department clerk records an approved filing within this many days."),
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind this many days before a deadline"), default=3, validators=[MaxValueValidator(30)]
    )
    customer_protection_months = models.PositiveSmallIntegerField(
        _("customer protection (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_(
            "The first valid registration of a customer protects it this long unless an order is recorded."
        ),
    )
    record_number_prefix = models.CharField(
        _("record number prefix"),
        max_length=8,
        default="BA",
        validators=[RegexValidator(r"^[A-Z0-9]{1,8}$", _("Capital letters and digits only."))],
        help_text=_("Record numbers read PREFIX-YEAR-NNNN, e.g. BA-2026-0001."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("filing settings")
        verbose_name_plural = _("filing settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="filing_settings_one_per_tenant")]

    def __str__(self):
        return str(_("Filing settings"))


class RequiredAttachment(TenantOwnedModel):
    """An attachment a filing of ``kind`` must carry before it can be submitted.

    ``channel_types`` empty means every channel type. Seed 002's new-store rule
    (storefront photo, cooperation agreement, bank account details — "否则报备无效")
    is the default for new filings of store-type channels.
    """

    kind = models.CharField(_("filing kind"), max_length=16, choices=FilingKind.choices)
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("name"), max_length=100)
    channel_types = models.JSONField(_("channel types"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("required attachment")
        verbose_name_plural = _("required attachments")
        ordering = ["kind", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "code"], name="required_attachment_code_unique")
        ]
        indexes = [models.Index(fields=["tenant", "kind", "is_active"])]

    def __str__(self):
        return self.label

    def applies_to(self, channel_type: str) -> bool:
        return self.is_active and (not self.channel_types or channel_type in self.channel_types)
