"""Query counts are part of the contract: a page issues as many queries for 30 rows as for 2."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channelhub.roles import PARTNER_ROLES, Role
from tests.factories import InvitationFactory, MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response


def _add_people(tenant, admin, count):
    """Members of every role (partner users with their own partners) and pending invitations."""
    roles = list(Role)
    for index in range(count):
        role = roles[index % len(roles)]
        partner = PartnerFactory(tenant=tenant) if role in PARTNER_ROLES else None
        MembershipFactory(tenant=tenant, role=role, partner=partner)
        InvitationFactory(tenant=tenant, role=role, partner=partner, invited_by=admin)


def test_it_lists_members_with_a_constant_number_of_queries(
    alpha, member, client_as, django_assert_max_num_queries
):
    admin = member(Role.TENANT_ADMIN)
    client = client_as(admin)
    _add_people(alpha, admin, 1)  # 2 members (the admin and one more), 1 invitation
    few, response = _queries(client, "/t/alpha/members/")
    assert len(response.context["memberships"]) == 2

    _add_people(alpha, admin, 28)  # 30 members, 29 invitations, 8 partners
    with django_assert_max_num_queries(few):
        response = client.get("/t/alpha/members/")
    assert len(response.context["memberships"]) == 30
    assert len(response.context["invitations"]) == 29
    assert response.content.decode().count('href="/t/alpha/members/') >= 30  # an edit link per member


def test_it_shows_the_home_page_with_a_constant_number_of_queries(
    alpha, member, client_as, django_assert_max_num_queries
):
    admin = member(Role.TENANT_ADMIN)
    client = client_as(admin)
    few, _ = _queries(client, "/t/alpha/")
    _add_people(alpha, admin, 29)
    with django_assert_max_num_queries(few):
        response = client.get("/t/alpha/")
    assert response.context["member_count"] == 30
