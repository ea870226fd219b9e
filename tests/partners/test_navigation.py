"""The sidebar link and the live module card on the home page."""

import pytest

from channelhub.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_role_with_partners_view_gets_the_link_and_a_live_card(role, member, client_as):
    body = client_as(member(role)).get("/t/alpha/").content.decode()
    assert 'href="/t/alpha/partners/"' in body
    card = body.split('data-testid="module-partners"')[0].rsplit("<", 1)[1]
    assert card.startswith('a class="ch-card') and 'href="/t/alpha/partners/"' in card
