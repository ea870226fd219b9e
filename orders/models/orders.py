"""Partner orders (订单管理): an order of lines (SKU × quantity at the price it used), its state
machine, the tenant's order settings, the order numbers and the receivables ledger."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from channelhub import roles, workflow
from channelhub.tenancy import TenantOwnedModel

ZERO = Decimal("0.00")


class ReportCycle(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class OrderSettings(TenantOwnedModel):
    """One row per tenant (made with the defaults the first time it is needed)."""

    number_prefix = models.CharField(
        _("order number prefix"),
        max_length=8,
        default="SO",
        help_text=_("Order numbers read PREFIX-YEAR-NNNNNN."),
    )
    executive_hold_threshold = models.DecimalField(
        _("executive approval above (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("500000.00"),
        validators=[MinValueValidator(ZERO)],
        help_text=_("An order on credit hold worth more than this needs an executive after finance."),
    )
    # Stock and sell-out reports (orders.inventory): partners report once per cycle, by its due day.
    report_cycle = models.CharField(
        _("reporting cycle"), max_length=8, choices=ReportCycle.choices, default=ReportCycle.MONTHLY
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("reports due on day"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_(
            "Monthly: the day of the next month by which the month is reported (1–28). "
            "Weekly: the weekday of the next week (1 Monday … 7 Sunday)."
        ),
    )
    sell_out_window_days = models.PositiveSmallIntegerField(
        _("average sell-out over (days)"),
        default=28,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_("Days of cover divide stock by the average daily sell-out of this many days."),
    )

    class Meta:
        verbose_name = _("order settings")
        verbose_name_plural = _("order settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="order_settings_one_per_tenant")]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.report_cycle == ReportCycle.WEEKLY and (self.report_due_day or 0) > 7:
            raise ValidationError(
                {"report_due_day": _("A weekly report is due on a weekday: 1 (Monday) to 7.")}
            )


class OrderCounter(TenantOwnedModel):
    """The last order number of a tenant's year; locked while a number is taken."""

    year = models.PositiveSmallIntegerField(_("year"))
    last_seq = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("order counter")
        verbose_name_plural = _("order counters")
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="order_counter_one_per_year")]


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CREDIT_HOLD = "credit_hold", _("Credit hold")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


S = OrderStatus
# Orders whose open (unshipped) value counts towards the partner's credit exposure.
COMMITTED = (S.CONFIRMED, S.PARTIALLY_SHIPPED)
OPEN = (S.SUBMITTED, S.CREDIT_HOLD, S.CONFIRMED, S.PARTIALLY_SHIPPED, S.SHIPPED)


def _own_partner(order, user) -> bool:
    """A partner user acts on their own partner's orders; a channel manager on any."""
    partner_id = roles.partner_of(user, order.tenant_id)
    return partner_id is None or partner_id == order.partner_id  # staff (no partner), or their own


class Order(ConcurrentTransitionMixin, TenantOwnedModel):
    number = models.CharField(_("order number"), max_length=24)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="orders", verbose_name=_("partner")
    )
    status = FSMField(_("status"), default=S.DRAFT, choices=S.choices, protected=True)
    status_changed_at = models.DateTimeField(_("in this status since"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    po_number = models.CharField(
        _("partner PO number"),
        max_length=40,
        blank=True,
        help_text=_("Your own purchase order number, optional."),
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300)
    wanted_on = models.DateField(_("wanted by"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    total = models.DecimalField(_("total (CNY)"), max_digits=14, decimal_places=2, default=ZERO)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    priced_on = models.DateField(_("priced on"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="order_number_unique_per_tenant"),
            models.UniqueConstraint(
                fields=["tenant", "partner", "po_number"],
                condition=~Q(po_number=""),
                name="order_po_number_unique_per_partner",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "created_at"], name="order_tenant_status_idx"),
            models.Index(fields=["tenant", "partner", "created_at"], name="order_tenant_partner_idx"),
        ]

    def __str__(self):
        return self.number

    # --- the state machine: each transition says who may take it ----------------------------

    @transition(
        field=status,
        source=S.DRAFT,
        target=S.SUBMITTED,
        permission=workflow.may("orders.draft", _own_partner),
    )
    def submit(self):
        pass

    @transition(field=status, source=S.SUBMITTED, target=S.CREDIT_HOLD, custom=workflow.BY_SYSTEM)
    def hold(self):
        """Over the credit limit at submission or confirmation (the service's credit check)."""

    @transition(
        field=status, source=S.CONFIRMED, target=S.CREDIT_HOLD, custom=workflow.BY_SYSTEM
    )  # a confirmed order's lines edited over the limit
    def hold_again(self):
        pass

    @transition(
        field=status, source=S.SUBMITTED, target=S.CONFIRMED, permission=workflow.may("orders.manage")
    )
    def confirm(self):
        pass

    @transition(field=status, source=S.CREDIT_HOLD, target=S.CONFIRMED, custom=workflow.BY_APPROVAL)
    def release(self):
        """Finance (and an executive above the threshold) approved the credit."""

    @transition(field=status, source=S.CREDIT_HOLD, target=S.REJECTED, custom=workflow.BY_APPROVAL)
    def decline_credit(self):
        pass

    @transition(field=status, source=S.SUBMITTED, target=S.REJECTED, permission=workflow.may("orders.manage"))
    def reject(self):
        pass

    @transition(
        field=status,
        source=[S.DRAFT, S.SUBMITTED, S.CREDIT_HOLD],
        target=S.CANCELLED,
        permission=workflow.may("orders.draft", _own_partner),
    )
    def withdraw(self):
        """The partner (or the manager who placed it for them) cancels before confirmation."""

    @transition(
        field=status, source=S.CONFIRMED, target=S.CANCELLED, permission=workflow.may("orders.manage")
    )
    def cancel(self):
        """The company cancels a confirmed order that has not shipped."""

    @transition(
        field=status,
        source=[S.CONFIRMED, S.PARTIALLY_SHIPPED],
        target=S.PARTIALLY_SHIPPED,
        permission=workflow.may("orders.ship"),
    )
    def ship_part(self):
        """A shipment that leaves some quantity open."""

    @transition(
        field=status,
        source=[S.CONFIRMED, S.PARTIALLY_SHIPPED],
        target=S.SHIPPED,
        permission=workflow.may("orders.ship"),
    )
    def ship_rest(self):
        """The shipment that ships everything still open."""

    @transition(field=status, source=S.SHIPPED, target=S.RECEIVED, custom=workflow.BY_SYSTEM)
    def complete(self):
        """The partner confirmed receipt of the last shipment of a fully shipped order."""

    def stamp_transition(self, from_state, at):
        self.status_changed_at = at

    @property
    def is_editable_draft(self) -> bool:
        return self.status == S.DRAFT


class OrderLine(TenantOwnedModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    position = models.PositiveSmallIntegerField(_("line"), default=1)
    product = models.ForeignKey(
        "orders.Product", on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("unit price (CNY)"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    shipped_quantity = models.PositiveIntegerField(_("shipped"), default=0)
    received_quantity = models.PositiveIntegerField(_("received"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="order_line_one_per_product"),
            models.CheckConstraint(
                condition=Q(shipped_quantity__lte=models.F("quantity")), name="order_line_not_over_shipped"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "product"], name="order_line_tenant_product_idx")]

    def __str__(self):
        return f"{self.order_id}/{self.position}"

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.shipped_quantity


class EntryKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice (goods shipped)")
    PAYMENT = "payment", _("Payment received")
    ADJUSTMENT = "adjustment", _("Adjustment")


class ReceivableEntry(TenantOwnedModel):
    """The partner's receivables ledger: what it owes (invoices, positive) and what it paid
    (payments, negative). Open receivables = the sum. Entries are never edited or deleted; a
    mistake is corrected by an adjustment."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="receivables", verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(
        _("amount (CNY)"), max_digits=14, decimal_places=2, help_text=_("Owed: positive; paid: negative.")
    )
    booked_on = models.DateField(_("date"))
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receivables",
        verbose_name=_("order"),
    )
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("receivable entry")
        verbose_name_plural = _("receivable entries")
        ordering = ["-booked_on", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "partner", "booked_on"], name="receivable_tenant_partner_idx")
        ]
