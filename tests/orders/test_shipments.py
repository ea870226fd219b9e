"""Shipping in parts, never more than is open (also from a stale page), invoicing what shipped,
the partner's receipt line by line into its stock, and the order completing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from channelhub import periods, workflow
from channelhub.models import Activity
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from orders import services
from orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    ReceivableEntry,
    Shipment,
    ShipmentStatus,
    StockMovement,
)
from tests.factories import MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db
S = OrderStatus


def _lines(order):
    with tenant_context(order.tenant):
        return {line.product.sku: line for line in order.lines.select_related("product")}


def _fresh(order):
    with tenant_context(order.tenant):
        return Order.objects.get(pk=order.pk)


def _ship(order, by, **by_sku):
    lines = _lines(order)
    with tenant_context(order.tenant):
        return services.ship_order(
            _fresh(order), quantities={lines[sku].pk: q for sku, q in by_sku.items()}, carrier="顺丰速运",
            tracking_number="SF1234567890", by=by,
        )  # fmt: skip


def test_two_partial_shipments_ship_the_order_and_invoice_what_shipped(confirmed, manager):
    with tenant_context(confirmed.tenant):
        before = services.exposure(confirmed.partner)
    first = _ship(confirmed, manager, **{"XC-AC7": 4})
    assert _fresh(confirmed).status == S.PARTIALLY_SHIPPED and first.number == f"{confirmed.number}-1"
    assert _lines(confirmed)["XC-AC7"].shipped_quantity == 4
    with tenant_context(confirmed.tenant):
        assert ReceivableEntry.objects.get(reference=first.number).amount == Decimal("6720.00")
        assert services.exposure(confirmed.partner) == before  # unshipped value became a receivable
    second = _ship(confirmed, manager, **{"XC-AC7": "6", "XC-SVC": 2})
    assert _fresh(confirmed).status == S.SHIPPED and second.number.endswith("-2")
    with tenant_context(confirmed.tenant):
        assert Activity.objects.filter(object_id=confirmed.pk, verb="order.shipped").count() == 2


def test_shipping_more_than_is_open_is_refused(confirmed, manager):
    _ship(confirmed, manager, **{"XC-AC7": 8})
    with pytest.raises(ValidationError) as refused:
        _ship(confirmed, manager, **{"XC-AC7": 3})
    assert "2" in refused.value.messages[0]
    assert _lines(confirmed)["XC-AC7"].shipped_quantity == 8
    with pytest.raises(ValidationError):
        _ship(confirmed, manager)  # nothing to ship
    with pytest.raises(ValidationError):
        _ship(confirmed, manager, **{"XC-AC7": "-1"})


def test_the_database_refuses_over_shipping_too(confirmed):
    with tenant_context(confirmed.tenant), pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(order=confirmed).update(shipped_quantity=99)


def test_a_stale_page_cannot_ship_what_another_shipped_meanwhile(confirmed, manager, member):
    admin = member(Role.TENANT_ADMIN)
    with tenant_context(confirmed.tenant):
        stale = Order.objects.get(pk=confirmed.pk)
    _ship(confirmed, manager, **{"XC-AC7": 10, "XC-SVC": 2})
    lines = _lines(confirmed)
    with tenant_context(confirmed.tenant), pytest.raises(workflow.AlreadyChanged) as refused:
        services.ship_order(stale, quantities={lines["XC-AC7"].pk: 10}, carrier="德邦", by=admin)
    assert manager.display_name in refused.value.messages[0]


def test_who_may_ship_and_when(confirmed, manager, partner_user, member, alpha):
    for user in (partner_user, member(Role.FINANCE)):
        with pytest.raises(PermissionDenied):
            _ship(confirmed, user, **{"XC-AC7": 1})
    with tenant_context(alpha):
        tomorrow = periods.today() + timedelta(days=1)
        line = confirmed.lines.first()
        with pytest.raises(ValidationError):
            services.ship_order(
                confirmed, quantities={line.pk: 1}, carrier="顺丰", shipped_on=tomorrow, by=manager
            )
        with pytest.raises(ValidationError):
            services.ship_order(confirmed, quantities={line.pk: 1}, carrier=" ", by=manager)


def test_the_partner_confirms_receipt_line_by_line_into_its_stock(confirmed, manager, partner_user):
    shipment = _ship(confirmed, manager, **{"XC-AC7": 10, "XC-SVC": 2})
    with tenant_context(confirmed.tenant):
        lines = {
            line.order_line.product.sku: line for line in shipment.lines.select_related("order_line__product")
        }
        services.receive_shipment(
            Shipment.objects.get(pk=shipment.pk),
            received={lines["XC-AC7"].pk: 8, lines["XC-SVC"].pk: 2},
            damaged={lines["XC-AC7"].pk: 1},
            note="一台外壳破损，一台未到",
            by=partner_user,
        )
        stock = list(StockMovement.objects.values_list("product__sku", "quantity"))
        assert stock == [("XC-AC7", 8)]  # services are not stocked
        assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.RECEIVED
        assert Activity.objects.filter(object_id=confirmed.pk, verb="order.receipt_short").exists()
    order = _fresh(confirmed)
    assert order.status == S.RECEIVED
    assert _lines(confirmed)["XC-AC7"].received_quantity == 8
    with tenant_context(confirmed.tenant), pytest.raises(workflow.WrongState):
        services.receive_shipment(Shipment.objects.get(pk=shipment.pk), received={}, by=partner_user)


def test_a_receipt_for_more_than_shipped_is_refused(confirmed, manager, partner_user):
    shipment = _ship(confirmed, manager, **{"XC-AC7": 4})
    with tenant_context(confirmed.tenant):
        line = shipment.lines.get()
        with pytest.raises(ValidationError):
            services.receive_shipment(shipment, received={line.pk: 4}, damaged={line.pk: 1}, by=partner_user)
        with pytest.raises(ValidationError):
            services.receive_shipment(shipment, received={line.pk: 5}, by=partner_user)
        assert not StockMovement.objects.exists()


def test_only_the_partners_own_people_confirm_its_receipt(confirmed, manager, alpha):
    shipment = _ship(confirmed, manager, **{"XC-AC7": 4})
    other = MembershipFactory(
        tenant=alpha, role=Role.PARTNER_ADMIN, partner=PartnerFactory(tenant=alpha)
    ).user
    with tenant_context(alpha):
        for user in (other, manager):
            with pytest.raises(PermissionDenied):
                services.receive_shipment(Shipment.objects.get(pk=shipment.pk), received={}, by=user)


def test_the_order_completes_only_when_every_shipment_is_received(confirmed, manager, partner_user):
    first = _ship(confirmed, manager, **{"XC-AC7": 5})
    second = _ship(confirmed, manager, **{"XC-AC7": 5, "XC-SVC": 2})
    with tenant_context(confirmed.tenant):
        services.receive_shipment(Shipment.objects.get(pk=second.pk), received={}, by=partner_user)
        assert Order.objects.get(pk=confirmed.pk).status == S.SHIPPED
        services.receive_shipment(Shipment.objects.get(pk=first.pk), received={}, by=partner_user)
    assert _fresh(confirmed).status == S.RECEIVED


def test_a_termination_lists_the_partners_open_orders_stock_and_receivables(confirmed, manager, partner_user):
    from filings import checks

    shipment = _ship(confirmed, manager, **{"XC-AC7": 4})
    with tenant_context(confirmed.tenant):
        services.receive_shipment(Shipment.objects.get(pk=shipment.pk), received={}, by=partner_user)
        impact = checks.termination_impact(confirmed.partner)
    assert impact["orders"] == 1 and impact["stock"] == 4 and impact["unsettled"] == "6720.00"
