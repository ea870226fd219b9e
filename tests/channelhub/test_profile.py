"""My profile (user menu → "My profile"): name, phone, preferred language, e-mail choices and the
password, for staff and partner users alike."""

import pytest
from django.conf import settings

from channelhub import services
from channelhub.models import User
from channelhub.roles import Role
from tests.channelhub.pages import field_value, find_testids, form_data, shows
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kite-lantern-harbour-93"
ROLES = [Role.PARTNER_ADMIN, Role.PARTNER_STAFF, Role.CHANNEL_MANAGER, Role.TENANT_ADMIN]


def stored(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reaches_their_profile_from_the_user_menu(role, member, client_as):
    client = client_as(member(role))
    home = client.get("/t/alpha/")
    assert "menu-profile" in find_testids(home)
    assert 'href="/t/alpha/profile/"' in home.content.decode()
    page = client.get("/t/alpha/profile/")
    assert page.status_code == 200
    ids = find_testids(page)
    assert {"profile-form", "profile-preferences-link", "profile-password-link"} <= set(ids)
    assert 'href="/t/alpha/inbox/preferences/"' in page.content.decode()


@pytest.mark.parametrize("role", [Role.PARTNER_STAFF, Role.CHANNEL_MANAGER])
def test_it_saves_name_phone_and_language(role, member, client_as):
    user = member(role)
    client = client_as(user)
    page = client.get("/t/alpha/profile/")
    response = client.post(
        "/t/alpha/profile/",
        form_data(page, "profile-form", full_name="  王  晓明 ", phone="138 0013 8000", language="en"),
    )
    assert response.status_code == 302
    saved = stored(user)
    assert (saved.full_name, saved.phone, saved.language) == ("王 晓明", "+8613800138000", "en")
    # The interface switches at once, and the number is shown as people write it.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    again = client.get("/t/alpha/profile/")
    assert again["Content-Language"] == "en"
    assert shows(again, "Your profile was saved.")
    assert field_value(again, "phone", "profile-form") == "138 0013 8000"


def test_it_refuses_a_bad_phone_and_keeps_what_was_typed(member, client_as):
    user = member(Role.PARTNER_STAFF)
    before = stored(user)
    client = client_as(user)
    page = client.get("/t/alpha/profile/")
    response = client.post(
        "/t/alpha/profile/", form_data(page, "profile-form", full_name="新名字", phone="12")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert field_value(response, "full_name", "profile-form") == "新名字"
    assert field_value(response, "phone", "profile-form") == "12"
    assert (stored(user).full_name, stored(user).phone) == (before.full_name, before.phone)


def test_a_name_is_required(member, client_as):
    user = member(Role.PARTNER_STAFF)
    response = client_as(user).post("/t/alpha/profile/", {"full_name": "   ", "phone": "", "language": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["full_name"]


def test_the_workspace_default_forgets_the_language_choice(member, client_as):
    user = member(Role.CHANNEL_MANAGER)
    client = client_as(user)
    client.post("/t/alpha/profile/", {"full_name": "甲", "language": "en"})
    response = client.post("/t/alpha/profile/", {"full_name": "甲", "language": ""})
    assert stored(user).language == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    assert client.get("/t/alpha/profile/")["Content-Language"] == "zh-hans"


def test_an_unknown_language_is_refused(member, client_as):
    user = member(Role.CHANNEL_MANAGER)
    response = client_as(user).post("/t/alpha/profile/", {"full_name": "甲", "language": "fr"})
    assert response.status_code == 400
    assert stored(user).language == ""


def test_the_profile_is_for_members_only(client, stranger, client_as):
    response = client.get("/t/alpha/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_as(stranger).get("/t/alpha/profile/").status_code == 404
    assert client_as(stranger).post("/t/alpha/profile/", {"full_name": "x"}).status_code == 404


def test_language_for_prefers_the_person_then_the_workspace(alpha):
    alpha.default_language = "en"
    assert services.language_for(User(language="zh-hans"), alpha) == "zh-hans"
    assert services.language_for(User(language=""), alpha) == "en"
    assert services.language_for(None, None) == settings.LANGUAGE_CODE


# --- password -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PARTNER_ADMIN, Role.CHANNEL_MANAGER])
def test_it_changes_the_password_and_keeps_the_session(role, member, client_as):
    user = member(role)
    client = client_as(user)
    page = client.get("/t/alpha/profile/password/")
    assert page.status_code == 200
    assert "password-form" in find_testids(page)
    response = client.post(
        "/t/alpha/profile/password/",
        form_data(
            page,
            "password-form",
            old_password=PASSWORD,
            new_password1=NEW_PASSWORD,
            new_password2=NEW_PASSWORD,
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == "/t/alpha/profile/"
    assert stored(user).check_password(NEW_PASSWORD)
    assert client.get("/t/alpha/").status_code == 200  # still logged in here


def test_a_wrong_current_password_changes_nothing(member, client_as):
    user = member(Role.PARTNER_STAFF)
    client = client_as(user)
    response = client.post(
        "/t/alpha/profile/password/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert stored(user).check_password(PASSWORD)


def test_the_password_page_is_for_members_only(client, stranger, client_as):
    assert client.get("/t/alpha/profile/password/").status_code == 302
    assert client_as(stranger).get("/t/alpha/profile/password/").status_code == 404


# --- after log-in ---------------------------------------------------------------------------------


def test_the_preferred_language_is_remembered_by_the_helper():
    from django.http import HttpResponse

    from channelhub.views.profile import apply_preferred_language

    response = apply_preferred_language(HttpResponse(), User(language="en"))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in apply_preferred_language(HttpResponse(), User()).cookies


def test_logging_in_switches_to_the_preferred_language(member, client):
    user = member(Role.PARTNER_STAFF)
    user.language = "en"
    user.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
