"""Demo data: idempotent, a person of every role in both demo tenants, a consultant in both."""

import re

import pytest
from django.core.management import call_command

from channelhub.demo import DEMO_PASSWORD, MULTI_TENANT_USER, ROLE_LOGINS, TENANTS, demo_email, load_demo
from channelhub.models import Membership, Tenant, User
from channelhub.roles import PARTNER_ROLES, Role
from channelhub.tenancy import unscoped
from orders.demo import CATALOGUES, DEMO_ORDERS
from partners.demo import PARTNERS_PER_TENANT
from partners.models import Partner
from tests.channelhub.pages import form_data

pytestmark = pytest.mark.django_db

SLUGS = [spec["slug"] for spec in TENANTS]


@pytest.fixture
def demo():
    load_demo()


def counts():
    with unscoped():
        return {
            "tenants": Tenant.objects.count(),
            "users": User.objects.count(),
            "memberships": Membership.objects.count(),
            "partners": Partner.objects.count(),
        }


def log_in(client, email):
    page = client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", form_data(page, "login-form", username=email, password=DEMO_PASSWORD)
    )
    assert response.status_code == 302, f"{email} cannot log in"
    return client


def test_it_creates_nothing_the_second_time(capsys):
    first = load_demo()
    # The registry's partners per tenant (load_demo()'s 3 among them), plus 1 per tenant
    # admitted through the onboarding demo and 2 per tenant created by the filings demo's
    # recorded new channel filings. Two more channel managers per tenant share the portfolio.
    assert first == {
        "tenants": 2,
        "users": 2 * len(Role) + 2 + 2 * 2,
        "partners": 2 * PARTNERS_PER_TENANT + 2 + 4,
        "products": sum(len(products) for _lines, _categories, products in CATALOGUES.values()),
        # and a replenishment order a month for a year per tenant (orders.demo._replenish)
        "orders": sum(len(orders) for orders in DEMO_ORDERS.values()) + 2 * 12,
        # per tenant: an opening count, twelve month-end counts and thirteen sell-out reports
        "inventory reports": 2 * (1 + 12 + 13),
    }
    after_first = counts()
    assert after_first["memberships"] == 2 * len(Role) + 2 + 2 * 2

    call_command("load_demo")
    assert "new: 0 tenants, 0 users, 0 partners, 0 products, 0 orders" in capsys.readouterr().out
    assert counts() == after_first
    assert load_demo() == {
        "tenants": 0,
        "users": 0,
        "partners": 0,
        "products": 0,
        "orders": 0,
        "inventory reports": 0,
    }
    assert counts() == after_first


def test_it_gives_every_role_a_user_in_both_tenants(demo):
    with unscoped():
        for slug in SLUGS:
            memberships = Membership.objects.filter(tenant__slug=slug).select_related("user", "partner")
            by_email = {m.user.email: m for m in memberships}
            for role in Role:
                membership = by_email.get(demo_email(ROLE_LOGINS[role][0], slug))
                assert membership is not None and membership.role == role, (slug, role)
                assert membership.is_active
                if role in PARTNER_ROLES:
                    assert membership.partner.tenant_id == membership.tenant_id
                else:
                    assert membership.partner is None


def test_it_lets_a_demo_user_log_in_straight_into_their_tenant(demo, client):
    log_in(client, demo_email("finance", "zhongyu"))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/t/zhongyu/"
    home = client.get("/t/zhongyu/")
    assert home.context["membership"].role == Role.FINANCE


def test_it_shows_the_consultant_the_workspace_chooser(demo, client):
    email = MULTI_TENANT_USER[0]
    with unscoped():
        memberships = Membership.objects.filter(user__email=email)
        assert sorted(memberships.values_list("tenant__slug", flat=True)) == sorted(SLUGS)
    log_in(client, email)
    response = client.get("/")
    assert response.status_code == 200
    assert [m.tenant.slug for m in response.context["memberships"]] == sorted(
        SLUGS, key=lambda slug: Tenant.objects.get(slug=slug).name
    )
    body = response.content.decode()
    for spec in TENANTS:
        assert f'href="/t/{spec["slug"]}/"' in body
        assert spec["name"] in body


def test_it_lists_both_tenants_in_the_switch(demo, client):
    log_in(client, MULTI_TENANT_USER[0])
    body = client.get("/t/xingchi/").content.decode()
    switch = re.search(r'data-testid="tenant-switch".*?<ul class="dropdown-menu">(.*?)</ul>', body, re.S)
    assert switch, "no tenant switch on the page"
    links = re.findall(r'<a class="dropdown-item( active)?" href="(/t/[^"]+/)">', switch.group(1))
    assert sorted(links) == sorted([(" active", "/t/xingchi/"), ("", "/t/zhongyu/")])
    assert client.get("/t/zhongyu/").status_code == 200


def test_it_makes_the_platform_operator_a_superuser_without_a_tenant(demo):
    from channelhub.demo import PLATFORM_OPERATOR

    operator = User.objects.get(email=PLATFORM_OPERATOR)
    assert operator.is_staff and operator.is_superuser
    assert not Membership.all_tenants.filter(user=operator).exists()
