"""Tenant isolation: nothing of one tenant is reachable from another.

The URL test discovers every tenant URL that takes an object id, so the URLs of
later apps are covered as soon as they exist (their model must be registered in
tests.factories.OBJECT_FACTORIES).
"""

import inspect

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count

from channelhub import files
from channelhub.models import Invitation, Membership
from channelhub.roles import PARTNER_ROLES, PERMISSIONS, Role
from channelhub.tenancy import TenantNotActive, TenantOwnedModel, get_current_tenant, tenant_context, unscoped
from partners.models import Partner
from tests.channelhub.pages import form_data, select_options
from tests.channelhub.urlwalk import fill, tenant_endpoints
from tests.factories import (
    OBJECT_FACTORIES,
    InvitationFactory,
    MembershipFactory,
    PartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OBJECT_ENDPOINTS = [endpoint for endpoint in tenant_endpoints() if endpoint.object_kwargs]


def _role_with(permission):
    """A role holding ``permission``; staff roles first (partner users are narrower still)."""
    allowed = PERMISSIONS.get(permission, frozenset())
    staff = sorted(role for role in allowed if role not in PARTNER_ROLES)
    return (staff or sorted(allowed) or [None])[0]


def _url_values(endpoint, obj):
    """Fill the URL's object kwargs from ``obj``: ``pk``/``id`` is the object, ``<parent>_pk`` its parent."""
    values = {}
    model_name = obj._meta.model_name
    for kwarg in endpoint.object_kwargs:
        stem = kwarg[:-3] if kwarg.endswith(("_pk", "_id")) else None
        if kwarg in {"pk", "id"} or stem == model_name:
            values[kwarg] = obj.pk
        elif stem and hasattr(obj, f"{stem}_id"):
            values[kwarg] = getattr(obj, f"{stem}_id")
        elif hasattr(obj, kwarg):
            values[kwarg] = getattr(obj, kwarg)
        else:
            pytest.fail(
                f"{endpoint.label}: cannot fill <{kwarg}> from a {type(obj).__name__}; "
                "teach _url_values in tests/channelhub/test_isolation.py how"
            )
    return values


def _snapshot(obj):
    fresh = type(obj)._base_manager.get(pk=obj.pk)
    return {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}


def _make(make, tenant, viewer):
    if "viewer" in inspect.signature(make).parameters:
        return make(tenant, viewer=viewer)
    return make(tenant)


def _request(client, method, path, data=None):
    response = getattr(client, method)(path, data)
    if response.streaming:
        # Read a download to the end: the test client then closes it (and its file) the way a
        # server would. Not response.close(), which would also close the test's DB connection.
        b"".join(response.streaming_content)
    return response


@pytest.fixture
def open_file_owner_wall(monkeypatch):
    """Stored files have a second wall: each subject model registers who may see its files
    (default deny). Open it for the factories' subjects so the tenant wall stands alone."""
    monkeypatch.setitem(files._FILE_OWNERS, Partner, lambda request, subject: True)


def test_it_discovers_the_tenant_urls_that_take_an_object_id():
    names = {endpoint.name for endpoint in OBJECT_ENDPOINTS}
    assert {"member-edit", "invitation-revoke"} <= names
    assert "member-list" not in names


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS, ids=lambda endpoint: endpoint.label)
@pytest.mark.usefixtures("open_file_owner_wall")
def test_it_returns_404_for_an_object_of_another_tenant(endpoint, alpha, beta, client_as):
    rule = endpoint.access_rule
    if rule is None or rule.kind != "tenant":
        pytest.fail(f"{endpoint.label}: a tenant URL needs a tenant_view rule (see test_url_access_rules)")
    if rule.model is None:
        pytest.fail(
            f"{endpoint.label}: declare the model its {list(endpoint.object_kwargs)} refer to: "
            f"@tenant_view({rule.permission!r}, model=...)"
        )
    if not issubclass(rule.model, TenantOwnedModel):
        pytest.fail(f"{endpoint.label}: {rule.model.__name__} is not a TenantOwnedModel")
    make = OBJECT_FACTORIES.get(rule.model)
    if make is None:
        pytest.fail(f"{endpoint.label}: register {rule.model.__name__} in tests.factories.OBJECT_FACTORIES")
    role = _role_with(rule.permission)
    if role is None:
        pytest.fail(f"{endpoint.label}: no role has {rule.permission!r}")

    viewer = MembershipFactory(tenant=beta, role=role)
    client = client_as(viewer.user)
    own = _make(make, beta, viewer)
    foreign = _make(make, alpha, viewer)  # the viewer's own in every way but the tenant
    own_path = fill(endpoint, tenant_slug="beta", **_url_values(endpoint, own))
    foreign_values = _url_values(endpoint, foreign)
    through_own_tenant = fill(endpoint, tenant_slug="beta", **foreign_values)
    through_foreign_tenant = fill(endpoint, tenant_slug="alpha", **foreign_values)
    before = _snapshot(foreign)

    # Control: the same URL works for beta's own object, so a 404 below means "hidden".
    control = _request(client, "get", own_path)
    assert control.status_code not in {403, 404}, (
        f"{endpoint.label}: a {role} of beta gets {control.status_code} on beta's own object; "
        "make the factory give the object to its viewer (see OBJECT_FACTORIES)"
    )
    get_accepted = control.status_code != 405
    payload = {}
    if control.status_code == 200 and "html" in control.get("Content-Type", ""):
        # Replay the page's own form against the foreign object, as a forger would.
        try:
            payload = form_data(control, action=own_path)
        except AssertionError:
            payload = {}

    response = _request(client, "get", through_own_tenant)
    assert response.status_code == (404 if get_accepted else 405), f"GET {through_own_tenant}"
    post_status = _request(client, "post", through_own_tenant, payload).status_code
    assert post_status in {404, 405}, f"POST {through_own_tenant} gave {post_status}"

    for method in ("get", "post"):
        response = _request(client, method, through_foreign_tenant, payload if method == "post" else None)
        assert response.status_code == 404, f"{method.upper()} {through_foreign_tenant} as a non-member"

    if _request(client, "post", own_path, payload).status_code != 405:
        assert post_status == 404, f"{endpoint.label} accepts POST, so a foreign id must be 404"
    assert _snapshot(foreign) == before, f"{endpoint.label} changed another tenant's object"


# --- form choices -------------------------------------------------------------------------


def test_it_offers_and_accepts_only_the_tenants_own_partners_when_editing(
    alpha, beta, alpha_partner, member, client_as
):
    beta_partner = PartnerFactory(tenant=beta)
    staff = MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=alpha_partner)
    client = client_as(member(Role.TENANT_ADMIN))
    path = f"/t/alpha/members/{staff.pk}/"
    page = client.get(path)
    assert select_options(page, "partner", action=path) == ["", str(alpha_partner.pk)]

    response = client.post(path, form_data(page, action=path, partner=str(beta_partner.pk)))
    assert response.status_code == 200
    assert response.context["form"].errors["partner"]
    with unscoped():
        assert Membership.objects.get(pk=staff.pk).partner_id == alpha_partner.pk


def test_it_offers_and_accepts_only_the_tenants_own_partners_when_inviting(
    alpha, beta, alpha_partner, member, client_as
):
    beta_partner = PartnerFactory(tenant=beta)
    client = client_as(member(Role.TENANT_ADMIN))
    page = client.get("/t/alpha/members/")
    # The partner picker's options come from partners:pick as one types: this tenant's only.
    assert select_options(page, "partner", "invite-form") == [""]
    offered = client.get("/t/alpha/partners/pick/").json()["results"]
    assert [row["value"] for row in offered] == [str(alpha_partner.pk)]

    data = form_data(
        page, "invite-form", email="new@example.com", role=Role.PARTNER_ADMIN, partner=str(beta_partner.pk)
    )
    response = client.post("/t/alpha/members/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["partner"]
    with unscoped():
        assert not Invitation.objects.exists()


# --- the tenancy core -----------------------------------------------------------------------

REFUSED_EVALUATIONS = {
    "list": list,
    "len": len,
    "bool": bool,
    "count": lambda qs: qs.count(),
    "exists": lambda qs: qs.exists(),
    "first": lambda qs: qs.first(),
    "get": lambda qs: qs.get(pk=1),
    "values_list": lambda qs: list(qs.values_list("pk", flat=True)),
    "iterator": lambda qs: list(qs.iterator()),
    "aggregate": lambda qs: qs.aggregate(n=Count("pk")),
    "update": lambda qs: qs.update(is_active=False),
    "delete": lambda qs: qs.delete(),
    "contains": lambda qs: qs.contains(Membership(pk=1)),
}


@pytest.mark.parametrize("evaluate", REFUSED_EVALUATIONS.values(), ids=REFUSED_EVALUATIONS.keys())
def test_it_refuses_to_query_a_tenant_model_with_no_tenant_active(evaluate, alpha):
    MembershipFactory(tenant=alpha)
    assert get_current_tenant() is None
    queryset = Membership.objects.filter(is_active=True).order_by("pk")  # building is allowed
    with pytest.raises(TenantNotActive):
        evaluate(queryset)
    with unscoped():
        assert Membership.objects.filter(is_active=True).count() == 1  # nothing was changed


def test_it_keeps_custom_queryset_methods_but_still_refuses(alpha):
    InvitationFactory(tenant=alpha)
    pending = Invitation.objects.pending().select_related("partner")
    with pytest.raises(TenantNotActive):
        list(pending)
    with tenant_context(alpha):
        assert Invitation.objects.pending().count() == 1


def test_it_filters_every_query_to_the_active_tenant(alpha, beta):
    mine = MembershipFactory(tenant=alpha)
    theirs = MembershipFactory(tenant=beta)
    with tenant_context(alpha):
        assert list(Membership.objects.values_list("pk", flat=True)) == [mine.pk]
        assert not Membership.objects.filter(pk=theirs.pk).exists()
        with pytest.raises(Membership.DoesNotExist):
            Membership.objects.get(pk=theirs.pk)
        assert Membership.objects.update(is_active=False) == 1
    with tenant_context(beta):
        assert list(Membership.objects.values_list("pk", flat=True)) == [theirs.pk]
        assert Membership.objects.get().is_active  # alpha's update did not reach beta


def test_it_makes_unscoped_the_explicit_way_out(alpha, beta):
    mine = MembershipFactory(tenant=alpha)
    theirs = MembershipFactory(tenant=beta)
    with unscoped():
        assert set(Membership.objects.values_list("pk", flat=True)) == {mine.pk, theirs.pk}
        with tenant_context(alpha):
            assert Membership.objects.count() == 2
    with pytest.raises(TenantNotActive):
        Membership.objects.count()  # the way out closes behind the block
    # The second, greppable way out: the all_tenants manager.
    assert Membership.all_tenants.count() == 2


def test_it_stamps_the_active_tenant_and_refuses_a_row_without_one(alpha):
    user = UserFactory()
    with pytest.raises(TenantNotActive):
        Membership(user=user, role=Role.CLERK).save()
    with tenant_context(alpha):
        membership = Membership(user=user, role=Role.CLERK)
        membership.save()
    assert membership.tenant_id == alpha.pk


def test_it_refuses_a_foreign_key_into_another_tenant(alpha, beta, alpha_partner):
    beta_partner = PartnerFactory(tenant=beta)
    user = UserFactory()
    with tenant_context(alpha):
        with pytest.raises(ValidationError) as refused:
            Membership(user=user, role=Role.PARTNER_ADMIN, partner=beta_partner).save()
        assert "partner" in refused.value.message_dict

        member = MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=alpha_partner)
        member.partner = beta_partner
        with pytest.raises(ValidationError):
            member.save()
    with unscoped():
        with pytest.raises(ValidationError):
            member.save()  # not even the way out may link tenants
        assert not Membership.objects.filter(user=user).exists()
        assert Membership.objects.get(pk=member.pk).partner_id == alpha_partner.pk


def test_it_refuses_to_save_a_row_of_another_tenant(alpha, beta):
    member = MembershipFactory(tenant=alpha, role=Role.CLERK)
    with tenant_context(beta):
        member.role = Role.FINANCE
        with pytest.raises(TenantNotActive):
            member.save()
        with unscoped():
            member.is_active = False
            member.save(update_fields=["is_active"])  # the explicit way out may
    with unscoped():
        fresh = Membership.objects.get(pk=member.pk)
    assert (fresh.role, fresh.is_active) == (Role.CLERK, False)
