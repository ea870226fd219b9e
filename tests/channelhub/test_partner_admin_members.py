"""A partner admin manages its own partner's people (PRODUCT.md: "Partner users, invited by e-mail,
managed by the partner admin"): invite, change partner admin ↔ partner staff, deactivate — and
nothing of anyone else: another partner's member, a staff member or their invitations are 404."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from channelhub import services
from channelhub.audit import timeline_for
from channelhub.models import Invitation, Membership
from channelhub.roles import Role
from channelhub.tenancy import tenant_context, unscoped
from tests.channelhub.pages import find_testids, form, form_data, shows
from tests.factories import InvitationFactory, MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(member):
    return member(Role.PARTNER_ADMIN)  # of alpha_partner


@pytest.fixture
def staff(alpha, alpha_partner):
    return MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=alpha_partner)


@pytest.fixture
def rival(alpha):
    return PartnerFactory(tenant=alpha, name="开封万家通讯便利店")


@pytest.fixture
def rival_staff(alpha, rival):
    return MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=rival)


@pytest.fixture
def rival_admin(alpha, rival):
    return MembershipFactory(tenant=alpha, role=Role.PARTNER_ADMIN, partner=rival).user


@pytest.fixture
def clerk(alpha):
    return MembershipFactory(tenant=alpha, role=Role.CLERK)


def fresh(membership):
    with unscoped():
        return Membership.objects.get(pk=membership.pk)


def pending(**lookup):
    with unscoped():
        return list(Invitation.objects.pending().filter(**lookup).order_by("pk"))


def own_membership(user):
    with unscoped():
        return Membership.objects.get(user=user)


# --- the list -----------------------------------------------------------------------------------


def test_it_shows_a_partner_admin_only_its_own_partners_people(
    alpha, alpha_partner, admin, staff, rival_staff, clerk, client_as
):
    own_invite = InvitationFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=alpha_partner)
    rival_invite = InvitationFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=rival_staff.partner)
    staff_invite = InvitationFactory(tenant=alpha, role=Role.FINANCE)

    page = client_as(admin).get("/t/alpha/members/")

    assert page.status_code == 200
    assert {m.pk for m in page.context["memberships"]} == {own_membership(admin).pk, staff.pk}
    assert [i.pk for i in page.context["invitations"]] == [own_invite.pk]
    html = page.content.decode()
    for hidden in (rival_staff.user.email, clerk.user.email, rival_invite.email, staff_invite.email):
        assert hidden not in html
    assert shows(page, _("My colleagues"))
    assert "invite-form" in find_testids(page)


def test_the_user_menu_offers_colleagues_to_partner_admins_only(member, client_as):
    assert "menu-colleagues" in find_testids(client_as(member(Role.PARTNER_ADMIN)).get("/t/alpha/"))
    for role in (Role.PARTNER_STAFF, Role.TENANT_ADMIN, Role.CHANNEL_MANAGER):
        assert "menu-colleagues" not in find_testids(client_as(member(role)).get("/t/alpha/")), role


@pytest.mark.parametrize("role", [Role.PARTNER_STAFF, Role.CHANNEL_MANAGER, Role.FINANCE])
def test_other_roles_still_get_403(role, member, client_as, staff):
    client = client_as(member(role))
    assert client.get("/t/alpha/members/").status_code == 403
    assert client.get(f"/t/alpha/members/{staff.pk}/").status_code == 403
    assert client.post(f"/t/alpha/members/{staff.pk}/", {"role": Role.PARTNER_ADMIN}).status_code == 403
    assert fresh(staff).role == Role.PARTNER_STAFF


# --- inviting -----------------------------------------------------------------------------------


def test_a_partner_admin_invites_a_colleague_into_its_partner(
    alpha, alpha_partner, admin, client_as, django_capture_on_commit_callbacks, mailoutbox
):
    client = client_as(admin)
    page = client.get("/t/alpha/members/")
    invite_form = form(page, "invite-form")
    assert "partner" not in invite_form["fields"]  # always its own partner
    assert set(invite_form["options"]["role"]) == {"", Role.PARTNER_ADMIN, Role.PARTNER_STAFF}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/t/alpha/members/",
            form_data(page, "invite-form", email="new.colleague@example.com", role=Role.PARTNER_STAFF),
        )

    assert response.status_code == 302
    [invitation] = pending()
    assert (invitation.email, invitation.role, invitation.partner_id) == (
        "new.colleague@example.com",
        Role.PARTNER_STAFF,
        alpha_partner.pk,
    )
    assert invitation.invited_by == admin
    assert [m.to for m in mailoutbox] == [["new.colleague@example.com"]]
    with tenant_context(alpha):
        assert [e.item.verb for e in timeline_for(invitation)] == ["invitation.sent"]


@pytest.mark.parametrize("role", [Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.FINANCE])
def test_a_partner_admin_cannot_invite_staff_roles(role, admin, client_as, mailoutbox):
    response = client_as(admin).post("/t/alpha/members/", {"email": "x@example.com", "role": role})
    assert response.status_code == 400
    assert response.context["form"].errors["role"]
    assert pending() == []
    assert mailoutbox == []


def test_a_forged_partner_is_ignored_by_the_form_and_refused_by_the_service(
    alpha, alpha_partner, admin, rival, client_as
):
    client_as(admin).post(
        "/t/alpha/members/", {"email": "x@example.com", "role": Role.PARTNER_STAFF, "partner": rival.pk}
    )
    assert [i.partner_id for i in pending()] == [alpha_partner.pk]
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.invite_member(
            tenant=alpha, email="y@example.com", role=Role.PARTNER_STAFF, partner=rival, by=admin
        )
    with tenant_context(alpha), pytest.raises(ValidationError):
        services.invite_member(tenant=alpha, email="z@example.com", role=Role.FINANCE, by=admin)


def test_a_partner_admin_withdraws_its_own_invitations_only(alpha, alpha_partner, rival, admin, client_as):
    own = InvitationFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=alpha_partner)
    rivals = InvitationFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=rival)
    staffs = InvitationFactory(tenant=alpha, role=Role.CLERK)
    client = client_as(admin)
    assert client.post(f"/t/alpha/invitations/{own.pk}/revoke/").status_code == 302
    for other in (rivals, staffs):
        assert client.post(f"/t/alpha/invitations/{other.pk}/revoke/").status_code == 404
    assert {i.pk for i in pending()} == {rivals.pk, staffs.pk}


def test_partner_staff_and_another_partners_admin_cannot_invite(
    rival_admin, member, client_as, alpha_partner, alpha
):
    assert (
        client_as(member(Role.PARTNER_STAFF))
        .post("/t/alpha/members/", {"email": "x@example.com", "role": Role.PARTNER_STAFF})
        .status_code
        == 403
    )
    # The rival's admin invites into its own partner, whatever it posts.
    client_as(rival_admin).post(
        "/t/alpha/members/",
        {"email": "y@example.com", "role": Role.PARTNER_ADMIN, "partner": alpha_partner.pk},
    )
    assert [i.partner_id for i in pending()] == [own_membership(rival_admin).partner_id]


# --- changing a colleague's role and access ------------------------------------------------------


def test_a_partner_admin_promotes_demotes_and_deactivates_a_colleague(alpha, admin, staff, client_as):
    client = client_as(admin)
    page = client.get(f"/t/alpha/members/{staff.pk}/")
    assert page.status_code == 200
    member_form = form(page, "member-form")
    assert "partner" not in member_form["fields"]
    assert set(member_form["options"]["role"]) == {Role.PARTNER_ADMIN, Role.PARTNER_STAFF}

    response = client.post(
        f"/t/alpha/members/{staff.pk}/", form_data(page, "member-form", role=Role.PARTNER_ADMIN)
    )
    assert response.status_code == 302
    assert fresh(staff).role == Role.PARTNER_ADMIN

    page = client.get(f"/t/alpha/members/{staff.pk}/")
    data = form_data(page, "member-form", role=Role.PARTNER_STAFF)
    data.pop("is_active")  # unticked
    client.post(f"/t/alpha/members/{staff.pk}/", data)
    changed = fresh(staff)
    assert (changed.role, changed.is_active, changed.partner_id) == (
        Role.PARTNER_STAFF,
        False,
        staff.partner_id,
    )

    with tenant_context(alpha):
        entries = [e.item for e in timeline_for(changed)]
    assert [e.verb for e in entries] == ["membership.changed", "membership.changed"]
    assert all(e.actor_id == admin.pk for e in entries)
    assert entries[-1].changes["is_active"] == ["True", "False"]
    assert "member-timeline" in find_testids(client.get(f"/t/alpha/members/{staff.pk}/"))
    # The deactivated colleague is out.
    assert client_as(staff.user).get("/t/alpha/").status_code == 404


def test_a_partner_admin_cannot_make_a_colleague_staff_or_move_it(alpha, admin, staff, rival, client_as):
    client = client_as(admin)
    response = client.post(f"/t/alpha/members/{staff.pk}/", {"role": Role.TENANT_ADMIN, "is_active": "on"})
    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors["role"]
    client.post(
        f"/t/alpha/members/{staff.pk}/",
        {"role": Role.PARTNER_STAFF, "partner": rival.pk, "is_active": "on"},
    )
    assert (fresh(staff).role, fresh(staff).partner_id) == (Role.PARTNER_STAFF, staff.partner_id)
    with tenant_context(alpha), pytest.raises(ValidationError):
        services.change_membership(staff, role=Role.FINANCE, partner=None, is_active=True, by=admin)
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.change_membership(staff, role=Role.PARTNER_STAFF, partner=rival, is_active=True, by=admin)


def test_another_partners_people_and_staff_are_404(admin, rival_staff, clerk, client_as):
    client = client_as(admin)
    for other in (rival_staff, clerk):
        assert client.get(f"/t/alpha/members/{other.pk}/").status_code == 404
        posted = client.post(f"/t/alpha/members/{other.pk}/", {"role": Role.PARTNER_STAFF})
        assert posted.status_code == 404
        assert fresh(other).is_active and fresh(other).role == other.role


def test_another_partners_admin_gets_404_for_our_people(rival_admin, staff, client_as):
    client = client_as(rival_admin)
    assert client.get(f"/t/alpha/members/{staff.pk}/").status_code == 404
    assert client.post(f"/t/alpha/members/{staff.pk}/", {"role": Role.PARTNER_ADMIN}).status_code == 404
    assert fresh(staff).role == Role.PARTNER_STAFF
    assert staff.user.email not in client.get("/t/alpha/members/").content.decode()


def test_a_stranger_partner_admin_of_another_tenant_gets_404(beta, staff, client_as):
    outsider = MembershipFactory(tenant=beta, role=Role.PARTNER_ADMIN).user
    client = client_as(outsider)
    assert client.get("/t/alpha/members/").status_code == 404
    assert client.get(f"/t/alpha/members/{staff.pk}/").status_code == 404
    assert client.get(f"/t/beta/members/{staff.pk}/").status_code == 404


# --- the last partner admin -----------------------------------------------------------------------


def test_the_last_partner_admin_cannot_step_down_or_leave(alpha, admin, client_as):
    mine = own_membership(admin)
    client = client_as(admin)
    page = client.get(f"/t/alpha/members/{mine.pk}/")
    assert "self-note" in find_testids(page)

    demote = client.post(
        f"/t/alpha/members/{mine.pk}/", form_data(page, "member-form", role=Role.PARTNER_STAFF)
    )
    data = form_data(page, "member-form")
    data.pop("is_active")
    leave = client.post(f"/t/alpha/members/{mine.pk}/", data)

    message = _(
        "You are the only active partner admin of %(partner)s: make a colleague partner "
        "admin first, so that someone can still manage your company's people."
    ) % {"partner": mine.partner.name}
    for response in (demote, leave):
        assert response.status_code == 200
        assert shows(response, message)
    assert (fresh(mine).role, fresh(mine).is_active) == (Role.PARTNER_ADMIN, True)
    with tenant_context(alpha):
        assert timeline_for(mine) == []


def test_a_partner_admin_may_step_down_while_another_admin_remains(
    alpha, alpha_partner, admin, staff, client_as
):
    other_admin = MembershipFactory(tenant=alpha, role=Role.PARTNER_ADMIN, partner=alpha_partner)
    mine = own_membership(admin)
    client = client_as(admin)
    response = client.post(f"/t/alpha/members/{mine.pk}/", {"role": Role.PARTNER_STAFF, "is_active": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/t/alpha/"  # no longer may see the people pages
    assert fresh(mine).role == Role.PARTNER_STAFF
    assert client.get("/t/alpha/members/").status_code == 403

    # Now the other admin is the last one: it cannot leave.
    with tenant_context(alpha), pytest.raises(ValidationError):
        services.change_membership(
            other_admin, role=Role.PARTNER_ADMIN, partner=alpha_partner, is_active=False, by=other_admin.user
        )
    # A deactivated admin does not count as one who remains.
    with unscoped():
        Membership.objects.filter(pk=mine.pk).update(role=Role.PARTNER_ADMIN, is_active=False)
    with tenant_context(alpha), pytest.raises(ValidationError):
        services.change_membership(
            other_admin, role=Role.PARTNER_STAFF, partner=alpha_partner, is_active=True, by=other_admin.user
        )


def test_a_partner_admin_that_leaves_is_sent_out_of_the_workspace(alpha, alpha_partner, admin, client_as):
    MembershipFactory(tenant=alpha, role=Role.PARTNER_ADMIN, partner=alpha_partner)
    mine = own_membership(admin)
    client = client_as(admin)
    response = client.post(f"/t/alpha/members/{mine.pk}/", {"role": Role.PARTNER_ADMIN})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not fresh(mine).is_active
    assert client.get("/t/alpha/").status_code == 404


# --- the tenant admin keeps the whole workspace ---------------------------------------------------


def test_the_tenant_admin_still_sees_and_changes_everybody(
    member, client_as, staff, rival_staff, clerk, alpha_partner
):
    client = client_as(member(Role.TENANT_ADMIN))
    listing = client.get("/t/alpha/members/")
    assert {staff.pk, rival_staff.pk, clerk.pk} <= {m.pk for m in listing.context["memberships"]}
    page = client.get(f"/t/alpha/members/{rival_staff.pk}/")
    assert "partner" in form(page, "member-form")["fields"]
    response = client.post(
        f"/t/alpha/members/{rival_staff.pk}/",
        form_data(page, "member-form", role=Role.PARTNER_ADMIN, partner=str(alpha_partner.pk)),
    )
    assert response.status_code == 302
    assert (fresh(rival_staff).role, fresh(rival_staff).partner_id) == (Role.PARTNER_ADMIN, alpha_partner.pk)
    # ... but still not itself.
    mine = own_membership(member(Role.TENANT_ADMIN))
    response = client.post(f"/t/alpha/members/{mine.pk}/", {"role": Role.FINANCE, "is_active": "on"})
    assert shows(response, _("You cannot change your own role or deactivate yourself."))
    assert fresh(mine).role == Role.TENANT_ADMIN


def test_a_channel_manager_cannot_use_the_services_either(alpha, member, staff):
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.change_membership(
            staff,
            role=Role.PARTNER_ADMIN,
            partner=staff.partner,
            is_active=True,
            by=member(Role.CHANNEL_MANAGER),
        )
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.invite_member(
            tenant=alpha,
            email="x@example.com",
            role=Role.PARTNER_STAFF,
            partner=staff.partner,
            by=member(Role.CHANNEL_MANAGER),
        )


def test_an_existing_users_invitation_is_written_in_their_language(
    alpha, admin, client_as, django_capture_on_commit_callbacks, mailoutbox
):
    from tests.factories import UserFactory

    UserFactory(email="reads.english@example.com", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(admin).post(
            "/t/alpha/members/", {"email": "reads.english@example.com", "role": Role.PARTNER_STAFF}
        )
        client_as(admin).post(
            "/t/alpha/members/", {"email": "new.one@example.com", "role": Role.PARTNER_STAFF}
        )
    english, chinese = mailoutbox
    assert english.to == ["reads.english@example.com"] and "invites you" in english.body
    assert chinese.to == ["new.one@example.com"] and "邀请" in chinese.body
