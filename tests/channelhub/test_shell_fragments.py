"""The kept top bar (channelhub.context_processors.topbar_html): built once per process for
everything it shows, with the CSRF token, the current path and the phone's sidebar filled in
per request. Kept markup must never show one person what belongs to another, or a request's
path unescaped."""

import re

import pytest

from channelhub.context_processors import _FRAGMENTS
from channelhub.models import Membership
from channelhub.roles import Role
from tests.channelhub.pages import form_data
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_fragments():
    _FRAGMENTS.clear()
    yield
    _FRAGMENTS.clear()


def _topbar(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    return re.search(r'<nav class="navbar.*?</nav>\s*<div class="container-fluid">', page, flags=re.S).group(
        0
    )


def _tokens(html) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_two_people_of_one_workspace_each_see_their_own_name_and_role(alpha, member, client_as):
    manager, clerk = member(Role.CHANNEL_MANAGER), member(Role.CLERK)
    manager.full_name, clerk.full_name = "王经理", "李文员"
    manager.save()
    clerk.save()
    mine = _topbar(client_as(manager).get("/t/alpha/"))
    theirs = _topbar(client_as(clerk).get("/t/alpha/"))
    assert "王经理" in mine and "李文员" not in mine
    assert "李文员" in theirs and "王经理" not in theirs
    assert "渠道经理" in mine and "渠道经理" not in theirs


def test_each_page_gets_a_fresh_valid_csrf_token_and_its_own_path(alpha, member, client_as):
    client = client_as(member(Role.CHANNEL_MANAGER))
    client.handler.enforce_csrf_checks = True
    first = client.get("/t/alpha/")
    second = client.get("/t/alpha/partners/", {"q": "上海"})
    assert len(set(_tokens(_topbar(first)))) == 1 and len(_tokens(_topbar(first))) == 2  # language, log-out
    assert _tokens(_topbar(first)) != _tokens(_topbar(second))  # masked anew
    data = form_data(second, "language-switch", language="en")
    assert data["next"] == "/t/alpha/partners/?q=%E4%B8%8A%E6%B5%B7"
    switched = client.post("/i18n/setlang/", data)
    assert switched.status_code == 302 and switched["Location"] == data["next"]


def test_the_path_goes_into_the_kept_markup_escaped(alpha, member, client_as):
    client = client_as(member(Role.CHANNEL_MANAGER))
    client.get("/t/alpha/partners/")
    topbar = _topbar(client.get('/t/alpha/partners/?q="><script>alert(1)</script>'))
    assert "<script>alert(1)" not in topbar
    assert 'value="/t/alpha/partners/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"' in topbar


def test_the_kept_top_bar_follows_the_language_role_and_workspaces(alpha, beta, member, client_as):
    manager = member(Role.CHANNEL_MANAGER)
    client = client_as(manager)
    assert "个人资料" in _topbar(client.get("/t/alpha/"))
    client.cookies["channelhub_language"] = "en"
    english = _topbar(client.get("/t/alpha/"))
    assert "My profile" in english and "个人资料" not in english
    MembershipFactory(tenant=beta, user=manager, role=Role.EXECUTIVE)
    assert "贝塔通信有限公司" in _topbar(client.get("/t/alpha/"))
    membership = Membership.all_tenants.get(tenant=alpha, user=manager)
    membership.role = Role.MARKETING
    membership.save()
    assert "Marketing" in _topbar(client.get("/t/alpha/"))


def test_the_phones_menu_holds_this_pages_sidebar(alpha, member, client_as):
    client = client_as(member(Role.CHANNEL_MANAGER))
    client.get("/t/alpha/")
    topbar = _topbar(client.get("/t/alpha/partners/"))
    assert re.search(r'class="nav-link active" href="/t/alpha/partners/"', topbar)
    assert "\u2e28" not in client.get("/t/alpha/").content.decode()  # no hole left unfilled


def test_the_log_in_page_has_a_top_bar_without_a_user(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "\u2e28" not in page.content.decode()
