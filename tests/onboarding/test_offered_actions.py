"""The admission pages offer only what their reader may do: every button, link and form on an
application's page (and on the training checklist), followed or posted by the same person, is
accepted — for every role that reads the pipeline, at every step. The "open the approval" button
was offered to every staff role, and led those who are no approver of it to a 404."""

import pytest

from channelhub import approvals
from channelhub.roles import PERMISSIONS, Role
from channelhub.tenancy import tenant_context
from onboarding.models import State
from tests.offered_actions import refused_offers

pytestmark = pytest.mark.django_db
READERS = sorted(PERMISSIONS["onboarding.view"])
STEPS = [State.SUBMITTED, State.SITE_INSPECTION, State.PENDING_APPROVAL, State.CONTRACT_SIGNED]


@pytest.mark.parametrize("state", STEPS)
def test_every_offered_action_is_allowed_to_whoever_is_offered_it(pipeline, member, client_as, state):
    app = pipeline.to(state)
    problems = {}
    for role in READERS:
        refused = refused_offers(client_as(member(role)), f"/t/alpha/onboarding/applications/{app.pk}/")
        if refused:
            problems[role] = refused
    assert not problems


def test_the_approval_button_is_only_for_its_approvers_and_requester(pipeline, people, client_as, member):
    app = pipeline.to(State.PENDING_APPROVAL)
    with tenant_context(app.tenant):
        button = f'href="/t/alpha/approvals/{approvals.latest_request(app).pk}/"'
    url = f"/t/alpha/onboarding/applications/{app.pk}/"
    assert button in client_as(people.supervisor).get(url).content.decode()  # the first step
    assert button in client_as(people.manager).get(url).content.decode()  # asked for it
    assert button not in client_as(member(Role.TECH_SUPPORT)).get(url).content.decode()


@pytest.mark.parametrize("role", sorted(PERMISSIONS["onboarding.training"]))
def test_the_training_checklist_offers_each_department_only_its_own_topics(pipeline, member, client_as, role):
    pipeline.to(State.ACTIVE)
    assert refused_offers(client_as(member(role)), "/t/alpha/onboarding/training/") == []
