"""Inviting people: the real form on the members page, the e-mail, and every way a link can end."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from channelhub.models import Invitation, Membership, User
from channelhub.roles import Role
from channelhub.tenancy import unscoped
from channelhub.views.accounts import INVITATION_PROBLEMS
from tests.channelhub.pages import field_value, find_testids, form_data, shows
from tests.factories import PASSWORD, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Kite-lantern-harbour-93"
LINK = re.compile(r"(https?://\S+/invite/[^/\s]+/)")


@pytest.fixture
def admin(member):
    return member(Role.TENANT_ADMIN)


@pytest.fixture
def admin_client(admin, client_as):
    return client_as(admin)


def invite(client, capture, **typed):
    """Fill in and send the invite form on the members page; the e-mail goes out on commit."""
    page = client.get("/t/alpha/members/")
    assert page.status_code == 200
    with capture(execute=True):
        return client.post("/t/alpha/members/", form_data(page, "invite-form", **typed))


def link_path(message) -> str:
    found = LINK.findall(message.body)
    assert len(found) == 1, message.body
    return urlparse(found[0]).path


def shows_problem(response, code):
    """The invitation-problem page, saying why this link cannot be used."""
    assert "invitation-problem" in find_testids(response)
    assert response.context["problem"] == code
    assert shows(response, INVITATION_PROBLEMS[code])
    return True


def make_invitation(tenant, **fields):
    token, token_hash = Invitation.new_token()
    return f"/invite/{token}/", InvitationFactory(tenant=tenant, token_hash=token_hash, **fields)


def pending_invitations():
    with unscoped():
        return list(Invitation.objects.pending().order_by("pk"))


def memberships_of(email):
    with unscoped():
        return list(Membership.objects.filter(user__email=email))


# --- sending --------------------------------------------------------------------------------


def test_it_sends_an_invitation_from_the_members_page(
    alpha, admin, admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    response = invite(
        admin_client, django_capture_on_commit_callbacks, email=" New.Person@Example.com ", role=Role.FINANCE
    )
    assert response.status_code == 302
    assert response["Location"] == "/t/alpha/members/"

    [invitation] = pending_invitations()
    assert (invitation.tenant_id, invitation.email, invitation.role) == (
        alpha.pk,
        "new.person@example.com",
        "finance",
    )
    assert invitation.invited_by == admin
    assert invitation.expires_at > timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS - 1)

    [message] = mailoutbox
    assert message.to == ["new.person@example.com"]
    assert alpha.name in message.subject
    assert admin.display_name in message.body
    path = link_path(message)
    assert message.body.count(settings.SITE_URL + path) == 1
    token = path.split("/")[2]
    assert invitation.token_hash == Invitation.hash_token(token) != token  # stored hashed only

    page = admin_client.get("/t/alpha/members/")
    assert "new.person@example.com" in page.content.decode()
    assert shows(page, _("Invitation sent to %(email)s.") % {"email": "new.person@example.com"})


def test_it_sends_the_email_only_once_the_invitation_is_committed(
    admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    page = admin_client.get("/t/alpha/members/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(
            "/t/alpha/members/", form_data(page, "invite-form", email="a@example.com", role="clerk")
        )
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_it_invites_a_partner_user_for_a_partner(
    admin_client, alpha_partner, django_capture_on_commit_callbacks, mailoutbox
):
    response = invite(
        admin_client,
        django_capture_on_commit_callbacks,
        email="agent@example.com",
        role=Role.PARTNER_ADMIN,
        partner=str(alpha_partner.pk),
    )
    assert response.status_code == 302
    [invitation] = pending_invitations()
    assert invitation.partner_id == alpha_partner.pk
    assert len(mailoutbox) == 1


def test_it_refuses_to_invite_an_existing_member(
    alpha, admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    colleague = MembershipFactory(tenant=alpha, role=Role.CLERK).user
    response = invite(
        admin_client, django_capture_on_commit_callbacks, email=colleague.email.upper(), role=Role.FINANCE
    )
    assert response.status_code == 400
    already = _("This person is already a member of this workspace.")
    assert response.context["form"].errors["email"] == [already]
    assert shows(response, already)
    assert field_value(response, "email", "invite-form") == colleague.email.upper()  # kept as typed
    assert pending_invitations() == []
    assert mailoutbox == []


def test_it_invites_a_member_of_another_tenant(
    stranger, admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    response = invite(admin_client, django_capture_on_commit_callbacks, email=stranger.email, role=Role.CLERK)
    assert response.status_code == 302
    assert [i.email for i in pending_invitations()] == [stranger.email]


def test_it_replaces_a_pending_invitation_to_the_same_address(
    alpha, beta, admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    _path, elsewhere = make_invitation(beta, email="twice@example.com")
    invite(admin_client, django_capture_on_commit_callbacks, email="twice@example.com", role=Role.CLERK)
    invite(admin_client, django_capture_on_commit_callbacks, email="Twice@example.com", role=Role.FINANCE)
    first_link, second_link = (link_path(message) for message in mailoutbox)

    alpha_pending = [i for i in pending_invitations() if i.tenant_id == alpha.pk]
    assert [(i.email, i.role) for i in alpha_pending] == [("twice@example.com", "finance")]
    assert elsewhere.pk in {i.pk for i in pending_invitations()}  # another tenant's stays

    anonymous = Client()
    first = anonymous.get(first_link)
    assert first.status_code == 410
    assert shows_problem(first, "revoked")
    assert anonymous.get(second_link).status_code == 200
    listing = admin_client.get("/t/alpha/members/")
    assert [(i.email, i.role) for i in listing.context["invitations"]] == [("twice@example.com", "finance")]


# --- accepting as a new person --------------------------------------------------------------


def test_it_shows_the_invitation_on_get_and_changes_nothing(alpha, client):
    path, invitation = make_invitation(alpha, email="new@example.com", role=Role.MARKETING)
    for _attempt in range(3):  # mail scanners and link previews fetch links
        response = client.get(path)
        assert response.status_code == 200
        assert "accept-form" in find_testids(response)
        assert alpha.name in response.content.decode()
    with unscoped():
        invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not User.objects.filter(email="new@example.com").exists()
    assert "_auth_user_id" not in client.session


def _accept_form(client, path, **typed):
    return form_data(client.get(path), "accept-form", **typed)


def test_it_keeps_what_was_typed_when_the_passwords_do_not_match(alpha, client):
    path, _invitation = make_invitation(alpha, email="new@example.com")
    data = _accept_form(
        client, path, full_name="林小雨", password1=GOOD_PASSWORD, password2=GOOD_PASSWORD + "x"
    )
    response = client.post(path, data)
    assert response.status_code == 200
    mismatch = _("The two passwords do not match.")
    assert response.context["form"].errors["password2"] == [mismatch]
    assert shows(response, mismatch)
    assert field_value(response, "full_name", "accept-form") == "林小雨"
    assert not User.objects.filter(email="new@example.com").exists()
    assert pending_invitations()


def test_it_refuses_a_weak_password_and_says_why(alpha, client):
    path, _invitation = make_invitation(alpha, email="new@example.com")
    data = _accept_form(client, path, full_name="林小雨", password1="12345678", password2="12345678")
    response = client.post(path, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["password1"]
    assert len(errors) >= 2  # too short, too common, entirely numeric
    for error in errors:
        assert error in response.content.decode()
    assert field_value(response, "full_name", "accept-form") == "林小雨"
    assert not User.objects.filter(email="new@example.com").exists()


def test_it_creates_the_account_and_membership_and_logs_in(alpha, alpha_partner, client):
    path, invitation = make_invitation(
        alpha, email="new@example.com", role=Role.PARTNER_STAFF, partner=alpha_partner
    )
    data = _accept_form(client, path, full_name="林小雨", password1=GOOD_PASSWORD, password2=GOOD_PASSWORD)
    response = client.post(path, data)
    assert response.status_code == 302
    assert response["Location"] == "/t/alpha/"

    user = User.objects.get(email="new@example.com")
    assert user.full_name == "林小雨"
    assert user.check_password(GOOD_PASSWORD)
    [membership] = memberships_of("new@example.com")
    assert (membership.tenant_id, membership.role, membership.partner_id) == (
        alpha.pk,
        Role.PARTNER_STAFF,
        alpha_partner.pk,
    )
    with unscoped():
        invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == user

    home = client.get("/t/alpha/")
    assert home.status_code == 200
    assert home.context["user"] == user
    assert shows(home, _("Welcome to %(tenant)s.") % {"tenant": alpha.name})

    # The link worked once.
    again = Client().get(path)
    assert again.status_code == 410
    assert shows_problem(again, "accepted")
    assert Client().post(path, data).status_code == 410
    assert User.objects.filter(email="new@example.com").count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "expired"),
        ({"revoked_at": timezone.now()}, "revoked"),
    ],
    ids=["expired", "revoked"],
)
def test_it_shows_its_own_page_for_a_link_that_has_ended(fields, code, alpha, client):
    path, _invitation = make_invitation(alpha, email="late@example.com", **fields)
    for response in (client.get(path), client.post(path, {"full_name": "x", "password1": GOOD_PASSWORD})):
        assert response.status_code == 410
        assert shows_problem(response, code)
    assert not User.objects.filter(email="late@example.com").exists()


def test_it_shows_the_404_invitation_page_for_an_unknown_token(alpha, client):
    make_invitation(alpha)
    response = client.get("/invite/not-a-real-token/")
    assert response.status_code == 404
    assert shows_problem(response, "invalid")


def test_it_treats_a_link_of_a_closed_tenant_as_unknown(alpha, client):
    path, _invitation = make_invitation(alpha)
    alpha.is_active = False
    alpha.save()
    assert client.get(path).status_code == 404


# --- accepting with an existing account -------------------------------------------------------


def test_it_asks_an_existing_account_to_log_in_first(alpha, stranger, client):
    path, invitation = make_invitation(alpha, email=stranger.email, role=Role.EXECUTIVE)
    page = client.get(path)
    assert page.status_code == 200
    assert "accept-form" not in find_testids(page)
    assert f'href="/accounts/login/?next={path}"' in page.content.decode()

    forged = client.post(path, {"full_name": "x", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert forged.status_code == 400
    assert shows_problem(forged, "login_required")
    stranger.refresh_from_db()
    assert stranger.check_password(PASSWORD)  # the account was not taken over
    assert alpha.pk not in {m.tenant_id for m in memberships_of(stranger.email)}

    # Log in through the page's link, come back, accept.
    login = client.post(f"/accounts/login/?next={path}", {"username": stranger.email, "password": PASSWORD})
    assert login.status_code == 302
    assert login["Location"] == path
    accepted = client.post(path, form_data(client.get(path), "accept-form"))
    assert accepted.status_code == 302
    assert accepted["Location"] == "/t/alpha/"
    roles = {m.tenant_id: m.role for m in memberships_of(stranger.email)}
    assert roles[alpha.pk] == Role.EXECUTIVE
    assert len(roles) == 2  # still a member of beta as well


def test_it_refuses_a_logged_in_user_with_another_address(alpha, client_as):
    path, invitation = make_invitation(alpha, email="intended@example.com")
    someone_else = UserFactory(email="someone@example.com")
    client = client_as(someone_else)
    response = client.post(path)
    assert response.status_code == 400
    assert shows_problem(response, "wrong_user")
    assert memberships_of("someone@example.com") == []
    with unscoped():
        invitation.refresh_from_db()
    assert invitation.status == "pending"


# --- withdrawing ----------------------------------------------------------------------------


def test_it_withdraws_an_invitation(alpha, admin_client, client):
    path, invitation = make_invitation(alpha, email="gone@example.com")
    listing = admin_client.get("/t/alpha/members/")
    revoke_url = f"/t/alpha/invitations/{invitation.pk}/revoke/"
    assert f'action="{revoke_url}"' in listing.content.decode()

    assert admin_client.get(revoke_url).status_code == 405
    assert pending_invitations() == [invitation]

    response = admin_client.post(revoke_url, follow=True)
    assert response.redirect_chain == [("/t/alpha/members/", 302)]
    assert shows(response, _("Invitation to %(email)s withdrawn.") % {"email": "gone@example.com"})
    assert pending_invitations() == []
    assert client.get(path).status_code == 410


def test_it_does_not_withdraw_an_accepted_invitation(alpha, admin_client):
    accepted_at = timezone.now()
    _path, invitation = make_invitation(alpha, accepted_at=accepted_at)
    response = admin_client.post(f"/t/alpha/invitations/{invitation.pk}/revoke/", follow=True)
    assert shows(response, _("Only a pending invitation can be revoked."))
    with unscoped():
        invitation.refresh_from_db()
    assert (invitation.status, invitation.revoked_at) == ("accepted", None)
