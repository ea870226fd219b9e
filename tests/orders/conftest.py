import pytest

from channelhub.roles import Role
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
