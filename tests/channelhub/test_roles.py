"""The role matrix of the platform views: who may see and do what in a tenant."""

import pytest
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from channelhub.models import Invitation, Membership
from channelhub.roles import PARTNER_ROLES, PERMISSIONS, Role
from channelhub.tenancy import tenant_context, unscoped
from tests.channelhub.pages import find_testids, form_data, shows
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NOT_ADMINS = [role for role in Role if role != Role.TENANT_ADMIN]
# A partner admin has the members pages for its own partner's users (tests/channelhub/test_partner_admin_members.py).
NO_MEMBERS_PAGES = [role for role in NOT_ADMINS if role != Role.PARTNER_ADMIN]


@pytest.fixture
def colleague(alpha):
    return MembershipFactory(tenant=alpha, role=Role.CLERK)


@pytest.fixture
def pending(alpha):
    return InvitationFactory(tenant=alpha)


def _membership(pk):
    with unscoped():
        return Membership.objects.get(pk=pk)


def _invitation(pk):
    with unscoped():
        return Invitation.objects.get(pk=pk)


# --- members pages: tenant admins only ---------------------------------------------------


def test_it_lets_a_tenant_admin_manage_members(member, client_as, colleague, pending):
    client = client_as(member(Role.TENANT_ADMIN))
    listing = client.get("/t/alpha/members/")
    assert listing.status_code == 200
    assert colleague.user.email in listing.content.decode()
    assert pending.email in listing.content.decode()
    assert client.get(f"/t/alpha/members/{colleague.pk}/").status_code == 200
    assert client.post(f"/t/alpha/invitations/{pending.pk}/revoke/").status_code == 302
    assert _invitation(pending.pk).status == "revoked"


@pytest.mark.parametrize("role", NO_MEMBERS_PAGES)
def test_it_forbids_members_pages_to_other_roles(role, member, client_as, colleague, pending):
    client = client_as(member(role))
    assert client.get("/t/alpha/members/").status_code == 403
    assert client.get(f"/t/alpha/members/{colleague.pk}/").status_code == 403
    edit = client.post(f"/t/alpha/members/{colleague.pk}/", {"role": Role.FINANCE, "is_active": "on"})
    assert edit.status_code == 403
    assert client.post(f"/t/alpha/invitations/{pending.pk}/revoke/").status_code == 403
    invite = client.post("/t/alpha/members/", {"email": "x@example.com", "role": Role.TENANT_ADMIN})
    assert invite.status_code == 403
    # Nothing happened.
    assert _membership(colleague.pk).role == Role.CLERK
    assert _invitation(pending.pk).status == "pending"
    with unscoped():
        assert Invitation.objects.count() == 1


def test_it_shows_the_403_page_with_an_explanation(member, client_as):
    response = client_as(member(Role.FINANCE)).get("/t/alpha/members/")
    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]


def test_it_hides_members_pages_from_strangers(stranger, client_as, colleague, pending):
    client = client_as(stranger)
    for path in ("/t/alpha/members/", f"/t/alpha/members/{colleague.pk}/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/t/alpha/members/{colleague.pk}/", {"role": Role.FINANCE}).status_code == 404
    assert client.post(f"/t/alpha/invitations/{pending.pk}/revoke/").status_code == 404
    assert _membership(colleague.pk).role == Role.CLERK
    assert _invitation(pending.pk).status == "pending"


def test_it_hides_the_tenant_from_a_deactivated_member_and_from_everyone_of_a_closed_tenant(
    alpha, member, client_as
):
    clerk = member(Role.CLERK)
    client = client_as(clerk)
    assert client.get("/t/alpha/").status_code == 200
    with unscoped():
        Membership.objects.filter(user=clerk).update(is_active=False)
    assert client.get("/t/alpha/").status_code == 404

    admin = member(Role.TENANT_ADMIN)
    alpha.is_active = False
    alpha.save()
    assert client_as(admin).get("/t/alpha/members/").status_code == 404


def test_it_sends_anonymous_visitors_of_members_pages_to_log_in(client, colleague):
    response = client.get(f"/t/alpha/members/{colleague.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/t/alpha/members/{colleague.pk}/"


def test_it_keeps_the_members_link_for_admins(member, client_as):
    admin_home = client_as(member(Role.TENANT_ADMIN)).get("/t/alpha/").content.decode()
    clerk_home = client_as(member(Role.CLERK)).get("/t/alpha/").content.decode()
    assert 'href="/t/alpha/members/"' in admin_home
    assert 'href="/t/alpha/members/"' not in clerk_home


def test_it_requires_the_manage_permission_to_invite(member, client_as, monkeypatch):
    monkeypatch.setitem(PERMISSIONS, "members.view", frozenset({Role.TENANT_ADMIN, Role.EXECUTIVE}))
    monkeypatch.setitem(PERMISSIONS, "members.list", frozenset({Role.TENANT_ADMIN, Role.EXECUTIVE}))
    client = client_as(member(Role.EXECUTIVE))
    assert client.get("/t/alpha/members/").status_code == 200  # viewing is allowed now
    client.post("/t/alpha/members/", {"email": "x@example.com", "role": Role.TENANT_ADMIN})
    with unscoped():
        assert not Invitation.objects.exists()


# --- home: the module cards follow the permissions -------------------------------------------

CARDS = {
    Role.PARTNER_STAFF: {
        "module-partners",
        "module-customers",
        "module-onboarding_training",
        "module-orders_partner",
        "module-aftersales_partner",
    },
    Role.PARTNER_ADMIN: {
        "module-partners",
        "module-onboarding_training",
        "module-filings",
        "module-customers",
        "module-orders_partner",
        "module-aftersales_partner",
    },
    Role.CLERK: {"module-partners", "module-filings_record"},
    Role.FINANCE: {"module-partners", "module-orders", "module-rebates"},
    Role.CHANNEL_SUPERVISOR: {
        "module-partners",
        "module-onboarding",
        "module-filings_approve",
        "module-customers",
        "module-pricing_approve",
        "module-evaluations",
    },
    Role.TENANT_ADMIN: {
        "module-partners",
        "module-catalogue",
        "module-onboarding",
        "module-customers",
        "module-orders",
        "module-pricing",
        "module-evaluations",
    },
}


@pytest.mark.parametrize("role", CARDS, ids=str)
def test_it_shows_each_role_only_its_modules(role, member, client_as):
    response = client_as(member(role)).get("/t/alpha/")
    assert response.status_code == 200
    assert set(find_testids(response, "module-")) == CARDS[role]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_it_never_shows_a_card_the_role_has_no_permission_for(role, member, client_as):
    from channelhub.views.portal import MODULES

    permission_of = {f"module-{module.key}": module.permission for module in MODULES}
    shown = find_testids(client_as(member(role)).get("/t/alpha/"), "module-")
    assert shown, f"{role} sees no module at all"
    for card in shown:
        assert role in PERMISSIONS[permission_of[card]], f"{role} sees {card}"
    hidden = set(permission_of) - set(shown)
    for card in hidden:
        assert role not in PERMISSIONS[permission_of[card]], f"{role} misses {card}"


def test_it_shows_the_member_count_to_admins_only(alpha, member, client_as, colleague):
    MembershipFactory(tenant=alpha, role=Role.FINANCE, is_active=False)
    admin_page = client_as(member(Role.TENANT_ADMIN)).get("/t/alpha/")
    assert admin_page.context["member_count"] == 2  # the admin and the colleague; not the deactivated
    assert shows(admin_page, _("people with access"))
    clerk_page = client_as(member(Role.CLERK)).get("/t/alpha/")
    assert clerk_page.context["member_count"] is None
    assert not shows(clerk_page, _("people with access"))


# --- partner users belong to a partner -----------------------------------------------------


@pytest.mark.parametrize("role", sorted(PARTNER_ROLES))
def test_it_refuses_a_partner_membership_without_a_partner_in_the_database(role, alpha):
    with tenant_context(alpha), pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=role, partner=None)


def test_it_refuses_a_staff_membership_tied_to_a_partner_in_the_database(alpha, alpha_partner):
    with tenant_context(alpha), pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=Role.CLERK, partner=alpha_partner)


def _edit(client, membership, **overrides):
    path = f"/t/alpha/members/{membership.pk}/"
    page = client.get(path)
    return client.post(path, form_data(page, action=path, **overrides))


def test_it_requires_a_partner_when_an_admin_makes_someone_a_partner_user(member, client_as, colleague):
    client = client_as(member(Role.TENANT_ADMIN))
    response = _edit(client, colleague, role=Role.PARTNER_STAFF, partner="")
    assert response.status_code == 200
    assert response.context["form"].errors["partner"] == [_("Partner users must belong to a partner.")]
    assert shows(response, _("Partner users must belong to a partner."))
    assert _membership(colleague.pk).role == Role.CLERK


def test_it_ties_a_partner_user_to_the_chosen_partner(member, client_as, colleague, alpha_partner):
    client = client_as(member(Role.TENANT_ADMIN))
    response = _edit(client, colleague, role=Role.PARTNER_ADMIN, partner=str(alpha_partner.pk))
    assert response.status_code == 302
    changed = _membership(colleague.pk)
    assert (changed.role, changed.partner_id) == (Role.PARTNER_ADMIN, alpha_partner.pk)


def test_it_unties_the_partner_when_a_partner_user_becomes_staff(alpha, member, client_as, alpha_partner):
    partner_user = MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=alpha_partner)
    client = client_as(member(Role.TENANT_ADMIN))
    # The edit page pre-selects the partner; the admin only changes the role.
    response = _edit(client, partner_user, role=Role.CHANNEL_MANAGER)
    assert response.status_code == 302, response.context["form"].errors
    changed = _membership(partner_user.pk)
    assert (changed.role, changed.partner_id) == (Role.CHANNEL_MANAGER, None)


def test_it_requires_a_partner_when_inviting_a_partner_user(member, client_as):
    client = client_as(member(Role.TENANT_ADMIN))
    page = client.get("/t/alpha/members/")
    data = form_data(page, "invite-form", email="p@example.com", role=Role.PARTNER_STAFF, partner="")
    response = client.post("/t/alpha/members/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["partner"] == [_("Partner users must belong to a partner.")]
    with unscoped():
        assert not Invitation.objects.exists()


def test_it_does_not_let_an_admin_demote_or_deactivate_themself(alpha, member, client_as):
    admin = member(Role.TENANT_ADMIN)
    with unscoped():
        own = Membership.objects.get(user=admin)
    client = client_as(admin)
    response = _edit(client, own, role=Role.CLERK)
    assert response.status_code == 200
    assert shows(response, _("You cannot change your own role or deactivate yourself."))
    response = _edit(client, own, is_active=None)
    assert response.status_code == 200
    fresh = _membership(own.pk)
    assert (fresh.role, fresh.is_active) == (Role.TENANT_ADMIN, True)
