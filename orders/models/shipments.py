"""Shipments of a confirmed order (several per order: partial deliveries), the partner's receipt
line by line, and the stock movements receipt posts into the partner's stock."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from channelhub import roles, workflow
from channelhub.tenancy import TenantOwnedModel


class ShipmentStatus(models.TextChoices):
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")


def _own_partner(shipment, user) -> bool:
    return roles.partner_of(user, shipment.tenant_id) == shipment.order.partner_id


class Shipment(ConcurrentTransitionMixin, TenantOwnedModel):
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="shipments", verbose_name=_("order")
    )
    number = models.CharField(_("delivery note number"), max_length=32)
    status = FSMField(
        _("status"), default=ShipmentStatus.IN_TRANSIT, choices=ShipmentStatus.choices, protected=True
    )
    status_changed_at = models.DateTimeField(_("in this status since"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=60)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    shipped_on = models.DateField(_("shipped on"))
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("shipped by")
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("received by"),
    )  # fmt: skip
    receipt_note = models.TextField(_("receipt note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="shipment_number_unique_per_tenant")
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="shipment_tenant_status_idx")]

    def __str__(self):
        return self.number

    @transition(
        field=status,
        source=ShipmentStatus.IN_TRANSIT,
        target=ShipmentStatus.RECEIVED,
        permission=workflow.may("orders.receive", _own_partner),
    )
    def receive(self):
        """The partner confirms what arrived (short or damaged quantities noted)."""

    def stamp_transition(self, from_state, at):
        self.status_changed_at = at


class ShipmentLine(TenantOwnedModel):
    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment")
    )
    order_line = models.ForeignKey(
        "orders.OrderLine",
        on_delete=models.PROTECT,
        related_name="shipment_lines",
        verbose_name=_("order line"),
    )
    quantity = models.PositiveIntegerField(_("shipped"), validators=[MinValueValidator(1)])
    received_quantity = models.PositiveIntegerField(_("received in good order"), null=True, blank=True)
    damaged_quantity = models.PositiveIntegerField(_("damaged"), default=0)

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "order_line__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="shipment_line_one_per_order_line"
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__isnull=True)
                | Q(received_quantity__lte=models.F("quantity") - models.F("damaged_quantity")),
                name="shipment_line_not_over_received",
            ),
        ]

    @property
    def short_quantity(self) -> int:
        if self.received_quantity is None:
            return 0
        return self.quantity - self.received_quantity - self.damaged_quantity


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt of a shipment")
    ADJUSTMENT = "adjustment", _("Adjustment")


class StockMovement(TenantOwnedModel):
    """A change of a partner's stock of a product other than a sale (in: positive, out:
    negative). Book stock = the last stock count + the movements since − the sell-out since."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="stock_movements",
        verbose_name=_("partner"),
    )
    product = models.ForeignKey(
        "orders.Product", on_delete=models.PROTECT, related_name="stock_movements", verbose_name=_("product")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"))
    moved_on = models.DateField(_("date"))
    shipment_line = models.OneToOneField(
        ShipmentLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movement",
        verbose_name=_("shipment line"),
    )  # fmt: skip  (one receipt per shipped line: posting twice is refused by the database)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-moved_on", "-pk"]
        indexes = [
            models.Index(
                fields=["tenant", "partner", "product", "moved_on"], name="movement_partner_product_idx"
            )
        ]
