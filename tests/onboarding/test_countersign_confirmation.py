"""Countersigning is confirmed on a page of its own, with an explicit box ticked (server-side):
one stray click on the application page no longer executes the company's signature. Refusals:
wrong state, wrong role (403), another tenant's application (404)."""

import pytest

from channelhub.models import Membership
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from onboarding.models import State
from partners.models import Partner
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
BOARD = "/t/alpha/onboarding/"


def url(app):
    return f"{BOARD}applications/{app.pk}/countersign/"


def partners(alpha):
    with tenant_context(alpha):
        return Partner.objects.count()


def test_the_application_page_leads_to_a_confirmation_page_not_to_a_signature(pipeline, people, client_as):
    app = pipeline.to(State.CONTRACT_SIGNED)
    client = client_as(people.supervisor)
    detail = client.get(f"{BOARD}applications/{app.pk}/").content.decode()
    assert f'href="{url(app)}"' in detail  # a link to the step page, not a form that signs
    page = client.get(url(app))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="countersign-form"' in body and 'name="confirm"' in body
    assert app.company_name in body and app.contact_email in body
    assert pipeline.refresh(app).state == State.CONTRACT_SIGNED  # looking changes nothing


def test_posting_without_the_confirmation_countersigns_nothing(pipeline, people, client_as, alpha):
    app = pipeline.to(State.CONTRACT_SIGNED)
    before = partners(alpha)
    response = client_as(people.supervisor).post(url(app), {"seen_state": app.state})
    assert response.status_code == 400
    assert response.context["form"].errors["confirm"]
    assert "is-invalid" in response.content.decode()
    assert pipeline.refresh(app).state == State.CONTRACT_SIGNED
    assert partners(alpha) == before


def test_the_ticked_confirmation_countersigns(pipeline, people, client_as, alpha):
    app = pipeline.to(State.CONTRACT_SIGNED)
    response = client_as(people.supervisor).post(url(app), {"confirm": "on", "seen_state": app.state})
    assert response.status_code == 302
    app = pipeline.refresh(app)
    assert app.state == State.ACTIVE and app.partner_id is not None


def test_the_wrong_state_sends_back_to_the_application_with_the_reason(pipeline, people, client_as):
    app = pipeline.to(State.CONTRACT_ISSUED)  # not signed by the applicant yet
    client = client_as(people.supervisor)
    assert client.get(url(app)).status_code == 302
    assert client.post(url(app), {"confirm": "on"}).status_code == 302
    assert pipeline.refresh(app).state == State.CONTRACT_ISSUED


def test_a_second_countersignature_is_told_it_is_done_already(pipeline, people, client_as):
    app = pipeline.to(State.CONTRACT_SIGNED)
    client = client_as(people.supervisor)
    seen = app.state
    assert client.post(url(app), {"confirm": "on", "seen_state": seen}).status_code == 302
    again = client.post(url(app), {"confirm": "on", "seen_state": seen}, follow=True)
    assert pipeline.refresh(app).state == State.ACTIVE
    told = [str(m) for m in again.context["messages"]]
    assert told  # the refusal says why, on the application page
    assert again.request["PATH_INFO"] == f"{BOARD}applications/{app.pk}/"


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.EXECUTIVE, Role.TENANT_ADMIN])
def test_other_roles_may_neither_see_nor_post_the_confirmation(pipeline, member, client_as, role):
    app = pipeline.to(State.CONTRACT_SIGNED)
    client = client_as(member(role))
    assert client.get(url(app)).status_code == 403
    assert client.post(url(app), {"confirm": "on"}).status_code == 403
    assert pipeline.refresh(app).state == State.CONTRACT_SIGNED


def test_another_tenants_supervisor_gets_404(pipeline, beta, client_as):
    app = pipeline.to(State.CONTRACT_SIGNED)
    stranger = MembershipFactory(tenant=beta, role=Role.CHANNEL_SUPERVISOR).user
    client = client_as(stranger)
    for slug in ("alpha", "beta"):
        path = f"/t/{slug}/onboarding/applications/{app.pk}/countersign/"
        assert client.get(path).status_code == 404
        assert client.post(path, {"confirm": "on"}).status_code == 404
    assert pipeline.refresh(app).state == State.CONTRACT_SIGNED
    with tenant_context(beta):
        assert not Membership.objects.filter(user__email__iexact=app.contact_email).exists()
