"""A partner user sees their own partner and nothing of another partner's: 404 everywhere."""

import pytest

from channelhub.roles import Role
from tests.factories import PartnerContactFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.PARTNER_ADMIN, Role.PARTNER_STAFF])
def test_a_partner_user_cannot_reach_another_partner(role, alpha, alpha_partner, partner, member, client_as):
    client = client_as(member(role))
    assert client.get(f"/t/alpha/partners/{alpha_partner.pk}/").status_code == 200
    contact = PartnerContactFactory(tenant=alpha, partner=partner)
    for path in (
        f"/t/alpha/partners/{partner.pk}/",
        f"/t/alpha/partners/{partner.pk}/profile.pdf",
    ):
        assert client.get(path).status_code == 404, path
    listing = client.get("/t/alpha/partners/").content.decode()
    assert partner.name not in listing and alpha_partner.name in listing
    if role == Role.PARTNER_ADMIN:  # may upload: only for their own partner
        assert client.post(f"/t/alpha/partners/{partner.pk}/documents/", {}).status_code == 404
    assert (
        client.get(f"/t/alpha/partners/contacts/{contact.pk}/").status_code == 403
    )  # staff page: role first


def test_a_partner_user_does_not_see_the_internal_timeline(alpha_partner, member, client_as):
    page = client_as(member(Role.PARTNER_ADMIN)).get(f"/t/alpha/partners/{alpha_partner.pk}/")
    assert page.context["timeline"] is None  # not loaded, and no tab to load it from
    assert 'data-testid="tab-timeline"' not in page.content.decode()
    staff_page = client_as(member(Role.CLERK)).get(f"/t/alpha/partners/{alpha_partner.pk}/")
    assert 'data-testid="tab-timeline"' in staff_page.content.decode()
