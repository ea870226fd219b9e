"""A terminated partner's users are told plainly that their company's cooperation ended — not
"your account has no workspace yet, ask for an invitation"."""

import pytest
from django.conf import settings
from django.test import Client

from channelhub.middleware import PARTNER_ENDED
from channelhub.models import Membership
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners.models import Partner, PartnerStatus
from tests.factories import MembershipFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def english(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_status_channelhub_names_is_the_registrys():
    assert PARTNER_ENDED == PartnerStatus.TERMINATED


@pytest.fixture
def ended(alpha):
    """A partner admin whose partner was terminated (its users deactivated, as filings.effects does)."""
    partner = PartnerFactory(tenant=alpha, name="郑州鑫联通讯器材有限公司")
    membership = MembershipFactory(tenant=alpha, role=Role.PARTNER_ADMIN, partner=partner)
    with tenant_context(alpha):
        Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.TERMINATED)
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    return membership


def test_the_workspace_page_says_the_cooperation_ended(ended, alpha):
    page = english(ended.user).get("/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="cooperation-ended"' in text
    assert "郑州鑫联通讯器材有限公司" in text and alpha.name in text and "has ended" in text
    assert "ask your company" not in text.lower() and "invitation" not in text.lower()


def test_it_reads_in_chinese_too(ended):
    client = Client()
    client.force_login(ended.user)
    text = client.get("/").content.decode()
    assert 'data-testid="cooperation-ended"' in text and "邀请" not in text


def test_an_old_link_into_the_workspace_leads_to_that_explanation(ended):
    response = english(ended.user).get("/t/alpha/filings/", follow=True)
    assert response.redirect_chain and 'data-testid="cooperation-ended"' in response.content.decode()


def test_someone_without_any_workspace_is_still_asked_to_get_an_invitation(db):
    text = english(UserFactory()).get("/").content.decode()
    assert "invitation" in text and 'data-testid="cooperation-ended"' not in text


def test_a_deactivated_user_of_a_live_partner_is_not_told_the_cooperation_ended(alpha, alpha_partner):
    membership = MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=alpha_partner)
    with tenant_context(alpha):
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    client = english(membership.user)
    assert 'data-testid="cooperation-ended"' not in client.get("/").content.decode()
    assert client.get("/t/alpha/").status_code == 404  # no hint that the workspace exists


def test_other_tenants_do_not_learn_of_it(ended, beta):
    assert english(ended.user).get("/t/beta/").status_code == 404
