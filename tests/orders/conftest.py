from decimal import Decimal

import pytest

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from orders import services
from orders.models import Order
from partners.models import Partner
from tests.orders.factories import ProductCategoryFactory, ProductFactory, ProductLineFactory


@pytest.fixture
def admin(member):
    return member(Role.TENANT_ADMIN)


@pytest.fixture
def marketing(member):
    return member(Role.MARKETING)


@pytest.fixture
def manager(member):
    return member(Role.CHANNEL_MANAGER)


@pytest.fixture
def partner_user(member, alpha_partner):
    return member(Role.PARTNER_STAFF, partner=alpha_partner)


@pytest.fixture
def piles(alpha):
    """充电桩 → 直流桩 → 一体式, and a line."""
    top = ProductCategoryFactory(tenant=alpha, name="充电桩", code="PILE")
    dc = ProductCategoryFactory(tenant=alpha, name="直流桩", code="DC", parent=top)
    one_piece = ProductCategoryFactory(tenant=alpha, name="一体式", code="DC-I", parent=dc)
    return {"top": top, "dc": dc, "one_piece": one_piece, "line": ProductLineFactory(tenant=alpha, code="DC")}


@pytest.fixture
def product(alpha, piles):
    return ProductFactory(
        tenant=alpha, sku="XC-DC120", name="120kW 直流一体桩", category=piles["one_piece"], line=piles["line"]
    )


@pytest.fixture
def confirmed(alpha, alpha_partner, partner_user, manager, piles):
    """A confirmed order: 10 AC piles (¥1,680) and 2 installation services (¥500)."""
    Partner.all_tenants.filter(pk=alpha_partner.pk).update(credit_limit=Decimal("1000000.00"))
    alpha_partner.refresh_from_db()
    pile = ProductFactory(
        tenant=alpha, sku="XC-AC7", list_price=Decimal("1680.00"), category=piles["dc"], line=piles["line"]
    )
    service = ProductFactory(
        tenant=alpha,
        sku="XC-SVC",
        list_price=Decimal("500.00"),
        is_service=True,
        category=piles["dc"],
        line=piles["line"],
    )
    with tenant_context(alpha):
        order = services.create_order(
            partner=alpha_partner, lines=[services.LineInput(pile, 10), services.LineInput(service, 2)],
            delivery_address="杭州", by=partner_user,
        )  # fmt: skip
        services.submit_order(order, by=partner_user)
        services.confirm_order(Order.objects.get(pk=order.pk), by=manager)
        return Order.objects.get(pk=order.pk)
