"""Permissions per URL, default deny: every portal URL declares its access rule.

The walk covers whatever the resolver holds, so URLs that later apps add are
checked without editing this module.
"""

import pytest
from django.urls import include, path

from channelhub.access import AccessRule, login_view, public_view, tenant_view
from channelhub.roles import PERMISSIONS
from tests.channelhub.urlwalk import walk

KINDS = {"tenant", "public", "login"}


def rule_problems(endpoints) -> list[str]:
    problems = []
    for endpoint in endpoints:
        rule = endpoint.access_rule
        if not isinstance(rule, AccessRule):
            problems.append(f"{endpoint.route} ({endpoint.label}): no access_rule")
            continue
        if rule.kind not in KINDS:
            problems.append(f"{endpoint.route}: unknown access rule kind {rule.kind!r}")
        if endpoint.is_tenant_url and rule.kind != "tenant":
            problems.append(f"{endpoint.route}: a tenant URL must use a tenant rule, not {rule.kind!r}")
        if rule.kind == "tenant" and not endpoint.is_tenant_url:
            # With no tenant in the URL there is no membership: such a view could only ever 404.
            problems.append(f"{endpoint.route}: a tenant rule outside t/<tenant_slug>/")
        if rule.kind == "tenant" and rule.permission not in PERMISSIONS:
            problems.append(f"{endpoint.route}: permission {rule.permission!r} is not in roles.PERMISSIONS")
        if rule.kind != "tenant" and rule.permission is not None:
            problems.append(f"{endpoint.route}: a {rule.kind} rule cannot name a permission")
    return problems


def test_it_gives_every_url_an_access_rule():
    assert rule_problems(walk()) == []


def test_it_walks_into_includes_and_skips_only_the_admin():
    endpoints = {endpoint.name: endpoint for endpoint in walk()}
    # Nested two levels deep (root → t/<tenant_slug>/) and one level (accounts/).
    assert endpoints["member-edit"].route == "t/<slug:tenant_slug>/members/<int:pk>/"
    assert endpoints["member-edit"].kwargs == ("tenant_slug", "pk")
    assert endpoints["login"].route == "accounts/login/"
    assert "portal-entry" in endpoints and "healthz" in endpoints
    assert not any(endpoint.route.startswith("admin/") for endpoint in walk())


def test_it_gives_every_tenant_url_a_tenant_rule_with_a_known_permission():
    tenant_endpoints = [endpoint for endpoint in walk() if endpoint.is_tenant_url]
    assert {"home", "member-list", "member-edit", "invitation-revoke"} <= {e.name for e in tenant_endpoints}
    for endpoint in tenant_endpoints:
        assert endpoint.access_rule.kind == "tenant", endpoint.route
        assert endpoint.access_rule.permission in PERMISSIONS, endpoint.route


def test_it_knows_the_rules_of_the_platform_views():
    rules = {endpoint.name: endpoint.access_rule for endpoint in walk()}
    # The people pages: the tenant admin's whole workspace, a partner admin's own partner (views/members.py).
    assert rules["member-list"] == AccessRule("tenant", "members.list")
    assert rules["invitation-revoke"].permission == "members.list"
    assert rules["profile"] == AccessRule("tenant", "profile.edit")
    assert rules["login"].kind == "public"
    assert rules["invitation-accept"].kind == "public"
    assert rules["portal-entry"].kind == "login"


# --- the checker itself must be able to fail ------------------------------------------------


def _plain(request):
    raise AssertionError("never called")


def test_it_reports_urls_without_a_rule_and_misplaced_rules():
    tenant_patterns = [
        path("", tenant_view("portal.home")(_plain), name="ok"),
        path("undeclared/<int:pk>/", _plain, name="undeclared"),
        path("public/", public_view(lambda request: None), name="public-in-tenant"),
    ]
    fake_urlconf = [
        path("free/", _plain, name="free"),
        path("login-only/", login_view(_plain), name="login-only"),
        path("outside/", tenant_view("portal.home")(_plain), name="tenant-outside"),
        path("t/<slug:tenant_slug>/", include(tenant_patterns)),
        path("nested/", include(([path("deep/", _plain, name="deep")], "someapp"))),
    ]
    problems = rule_problems(walk(fake_urlconf))
    text = "\n".join(problems)
    assert "free/ (free): no access_rule" in text
    assert "t/<slug:tenant_slug>/undeclared/<int:pk>/ (undeclared): no access_rule" in text
    assert "nested/deep/ (someapp:deep): no access_rule" in text
    assert "t/<slug:tenant_slug>/public/: a tenant URL must use a tenant rule" in text
    assert "outside/: a tenant rule outside" in text
    assert len(problems) == 5, problems


def test_it_refuses_a_permission_that_roles_do_not_know():
    with pytest.raises(ValueError, match="unknown permission"):
        tenant_view("members.delete_everything")

    def forged(request):
        raise AssertionError("never called")

    forged.access_rule = AccessRule("tenant", "no.such.permission")
    problems = rule_problems(walk([path("t/<slug:tenant_slug>/x/", forged)]))
    assert problems == [
        "t/<slug:tenant_slug>/x/: permission 'no.such.permission' is not in roles.PERMISSIONS"
    ]
