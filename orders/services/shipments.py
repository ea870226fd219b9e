"""Shipping a confirmed order in one or more shipments, and the partner's receipt.

A shipment takes part or all of each line's open quantity, under the order's row lock (two
people shipping the same order queue; the second sees what the first shipped, and shipping
more than is open is refused — the database refuses it too, ``order_line_not_over_shipped``).
What shipped is invoiced into the receivables ledger at the line's price. The partner confirms
receipt line by line (short and damaged quantities noted); what arrived in good order is posted
into its stock (``StockMovement``, once per shipped line). When the last shipment of a fully
shipped order is received, the order is complete.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channelhub import audit, formats, periods, roles, workflow
from channelhub.notifications import Text
from channelhub.validators import parse_quantity
from orders.models import (
    MovementKind,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    StockMovement,
)
from orders.services import inventory
from orders.services.orders import ZERO, _tell_the_partner, book_invoice


def ship_order(order: Order, *, quantities: dict, carrier: str, tracking_number: str = "",
               shipped_on: date | None = None, by) -> Shipment:  # fmt: skip
    """Ship ``quantities`` (order line pk → quantity, as typed; empty or 0 leaves a line out)."""
    roles.require(by, "orders.ship")
    today = periods.today()
    shipped_on = shipped_on or today
    if shipped_on > today:
        raise ValidationError({"shipped_on": _("A shipment cannot be dated in the future.")})
    if not (carrier or "").strip():
        raise ValidationError({"carrier": _("Name the carrier.")})
    with transaction.atomic():
        locked = workflow.lock(order)
        if locked.status not in (OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_SHIPPED):
            raise workflow.WrongState(locked, _("Only a confirmed order can be shipped."))
        lines = {line.pk: line for line in locked.lines.select_related("product")}
        errors, shipping = [], []
        for line_id, typed in quantities.items():
            line = lines.get(int(line_id))
            if line is None:
                raise ValidationError(_("That line is not on this order."))
            if typed in (None, "") or str(typed).strip() in ("", "0"):
                continue
            try:
                quantity = parse_quantity(typed)
            except ValidationError as error:
                errors.append(f"{line.product.sku}: {error.messages[0]}")
                continue
            if quantity > line.open_quantity:
                errors.append(
                    _("%(sku)s: only %(open)s are still open; %(quantity)s cannot ship.")
                    % {"sku": line.product.sku, "open": line.open_quantity, "quantity": quantity}
                )
                continue
            shipping.append((line, quantity))
        if errors:
            raise ValidationError(errors)
        if not shipping:
            raise ValidationError(_("Enter the quantity to ship of at least one line."))
        number = f"{locked.number}-{locked.shipments.count() + 1}"
        shipment = Shipment.objects.create(
            order=locked, number=number, carrier=carrier.strip(), tracking_number=(tracking_number or "").strip(),
            shipped_on=shipped_on, shipped_by=by,
        )  # fmt: skip
        value = ZERO
        for line, quantity in shipping:
            ShipmentLine.objects.create(shipment=shipment, order_line=line, quantity=quantity)
            OrderLine.objects.filter(pk=line.pk).update(shipped_quantity=F("shipped_quantity") + quantity)
            line.shipped_quantity += quantity
            value += line.unit_price * quantity
        book_invoice(
            partner=locked.partner, amount=value, booked_on=shipped_on, order=locked, reference=number, by=by
        )
        everything = all(line.open_quantity == 0 for line in lines.values())
        workflow.transition(
            locked,
            "ship_rest" if everything else "ship_part",
            by=by,
            verb="order.shipped",
            comment=f"{number} · {carrier.strip()} {tracking_number or ''}".strip(),
            changes={
                line.product.sku: [str(line.shipped_quantity - q), str(line.shipped_quantity)]
                for line, q in shipping
            },
        )
        audit.record(
            shipment, "shipment.shipped", actor=by, to_state=shipment.status, comment=formats.money(value)
        )
        _tell_the_partner(
            locked,
            Text(
                gettext_noop("Order %(number)s: shipment %(shipment)s is on its way"),
                number=locked.number,
                shipment=number,
            ),
            by=by,
        )
        inventory.refresh_partner(locked.partner)  # now in transit
    return shipment


def receive_shipment(shipment: Shipment, *, received: dict, damaged: dict | None = None, note: str = "",
                     received_on: date | None = None, by) -> Shipment:  # fmt: skip
    """The partner confirms receipt: for each shipment line pk, the quantity in good order and
    the damaged one (what is neither is short). Good quantities go into the partner's stock."""
    damaged = damaged or {}
    today = periods.today()
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": _("A receipt cannot be dated in the future.")})
    with transaction.atomic():
        locked = workflow.lock(shipment)
        lines = list(locked.lines.select_related("order_line__product"))
        errors = []
        for line in lines:
            try:
                good = parse_quantity(
                    received.get(line.pk, received.get(str(line.pk), line.quantity)), allow_zero=True
                )
                bad = parse_quantity(damaged.get(line.pk, damaged.get(str(line.pk), 0)) or 0, allow_zero=True)
            except ValidationError as error:
                errors.append(f"{line.order_line.product.sku}: {error.messages[0]}")
                continue
            if good + bad > line.quantity:
                errors.append(
                    _("%(sku)s: %(shipped)s were shipped; %(total)s cannot have arrived.")
                    % {"sku": line.order_line.product.sku, "shipped": line.quantity, "total": good + bad}
                )
                continue
            line.received_quantity, line.damaged_quantity = good, bad
        if errors:
            raise ValidationError(errors)
        workflow.transition(
            locked,
            "receive",
            by=by,
            verb="shipment.received",
            comment=(note or "").strip(),
            fields={"received_on": received_on, "received_by": by, "receipt_note": (note or "").strip()},
        )
        ShipmentLine.objects.bulk_update(lines, ["received_quantity", "damaged_quantity"])
        order = locked.order
        for line in lines:
            OrderLine.objects.filter(pk=line.order_line_id).update(
                received_quantity=F("received_quantity") + line.received_quantity
            )
            if line.received_quantity and not line.order_line.product.is_service:
                StockMovement.objects.create(
                    partner_id=order.partner_id, product_id=line.order_line.product_id, kind=MovementKind.RECEIPT,
                    quantity=line.received_quantity, moved_on=received_on, shipment_line=line,
                )  # fmt: skip
        short = {
            line.order_line.product.sku: [str(line.quantity), str(line.received_quantity)]
            for line in lines
            if line.received_quantity != line.quantity
        }
        if short:
            audit.record(order, "order.receipt_short", actor=by, changes=short, comment=locked.number)
        order_locked = workflow.lock(order)
        pending = order_locked.shipments.filter(status=ShipmentStatus.IN_TRANSIT).exists()
        if order_locked.status == OrderStatus.SHIPPED and not pending:
            workflow.transition(order_locked, "complete", by=by, verb="order.received", fields={})
        inventory.refresh_partner(order.partner)  # in stock now, no longer in transit
    return locked
