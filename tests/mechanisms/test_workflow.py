"""The shared transition runner (channelhub/workflow.py) and the role helpers it asks
(channelhub/roles.py), shown on the partner's suspension (a role-checked transition) and the
approval request's completion (a transition authorised by the approval mechanism)."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction

from channelhub import roles, workflow
from channelhub.models import Activity, ApprovalRequest
from channelhub.roles import Role
from channelhub.tenancy import tenant_context, unscoped
from partners.models import Partner, PartnerStatus
from tests.factories import MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(alpha):
    return PartnerFactory(tenant=alpha)


def stored(obj):
    with unscoped():
        return type(obj)._base_manager.get(pk=obj.pk)


def moves(obj, verb):
    with unscoped():
        return list(Activity.objects.filter(object_id=obj.pk, verb=verb).select_related("actor"))


def suspend(partner, by, **extra):
    return workflow.transition(
        partner,
        "suspend",
        by=by,
        verb="test.suspended",
        comment="原因",
        fields={"status_reason": "原因"},
        **extra,
    )


def test_it_runs_the_transition_saves_and_writes_the_audit_entry(alpha, partner, member):
    manager = member(Role.CHANNEL_MANAGER)
    with tenant_context(alpha):
        result = suspend(partner, manager, via="email", changes={"x": ["1", "2"]})
    assert result is partner and partner.status == PartnerStatus.SUSPENDED
    assert stored(partner).status == PartnerStatus.SUSPENDED
    assert stored(partner).status_reason == "原因"
    (entry,) = moves(partner, "test.suspended")
    assert (entry.actor, entry.from_state, entry.to_state) == (manager, "active", "suspended")
    assert (entry.comment, entry.via, entry.changes) == ("原因", "email", {"x": ["1", "2"]})


def test_it_refuses_the_wrong_state_with_the_callers_message(alpha, partner, member):
    manager = member(Role.CHANNEL_MANAGER)
    with tenant_context(alpha):
        suspend(partner, manager)
        with pytest.raises(workflow.WrongState) as problem:
            suspend(partner, manager)
        assert "no longer possible" in problem.value.messages[0] or "无法" in problem.value.messages[0]
        with pytest.raises(workflow.WrongState, match="nope"):
            suspend(partner, manager, refused=lambda p: f"nope: {p.status}")
    assert len(moves(partner, "test.suspended")) == 1


@pytest.mark.parametrize("role", [Role.CLERK, Role.FINANCE, Role.PARTNER_ADMIN])
def test_it_refuses_a_role_without_the_permission(alpha, partner, member, role):
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        suspend(partner, member(role))
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        suspend(partner, None)
    assert stored(partner).status == PartnerStatus.ACTIVE
    assert not moves(partner, "test.suspended")


def test_an_authority_stands_in_for_the_role(alpha, partner):
    with tenant_context(alpha):
        suspend(partner, None, authority="filing")
        assert stored(partner).status == PartnerStatus.SUSPENDED
        with pytest.raises(ImproperlyConfigured, match="unknown authority"):
            workflow.transition(partner, "terminate", by=None, verb="x", authority="whim")


def test_a_stale_copy_is_told_who_changed_it_first(alpha, partner, member):
    manager, supervisor = member(Role.CHANNEL_MANAGER), member(Role.CHANNEL_SUPERVISOR)
    with tenant_context(alpha):
        first, second = Partner.objects.get(pk=partner.pk), Partner.objects.get(pk=partner.pk)
        suspend(first, manager)
        with pytest.raises(workflow.AlreadyChanged) as problem:
            workflow.transition(second, "terminate", by=supervisor, verb="test.terminated")
    message = problem.value.messages[0]
    assert manager.display_name in message
    assert "a moment ago" in message or "刚刚" in message
    assert problem.value.actor == manager
    assert second.status == PartnerStatus.SUSPENDED  # reloaded: the page shows what is stored
    assert stored(partner).status == PartnerStatus.SUSPENDED
    assert not moves(partner, "test.terminated")


def test_lock_hands_back_a_fresh_locked_copy_and_refuses_a_stale_one(alpha, partner, member):
    with tenant_context(alpha):
        stale = Partner.objects.get(pk=partner.pk)
        locked = workflow.lock(partner)
        assert locked is not partner and locked.pk == partner.pk
        suspend(locked, member(Role.CHANNEL_MANAGER))
        with pytest.raises(workflow.AlreadyChanged):
            workflow.lock(stale)


def test_side_effects_wait_for_the_commit(alpha, partner, member, django_capture_on_commit_callbacks):
    ran = []
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            suspend(partner, member(Role.CHANNEL_MANAGER), after_commit=[lambda: ran.append("mail")])
            assert ran == []
    assert ran == ["mail"] and callbacks  # once, at the commit


def test_a_failure_after_the_transition_rolls_everything_back(alpha, partner, member):
    with tenant_context(alpha), pytest.raises(RuntimeError), transaction.atomic():
        suspend(partner, member(Role.CHANNEL_MANAGER))
        raise RuntimeError("the notification failed")
    assert stored(partner).status == PartnerStatus.ACTIVE
    assert not moves(partner, "test.suspended")


def test_a_transition_that_names_no_authority_is_a_configuration_error(alpha, partner, monkeypatch):
    spec = Partner.suspend._django_fsm.get_transition(PartnerStatus.ACTIVE)
    monkeypatch.setattr(spec, "permission", None)
    with tenant_context(alpha), pytest.raises(ImproperlyConfigured, match="neither who may take it"):
        suspend(partner, None)


def test_the_approval_mechanism_is_the_authority_of_its_requests(alpha, partner, member):
    from channelhub import approvals

    manager = member(Role.CHANNEL_MANAGER)
    with tenant_context(alpha):
        suspend(partner, manager)
        request = approvals.request_approval(
            partner,
            action="partners.reactivate",
            title="恢复",
            steps=[approvals.Approver(role=Role.EXECUTIVE)],
            by=manager,
        )
        assert approvals.cancel_pending(partner, by=manager, reason="不需要了") == 1
        assert ApprovalRequest.objects.get(pk=request.pk).status == "cancelled"
        assert approvals.pending_request(partner) is None
        assert approvals.latest_request(partner) == request
    (entry,) = moves(request, "approval.completed")
    assert (entry.from_state, entry.to_state, entry.comment) == ("pending", "cancelled", "不需要了")


# --- role helpers ---------------------------------------------------------------------------


def test_role_of_and_require(alpha, beta, member):
    manager = member(Role.CHANNEL_MANAGER)
    assert roles.role_of(manager, alpha.pk) == Role.CHANNEL_MANAGER
    assert roles.role_of(manager, beta.pk) is None
    assert roles.role_of(None, alpha.pk) is None
    roles.require(manager, "partners.edit", alpha.pk)
    with pytest.raises(PermissionDenied):
        roles.require(manager, "members.manage", alpha.pk)
    with pytest.raises(PermissionDenied):
        roles.require(manager, "partners.edit", beta.pk)
    with tenant_context(alpha):
        roles.require(manager, "partners.edit")  # the active tenant
    with pytest.raises(ValueError, match="unknown permission"):
        roles.require(manager, "partners.fly", alpha.pk)


def test_require_takes_a_membership(alpha):
    membership = MembershipFactory(tenant=alpha, role=Role.CLERK)
    roles.require(membership, "filings.record")
    with pytest.raises(PermissionDenied):
        roles.require(membership, "filings.approve")
    membership.is_active = False
    with pytest.raises(PermissionDenied):
        roles.require(membership, "filings.record")


def test_roles_are_remembered_within_a_request_only(alpha, member, django_assert_num_queries):
    manager = member(Role.CHANNEL_MANAGER)
    with roles.remembered_roles():
        with django_assert_num_queries(1):
            assert roles.role_of(manager, alpha.pk) == roles.role_of(manager, alpha.pk)
        roles.forget_roles()
        with django_assert_num_queries(1):
            roles.role_of(manager, alpha.pk)
    with django_assert_num_queries(2):
        roles.role_of(manager, alpha.pk)
        roles.role_of(manager, alpha.pk)


def test_members_with_lists_active_people_of_the_active_tenant(alpha, beta):
    here = MembershipFactory(tenant=alpha, role=Role.CLERK).user
    MembershipFactory(tenant=alpha, role=Role.CLERK, is_active=False)
    MembershipFactory(tenant=beta, role=Role.CLERK)
    supervisor = MembershipFactory(tenant=alpha, role=Role.CHANNEL_SUPERVISOR).user
    with tenant_context(alpha):
        assert roles.members_with(Role.CLERK) == [here]
        assert set(roles.members_with(Role.CLERK, Role.CHANNEL_SUPERVISOR)) == {here, supervisor}
        assert roles.members_may("filings.record") == [here]


def test_another_tenants_row_is_out_of_reach(alpha, beta, partner, member):
    with tenant_context(beta), pytest.raises(Partner.DoesNotExist):
        suspend(partner, member(Role.CHANNEL_MANAGER), authority="system")
    assert stored(partner).status == PartnerStatus.ACTIVE
