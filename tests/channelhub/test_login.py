"""Logging in, the lock-out after repeated failures (django-axes), password reset and logging out."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from channelhub import settings as project_settings
from channelhub.roles import Role
from tests.channelhub.pages import field_value, find_testids, form_data, shows
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
NEW_PASSWORD = "Lantern-orchard-river-57"


def not_correct():
    return _("The e-mail address or password is not correct.")


def locked_out(minutes):
    message = _("Too many failed log-in attempts. Try again in %(minutes)s minutes.")
    return message % {"minutes": minutes}


HOME_IP = "127.0.0.1"  # the test client's REMOTE_ADDR
ATTACKER_IP = "203.0.113.66"


@pytest.fixture(autouse=True)
def _forget_lockout_warnings():
    """The "your account is being attacked" e-mail is sent once per window (kept in the cache)."""
    cache.clear()
    yield
    cache.clear()


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


def failures(email, ip=HOME_IP):
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=email, ip_address=ip))


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


def _fail(client, email, times, **extra):
    for _attempt in range(times):
        assert log_in(client, email, WRONG, **extra).status_code == 200


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
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: later)  # axes stamps each request
    assert log_in(client, person.email, PASSWORD).status_code == 302
    assert logged_in_user_id(client) == str(person.pk)


def test_it_counts_only_failures_within_the_window(person, client):
    window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    old = timezone.now() - window - timedelta(minutes=1)
    _record_failures(person.email, HOME_IP, settings.LOGIN_FAILURE_LIMIT, at=old)
    assert log_in(client, person.email, PASSWORD).status_code == 302

    client.logout()
    recent = timezone.now() - window + timedelta(seconds=90)  # the last failure leaves the window in 1.5 min
    _record_failures(person.email, HOME_IP, settings.LOGIN_FAILURE_LIMIT, at=recent)
    response = log_in(client, person.email, PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [locked_out(2)]


def _record_failures(email, ip, count, *, at):
    """What axes keeps of ``count`` failures for the pair, the last at ``at``."""
    attempt = AccessAttempt.objects.create(
        username=email,
        ip_address=ip,
        user_agent="<unknown>",
        get_data="",
        post_data="",
        http_accept="<unknown>",
        path_info="/accounts/login/",
        failures_since_start=count,
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=at)  # auto_now_add on create


def test_it_clears_the_failures_after_a_successful_log_in(person, client):
    _fail(client, person.email, settings.LOGIN_FAILURE_LIMIT - 1)
    assert failures(person.email) == settings.LOGIN_FAILURE_LIMIT - 1
    assert log_in(client, person.email, PASSWORD).status_code == 302
    assert failures(person.email) == 0
    client.logout()
    # The count starts again from zero: as many failures as before do not lock out.
    _fail(client, person.email, settings.LOGIN_FAILURE_LIMIT - 1)
    assert log_in(client, person.email, PASSWORD).status_code == 302


def test_it_resets_a_forgotten_password_through_the_emailed_link(
    person, client, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get("/accounts/password-reset/")
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves through the outbox
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


def test_it_sends_no_reset_email_to_an_unknown_address_but_says_the_same(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
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


# --- The lock-out is django-axes': the (address, IP) pair, and the IP alone at a higher limit ------


def locked_message(response):
    [message] = response.context["form"].non_field_errors()
    return message


def test_an_attacker_elsewhere_does_not_lock_the_person_out(person):
    attacker = Client(REMOTE_ADDR=ATTACKER_IP)
    _fail(attacker, person.email, settings.LOGIN_FAILURE_LIMIT + 3, REMOTE_ADDR=ATTACKER_IP)
    # The attacker's pair is locked, even with the right password ...
    refused = log_in(attacker, person.email, PASSWORD, REMOTE_ADDR=ATTACKER_IP)
    assert refused.status_code == 200
    assert locked_message(refused) == locked_out(settings.LOGIN_FAILURE_WINDOW_MINUTES)
    assert logged_in_user_id(attacker) is None
    # ... the person at their own desk is not.
    client = Client()
    assert log_in(client, person.email, PASSWORD).status_code == 302
    assert logged_in_user_id(client) == str(person.pk)


def test_it_locks_the_pair_at_the_limit(person):
    client = Client()
    _fail(client, person.email, settings.LOGIN_FAILURE_LIMIT - 1)
    assert failures(person.email) == settings.LOGIN_FAILURE_LIMIT - 1
    last = log_in(client, person.email, WRONG)  # the one that reaches the limit says so already
    assert locked_message(last) == locked_out(settings.LOGIN_FAILURE_WINDOW_MINUTES)
    assert log_in(client, person.email, PASSWORD).status_code == 200
    assert failures(person.email) == settings.LOGIN_FAILURE_LIMIT  # refused attempts do not prolong it


def test_one_ip_trying_many_addresses_is_throttled(person):
    limit = settings.LOGIN_FAILURE_LIMIT_PER_IP
    assert limit > settings.LOGIN_FAILURE_LIMIT
    sprayer = Client(REMOTE_ADDR=ATTACKER_IP)
    for number in range(limit - 1):
        assert (
            log_in(sprayer, f"guess{number}@example.com", WRONG, REMOTE_ADDR=ATTACKER_IP).status_code == 200
        )
    # One short of the IP's limit, and one failure per address: a real log-in from there works,
    # and does not clear what the IP has tried against the other addresses.
    assert log_in(sprayer, person.email, PASSWORD, REMOTE_ADDR=ATTACKER_IP).status_code == 302
    sprayer.logout()
    last = log_in(sprayer, "guess-last@example.com", WRONG, REMOTE_ADDR=ATTACKER_IP)
    assert locked_message(last) == locked_out(settings.LOGIN_FAILURE_WINDOW_MINUTES)
    refused = log_in(sprayer, person.email, PASSWORD, REMOTE_ADDR=ATTACKER_IP)
    assert locked_message(refused) == locked_out(settings.LOGIN_FAILURE_WINDOW_MINUTES)
    assert logged_in_user_id(sprayer) is None
    # Other IPs are not throttled.
    assert log_in(Client(), person.email, PASSWORD).status_code == 302


def _reset_password(client, email, mailoutbox, new_password):
    from channelhub.mail import dispatch
    from channelhub.models import OutgoingEmail

    page = client.get("/accounts/password-reset/")
    client.post("/accounts/password-reset/", form_data(page, action="", email=email))
    dispatch(list(OutgoingEmail.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)))
    [link] = [
        found
        for message in mailoutbox
        for found in re.findall(r"https?://\S+/accounts/password-reset/\S+/", message.body)
    ]
    confirm = client.get(urlparse(link).path, follow=True)
    data = form_data(confirm, action="", new_password1=new_password, new_password2=new_password)
    assert (
        client.post(confirm.redirect_chain[-1][0], data)["Location"] == "/accounts/password-reset/complete/"
    )


def test_a_completed_password_reset_lifts_the_lock(person, mailoutbox):
    _fail(Client(), person.email, settings.LOGIN_FAILURE_LIMIT)  # the person's own desk
    _fail(Client(), person.email, settings.LOGIN_FAILURE_LIMIT, REMOTE_ADDR=ATTACKER_IP)
    assert log_in(Client(), person.email, PASSWORD).status_code == 200  # locked

    _reset_password(Client(), person.email, mailoutbox, NEW_PASSWORD)

    client = Client()
    assert log_in(client, person.email, NEW_PASSWORD).status_code == 302
    assert logged_in_user_id(client) == str(person.pk)
    assert not AccessAttempt.objects.filter(username=person.email).exists()


def test_the_holder_is_told_once_per_lock_out(person, mailoutbox, django_capture_on_commit_callbacks):
    def warnings():
        return [m for m in mailoutbox if ATTACKER_IP in m.body or "198.51.100.9" in m.body]

    with django_capture_on_commit_callbacks(execute=True):
        _fail(Client(), person.email, settings.LOGIN_FAILURE_LIMIT - 1, REMOTE_ADDR=ATTACKER_IP)
    assert mailoutbox == []  # below the limit: nothing to tell

    with django_capture_on_commit_callbacks(execute=True):
        _fail(Client(), person.email, 1, REMOTE_ADDR=ATTACKER_IP)
    [message] = mailoutbox
    assert message.to == [person.email]
    assert ATTACKER_IP in message.body
    assert f"{settings.SITE_URL}/accounts/password-reset/" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        # The attack goes on, then from a second IP too: still that one message in the window.
        _fail(Client(), person.email, 3, REMOTE_ADDR=ATTACKER_IP)
        _fail(Client(), person.email, settings.LOGIN_FAILURE_LIMIT, REMOTE_ADDR="198.51.100.9")
        # An address without an account gets nothing.
        _fail(Client(), "nobody@example.com", settings.LOGIN_FAILURE_LIMIT, REMOTE_ADDR="198.51.100.10")
    assert len(mailoutbox) == 1
    assert len(warnings()) == 1


def test_the_lock_out_message_is_neutral(person):
    known, unknown = Client(), Client(REMOTE_ADDR="198.51.100.20")
    _fail(known, person.email, settings.LOGIN_FAILURE_LIMIT)
    _fail(unknown, "nobody@example.com", settings.LOGIN_FAILURE_LIMIT, REMOTE_ADDR="198.51.100.20")
    right = log_in(known, person.email, PASSWORD)
    wrong = log_in(known, person.email, WRONG)
    stranger = log_in(unknown, "nobody@example.com", WRONG, REMOTE_ADDR="198.51.100.20")
    assert locked_message(right) == locked_message(wrong) == locked_message(stranger)
    assert shows(right, locked_message(right))
    # Below the limit both addresses get the same "not correct".
    assert locked_message(log_in(Client(REMOTE_ADDR="198.51.100.21"), person.email, WRONG)) == not_correct()


def test_the_admin_log_in_counts_against_the_same_pair(member):
    staff = member(Role.TENANT_ADMIN)
    staff.is_staff = True
    staff.save()

    def admin_log_in(client, password, **extra):
        return client.post(
            "/admin/login/?next=/admin/", {"username": staff.email, "password": password}, **extra
        )

    client = Client()
    _fail(client, staff.email, settings.LOGIN_FAILURE_LIMIT - 2)  # the portal's log-in ...
    for _attempt in range(2):  # ... and the admin's count together
        assert admin_log_in(client, WRONG).status_code == 200
    refused = admin_log_in(client, PASSWORD)
    assert refused.status_code == 200
    assert locked_message(refused) == locked_out(settings.LOGIN_FAILURE_WINDOW_MINUTES)
    assert logged_in_user_id(client) is None
    # From elsewhere the admin logs in.
    elsewhere = Client(REMOTE_ADDR="198.51.100.30")
    assert admin_log_in(elsewhere, PASSWORD, REMOTE_ADDR="198.51.100.30")["Location"] == "/admin/"


def test_behind_the_proxy_the_pair_is_the_address_the_proxy_saw(person, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        # What the client puts in front is its own invention; the proxy appends what it saw.
        spoofed = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{number}, {ATTACKER_IP}", **proxy}
        assert log_in(Client(**proxy), person.email, WRONG, **spoofed).status_code == 200
    assert failures(person.email, ip=ATTACKER_IP) == settings.LOGIN_FAILURE_LIMIT
    attacker = {"HTTP_X_FORWARDED_FOR": f"192.0.2.99, {ATTACKER_IP}", **proxy}
    assert log_in(Client(**proxy), person.email, PASSWORD, **attacker).status_code == 200
    # The person, through the same proxy, is another pair.
    at_home = {"HTTP_X_FORWARDED_FOR": "198.51.100.40", **proxy}
    assert log_in(Client(**proxy), person.email, PASSWORD, **at_home).status_code == 302


# --- Password hashing ----------------------------------------------------------------------------


def test_a_pbkdf2_hash_becomes_argon2_at_the_next_log_in(person, settings):
    from django.conf import global_settings

    # The project's hashers (the autouse fixture swaps in MD5 for speed).
    settings.PASSWORD_HASHERS = getattr(
        project_settings, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS
    )
    person.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    person.save(update_fields=["password"])

    assert log_in(Client(), person.email, PASSWORD).status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$")
    assert person.check_password(PASSWORD)
