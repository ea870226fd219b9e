"""Interface language: Simplified Chinese by default, a switch per browser, a default per tenant."""

import re

import pytest
from django.conf import settings
from django.utils import translation

from channelhub.roles import Role
from tests.channelhub.pages import form_data, parse
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
# Shown on the log-in page. "Password" comes with Django's own catalog; the others once
# the project's locale/zh_Hans catalog is compiled (checked only when it translates them).
LOGIN_PAGE_STRINGS = ["Password", "Log in to ChannelHub", "Forgot your password?"]


def page_language(response):
    return parse(response).html_lang, response["Content-Language"]


def chinese(text):
    with translation.override("zh-hans"):
        return translation.gettext(text)


def test_it_speaks_chinese_whatever_the_browser_asks(client):
    response = client.get("/accounts/login/", **ENGLISH_BROWSER)
    assert page_language(response) == ("zh-CN", "zh-hans")
    translated = [text for text in LOGIN_PAGE_STRINGS if chinese(text) != text]
    assert "Password" in translated  # Django's own catalog is always there
    body = response.content.decode()
    for text in translated:
        assert chinese(text) in body, text


def test_it_switches_to_english_and_back(client):
    page = client.get("/accounts/login/")
    response = client.post("/i18n/setlang/", form_data(page, "language-switch", language="en"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"  # back where the switch was pressed
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) == settings.LANGUAGE_COOKIE_AGE

    english = client.get("/accounts/login/")
    assert page_language(english) == ("en", "en")
    for text in LOGIN_PAGE_STRINGS:
        assert text in english.content.decode()
    assert "Cookie" in english["Vary"]

    client.post("/i18n/setlang/", form_data(english, "language-switch", language="zh-hans"))
    assert page_language(client.get("/accounts/login/")) == ("zh-CN", "zh-hans")


def test_it_keeps_the_switch_on_tenant_pages(member, client_as):
    client = client_as(member(Role.CLERK))
    client.post("/i18n/setlang/", {"language": "en", "next": "/t/alpha/"})
    response = client.get("/t/alpha/")
    assert page_language(response) == ("en", "en")
    assert "Welcome, " in response.content.decode()


def test_it_uses_the_tenants_default_language_without_a_switch(alpha, beta, member, client_as):
    alpha.default_language = "en"
    alpha.save()
    user = member(Role.CLERK)
    client = client_as(user)
    assert page_language(client.get("/t/alpha/", **ENGLISH_BROWSER)) == ("en", "en")
    assert page_language(client.get("/t/alpha/")) == ("en", "en")
    # In a Chinese tenant, and outside any tenant (the chooser), the platform default applies.
    MembershipFactory(tenant=beta, user=user, role=Role.CLERK)
    assert page_language(client.get("/t/beta/")) == ("zh-CN", "zh-hans")
    assert page_language(client.get("/accounts/workspaces/")) == ("zh-CN", "zh-hans")

    # The person's own switch wins over the tenant's default.
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/t/alpha/"})
    assert page_language(client.get("/t/alpha/")) == ("zh-CN", "zh-hans")


def test_it_ignores_an_unsupported_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert page_language(client.get("/accounts/login/")) == ("zh-CN", "zh-hans")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert page_language(client.get("/accounts/login/")) == ("zh-CN", "zh-hans")


def test_it_does_not_redirect_off_site_after_switching(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_every_password_rule_speaks_chinese_on_a_chinese_page():
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from channelhub.models import User

    with translation.override("zh-hans"):
        for weak in ("abc", "1234567890", "wang.jianguo1"):
            try:
                password_validation.validate_password(weak, User(email="wang.jianguo1@example.com"))
            except ValidationError as error:
                for message in error.messages:
                    assert not re.search(r"[A-Za-z]{3,}", message), message
            else:
                raise AssertionError(f"{weak!r} passed the rules")
