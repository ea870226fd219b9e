"""Error pages people can read, in the language they chose: 403, 404, 500; and a favicon."""

import pytest
from django.conf import settings
from django.test import Client

from channelhub.roles import Role

pytestmark = pytest.mark.django_db


def client_in(language):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize(
    ("language", "words"), [("zh-hans", "出错了"), ("en", "Something went wrong on our side")]
)
def test_a_server_error_gets_a_page_in_the_readers_language(settings, language, words):
    settings.ROOT_URLCONF = "tests.channelhub.error_urls"
    settings.DEBUG = False
    response = client_in(language).get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert 'data-testid="server-error"' in page and words in page
    assert "RuntimeError" not in page and "Traceback" not in page


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_an_unknown_address_gets_the_404_page_in_the_readers_language(language, words, member, alpha):
    client = client_in(language)
    client.force_login(member(Role.CHANNEL_MANAGER))
    response = client.get("/t/alpha/partners/999999/")
    assert response.status_code == 404
    assert words in response.content.decode()


def test_the_browser_finds_the_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
    assert 'rel="icon"' in client.get("/accounts/login/").content.decode()
