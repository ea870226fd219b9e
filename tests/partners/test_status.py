"""Suspend, terminate, and their refusals: wrong role, missing reason, wrong state, a
concurrent second change. Each success writes one audit entry and notifies on commit."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from channelhub.models import Activity, ApprovalRequest, Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners import services
from partners.models import PartnerStatus
from tests.channelhub.pages import find_testids, form_data, shows
from tests.factories import MembershipFactory

from .conftest import fresh

pytestmark = pytest.mark.django_db


def entries(partner, verb):
    with tenant_context(partner.tenant):
        return list(Activity.objects.filter(object_id=partner.pk, verb=verb))


def test_a_manager_suspends_with_a_reason_audit_and_notifications(
    alpha, partner, member, alpha_partner, django_capture_on_commit_callbacks
):
    supervisor = member(Role.CHANNEL_SUPERVISOR)
    partner_admin = MembershipFactory(tenant=alpha, role=Role.PARTNER_ADMIN, partner=partner).user
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.suspend_partner(partner, reason="连续两个季度未完成目标", by=supervisor)
    assert callbacks, "notifications are queued on commit"
    stored = fresh(partner)
    assert stored.status == PartnerStatus.SUSPENDED
    assert stored.status_reason == "连续两个季度未完成目标"
    [entry] = entries(partner, "partner.suspended")
    assert (entry.from_state, entry.to_state, entry.comment, entry.actor) == (
        "active",
        "suspended",
        "连续两个季度未完成目标",
        supervisor,
    )
    with tenant_context(alpha):
        told = set(Notification.objects.filter(kind="partner_status").values_list("recipient", flat=True))
    assert told == {partner.owner_id, partner_admin.pk}  # the owner and the partner's admin, not the actor


def test_nothing_is_announced_when_the_change_rolls_back(
    alpha, partner, manager, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.suspend_partner(partner, reason="原因", by=manager)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert not Notification.objects.exists()
    assert fresh(partner).status == PartnerStatus.ACTIVE


def test_terminate_from_active_and_from_suspended(alpha, partner, suspended, manager):
    with tenant_context(alpha):
        services.terminate_partner(partner, reason="严重违约", by=manager)
        services.terminate_partner(suspended, reason="申请退出", by=manager)
    assert fresh(partner).status == fresh(suspended).status == PartnerStatus.TERMINATED
    assert entries(suspended, "partner.terminated")[0].from_state == "suspended"


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_requires_a_reason(alpha, partner, manager, reason):
    with tenant_context(alpha), pytest.raises(ValidationError) as problem:
        services.suspend_partner(partner, reason=reason, by=manager)
    assert "reason" in problem.value.message_dict
    assert fresh(partner).status == PartnerStatus.ACTIVE
    assert not entries(partner, "partner.suspended")


@pytest.mark.parametrize("role", [Role.CLERK, Role.FINANCE, Role.EXECUTIVE, Role.PARTNER_ADMIN])
def test_it_refuses_a_role_without_the_permission(alpha, partner, member, role):
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.terminate_partner(partner, reason="原因", by=member(role))
    assert fresh(partner).status == PartnerStatus.ACTIVE


def test_it_refuses_a_transition_from_the_wrong_state(alpha, suspended, partner, manager):
    with tenant_context(alpha):
        with pytest.raises(ValidationError):
            services.suspend_partner(suspended, reason="再次暂停", by=manager)
        services.terminate_partner(partner, reason="终止", by=manager)
        for service in (services.suspend_partner, services.terminate_partner):
            with pytest.raises(ValidationError):
                service(partner, reason="终止后", by=manager)
        with pytest.raises(ValidationError):
            services.request_reactivation(partner, reason="终止后不能恢复", by=manager)
    assert fresh(suspended).status == PartnerStatus.SUSPENDED
    assert fresh(partner).status == PartnerStatus.TERMINATED


def test_no_role_may_reactivate_directly(alpha, suspended, member):
    from django_fsm import has_transition_perm

    # The transition itself names no role: the only way to it is services.reactivate_partner,
    # which wants an approved "partners.reactivate" request on this partner.
    for role in Role:
        assert has_transition_perm(suspended.reactivate, member(role))
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.reactivate_partner(
            suspended, approval=ApprovalRequest(action="partners.reactivate"), by=None
        )


def test_of_two_concurrent_suspensions_one_wins(alpha, partner, manager, member):
    supervisor = member(Role.CHANNEL_SUPERVISOR)
    with tenant_context(alpha):
        from partners.models import Partner

        first, second = Partner.objects.get(pk=partner.pk), Partner.objects.get(pk=partner.pk)
        services.suspend_partner(first, reason="经理暂停", by=manager)
        with pytest.raises(ValidationError) as problem:
            services.suspend_partner(second, reason="主管也暂停", by=supervisor)
    assert "a moment ago" in problem.value.messages[0] or "刚刚" in problem.value.messages[0]
    assert second.status == PartnerStatus.SUSPENDED  # reloaded: the page shows what is stored
    assert fresh(partner).status_reason == "经理暂停"
    assert len(entries(partner, "partner.suspended")) == 1


def test_of_a_suspension_and_a_termination_at_once_one_wins(alpha, partner, manager, member):
    with tenant_context(alpha):
        from partners.models import Partner

        first, second = Partner.objects.get(pk=partner.pk), Partner.objects.get(pk=partner.pk)
        services.terminate_partner(first, reason="终止", by=manager)
        with pytest.raises(ValidationError):
            services.suspend_partner(second, reason="暂停", by=member(Role.CHANNEL_SUPERVISOR))
    assert fresh(partner).status == PartnerStatus.TERMINATED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_two_people_suspending_at_the_same_moment(alpha):
    from partners.models import Partner
    from tests.factories import PartnerFactory

    partner = PartnerFactory(tenant=alpha)
    people = [MembershipFactory(tenant=alpha, role=Role.CHANNEL_MANAGER).user for _ in range(2)]
    with tenant_context(alpha):
        copies = [Partner.objects.get(pk=partner.pk) for _ in people]
    barrier, outcomes = threading.Barrier(2), []

    def act(copy, user):
        from django.db import connection as thread_connection

        try:
            with tenant_context(alpha):
                barrier.wait()
                services.suspend_partner(copy, reason=f"{user.pk} 暂停", by=user)
                outcomes.append("won")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=act, args=pair) for pair in zip(copies, people, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1
    assert len(entries(partner, "partner.suspended")) == 1


# --- the pages -----------------------------------------------------------------------------


def test_the_page_shows_only_the_buttons_the_role_may_use(partner, suspended, member, client_as):
    actions = {"status-suspend", "status-terminate", "status-reactivate"}

    def buttons(role, obj):
        page = client_as(member(role)).get(f"/t/alpha/partners/{obj.pk}/")
        return set(find_testids(page, "status-")) & actions

    assert buttons(Role.CHANNEL_MANAGER, partner) == {"status-suspend", "status-terminate"}
    assert buttons(Role.CHANNEL_MANAGER, suspended) == {"status-reactivate", "status-terminate"}
    assert buttons(Role.CHANNEL_SUPERVISOR, suspended) == {"status-reactivate", "status-terminate"}
    assert buttons(Role.TENANT_ADMIN, suspended) == {"status-terminate"}  # may not ask for reactivation
    for role in (Role.CLERK, Role.FINANCE, Role.EXECUTIVE, Role.MARKETING, Role.PARTNER_ADMIN):
        assert not buttons(role, partner)
        assert not buttons(role, suspended)


def test_the_suspend_form_keeps_its_page_and_says_why_without_a_reason(partner, manager, client_as):
    client = client_as(manager)
    path = f"/t/alpha/partners/{partner.pk}/suspend/"
    response = client.post(path, form_data(client.get(path), "status-form", reason=""))
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert fresh(partner).status == PartnerStatus.ACTIVE
    response = client.post(path, form_data(client.get(path), "status-form", reason="价格违规"))
    assert response.status_code == 302
    assert fresh(partner).status == PartnerStatus.SUSPENDED
    detail = client.get(response["Location"] + "?tab=timeline")  # the page opened on its timeline
    assert shows(detail, "价格违规")
    assert shows(detail, _("Suspended the partner"))


def test_the_page_reports_a_refusal_from_the_wrong_state(suspended, manager, client_as):
    client = client_as(manager)
    response = client.post(f"/t/alpha/partners/{suspended.pk}/suspend/", {"reason": "再暂停一次"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
