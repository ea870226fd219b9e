"""The list: filters, sort, pages, the manager's portfolio, Excel export, constant queries."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from channelhub.roles import Role
from partners.models import ChannelType, PartnerStatus
from tests.factories import (
    MembershipFactory,
    PartnerContactFactory,
    PartnerDocumentFactory,
    PartnerFactory,
    RewardPenaltyFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


def names(response):
    return [row["name"] for row in response.context["page"].object_list]


@pytest.fixture
def registry(alpha, manager, territory, gold, member):
    """Five partners: two of the manager's, three of a colleague's, over types/tiers/regions."""
    colleague = MembershipFactory(tenant=alpha, role=Role.CHANNEL_MANAGER).user
    silver = TierFactory(tenant=alpha, name="银牌渠道", rank=2)
    make = PartnerFactory
    return {
        "a": make(tenant=alpha, name="杭州甲新能源有限公司", owner=manager, region=territory["xihu"], tier=gold,
                  legal_representative="王建国"),
        "b": make(tenant=alpha, name="杭州乙充电设备有限公司", owner=manager, region=territory["binjiang"],
                  tier=silver, channel_type=ChannelType.AGENT, status=PartnerStatus.SUSPENDED),
        "c": make(tenant=alpha, name="宁波丙电力工程有限公司", owner=colleague, region=territory["ningbo"],
                  tier=silver, channel_type=ChannelType.FRANCHISE),
        "d": make(tenant=alpha, name="宁波丁智能科技有限公司", owner=colleague, region=territory["ningbo"],
                  channel_type=ChannelType.FRANCHISE),
        "e": make(tenant=alpha, name="温州戊能源服务有限公司", owner=colleague, credit_limit=500000),
        "colleague": colleague,
        "silver": silver,
    }  # fmt: skip


def test_a_manager_sees_their_portfolio_by_default_and_may_see_all(registry, manager, client_as):
    client = client_as(manager)
    assert sorted(names(client.get("/t/alpha/partners/"))) == sorted(
        ["杭州甲新能源有限公司", "杭州乙充电设备有限公司"]
    )
    everyone = client.get("/t/alpha/partners/?scope=all")
    assert everyone.context["page"].paginator.count == 6  # and alpha_partner (no owner)
    assert 'data-testid="scope-toggle"' in everyone.content.decode()


def test_other_staff_see_everything_without_a_toggle(registry, member, client_as):
    response = client_as(member(Role.CHANNEL_SUPERVISOR)).get("/t/alpha/partners/")
    assert response.context["page"].paginator.count == 6
    assert 'data-testid="scope-toggle"' not in response.content.decode()


def test_a_partner_user_sees_only_their_own_partner(registry, member, client_as, alpha_partner):
    for role in (Role.PARTNER_ADMIN, Role.PARTNER_STAFF):
        response = client_as(member(role)).get("/t/alpha/partners/?scope=all&status=active")
        assert names(response) == [alpha_partner.name]
        assert 'data-testid="partner-filter"' not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("channel_type=franchise", {"c", "d"}),
        ("status=suspended", {"b"}),
        ("tier={silver}", {"b", "c"}),
        ("region={hangzhou}", {"a", "b"}),  # a city covers its districts
        ("region={province}", {"a", "b", "c", "d"}),
        ("region={xihu}", {"a"}),
        ("owner={colleague}", {"c", "d", "e"}),
        ("q=宁波", {"c", "d"}),
        ("q=王建国", {"a"}),  # the legal representative
        ("q={code_a}", {"a"}),
        ("q={code_a_lower}", {"a"}),
        ("channel_type=franchise&region={ningbo}&owner={colleague}", {"c", "d"}),
    ],
)
def test_the_filters(registry, territory, manager, client_as, query, expected):
    values = {
        "silver": registry["silver"].pk,
        "colleague": registry["colleague"].pk,
        "code_a": registry["a"].credit_code,
        "code_a_lower": registry["a"].credit_code.lower(),
        **{key: region.pk for key, region in territory.items()},
    }
    response = client_as(manager).get(f"/t/alpha/partners/?scope=all&{query.format(**values)}")
    assert set(names(response)) == {registry[key].name for key in expected}


def test_it_sorts_both_ways_and_ignores_unknown_sorts(registry, manager, client_as):
    client = client_as(manager)
    by_limit = names(client.get("/t/alpha/partners/?scope=all&sort=-credit"))
    assert by_limit[0] == "温州戊能源服务有限公司"
    by_name = names(client.get("/t/alpha/partners/?scope=all&sort=name"))
    assert by_name == sorted(by_name)
    assert names(client.get("/t/alpha/partners/?scope=all&sort=-name")) == by_name[::-1]
    assert names(client.get("/t/alpha/partners/?scope=all&sort=password")) == by_name


def test_it_pages_and_keeps_the_filters_in_the_page_links(alpha, manager, client_as):
    for _ in range(30):
        PartnerFactory(tenant=alpha, owner=manager, channel_type=ChannelType.AGENT)
    response = client_as(manager).get("/t/alpha/partners/?channel_type=agent&sort=-name")
    assert len(response.context["page"].object_list) == 25
    assert "channel_type=agent&amp;sort=-name&amp;page=2" in response.content.decode()
    second = client_as(manager).get("/t/alpha/partners/?channel_type=agent&sort=-name&page=2")
    assert len(second.context["page"].object_list) == 5


def test_it_exports_the_filtered_list_to_excel(registry, manager, client_as):
    response = client_as(manager).get(
        "/t/alpha/partners/export.xlsx?scope=all&channel_type=franchise&sort=name"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # the header and the two franchisees
    assert {rows[1][0], rows[2][0]} == {"宁波丙电力工程有限公司", "宁波丁智能科技有限公司"}
    assert rows[1][7] == "浙江省 / 宁波市"  # the territory as a path


def test_an_invalid_filter_is_shown_not_ignored(registry, manager, client_as):
    client = client_as(manager)
    response = client.get("/t/alpha/partners/?scope=all&channel_type=spaceship")
    assert response.status_code == 400
    assert response.context["filter"].form.errors["channel_type"]
    assert 'data-testid="filter-errors"' in response.content.decode()
    export = client.get("/t/alpha/partners/export.xlsx?scope=all&channel_type=spaceship")
    assert export.status_code == 302  # nothing exported: back to the list, which says why
    assert export["Location"].endswith("/t/alpha/partners/?scope=all&channel_type=spaceship")


# --- query counts do not grow with the rows -------------------------------------------------


def _count(client, path):
    client.get(path)  # in the steady state: what the shared cache keeps is kept (channelhub.caching)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response


def _add_partners(tenant, manager, territory, gold, count):
    colleague = MembershipFactory(tenant=tenant, role=Role.CHANNEL_MANAGER).user
    regions = list(territory.values())
    for index in range(count):
        PartnerFactory(
            tenant=tenant,
            owner=manager if index % 2 else colleague,
            region=regions[index % len(regions)],
            tier=gold if index % 3 else None,
        )


@pytest.mark.parametrize(
    "path", ["/t/alpha/partners/?scope=all", "/t/alpha/partners/?scope=all&sort=-territory&region={}"]
)
def test_the_list_costs_the_same_queries_for_10_and_200_partners(
    alpha, manager, territory, gold, client_as, django_assert_num_queries, path
):
    path = path.format(territory["province"].pk)
    client = client_as(manager)
    _add_partners(alpha, manager, territory, gold, 10)
    few, response = _count(client, path)
    before = response.context["page"].paginator.count
    assert before in (10, 11)  # and alpha_partner, which has no territory
    _add_partners(alpha, manager, territory, gold, 190)
    client.get(path)
    with django_assert_num_queries(few):
        response = client.get(path)
    assert response.context["page"].paginator.count == before + 190
    assert len(response.context["page"].object_list) == 25


def test_the_export_costs_the_same_queries_for_10_and_200_partners(
    alpha, manager, territory, gold, client_as, django_assert_num_queries
):
    client = client_as(manager)
    _add_partners(alpha, manager, territory, gold, 10)
    few, _response = _count(client, "/t/alpha/partners/export.xlsx?scope=all")
    _add_partners(alpha, manager, territory, gold, 190)
    client.get("/t/alpha/partners/export.xlsx?scope=all")
    with django_assert_num_queries(few):
        client.get("/t/alpha/partners/export.xlsx?scope=all")


def _enrich(partner, count):
    for _ in range(count):
        PartnerContactFactory(tenant=partner.tenant, partner=partner)
        PartnerDocumentFactory(tenant=partner.tenant, partner=partner)
        RewardPenaltyFactory(tenant=partner.tenant, partner=partner)


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN])
def test_the_detail_page_costs_the_same_queries_for_10_and_200_partners(
    alpha, manager, territory, gold, alpha_partner, member, client_as, django_assert_num_queries, role
):
    from channelhub.tenancy import tenant_context
    from partners import services

    client = client_as(member(role))
    base = f"/t/alpha/partners/{alpha_partner.pk}/"
    # the page on its first tab and on a tab with rows, and a tab's rows loaded alone
    paths = [base, f"{base}?tab=documents", f"{base}?part=documents", f"{base}?part=contacts"]
    _add_partners(alpha, manager, territory, gold, 10)
    _enrich(alpha_partner, 2)
    few = {path: _count(client, path)[0] for path in paths}
    _add_partners(alpha, manager, territory, gold, 190)
    _enrich(alpha_partner, 20)
    with tenant_context(alpha):  # and a longer history
        for index in range(10):
            services.update_partner(alpha_partner, data={"legal_representative": f"代表{index}"}, by=manager)
    for path in paths:
        client.get(path)
        with django_assert_num_queries(few[path]):
            response = client.get(path)
    assert len(response.context["contacts"]) >= 20
    assert len(client.get(f"{base}?tab=documents").context["documents"]) == 22
    assert few[base] < few[f"{base}?tab=documents"]  # the first tab does not load the documents


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_the_search_is_served_by_trigram_indexes_on_postgresql(db):
    """The list's text search (UPPER(col) LIKE '%…%') has a GIN trigram index per column."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'partners_partner'")
        indexes = dict(cursor.fetchall())
    for name, column in (
        ("partner_name_trgm_idx", "name"),
        ("partner_credit_code_trgm_idx", "credit_code"),
        ("partner_legal_rep_trgm_idx", "legal_representative"),
    ):
        assert "gin_trgm_ops" in indexes[name] and f"upper(({column})::text)" in indexes[name]
