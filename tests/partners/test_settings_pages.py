"""Tenant admins keep their own tiers and territory tree."""

import pytest

from channelhub.tenancy import tenant_context
from partners.models import Region, RegionLevel, Tier
from tests.channelhub.pages import form_data

from .conftest import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(member):
    from channelhub.roles import Role

    return member(Role.TENANT_ADMIN)


def test_an_admin_adds_and_renames_tiers(alpha, admin, client_as):
    client = client_as(admin)
    page = client.get("/t/alpha/partners/tiers/")
    assert (
        client.post(
            "/t/alpha/partners/tiers/", form_data(page, "tier-form", name="钻石渠道", rank="1")
        ).status_code
        == 302
    )
    response = client.post(
        "/t/alpha/partners/tiers/", form_data(page, "tier-form", name="钻石渠道", rank="2")
    )
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    with tenant_context(alpha):
        tier = Tier.objects.get()
    path = f"/t/alpha/partners/tiers/{tier.pk}/"
    client.post(path, form_data(client.get(path), "setting-form", name="钻石级", is_active=None))
    assert (fresh(tier).name, fresh(tier).is_active) == ("钻石级", False)


def test_an_admin_grows_the_territory_tree(alpha, admin, client_as, territory):
    client = client_as(admin)
    page = client.get("/t/alpha/partners/regions/")
    data = form_data(page, "region-form", parent=str(territory["hangzhou"].pk), name="余杭区", code="330110")
    assert client.post("/t/alpha/partners/regions/", data).status_code == 302
    with tenant_context(alpha):
        district = Region.objects.select_related("parent__parent").get(code="330110")
    assert district.level == RegionLevel.DISTRICT and district.path == "浙江省 / 杭州市 / 余杭区"
    # Districts cannot have children: they are not offered as parents, and a forged one is refused.
    assert str(district.pk) not in [
        o for o in page.context["form"].fields["parent"].queryset.values_list("pk", flat=True)
    ]
    response = client.post(
        "/t/alpha/partners/regions/",
        data | {"parent": str(territory["xihu"].pk), "name": "某街道", "code": ""},
    )
    assert response.status_code == 400
    # The same name twice under one parent is refused beside the name.
    response = client.post("/t/alpha/partners/regions/", data | {"code": ""})
    assert response.status_code == 400 and "name" in response.context["form"].errors
