"""Logging in, the lock-out after repeated failures, password reset and logging out."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from channelhub.models import FailedLogin
from channelhub.roles import Role
from tests.channelhub.pages import field_value, find_testids, form_data, shows
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
NEW_PASSWORD = "Lantern-orchard-river-57"


def not_correct():
    return _("The e-mail address or password is not correct.")


def locked_out(minutes):
    message = _("Too many failed attempts for this account. Try again in %(minutes)s minutes.")
    return message % {"minutes": minutes}


@pytest.fixture
def person(member):
    return member(Role.CHANNEL_MANAGER)


def log_in(client, email, password, **extra):
    page = client.get("/accounts/login/")
    assert "login-form" in find_testids(page)
    return client.post(
        "/accounts/login/", form_data(page, "login-form", username=email, password=password), **extra
    )


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def failures(email):
    return FailedLogin.objects.filter(email=email).count()


def test_it_logs_in_with_email_and_password(person, client):
    response = log_in(client, person.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == str(person.pk)
    # One workspace: "/" goes straight to it.
    assert client.get("/")["Location"] == "/t/alpha/"


def test_it_ignores_the_case_of_the_email_address(person, client):
    response = log_in(client, person.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(person.pk)


def test_it_follows_next_after_logging_in(person, client):
    response = client.get("/t/alpha/members/")
    assert response["Location"] == "/accounts/login/?next=/t/alpha/members/"
    page = client.get(response["Location"])
    data = form_data(page, "login-form", username=person.email, password=PASSWORD)
    assert data["next"] == "/t/alpha/members/"
    assert client.post("/accounts/login/", data)["Location"] == "/t/alpha/members/"


def test_it_refuses_a_wrong_password_and_keeps_the_email(person, client):
    response = log_in(client, person.email, WRONG)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [not_correct()]
    assert shows(response, not_correct())
    assert field_value(response, "username", "login-form") == person.email
    assert field_value(response, "password", "login-form") == ""  # never echoed back
    assert logged_in_user_id(client) is None
    assert failures(person.email) == 1


def test_it_gives_the_same_answer_for_an_unknown_address(person, client):
    known = log_in(client, person.email, WRONG)
    unknown = log_in(client, "nobody@example.com", WRONG)
    assert unknown.context["form"].non_field_errors() == known.context["form"].non_field_errors()


def _fail(client, email, times):
    for _attempt in range(times):
        assert log_in(client, email, WRONG).status_code == 200


def test_it_locks_an_address_out_after_repeated_failures(person, member, client):
    limit = settings.LOGIN_FAILURE_LIMIT
    _fail(client, person.email, limit - 1)
    assert log_in(client, person.email, PASSWORD).status_code == 302  # one short of the limit: fine
    client.logout()

    _fail(client, person.email, limit)
    response = log_in(client, person.email, PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [locked_out(settings.LOGIN_FAILURE_WINDOW_MINUTES)]
    assert shows(response, locked_out(settings.LOGIN_FAILURE_WINDOW_MINUTES))
    assert logged_in_user_id(client) is None

    # Another address is not affected.
    other = member(Role.FINANCE)
    assert log_in(Client(), other.email, PASSWORD).status_code == 302


def test_it_ends_the_lock_out_after_the_window(person, client, monkeypatch):
    _fail(client, person.email, settings.LOGIN_FAILURE_LIMIT)
    assert log_in(client, person.email, PASSWORD).status_code == 200

    later = timezone.now() + timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES, seconds=5)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert log_in(client, person.email, PASSWORD).status_code == 302
    assert logged_in_user_id(client) == str(person.pk)


def test_it_counts_only_failures_within_the_window(person, client):
    window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    old = timezone.now() - window - timedelta(minutes=1)
    FailedLogin.objects.bulk_create(
        [
            FailedLogin(email=person.email, attempted_at=old)
            for _attempt in range(settings.LOGIN_FAILURE_LIMIT)
        ]
    )
    assert log_in(client, person.email, PASSWORD).status_code == 302

    client.logout()
    recent = timezone.now() - window + timedelta(seconds=90)  # the oldest leaves the window in 1.5 min
    FailedLogin.objects.bulk_create(
        [
            FailedLogin(email=person.email, attempted_at=recent)
            for _attempt in range(settings.LOGIN_FAILURE_LIMIT)
        ]
    )
    response = log_in(client, person.email, PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [locked_out(2)]


def test_it_clears_the_failures_after_a_successful_log_in(person, client):
    _fail(client, person.email, settings.LOGIN_FAILURE_LIMIT - 1)
    assert failures(person.email) == settings.LOGIN_FAILURE_LIMIT - 1
    assert log_in(client, person.email, PASSWORD).status_code == 302
    assert failures(person.email) == 0
    client.logout()
    # The count starts again from zero: as many failures as before do not lock out.
    _fail(client, person.email, settings.LOGIN_FAILURE_LIMIT - 1)
    assert log_in(client, person.email, PASSWORD).status_code == 302


def test_it_resets_a_forgotten_password_through_the_emailed_link(person, client, mailoutbox):
    page = client.get("/accounts/password-reset/")
    response = client.post("/accounts/password-reset/", form_data(page, action="", email=person.email))
    assert response["Location"] == "/accounts/password-reset/sent/"
    [message] = mailoutbox
    assert message.to == [person.email]
    [link] = re.findall(r"https?://\S+/accounts/password-reset/\S+/", message.body)

    confirm = client.get(urlparse(link).path, follow=True)
    assert confirm.status_code == 200
    assert confirm.context["validlink"] is True
    set_password_path = confirm.redirect_chain[-1][0]
    data = form_data(confirm, action="", new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD)
    done = client.post(set_password_path, data)
    assert done["Location"] == "/accounts/password-reset/complete/"

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert log_in(Client(), person.email, PASSWORD).status_code == 200
    assert log_in(Client(), person.email, NEW_PASSWORD).status_code == 302
    # The link worked once.
    assert Client().get(urlparse(link).path, follow=True).context["validlink"] is False


def test_it_sends_no_reset_email_to_an_unknown_address_but_says_the_same(client, mailoutbox):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mailoutbox == []


def test_it_logs_out_only_by_post(person, client_as):
    client = client_as(person)
    assert client.get("/accounts/logout/").status_code == 405  # a link or prefetch cannot log out
    assert logged_in_user_id(client) == str(person.pk)
    home = client.get("/t/alpha/")
    logout_form = [f for f in home.content.decode().split("<form") if 'action="/accounts/logout/"' in f]
    assert len(logout_form) == 1 and 'method="post"' in logout_form[0]
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert logged_in_user_id(client) is None
    assert client.get("/t/alpha/").status_code == 302
