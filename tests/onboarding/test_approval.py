"""Admission approval through the shared mechanism: several steps, decided in the app or
from the e-mail link; rejection and return reach the application; one of two concurrent
decisions counts."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from channelhub import approvals
from channelhub.models import Activity, ApprovalRequest
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from onboarding.models import OnboardingSettings, State
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def approval_of(app):
    with tenant_context(app.tenant):
        return ApprovalRequest.objects.get(object_id=app.pk, action="onboarding.admission")


def step_roles(app):
    with tenant_context(app.tenant):
        return [s.approver_role for s in approval_of(app).steps.all()]


def test_it_goes_supervisor_then_executive_by_default(pipeline, people):
    app = pipeline.to(State.PENDING_APPROVAL)
    assert step_roles(app) == [Role.CHANNEL_SUPERVISOR, Role.EXECUTIVE]
    assert any(m.to == [people.supervisor.email] and "/approve/" in m.body for m in mail.outbox)


def test_the_tenant_configures_the_chain(pipeline, alpha):
    with tenant_context(alpha):
        OnboardingSettings.objects.filter().update(approval_roles=[Role.EXECUTIVE])
    app = pipeline.to(State.PENDING_APPROVAL)
    assert step_roles(app) == [Role.EXECUTIVE]


def test_an_executive_approves_from_the_email_link(pipeline, people, django_capture_on_commit_callbacks):
    app = pipeline.to(State.PENDING_APPROVAL)
    with tenant_context(app.tenant), django_capture_on_commit_callbacks(execute=True):
        approvals.decide(approval_of(app), by=people.supervisor, decision="approve")
    token = [
        re.search(r"/approve/([\w-]+)/", m.body).group(1)
        for m in mail.outbox
        if m.to == [people.executive.email] and "/approve/" in m.body
    ][-1]
    client = Client()
    page = client.get(f"/approve/{token}/")
    assert page.status_code == 200 and app.company_name in page.content.decode()
    assert pipeline.refresh(app).state == State.PENDING_APPROVAL  # opening changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/approve/{token}/", {"decision": "approve", "comment": "同意"})
    assert done.status_code == 200
    app = pipeline.refresh(app)
    assert app.state == State.APPROVED
    with tenant_context(app.tenant):
        entry = Activity.objects.get(object_id=app.pk, verb="onboarding.approve")
        assert (entry.from_state, entry.to_state, entry.actor) == (
            "pending_approval",
            "approved",
            people.executive,
        )
    assert any(
        m.to == [app.contact_email] and "approved" in m.subject.lower() or "批准" in m.subject
        for m in mail.outbox
    )


def test_management_rejection_closes_the_application_and_tells_the_applicant(
    pipeline, people, django_capture_on_commit_callbacks
):
    app = pipeline.to(State.PENDING_APPROVAL)
    with tenant_context(app.tenant), django_capture_on_commit_callbacks(execute=True):
        approvals.decide(approval_of(app), by=people.supervisor, decision="reject", comment="信用记录不良")
    app = pipeline.refresh(app)
    assert app.state == State.REJECTED
    assert any(m.to == [app.contact_email] and "信用记录不良" in m.body for m in mail.outbox)


def test_management_return_sends_the_evaluation_back(pipeline, people):
    app = pipeline.to(State.PENDING_APPROVAL)
    with tenant_context(app.tenant):
        approvals.decide(approval_of(app), by=people.supervisor, decision="return", comment="补充竞品分析")
    app = pipeline.refresh(app)
    assert app.state == State.EVALUATION
    moved = pipeline.step(app, State.PENDING_APPROVAL)  # revised and sent again
    assert pipeline.refresh(moved).state == State.PENDING_APPROVAL


def test_a_second_decision_is_already_decided(pipeline, people, alpha):
    app = pipeline.to(State.PENDING_APPROVAL)
    other = MembershipFactory(tenant=alpha, role=Role.CHANNEL_SUPERVISOR).user
    request = approval_of(app)
    with tenant_context(alpha):
        approvals.decide(request, by=people.supervisor, decision="reject", comment="否")
        with pytest.raises(approvals.AlreadyDecided):
            approvals.decide(request, by=other, decision="approve")
    assert pipeline.refresh(app).state == State.REJECTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_executives_deciding_at_once_count_once(alpha, campaign, people, settings):
    from tests.onboarding.conftest import Pipeline

    with tenant_context(alpha):
        OnboardingSettings.objects.update(approval_roles=[Role.EXECUTIVE])
    second = MembershipFactory(tenant=alpha, role=Role.EXECUTIVE).user

    class NoCapture:
        def __call__(self, execute=True):
            from contextlib import nullcontext

            return nullcontext()

    pipe = Pipeline(alpha, campaign, people, NoCapture())
    app = pipe.to(State.PENDING_APPROVAL)
    request = approval_of(app)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, decision):
        from django.db import connection as thread_connection

        try:
            with tenant_context(alpha):
                barrier.wait()
                approvals.decide(request, by=user, decision=decision, comment="并发")
                outcomes.append("won")
        except approvals.AlreadyDecided:
            outcomes.append("already")
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=decide, args=a) for a in ((people.executive, "approve"), (second, "reject"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already", "won"]
    app = pipe.refresh(app)
    assert app.state in {State.APPROVED, State.REJECTED}
    with tenant_context(alpha):
        moves = Activity.objects.filter(
            object_id=app.pk, verb__in=["onboarding.approve", "onboarding.decline"]
        )
        assert moves.count() == 1
