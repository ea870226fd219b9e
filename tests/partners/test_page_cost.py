"""What keeps the busiest pages cheap (docs/performance.md) without changing what they show:
the detail page's add forms come with their tab, the list's filter selects are built in
Python, the shell reads the user's memberships once and builds the sidebar once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channelhub.notifications import notify
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from tests.channelhub.pages import find_testids, form_data
from tests.factories import MembershipFactory, PartnerFactory, TenantFactory

pytestmark = pytest.mark.django_db

ADD_FORMS = {"contacts": "contact-form", "documents": "document-form", "records": "record-form"}


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- the detail page's add forms ---------------------------------------------------------------


def test_the_detail_page_renders_no_add_form_until_its_tab_is_shown(partner, manager, client_as):
    testids = find_testids(client_as(manager).get(f"/t/alpha/partners/{partner.pk}/"))
    for tab, form in ADD_FORMS.items():
        assert form not in testids
        assert f"{tab}-form-loader" in testids


@pytest.mark.parametrize("tab", list(ADD_FORMS))
def test_the_shown_tab_comes_with_its_add_form_and_the_others_load_later(tab, partner, manager, client_as):
    page = client_as(manager).get(f"/t/alpha/partners/{partner.pk}/?tab={tab}")
    testids = find_testids(page)
    assert ADD_FORMS[tab] in testids and f"{tab}-form-loader" not in testids
    for other, form in ADD_FORMS.items():
        if other != tab:
            assert form not in testids and f"{other}-form-loader" in testids


@pytest.mark.parametrize("tab", list(ADD_FORMS))
def test_a_loader_fetches_the_same_form_the_tab_shows(tab, partner, manager, client_as):
    client = client_as(manager)
    page = _html(client.get(f"/t/alpha/partners/{partner.pk}/"))
    url = re.search(rf'hx-get="([^"]+\?form={tab})"', page).group(1)
    fragment = client.get(url)
    assert find_testids(fragment) == [ADD_FORMS[tab]]
    assert "<html" not in _html(fragment)  # the form alone, for htmx to swap in
    shown = client.get(f"/t/alpha/partners/{partner.pk}/?tab={tab}")
    assert form_data(fragment, ADD_FORMS[tab]).keys() == form_data(shown, ADD_FORMS[tab]).keys()


def test_a_form_loaded_by_its_tab_submits_like_the_page_one(partner, manager, client_as):
    client = client_as(manager)
    fragment = client.get(f"/t/alpha/partners/{partner.pk}/?form=contacts")
    data = form_data(fragment, "contact-form", **{"contact-name": "王磊", "contact-position": "店长"})
    response = client.post(f"/t/alpha/partners/{partner.pk}/contacts/", data)
    assert response.status_code == 302
    assert "王磊" in _html(client.get(f"/t/alpha/partners/{partner.pk}/?tab=contacts"))


def test_an_invalid_form_comes_back_inline_on_its_tab_with_what_was_typed(partner, manager, client_as):
    response = client_as(manager).post(
        f"/t/alpha/partners/{partner.pk}/rewards-penalties/", {"record-reason": "季度冲量奖励"}
    )
    assert response.status_code == 400
    assert response.context["tab"] == "records" and response.context["record_form"].errors
    testids = find_testids(response)
    assert "record-form" in testids and "contacts-form-loader" in testids
    assert "季度冲量奖励" in response.content.decode()


@pytest.mark.parametrize(
    "role, tab, status",
    [
        (Role.EXECUTIVE, "contacts", 403),  # may read the partner, may not edit it
        (Role.PARTNER_ADMIN, "records", 403),
        (Role.PARTNER_ADMIN, "documents", 200),
        (Role.CHANNEL_MANAGER, "timeline", 404),
    ],
)
def test_a_tab_form_is_served_only_to_a_role_that_may_use_it(
    role, tab, status, alpha_partner, member, client_as
):
    client = client_as(member(role))
    assert client.get(f"/t/alpha/partners/{alpha_partner.pk}/?form={tab}").status_code == status


def test_a_role_that_may_not_act_gets_neither_forms_nor_loaders(partner, member, client_as):
    page = client_as(member(Role.EXECUTIVE)).get(f"/t/alpha/partners/{partner.pk}/?tab=contacts")
    assert not [testid for testid in find_testids(page) if testid.endswith(("-form", "-form-loader"))]
    assert page.context["contact_form"] is None


def test_a_tab_form_of_another_tenants_partner_is_not_found(beta, manager, client_as):
    theirs = PartnerFactory(tenant=beta)
    assert client_as(manager).get(f"/t/alpha/partners/{theirs.pk}/?form=contacts").status_code == 404


# --- the detail page's timeline ----------------------------------------------------------------


def test_the_timeline_loads_when_its_tab_is_opened_and_shows_the_same_entries(partner, manager, client_as):
    client = client_as(manager)
    with tenant_context(partner.tenant):
        from partners import services

        services.update_partner(partner, data={"legal_representative": "赵立新"}, by=manager)
    page = client.get(f"/t/alpha/partners/{partner.pk}/")
    assert page.context["timeline"] is None and "timeline-loader" in find_testids(page)
    assert "赵立新" not in _html(page).split('id="tab-timeline" role="tabpanel"')[1]
    url = re.search(r'hx-get="([^"]+\?part=timeline)"', _html(page)).group(1)
    fragment = _html(client.get(url))
    assert "<html" not in fragment and 'data-testid="timeline"' in fragment and "赵立新" in fragment
    shown = client.get(f"/t/alpha/partners/{partner.pk}/?tab=timeline")  # without JavaScript
    assert "timeline-loader" not in find_testids(shown) and "赵立新" in _html(shown)


@pytest.mark.parametrize(
    "part, testid",
    [("contacts", "contact-table"), ("documents", "document-table"), ("records", "record-table")],
)
def test_only_the_tab_shown_comes_with_its_rows_and_the_others_load_when_shown(
    part, testid, partner, manager, client_as
):
    from tests.factories import PartnerContactFactory, PartnerDocumentFactory, RewardPenaltyFactory

    PartnerContactFactory(tenant=partner.tenant, partner=partner, name="陈晓东")
    PartnerDocumentFactory(tenant=partner.tenant, partner=partner)
    RewardPenaltyFactory(tenant=partner.tenant, partner=partner)
    RewardPenaltyFactory(tenant=partner.tenant, partner=partner)
    client = client_as(manager)
    page = client.get(f"/t/alpha/partners/{partner.pk}/")
    testids = find_testids(page)
    assert testid not in testids and f"{part}-loader" in testids
    assert page.context["counts"] == {"contacts": 1, "documents": 1, "records": 2}  # the tabs' badges
    url = re.search(rf'hx-get="([^"]+\?part={part})"', _html(page)).group(1)
    fragment = client.get(url)
    assert testid in find_testids(fragment) and "<html" not in _html(fragment)
    shown = client.get(f"/t/alpha/partners/{partner.pk}/?tab={part}")
    assert testid in find_testids(shown) and f"{part}-loader" not in find_testids(shown)
    assert ("陈晓东" in _html(shown)) == (part == "contacts")


def test_an_unknown_part_is_not_found(partner, manager, client_as):
    assert client_as(manager).get(f"/t/alpha/partners/{partner.pk}/?part=secrets").status_code == 404


def test_a_partner_user_loads_the_rows_of_their_own_partner_only(alpha_partner, beta, member, client_as):
    client = client_as(member(Role.PARTNER_ADMIN))
    assert client.get(f"/t/alpha/partners/{alpha_partner.pk}/?part=documents").status_code == 200
    other = PartnerFactory(tenant=alpha_partner.tenant)
    assert client.get(f"/t/alpha/partners/{other.pk}/?part=documents").status_code == 404


def test_the_timeline_part_is_refused_to_a_role_without_the_timeline(alpha_partner, member, client_as):
    client = client_as(member(Role.PARTNER_ADMIN))
    assert client.get(f"/t/alpha/partners/{alpha_partner.pk}/?part=timeline").status_code == 403
    page = client.get(f"/t/alpha/partners/{alpha_partner.pk}/")
    assert "timeline-loader" not in find_testids(page) and "tab-timeline" not in find_testids(page)


def test_the_timeline_part_of_another_tenants_partner_is_not_found(beta, manager, client_as):
    theirs = PartnerFactory(tenant=beta)
    assert client_as(manager).get(f"/t/alpha/partners/{theirs.pk}/?part=timeline").status_code == 404


# --- the list's filter selects ------------------------------------------------------------------


def test_the_list_filter_keeps_the_chosen_territory_selected(partner, territory, manager, client_as):
    page = _html(client_as(manager).get(f"/t/alpha/partners/?region={territory['hangzhou'].pk}"))
    selected = re.findall(r'<option value="(\d*)" selected>([^<]*)</option>', page)
    assert (str(territory["hangzhou"].pk), "浙江省 / 杭州市") in selected
    for name in ("channel_type", "tier", "region", "status", "owner"):  # Bootstrap's select style
        assert re.search(rf'<select name="{name}"[^>]* class="form-select" id="id_{name}"[^>]*>', page), name


# --- the shell ----------------------------------------------------------------------------------


def _membership_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return sum('FROM "channelhub_membership"' in query["sql"] for query in captured)


def test_the_shell_reads_the_users_memberships_once_whatever_their_number(alpha, partner, manager, client_as):
    client = client_as(manager)
    assert _membership_queries(client, f"/t/alpha/partners/{partner.pk}/") == 1
    for index in range(3):
        MembershipFactory(user=manager, tenant=TenantFactory(slug=f"extra-{index}"), role=Role.FINANCE)
    assert _membership_queries(client, f"/t/alpha/partners/{partner.pk}/") == 1
    page = _html(client.get(f"/t/alpha/partners/{partner.pk}/"))
    for index in range(3):  # every workspace in the switch, with its role
        assert f'href="/t/extra-{index}/"' in page
    assert page.count("财务") >= 3


def test_a_partner_user_sees_their_company_in_the_user_menu(alpha_partner, member, client_as):
    page = _html(client_as(member(Role.PARTNER_ADMIN)).get("/t/alpha/"))
    assert f"· {alpha_partner.name}" in page


def _sidebars(page) -> list[str]:
    return re.findall(r'<nav class="nav flex-column ch-nav".*?</nav>', page, flags=re.S)


def test_the_sidebar_is_the_same_on_phones_and_desktops_and_marks_the_page(partner, manager, client_as):
    client = client_as(manager)
    mobile, desktop = _sidebars(_html(client.get("/t/alpha/partners/")))
    assert mobile == desktop
    assert re.search(r'class="nav-link active" href="/t/alpha/partners/"', desktop)
    home = _sidebars(_html(client.get("/t/alpha/")))[1]
    assert re.search(r'class="nav-link active" href="/t/alpha/"', home)
    assert not re.search(r'class="nav-link active" href="/t/alpha/partners/"', home)


def test_the_kept_sidebar_follows_the_unread_count_and_the_language(alpha, manager, client_as):
    client = client_as(manager)
    assert 'data-testid="unread-count"' not in _html(client.get("/t/alpha/partners/"))
    with tenant_context(alpha):
        notify([manager], kind="test", title="一条通知", email=False)
        notify([manager], kind="test", title="又一条通知", email=False)
    page = _html(client.get("/t/alpha/partners/"))
    assert re.search(r'data-testid="unread-count">\s*2\s*<', page)
    client.cookies["channelhub_language"] = "en"
    english = _sidebars(_html(client.get("/t/alpha/partners/")))[1]
    assert '<i class="bi bi-people me-2"></i>Partners</a>' in english
    assert re.search(r'data-testid="unread-count">\s*2\s*<', english)
    client.cookies["channelhub_language"] = "zh-hans"
    assert '<i class="bi bi-people me-2"></i>Partners</a>' not in _html(client.get("/t/alpha/partners/"))


# --- PostgreSQL: the search and the credit sort -------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="these indexes exist on PostgreSQL only")
def test_the_search_indexes_take_new_rows_at_once_and_the_credit_sort_has_its_own(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_class c WHERE c.relname LIKE 'partner\\_%%\\_trgm\\_idx'"
        )
        options = dict(cursor.fetchall())
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'partners_partner'")
        indexes = dict(cursor.fetchall())
    assert set(options) == {
        "partner_name_trgm_idx",
        "partner_credit_code_trgm_idx",
        "partner_legal_rep_trgm_idx",
    }
    assert all(value == ["fastupdate=off"] for value in options.values()), options
    assert "(tenant_id, credit_limit, name, id)" in indexes["partner_credit_sort_idx"]
    assert (
        "(tenant_id, credit_limit DESC NULLS LAST, name DESC NULLS LAST, id DESC NULLS LAST)"
        in indexes["partner_credit_desc_sort_idx"]
    )
