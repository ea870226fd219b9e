"""The role matrix of every partner page and action, generated from roles.PERMISSIONS.

A role with the permission gets the page (or its form's answer to bad input), a role
without it gets 403, a stranger 404 and an anonymous visitor the log-in page. A test
also checks that every URL of the app is in the matrix.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from channelhub.roles import PERMISSIONS, Role
from channelhub.tenancy import tenant_context
from partners import services
from partners.models import PartnerStatus
from tests.channelhub.urlwalk import walk
from tests.factories import (
    PartnerContactFactory,
    PartnerFactory,
    PartnerImportFactory,
    RegionFactory,
    TierFactory,
)

from .conftest import fresh

pytestmark = pytest.mark.django_db

# url name -> (permission, methods, which object fills <pk>)
MATRIX = {
    "partners:list": ("partners.view", ("get",), None),
    "partners:export": ("partners.export", ("get",), None),
    "partners:pick": ("partners.view", ("get",), None),
    "partners:create": ("partners.edit", ("get", "post"), None),
    "partners:detail": ("partners.view", ("get",), "partner"),
    "partners:edit": ("partners.edit", ("get", "post"), "partner"),
    "partners:profile-pdf": ("partners.view", ("get",), "partner"),
    "partners:suspend": ("partners.change_status", ("get", "post"), "partner"),
    "partners:terminate": ("partners.change_status", ("get", "post"), "partner"),
    "partners:request-reactivation": ("partners.request_reactivation", ("get", "post"), "partner"),
    "partners:contact-add": ("partners.edit", ("post",), "partner"),
    "partners:document-add": ("partners.upload_document", ("post",), "partner"),
    "partners:reward-penalty-add": ("partners.record_reward_penalty", ("post",), "partner"),
    "partners:contact-edit": ("partners.edit", ("get", "post"), "contact"),
    "partners:import": ("partners.import", ("get", "post"), None),
    "partners:import-template": ("partners.import", ("get",), None),
    "partners:import-preview": ("partners.import", ("get", "post"), "import"),
    "partners:tier-list": ("tenant.configure", ("get", "post"), None),
    "partners:tier-edit": ("tenant.configure", ("get", "post"), "tier"),
    "partners:region-list": ("tenant.configure", ("get", "post"), None),
    "partners:region-edit": ("tenant.configure", ("get", "post"), "region"),
}
CASES = [(name, method) for name, (_p, methods, _o) in MATRIX.items() for method in methods]


def test_every_partner_url_is_in_the_matrix():
    names = {
        endpoint.name
        for endpoint in walk()
        if endpoint.route.startswith("t/<slug:tenant_slug>/partners/") and endpoint.name
    }
    assert names == set(MATRIX)
    for name, (permission, _methods, _obj) in MATRIX.items():
        assert permission in PERMISSIONS, name


@pytest.fixture
def objects(alpha, alpha_partner, monkeypatch):
    # The PDF renderer is tested on its own (test_pdf.py); here only access matters.
    monkeypatch.setattr("partners.views.registry.render_pdf", lambda template, context: b"%PDF-1.4 stub")
    return {
        "partner": alpha_partner,  # the partner users' own partner: the role alone decides
        "contact": PartnerContactFactory(tenant=alpha, partner=alpha_partner),
        "import": PartnerImportFactory(tenant=alpha),
        "tier": TierFactory(tenant=alpha),
        "region": RegionFactory(tenant=alpha),
    }


def _path(name, objects):
    kind = MATRIX[name][2]
    kwargs = {"tenant_slug": "alpha"}
    if kind:
        kwargs["pk"] = objects[kind].pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize(("name", "method"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_the_role_decides(name, method, role, objects, member, client_as):
    permission = MATRIX[name][0]
    client = client_as(member(role))
    before = fresh(objects["partner"])
    response = getattr(client, method)(_path(name, objects), {})
    if role in PERMISSIONS[permission]:
        # Allowed: the page, or the form's answer to empty input (a 400 with errors beside
        # the fields), or a redirect after a harmless action — never a refusal.
        assert response.status_code in {200, 302, 400}, response.status_code
    else:
        assert response.status_code == 403
        after = fresh(objects["partner"])
        assert (after.status, after.name, after.updated_at) == (before.status, before.name, before.updated_at)


@pytest.mark.parametrize(("name", "method"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_a_stranger_gets_404_and_an_anonymous_visitor_the_log_in(
    name, method, objects, stranger, client_as, client
):
    path = _path(name, objects)
    assert getattr(client_as(stranger), method)(path, {}).status_code == 404
    response = getattr(client, method)(path, {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- transitions at the service level, for every role ------------------------------------------


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("transition", ["suspend", "terminate"])
def test_status_changes_follow_the_role_rules(transition, role, alpha, member):
    partner = PartnerFactory(tenant=alpha)
    user = member(role)
    service = {"suspend": services.suspend_partner, "terminate": services.terminate_partner}[transition]
    target = {"suspend": PartnerStatus.SUSPENDED, "terminate": PartnerStatus.TERMINATED}[transition]
    with tenant_context(alpha):
        if role in PERMISSIONS["partners.change_status"]:
            service(partner, reason="测试原因", by=user)
            assert fresh(partner).status == target
        else:
            with pytest.raises(PermissionDenied):
                service(partner, reason="测试原因", by=user)
            assert fresh(partner).status == PartnerStatus.ACTIVE


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_only_managers_and_supervisors_ask_for_reactivation(role, alpha, member):
    partner = PartnerFactory(tenant=alpha, status=PartnerStatus.SUSPENDED)
    user = member(role)
    with tenant_context(alpha):
        if role in PERMISSIONS["partners.request_reactivation"]:
            assert services.request_reactivation(partner, reason="整改完成", by=user).status == "pending"
        else:
            with pytest.raises(PermissionDenied):
                services.request_reactivation(partner, reason="整改完成", by=user)
