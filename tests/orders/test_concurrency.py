"""Two people confirming or shipping the same order at the same moment: one wins, the other is
told; shipping more than is open is refused under concurrency too (real threads and
connections on PostgreSQL)."""

import pytest

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from orders import services
from orders.models import Order, OrderLine, OrderStatus, Shipment
from tests.concurrency import is_postgresql, postgresql_only_reason, race
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.skipif(not is_postgresql(), reason=postgresql_only_reason),
    pytest.mark.django_db(transaction=True),
]


def test_two_managers_confirming_at_once_one_wins(alpha, partner_user, manager, confirmed):
    other = MembershipFactory(tenant=alpha, role=Role.CHANNEL_MANAGER).user
    with tenant_context(alpha):
        order = services.copy_order(Order.objects.get(pk=confirmed.pk), by=partner_user)
        services.submit_order(order, by=partner_user)
        copies = [Order.objects.get(pk=order.pk), Order.objects.get(pk=order.pk)]

    outcomes = race(
        alpha,
        lambda copy, user: services.confirm_order(copy, by=user),
        [(copies[0], manager), (copies[1], other)],
    )
    assert outcomes.count("won") == 1
    assert "changed this a moment ago" in next(outcome for outcome in outcomes if outcome != "won")
    with tenant_context(alpha):
        assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED


def test_two_shipping_at_once_the_second_sees_the_first(alpha, manager, confirmed):
    other = MembershipFactory(tenant=alpha, role=Role.TENANT_ADMIN).user
    with tenant_context(alpha):
        line = confirmed.lines.get(product__sku="XC-AC7")
        copies = [Order.objects.get(pk=confirmed.pk), Order.objects.get(pk=confirmed.pk)]

    def ship(copy, user):
        services.ship_order(copy, quantities={line.pk: 7}, carrier="顺丰", by=user)  # 7 of 10, twice

    outcomes = race(alpha, ship, [(copies[0], manager), (copies[1], other)])
    assert outcomes.count("won") == 1
    assert "changed this a moment ago" in next(outcome for outcome in outcomes if outcome != "won")
    with tenant_context(alpha):
        assert OrderLine.objects.get(pk=line.pk).shipped_quantity == 7
        assert Shipment.objects.filter(order=confirmed).count() == 1


def test_shipping_more_than_is_open_is_refused_under_concurrency(alpha, manager, confirmed):
    other = MembershipFactory(tenant=alpha, role=Role.TENANT_ADMIN).user
    with tenant_context(alpha):
        line = confirmed.lines.get(product__sku="XC-AC7")
        services.ship_order(
            Order.objects.get(pk=confirmed.pk), quantities={line.pk: 2}, carrier="顺丰", by=manager
        )
        copies = [Order.objects.get(pk=confirmed.pk), Order.objects.get(pk=confirmed.pk)]  # both: 8 open

    def ship(copy, user):
        services.ship_order(copy, quantities={line.pk: 5}, carrier="德邦", by=user)  # 5 + 5 > 8

    outcomes = race(alpha, ship, [(copies[0], manager), (copies[1], other)])
    assert outcomes.count("won") == 1
    assert "only 3 are still open" in next(outcome for outcome in outcomes if outcome != "won")
    with tenant_context(alpha):
        assert OrderLine.objects.get(pk=line.pk).shipped_quantity == 7
        assert Shipment.objects.filter(order=confirmed).count() == 2
        assert Order.objects.get(pk=confirmed.pk).status == OrderStatus.PARTIALLY_SHIPPED
