"""Partners' stock and sell-out reports (库存上报 / 销售上报), what they owe per reporting
cycle, and the monitoring snapshot (库存监控) computed from them.

A report (``InventoryReport``) is one submission, by form or by Excel upload, with its
timeline: a stock report holds one dated count per SKU (``StockCount``), a sell-out report the
sales to end customers (``SellOutLine``). Book stock between counts = the last count + the
movements since (receipts, adjustments) − the sell-out since; a count records the book figure
it replaced, so the variance stays visible. ``StockPosition`` is the monitoring snapshot per
partner × SKU, recomputed for the whole tenant by one statement (orders.services.inventory).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from channelhub.models.files import SpreadsheetImport
from channelhub.tenancy import TenantOwnedModel


class ReportKind(models.TextChoices):
    STOCK = "stock", _("Stock report")
    SELL_OUT = "sell_out", _("Sell-out report")


class ReportSource(models.TextChoices):
    FORM = "form", _("Form")
    IMPORT = "import", _("Excel upload")


class InventoryImport(SpreadsheetImport):
    """One uploaded Excel file of stock counts or sell-out lines of a partner."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )

    class Meta(SpreadsheetImport.Meta):
        verbose_name = _("report upload")
        verbose_name_plural = _("report uploads")
        indexes = [models.Index(fields=["tenant", "partner", "created_at"], name="inventory_import_idx")]

    def __str__(self):
        return self.file.original_name if self.file_id else f"#{self.pk}"


class InventoryReport(TenantOwnedModel):
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="inventory_reports",
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    source = models.CharField(_("reported by"), max_length=8, choices=ReportSource.choices)
    upload = models.ForeignKey(
        InventoryImport, on_delete=models.PROTECT, null=True, blank=True, related_name="reports",
        verbose_name=_("upload"),
    )  # fmt: skip
    first_day = models.DateField(_("from"))  # a stock report: its count date (both days)
    last_day = models.DateField(_("to"))
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total_quantity = models.IntegerField(_("quantity"), default=0)
    total_value = models.DecimalField(_("value (CNY)"), max_digits=16, decimal_places=2, default=Decimal("0"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("inventory report")
        verbose_name_plural = _("inventory reports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "partner", "kind", "last_day"], name="report_partner_idx"),
            models.Index(fields=["tenant", "created_at"], name="report_created_idx"),
        ]

    def __str__(self):
        if self.first_day == self.last_day:
            return f"{self.get_kind_display()} {self.first_day:%Y-%m-%d}"
        return f"{self.get_kind_display()} {self.first_day:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"


class StockCount(TenantOwnedModel):
    """A partner's stock on hand of one SKU at the end of ``counted_on``. A second count of the
    same day replaces the first (a correction)."""

    report = models.ForeignKey(InventoryReport, on_delete=models.CASCADE, related_name="counts")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("orders.Product", on_delete=models.PROTECT, related_name="+")
    counted_on = models.DateField(_("counted on"))
    quantity = models.PositiveIntegerField(_("on hand"))
    book_quantity = models.IntegerField(_("book stock"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["product__sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "product", "counted_on"], name="stock_count_one_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "partner", "product", "counted_on"], name="stock_count_idx")
        ]

    @property
    def variance(self) -> int | None:
        return None if self.book_quantity is None else self.quantity - self.book_quantity


class SellOutLine(TenantOwnedModel):
    """A sale to an end customer. Uploaded lines carry a fingerprint of their cells (and of
    their place among identical rows of the file): uploading the same rows again adds nothing."""

    report = models.ForeignKey(InventoryReport, on_delete=models.CASCADE, related_name="sales")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("orders.Product", on_delete=models.PROTECT, related_name="+")
    sold_on = models.DateField(_("sold on"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price (CNY)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    region = models.ForeignKey(
        "partners.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer region")
    )
    customer = models.CharField(_("customer"), max_length=120, blank=True)
    reference = models.CharField(_("document number"), max_length=60, blank=True)
    fingerprint = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("sell-out line")
        verbose_name_plural = _("sell-out lines")
        ordering = ["-sold_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "fingerprint"], condition=Q(fingerprint__isnull=False),
                name="sell_out_line_once_per_upload_row",
            )
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["tenant", "partner", "product", "sold_on"], name="sell_out_partner_idx"),
            models.Index(fields=["tenant", "sold_on"], name="sell_out_date_idx"),
        ]

    @property
    def value(self) -> Decimal:
        return self.unit_price * self.quantity


class ReportDue(TenantOwnedModel):
    """What a partner owes for one reporting period (a week or a month): a stock report dated
    in the period or by its due day. The daily job creates the rows, marks them reported,
    reminds once before the due day and flags once after it."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="reports_due", verbose_name=_("partner")
    )
    period_first = models.DateField(_("period from"))
    period_last = models.DateField(_("period to"))
    due_on = models.DateField(_("due on"))
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)

    class Meta:
        verbose_name = _("report due")
        verbose_name_plural = _("reports due")
        ordering = ["-period_first", "partner"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period_first"], name="report_due_one_per_period")
        ]
        indexes = [models.Index(fields=["tenant", "due_on", "reported_at"], name="report_due_idx")]

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None and self.reported_at is None


class StockStatus(models.TextChoices):
    STOCK_OUT = "stock_out", _("Stock-out")
    LOW = "low", _("Low")
    HEALTHY = "healthy", _("Healthy")
    OVERSTOCK = "overstock", _("Overstock")


class StockPosition(TenantOwnedModel):
    """The monitoring snapshot of one partner × SKU, as of ``computed_on`` (written only by
    orders.services.inventory.recompute_positions)."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("orders.Product", on_delete=models.CASCADE, related_name="+")
    on_hand = models.IntegerField(_("on hand"))
    in_transit = models.IntegerField(_("in transit"))
    sold_in_window = models.IntegerField(_("sold in the window"))
    avg_daily = models.FloatField(_("average daily sell-out"))
    days_of_cover = models.FloatField(_("days of cover"), null=True)
    status = models.CharField(_("status"), max_length=10, choices=StockStatus.choices)
    suggested_quantity = models.IntegerField(_("suggested order"))
    last_counted_on = models.DateField(_("last counted"), null=True)
    computed_on = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed"))
    status_since = models.DateField(_("in this status since"))
    alerted_status = models.CharField(max_length=10, blank=True, editable=False)

    class Meta:
        verbose_name = _("stock position")
        verbose_name_plural = _("stock positions")
        ordering = ["partner", "product"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "product"], name="stock_position_one_per_sku")
        ]
        indexes = [
            models.Index(fields=["tenant", "status"], name="stock_position_status_idx"),
            models.Index(fields=["tenant", "partner"], name="stock_position_partner_idx"),
            models.Index(fields=["tenant", "product"], name="stock_position_product_idx"),
        ]
