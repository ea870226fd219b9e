"""Reactivation goes through an executive's approval (channelhub.approvals), end to end."""

import pytest
from django.core.exceptions import ValidationError

from channelhub import approvals
from channelhub.models import Activity, ApprovalRequest
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners import services
from partners.models import PartnerStatus
from tests.channelhub.pages import form_data, shows

from .conftest import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def executive(member):
    return member(Role.EXECUTIVE)


def ask(partner, user, reason="整改完成，申请恢复合作"):
    with tenant_context(partner.tenant):
        return services.request_reactivation(partner, reason=reason, by=user)


def test_an_executive_approves_and_the_partner_is_active_again(
    alpha, suspended, manager, executive, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(suspended, manager)
    assert request.action == "partners.reactivate"
    assert fresh(suspended).status == PartnerStatus.SUSPENDED  # asking changes nothing yet
    assert [m.to for m in mailoutbox] == [[executive.email]]  # the link e-mail
    with tenant_context(alpha):
        approvals.decide(request, by=executive, decision="approve", comment="同意恢复")
        reactivated = Activity.objects.get(object_id=suspended.pk, verb="partner.reactivated")
    assert fresh(suspended).status == PartnerStatus.ACTIVE
    assert (reactivated.from_state, reactivated.to_state, reactivated.actor) == (
        "suspended",
        "active",
        executive,
    )
    assert reactivated.comment == "整改完成，申请恢复合作"
    assert fresh(request).status == "approved"


def test_a_rejected_request_leaves_the_partner_suspended(alpha, suspended, manager, executive):
    request = ask(suspended, manager)
    with tenant_context(alpha):
        approvals.decide(request, by=executive, decision="reject", comment="整改不到位")
        assert not Activity.objects.filter(verb="partner.reactivated").exists()
    assert fresh(suspended).status == PartnerStatus.SUSPENDED
    # A new request may follow the rejected one.
    assert ask(suspended, manager, "第二次申请").status == "pending"


def test_it_refuses_a_second_pending_request_and_a_partner_that_is_not_suspended(
    alpha, suspended, partner, manager
):
    ask(suspended, manager)
    with pytest.raises(ValidationError):
        ask(suspended, manager)
    with pytest.raises(ValidationError):
        ask(partner, manager)
    with pytest.raises(ValidationError) as problem:
        ask(suspended, manager, reason=" ")
    assert "reason" in problem.value.message_dict or problem.value.messages


def test_terminating_cancels_a_pending_reactivation(alpha, suspended, manager, executive):
    request = ask(suspended, manager)
    with tenant_context(alpha):
        services.terminate_partner(suspended, reason="严重违约", by=manager)
    assert fresh(request).status == "cancelled"
    with tenant_context(alpha), pytest.raises(approvals.AlreadyDecided):
        approvals.decide(request, by=executive, decision="approve")
    assert fresh(suspended).status == PartnerStatus.TERMINATED


def test_the_approvers_see_name_code_status_reason_and_owner(alpha, suspended, manager, executive, client_as):
    request = ask(suspended, manager)
    with tenant_context(alpha):
        rows = dict((str(label), value) for label, value in approvals.describe(request, fresh(suspended)))
    assert suspended.name in rows.values()
    assert suspended.credit_code in rows.values()
    assert "整改完成，申请恢复合作" in rows.values()
    assert manager.display_name in rows.values()
    assert str(PartnerStatus.SUSPENDED.label) in rows.values()
    page = client_as(executive).get(f"/t/alpha/approvals/{request.pk}/")
    assert page.status_code == 200
    assert f'href="/t/alpha/partners/{suspended.pk}/"' in page.content.decode()  # subject_url
    assert shows(page, suspended.credit_code)


def test_the_whole_journey_through_the_pages(alpha, suspended, manager, executive, client_as):
    client = client_as(manager)
    path = f"/t/alpha/partners/{suspended.pk}/reactivate/"
    response = client.post(path, form_data(client.get(path), "status-form", reason="已完成整改"))
    assert response.status_code == 302
    detail = client.get(f"/t/alpha/partners/{suspended.pk}/")
    assert "pending-reactivation" in detail.content.decode()
    assert "status-reactivate" not in detail.content.decode()  # asked already
    with tenant_context(alpha):
        request = ApprovalRequest.objects.get()
    boss = client_as(executive)
    page = boss.get(f"/t/alpha/approvals/{request.pk}/")
    response = boss.post(
        f"/t/alpha/approvals/{request.pk}/",
        form_data(page, "decision-form", decision="approve", comment="同意"),
    )
    assert response.status_code == 302
    assert fresh(suspended).status == PartnerStatus.ACTIVE
