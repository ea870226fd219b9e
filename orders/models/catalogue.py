"""The tenant's catalogue: a category tree, product lines and products (SKUs)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from channelhub import workflow
from channelhub.models.files import SpreadsheetImport
from channelhub.tenancy import TenantOwnedModel

CATEGORY_DEPTH = 3  # e.g. 充电桩 → 直流桩 → 一体式


class ProductCategory(TenantOwnedModel):
    """A node of the catalogue's tree (at most ``CATEGORY_DEPTH`` levels)."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=10, help_text=_("Lower numbers are shown first.")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "parent", "name"], name="category_name_unique_in_parent"
            ),
            models.UniqueConstraint(
                fields=["tenant", "name"], condition=Q(parent__isnull=True), name="category_top_unique"
            ),
            models.UniqueConstraint(
                fields=["tenant", "code"], condition=~Q(code=""), name="category_code_unique_per_tenant"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "parent"], name="category_tenant_parent_idx")]

    def __str__(self):
        return self.path

    @property
    def ancestors(self) -> list["ProductCategory"]:
        """From the top of the tree down to this node's parent (one query per level unless the
        parents were loaded with ``select_related("parent__parent")``)."""
        chain, node = [], self.parent
        while node is not None and len(chain) < CATEGORY_DEPTH:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def path(self) -> str:
        return " / ".join([*(node.name for node in self.ancestors), self.name])

    @property
    def depth(self) -> int:
        return len(self.ancestors) + 1


class ProductLine(TenantOwnedModel):
    """A product line (产品线): the unit of stock thresholds and, later, of rebate rules."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # Stock monitoring (orders.inventory): a partner's stock of a product of this line, in days
    # of its average sell-out, is low below the first, healthy up to the last, overstocked above;
    # replenishment brings it back to the target.
    low_cover_days = models.PositiveSmallIntegerField(
        _("low stock below (days of cover)"), default=14, validators=[MinValueValidator(1)]
    )
    target_cover_days = models.PositiveSmallIntegerField(
        _("replenish to (days of cover)"), default=30, validators=[MinValueValidator(1)]
    )
    overstock_cover_days = models.PositiveSmallIntegerField(
        _("overstock above (days of cover)"), default=90, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="product_line_code_unique_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "name"], name="product_line_name_unique_per_tenant"),
            models.CheckConstraint(
                condition=Q(low_cover_days__lte=models.F("target_cover_days"))
                & Q(target_cover_days__lt=models.F("overstock_cover_days")),
                name="product_line_cover_thresholds_in_order",
            ),
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        low, target, over = self.low_cover_days, self.target_cover_days, self.overstock_cover_days
        if None not in (low, target, over) and not (low <= target < over):
            raise ValidationError(
                {"target_cover_days": _("Low ≤ target < overstock: the thresholds must be in this order.")}
            )

    def __str__(self):
        return self.name


class Unit(models.TextChoices):
    """Units of sale, stored as codes and named in the reader's language."""

    UNIT = "unit", pgettext_lazy("unit of sale", "unit")
    SET = "set", pgettext_lazy("unit of sale", "set")
    PIECE = "piece", pgettext_lazy("unit of sale", "piece")
    METRE = "metre", pgettext_lazy("unit of sale", "metre")
    ROLL = "roll", pgettext_lazy("unit of sale", "roll")
    BOX = "box", pgettext_lazy("unit of sale", "box")
    CARD = "card", pgettext_lazy("unit of sale", "card")
    SERVICE = "service", pgettext_lazy("unit of sale", "service")


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISCONTINUED = "discontinued", _("Discontinued")


class Product(ConcurrentTransitionMixin, TenantOwnedModel):
    """A product (SKU). Its code is unique in the tenant; orders and reports refer to it by code.
    A discontinued product stays in the history but cannot be ordered."""

    sku = models.CharField(_("SKU code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    spec = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices, default=Unit.UNIT)
    pack_multiple = models.PositiveIntegerField(
        _("pack multiple"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Orders are in multiples of this quantity (a carton of 10: 10)."),
    )
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    line = models.ForeignKey(
        ProductLine, on_delete=models.PROTECT, related_name="products", verbose_name=_("product line")
    )
    is_service = models.BooleanField(
        _("service"),
        default=False,
        help_text=_("Ordered and delivered, but never held in stock (installation)."),
    )
    list_price = models.DecimalField(
        _("list price (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("The channel price until price lists set one."),
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=10, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    volume_m3 = models.DecimalField(
        _("volume (m³)"), max_digits=10, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    status = FSMField(
        _("status"), default=ProductStatus.ACTIVE, choices=ProductStatus.choices, protected=True
    )
    status_changed_at = models.DateTimeField(_("in this status since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sku"], name="product_sku_unique_per_tenant")
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "sku"], name="product_tenant_status_idx"),
            models.Index(fields=["tenant", "category"], name="product_tenant_category_idx"),
            models.Index(fields=["tenant", "line"], name="product_tenant_line_idx"),
        ]

    def __str__(self):
        return f"{self.sku} · {self.name}"

    @property
    def is_orderable(self) -> bool:
        return self.status == ProductStatus.ACTIVE

    @transition(
        field=status,
        source=ProductStatus.ACTIVE,
        target=ProductStatus.DISCONTINUED,
        permission=workflow.may("catalogue.manage"),
    )
    def discontinue(self):
        pass

    @transition(
        field=status,
        source=ProductStatus.DISCONTINUED,
        target=ProductStatus.ACTIVE,
        permission=workflow.may("catalogue.manage"),
    )
    def reinstate(self):
        pass

    def stamp_transition(self, from_state, at):
        self.status_changed_at = at


class ProductImport(SpreadsheetImport):
    """One uploaded Excel file of products (orders.importer), checked, previewed, confirmed."""

    class Meta(SpreadsheetImport.Meta):
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")
        indexes = [models.Index(fields=["tenant", "created_at"], name="product_import_created_idx")]

    def __str__(self):
        return self.file.original_name if self.file_id else f"#{self.pk}"
