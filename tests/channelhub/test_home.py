import pytest

from channelhub.roles import Role

pytestmark = pytest.mark.django_db


def test_it_shows_the_home_page_of_each_role(member, client_as):
    for role in Role:
        response = client_as(member(role)).get("/t/alpha/")
        assert response.status_code == 200, role
        assert response.context["membership"].role == role


def test_it_sends_anonymous_users_to_log_in(alpha):
    from django.test import Client

    response = Client().get("/t/alpha/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/t/alpha/")


def test_it_hides_a_tenant_from_a_stranger(stranger, client_as, alpha):
    response = client_as(stranger).get("/t/alpha/")
    assert response.status_code == 404
    unknown = client_as(stranger).get("/t/no-such-tenant/")
    assert unknown.status_code == 404
    # The same page whether the workspace exists or not: nothing confirms it.
    strip = lambda r: r.content.decode().replace("alpha", "X").replace("no-such-tenant", "X")  # noqa: E731
    assert strip(response).split("csrfmiddlewaretoken")[0] == strip(unknown).split("csrfmiddlewaretoken")[0]
