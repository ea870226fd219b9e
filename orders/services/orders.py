"""Partner orders: drafts, submission and confirmation with a credit check on every step that
raises exposure, credit holds decided through the shared approval mechanism, rejection and
cancellation — and the receivables ledger the exposure is computed from.

**Exposure** = the open (unshipped) value of the partner's confirmed orders + its open
receivables (invoices − payments in the ledger). Every transition that raises it — submitting,
confirming, releasing a hold is the decision itself, editing a confirmed order's lines — checks
``exposure + what this order adds`` against the partner's credit limit; over it, the order goes
to **credit hold** and finance decides (an executive too above the tenant's threshold). A
cancelled order copied into a new one is a new draft, checked like any other: there is no way
round the check (competitors are bypassed by close / copy / reopen).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channelhub import approvals, audit, formats, periods, roles, workflow
from channelhub.approvals import Approver
from channelhub.notifications import Kind, Text, notify
from channelhub.roles import Role, members_with
from channelhub.tenancy import get_current_tenant
from channelhub.validators import parse_quantity
from orders.models import (
    COMMITTED,
    EntryKind,
    Order,
    OrderCounter,
    OrderLine,
    OrderSettings,
    OrderStatus,
    Product,
    ReceivableEntry,
)
from partners.models import PartnerStatus

CREDIT_HOLD = "orders.credit_hold"  # the approval action
ZERO = Decimal("0.00")
MAX_LINES = 200


# --- prices ------------------------------------------------------------------------------------


def price_for(partner, product: Product, on_date: date) -> Decimal:
    """The channel price ``partner`` pays for ``product`` on ``on_date``: the one function every
    price comes from. Until the pricing module's price lists exist it is the product's list
    price; the pricing issue resolves partner > region + tier > region > tier > base here."""
    return product.list_price


# --- credit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditCheck:
    limit: Decimal | None  # None: the partner has no credit limit set (nothing on credit)
    exposure: Decimal  # before this order
    adding: Decimal

    @property
    def after(self) -> Decimal:
        return self.exposure + self.adding

    @property
    def over(self) -> bool:
        return self.adding > 0 and self.after > (self.limit or ZERO)

    def describe(self) -> str:
        return _("Credit limit %(limit)s; exposure %(exposure)s, with this order %(after)s.") % {
            "limit": formats.money(self.limit or ZERO),
            "exposure": formats.money(self.exposure),
            "after": formats.money(self.after),
        }


def open_receivables(partner) -> Decimal:
    total = ReceivableEntry.objects.filter(partner=partner).aggregate(s=Sum("amount"))["s"] or ZERO
    return total.quantize(ZERO)  # SQLite sums decimals without their places


def committed_value(partner, *, excluding: Order | None = None) -> Decimal:
    """The unshipped value of the partner's confirmed orders (one query)."""
    lines = OrderLine.objects.filter(order__partner=partner, order__status__in=COMMITTED)
    if excluding is not None:
        lines = lines.exclude(order=excluding)
    value = lines.aggregate(s=Sum((F("quantity") - F("shipped_quantity")) * F("unit_price")))["s"]
    return (value or ZERO).quantize(ZERO)


def exposure(partner, *, excluding: Order | None = None) -> Decimal:
    return committed_value(partner, excluding=excluding) + open_receivables(partner)


def credit_check(order: Order, *, adding: Decimal | None = None) -> CreditCheck:
    """The check for ``order``: its own open value on top of everything else the partner owes
    or has confirmed (the order itself left out, so an edit counts its new value once)."""
    open_value = sum((line.open_quantity * line.unit_price for line in order.lines.all()), ZERO)
    return CreditCheck(
        limit=order.partner.credit_limit,
        exposure=exposure(order.partner, excluding=order),
        adding=open_value if adding is None else adding,
    )


# --- numbers, settings, URLs ----------------------------------------------------------------


def get_settings() -> OrderSettings:
    found = OrderSettings.objects.first()
    if found is not None:
        return found
    with transaction.atomic():
        return OrderSettings.objects.get_or_create()[0]


ORDER_SETTINGS = (
    "number_prefix",
    "executive_hold_threshold",
    "report_cycle",
    "report_due_day",
    "sell_out_window_days",
)


def update_settings(*, data: dict, by) -> OrderSettings:
    """Change the tenant's order and reporting settings; the change goes on their timeline."""
    roles.require(by, "tenant.configure")
    with transaction.atomic():
        locked = OrderSettings.objects.select_for_update().get(pk=get_settings().pk)
        audit.apply_changes(locked, ORDER_SETTINGS, data, by=by, verb="order_settings.changed")
    return locked


def next_number() -> str:
    """PREFIX-YEAR-NNNNNN from the tenant's counter for the year, locked until the caller's
    transaction commits (two orders at the same moment queue here)."""
    year = periods.year_of(timezone.now())
    OrderCounter.objects.get_or_create(year=year)
    counter = OrderCounter.objects.select_for_update().get(year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return f"{get_settings().number_prefix}-{year}-{counter.last_seq:06d}"


def order_url(order: Order) -> str:
    return reverse("orders:order-detail", kwargs={"tenant_slug": get_current_tenant().slug, "pk": order.pk})


# --- drafts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    product: Product
    quantity: object  # as typed: parse_quantity checks it


def _check_partner(partner) -> None:
    if partner.status != PartnerStatus.ACTIVE:
        raise ValidationError(
            _("%(partner)s is %(status)s: it cannot order.")
            % {"partner": partner.name, "status": partner.get_status_display()}
        )


def _check_po_number(partner, po_number: str, order: Order | None) -> str:
    po_number = (po_number or "").strip()
    if po_number:
        taken = Order.objects.filter(partner=partner, po_number=po_number)
        if order is not None and order.pk:
            taken = taken.exclude(pk=order.pk)
        if taken.exists():
            raise ValidationError(
                {"po_number": _("Your PO number %(po)s is on order %(number)s already.")
                 % {"po": po_number, "number": taken.first().number}}
            )  # fmt: skip
    return po_number


def _lines(partner, lines: list[LineInput], on_date: date) -> list[OrderLine]:
    """Order lines from what was typed: every problem of every line at once, by line number."""
    if not lines:
        raise ValidationError(_("An order needs at least one line."))
    if len(lines) > MAX_LINES:
        raise ValidationError(_("At most %(max)s lines per order.") % {"max": MAX_LINES})
    errors, built, seen = [], [], set()
    for position, line in enumerate(lines, start=1):
        product = line.product
        if product.pk in seen:
            errors.append(
                _("Line %(n)s: %(sku)s is on the order twice.") % {"n": position, "sku": product.sku}
            )
            continue
        seen.add(product.pk)
        if not product.is_orderable:
            errors.append(
                _("Line %(n)s: %(sku)s is discontinued and cannot be ordered.")
                % {"n": position, "sku": product.sku}
            )
            continue
        try:
            quantity = parse_quantity(line.quantity, multiple_of=product.pack_multiple)
        except ValidationError as error:
            errors.append(
                _("Line %(n)s (%(sku)s): %(problem)s")
                % {"n": position, "sku": product.sku, "problem": error.messages[0]}
            )
            continue
        price = price_for(partner, product, on_date)
        built.append(
            OrderLine(
                position=position,
                product=product,
                quantity=quantity,
                unit_price=price,
                amount=price * quantity,
            )
        )
    if errors:
        raise ValidationError(errors)
    return built


def _replace_lines(order: Order, lines: list[OrderLine]) -> None:
    order.lines.all().delete()
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    order.total = sum((line.amount for line in lines), ZERO)
    order.save(update_fields=["total"])


def _may_draft_for(by, partner) -> None:
    """A partner user orders for their own partner; a channel manager for any."""
    roles.require(by, "orders.draft")
    partner_id = roles.partner_of(by, partner.tenant_id)
    if partner_id is not None and partner_id != partner.pk:
        raise PermissionDenied(_("You can order for your own partner only."))


def create_order(*, partner, lines: list[LineInput], delivery_address: str, by, wanted_on=None,
                 po_number: str = "", remarks: str = "") -> Order:  # fmt: skip
    """A draft, priced today (prices are taken again at submission and at confirmation)."""
    _may_draft_for(by, partner)
    _check_partner(partner)
    today = periods.today()
    if wanted_on is not None and wanted_on < today:
        raise ValidationError({"wanted_on": _("The wanted date cannot be in the past.")})
    built = _lines(partner, lines, today)
    with transaction.atomic():
        po_number = _check_po_number(partner, po_number, None)
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    number=next_number(),
                    partner=partner,
                    po_number=po_number,
                    delivery_address=delivery_address.strip(),
                    wanted_on=wanted_on,
                    remarks=remarks.strip(),
                    placed_by=by,
                    priced_on=today,
                )
        except IntegrityError:  # the same PO number at the same moment
            raise ValidationError({"po_number": _("This PO number is on another order already.")}) from None
        _replace_lines(order, built)
        audit.record(
            order, "order.created", actor=by, to_state=order.status, comment=formats.money(order.total)
        )
    return order


def update_draft(order: Order, *, lines: list[LineInput], delivery_address: str, by, wanted_on=None,
                 po_number: str = "", remarks: str = "") -> Order:  # fmt: skip
    _may_draft_for(by, order.partner)
    today = periods.today()
    if wanted_on is not None and wanted_on < today:
        raise ValidationError({"wanted_on": _("The wanted date cannot be in the past.")})
    built = _lines(order.partner, lines, today)
    with transaction.atomic():
        locked = workflow.lock(order)
        if locked.status != OrderStatus.DRAFT:
            raise workflow.WrongState(locked, _("Only a draft can be edited."))
        before = formats.money(locked.total)
        locked.po_number = _check_po_number(locked.partner, po_number, locked)
        locked.delivery_address, locked.wanted_on, locked.remarks = (
            delivery_address.strip(),
            wanted_on,
            remarks.strip(),
        )
        locked.priced_on = today
        locked.save()
        _replace_lines(locked, built)
        audit.record(
            locked, "order.edited", actor=by, changes={"total": [before, formats.money(locked.total)]}
        )
    return locked


# --- the steps that raise exposure -------------------------------------------------------------


def _reprice(order: Order, on_date: date) -> None:
    """Take the prices of ``on_date`` (submission, confirmation); a confirmed order keeps its own."""
    lines = list(order.lines.select_related("product"))
    for line in lines:
        line.unit_price = price_for(order.partner, line.product, on_date)
        line.amount = line.unit_price * line.quantity
    OrderLine.objects.bulk_update(lines, ["unit_price", "amount"])
    order.total = sum((line.amount for line in lines), ZERO)
    order.priced_on = on_date


def _credit_steps(order: Order) -> list[Approver]:
    steps = [Approver(role=Role.FINANCE)]
    if order.total > get_settings().executive_hold_threshold:
        steps.append(Approver(role=Role.EXECUTIVE))
    return steps


def _hold(order: Order, check: CreditCheck, *, by, name: str = "hold") -> None:
    workflow.transition(
        order,
        name,
        by=by,
        verb="order.credit_hold",
        comment=check.describe(),
        fields={"status_reason": check.describe()},
    )
    approvals.request_approval(
        order,
        action=CREDIT_HOLD,
        title=_("Credit hold: %(number)s, %(partner)s, %(total)s")
        % {"number": order.number, "partner": order.partner.name, "total": formats.money(order.total)},
        summary=check.describe(),
        steps=_credit_steps(order),
        by=by,
    )


def submit_order(order: Order, *, by) -> Order:
    """Send the draft to the company. Over the credit limit it goes to credit hold at once."""
    _check_partner(order.partner)
    with transaction.atomic():
        locked = workflow.lock(order)
        if locked.status == OrderStatus.DRAFT:
            _reprice(locked, periods.today())
        if not locked.lines.exists():
            raise ValidationError(_("An order needs at least one line."))
        workflow.transition(
            locked, "submit", by=by, verb="order.submitted", fields={"submitted_at": timezone.now(),
                                                                    "total": locked.total,
                                                                    "priced_on": locked.priced_on}
        )  # fmt: skip
        check = credit_check(locked)
        if check.over:
            _hold(locked, check, by=by)
        else:
            _tell_the_order_desk(locked, by=by)
    return locked


def confirm_order(order: Order, *, by) -> Order:
    """The company accepts the order at today's prices — checked against the credit limit again
    (what the partner owes may have grown since it submitted)."""
    with transaction.atomic():
        locked = workflow.lock(order)
        if locked.status != OrderStatus.SUBMITTED:
            raise workflow.WrongState(locked, _("Only a submitted order can be confirmed."))
        roles.require(by, "orders.manage")
        _reprice(locked, periods.today())
        locked.save(update_fields=["total", "priced_on"])
        check = credit_check(locked)
        if check.over:
            _hold(locked, check, by=by)
            return locked
        workflow.transition(
            locked, "confirm", by=by, verb="order.confirmed", fields={"confirmed_at": timezone.now()}
        )
        _tell_the_partner(
            locked, Text(gettext_noop("Order %(number)s confirmed"), number=locked.number), by=by
        )
    return locked


def edit_confirmed_lines(order: Order, *, quantities: dict, by, reason: str) -> Order:
    """The company changes a confirmed order's quantities (product pk → new quantity), before
    anything shipped. A change that raises the value is checked: over the limit, credit hold."""
    roles.require(by, "orders.manage")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the order changes.")})
    with transaction.atomic():
        locked = workflow.lock(order)
        if locked.status != OrderStatus.CONFIRMED:
            raise workflow.WrongState(
                locked, _("Only a confirmed order that has not shipped can be changed.")
            )
        lines = {line.product_id: line for line in locked.lines.select_related("product")}
        changes, errors = {}, []
        for product_id, typed in quantities.items():
            line = lines.get(product_id)
            if line is None:
                raise ValidationError(_("That product is not on this order."))
            try:
                quantity = parse_quantity(typed, multiple_of=line.product.pack_multiple)
            except ValidationError as error:
                errors.append(f"{line.product.sku}: {error.messages[0]}")
                continue
            if quantity != line.quantity:
                changes[line.product.sku] = [str(line.quantity), str(quantity)]
                line.quantity, line.amount = quantity, line.unit_price * quantity
        if errors:
            raise ValidationError(errors)
        if not changes:
            return locked
        before = locked.total
        OrderLine.objects.bulk_update(list(lines.values()), ["quantity", "amount"])
        locked.total = sum((line.amount for line in lines.values()), ZERO)
        locked.save(update_fields=["total"])
        audit.record(locked, "order.lines_changed", actor=by, changes=changes, comment=reason.strip())
        check = credit_check(locked)
        if locked.total > before and check.over:
            _hold(locked, check, by=by, name="hold_again")
    return locked


# --- the credit-hold approval (channelhub.approvals) ----------------------------------------


def _decided_via(request) -> str:
    step = request.steps.exclude(decision="").order_by("-order").first()
    return step.via if step is not None and step.via else "web"


def _decision_comment(request) -> str:
    step = request.steps.exclude(decision="").order_by("-order").first()
    return step.comment if step is not None else ""


def on_credit_approved(order: Order, request, by) -> None:
    locked = workflow.lock(order)
    _reprice(locked, periods.today())
    workflow.transition(
        locked,
        "release",
        by=by,
        verb="order.credit_released",
        via=_decided_via(request),
        comment=_decision_comment(request),
        fields={
            "confirmed_at": timezone.now(),
            "status_reason": "",
            "total": locked.total,
            "priced_on": locked.priced_on,
        },
    )
    _tell_the_partner(locked, Text(gettext_noop("Order %(number)s confirmed"), number=locked.number), by=by)


def on_credit_rejected(order: Order, request, by) -> None:
    reason = _decision_comment(request)
    workflow.transition(
        order,
        "decline_credit",
        by=by,
        verb="order.rejected",
        via=_decided_via(request),
        comment=reason,
        fields={"status_reason": reason},
    )
    _tell_the_partner(
        order, Text(gettext_noop("Order %(number)s rejected: credit"), number=order.number), by=by
    )


def describe_credit_hold(order: Order) -> list[tuple[str, str]]:
    """What finance and the executive see in the portal and in the e-mail."""
    check = credit_check(order)
    rows = [
        (_("Order"), order.number),
        (_("Partner"), order.partner.name),
        (_("Total"), formats.money(order.total)),
        (_("Credit limit"), formats.money(check.limit or ZERO)),
        (_("Exposure before this order"), formats.money(check.exposure)),
        (_("Open receivables"), formats.money(open_receivables(order.partner))),
        (_("Exposure with this order"), formats.money(check.after)),
    ]
    rows += [
        (f"{line.product.sku} × {line.quantity}", formats.money(line.amount))
        for line in order.lines.select_related("product")
    ]
    return rows


# --- rejection and cancellation ---------------------------------------------------------------


def reject_order(order: Order, *, reason: str, by) -> Order:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the order is rejected.")})
    with transaction.atomic():
        workflow.transition(
            order,
            "reject",
            by=by,
            verb="order.rejected",
            comment=reason.strip(),
            fields={"status_reason": reason.strip()},
        )
        _tell_the_partner(order, Text(gettext_noop("Order %(number)s rejected"), number=order.number), by=by)
    return order


def cancel_order(order: Order, *, reason: str, by) -> Order:
    """Before confirmation the partner withdraws it; after, only the company cancels it, and
    never once anything shipped."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the order is cancelled.")})
    with transaction.atomic():
        approvals.cancel_pending(order, by=by, reason=reason)
        locked = workflow.lock(order)
        name = "cancel" if locked.status == OrderStatus.CONFIRMED else "withdraw"
        if name == "cancel" and locked.lines.filter(shipped_quantity__gt=0).exists():
            raise workflow.WrongState(
                locked, _("Part of this order has shipped: it can no longer be cancelled.")
            )
        workflow.transition(
            locked,
            name,
            by=by,
            verb="order.cancelled",
            comment=reason.strip(),
            fields={"status_reason": reason.strip()},
            refused=_("This order can no longer be cancelled."),
        )
        if name == "cancel":
            _tell_the_partner(
                locked, Text(gettext_noop("Order %(number)s cancelled"), number=locked.number), by=by
            )
    return locked


def copy_order(order: Order, *, by) -> Order:
    """A new draft with the same lines (at today's prices): checked like any new order."""
    lines = [LineInput(line.product, line.quantity) for line in order.lines.select_related("product")]
    return create_order(
        partner=order.partner,
        lines=lines,
        delivery_address=order.delivery_address,
        remarks=order.remarks,
        by=by,
    )


# --- the receivables ledger ------------------------------------------------------------------


def record_payment(
    *, partner, amount: Decimal, booked_on: date, reference: str = "", note: str = "", by
) -> ReceivableEntry:
    """Finance books money received from the partner (lowers its open receivables)."""
    roles.require(by, "orders.receivables")
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if booked_on > periods.today():
        raise ValidationError({"booked_on": _("A payment cannot be booked in the future.")})
    return ReceivableEntry.objects.create(
        partner=partner, kind=EntryKind.PAYMENT, amount=-amount, booked_on=booked_on,
        reference=reference.strip(), note=note.strip(), created_by=by,
    )  # fmt: skip


def book_invoice(
    *, partner, amount: Decimal, booked_on: date, order: Order | None = None, reference: str = "", by=None
) -> ReceivableEntry:
    """What the partner owes for goods shipped (the shipment service books it)."""
    return ReceivableEntry.objects.create(
        partner=partner, kind=EntryKind.INVOICE, amount=amount, booked_on=booked_on, order=order,
        reference=reference, created_by=by,
    )  # fmt: skip


# --- who is told ----------------------------------------------------------------------------------


def _tell_the_partner(order: Order, title: Text, *, by) -> None:
    people = roles.partner_users(order.partner_id)
    if order.partner.owner_id:
        people.append(order.partner.owner)
    notify(people, kind=Kind.GENERAL, title=title, url=order_url(order), actor=by)


def _tell_the_order_desk(order: Order, *, by) -> None:
    notify(
        members_with(Role.CHANNEL_MANAGER) if order.partner.owner_id is None else [order.partner.owner],
        kind=Kind.GENERAL,
        title=Text(
            gettext_noop("Order %(number)s to confirm: %(partner)s"),
            number=order.number,
            partner=order.partner.name,
        ),
        url=order_url(order),
        actor=by,
    )


def partner_business(partner) -> dict:
    """What a termination of ``partner`` leaves open here (channelhub.modules.partner_business):
    orders not yet complete, units in its book stock, and its open receivables."""
    from django.db.models import Sum as _Sum

    from orders.models import OPEN, StockMovement

    stock = StockMovement.objects.filter(partner=partner).aggregate(n=_Sum("quantity"))["n"] or 0
    return {
        "orders": Order.objects.filter(partner=partner, status__in=OPEN).count(),
        "stock": stock,
        "unsettled": str(open_receivables(partner)),
    }
