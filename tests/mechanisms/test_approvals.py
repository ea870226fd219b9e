import re
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from channelhub import approvals, audit
from channelhub.approvals import AlreadyDecided, ApprovalAction, Approver
from channelhub.models import Activity, ApprovalLink, ApprovalRequest, Membership, Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from channelhub.views.approvals import LINK_PAGES
from partners.models import Partner
from tests.factories import MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db

ACTION = "tests.flag_partner"


def _approved(partner, request, by):
    audit.record(partner, "tests.flag_approved", actor=by)


def _rejected(partner, request, by):
    audit.record(partner, "tests.flag_rejected", actor=by)


approvals.register_action(
    ApprovalAction(
        key=ACTION,
        on_approved=_approved,
        on_rejected=_rejected,
        describe=lambda p: [("名称", p.name), ("统一社会信用代码", p.credit_code)],
    )
)


@pytest.fixture
def partner(alpha):
    return PartnerFactory(tenant=alpha, name="郑州鑫联通讯器材有限公司")


@pytest.fixture
def executive(member):
    return member(Role.EXECUTIVE)


@pytest.fixture
def requester(member):
    return member(Role.CHANNEL_MANAGER)


def open_request(partner, requester, steps, django_capture_on_commit_callbacks):
    with tenant_context(partner.tenant), django_capture_on_commit_callbacks(execute=True):
        return approvals.request_approval(
            partner, action=ACTION, title="标记渠道商", steps=steps, by=requester, summary="理由：测试"
        )


def link_tokens():
    return [re.search(r"/approve/([\w-]+)/", m.body).group(1) for m in mail.outbox if "/approve/" in m.body]


def flagged(partner, verb="tests.flag_approved"):
    with tenant_context(partner.tenant):
        return Activity.objects.filter(object_id=partner.pk, verb=verb).count()


def test_it_mails_each_approver_a_link_and_puts_it_in_the_inbox(
    partner, requester, executive, django_capture_on_commit_callbacks
):
    request = open_request(
        partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks
    )
    assert request.status == "pending"
    assert [m.to for m in mail.outbox] == [[executive.email]]
    assert "郑州鑫联通讯器材有限公司" in mail.outbox[0].body
    with tenant_context(partner.tenant):
        link = ApprovalLink.objects.get()
        assert link.token_hash != link_tokens()[0]  # stored hashed
        assert Notification.objects.filter(recipient=executive, kind="approval_requested").count() == 1


def test_it_changes_nothing_when_the_link_is_opened_many_times(
    partner, requester, executive, django_capture_on_commit_callbacks
):
    open_request(partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks)
    token = link_tokens()[0]
    client = Client()
    for _ in range(4):
        response = client.get(f"/approve/{token}/")
        assert response.status_code == 200
        assert "郑州鑫联通讯器材有限公司" in response.content.decode()
        assert client.head(f"/approve/{token}/").status_code == 200
    with tenant_context(partner.tenant):
        request = ApprovalRequest.objects.get()
        assert request.status == "pending"
        assert ApprovalLink.objects.get().used_at is None
        assert request.steps.get().decision == ""
    assert flagged(partner) == 0


def test_it_decides_on_post_from_the_link_once(
    partner, requester, executive, django_capture_on_commit_callbacks
):
    open_request(partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks)
    token = link_tokens()[0]
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/approve/{token}/")
    csrf = page.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/approve/{token}/", {"decision": "approve", "comment": "同意", "csrfmiddlewaretoken": csrf}
        )
    assert response.status_code == 200
    assert 'data-testid="link-done"' in response.content.decode()
    with tenant_context(partner.tenant):
        request = ApprovalRequest.objects.get()
        assert request.status == "approved"
        step = request.steps.get()
        assert (step.decided_by, step.via, step.comment) == (executive, "email", "同意")
    assert flagged(partner) == 1
    again = client.get(f"/approve/{token}/")
    assert again.status_code == 410
    assert 'data-problem="used"' in again.content.decode()
    replay = client.post(
        f"/approve/{token}/", {"decision": "reject", "comment": "x", "csrfmiddlewaretoken": csrf}
    )
    assert replay.status_code == 410
    assert flagged(partner, "tests.flag_rejected") == 0


def test_it_refuses_a_post_without_csrf_token(
    partner, requester, executive, django_capture_on_commit_callbacks
):
    open_request(partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks)
    token = link_tokens()[0]
    response = Client(enforce_csrf_checks=True).post(f"/approve/{token}/", {"decision": "approve"})
    assert response.status_code == 403
    assert flagged(partner) == 0


def test_it_shows_an_expired_link_its_own_page(
    partner, requester, executive, django_capture_on_commit_callbacks
):
    open_request(partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks)
    with tenant_context(partner.tenant):
        ApprovalLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(f"/approve/{link_tokens()[0]}/")
    assert response.status_code == 410
    assert 'data-problem="expired"' in response.content.decode()
    post = Client().post(f"/approve/{link_tokens()[0]}/", {"decision": "approve"})
    assert post.status_code == 410
    assert flagged(partner) == 0


def test_it_uses_the_tenant_setting_for_link_expiry(
    partner, requester, executive, django_capture_on_commit_callbacks
):
    partner.tenant.approval_link_hours = 5
    partner.tenant.save()
    open_request(partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks)
    with tenant_context(partner.tenant):
        link = ApprovalLink.objects.get()
    assert timedelta(hours=4, minutes=59) < link.expires_at - link.created_at < timedelta(hours=5, minutes=1)


def test_it_refuses_a_link_of_another_person(
    partner, requester, executive, member, django_capture_on_commit_callbacks, client_as
):
    open_request(partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks)
    other = client_as(member(Role.CHANNEL_SUPERVISOR))
    response = other.get(f"/approve/{link_tokens()[0]}/")
    assert response.status_code == 403
    assert 'data-problem="foreign"' in response.content.decode()
    assert other.post(f"/approve/{link_tokens()[0]}/", {"decision": "approve"}).status_code == 403
    assert flagged(partner) == 0


def test_it_refuses_an_unknown_token(db):
    response = Client().get("/approve/not-a-real-token/")
    assert response.status_code == 404
    assert 'data-problem="invalid"' in response.content.decode()


def test_it_refuses_a_link_when_the_item_changed_since_the_mail(
    partner, requester, executive, django_capture_on_commit_callbacks
):
    open_request(partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks)
    with tenant_context(partner.tenant):
        Partner.objects.filter(pk=partner.pk).update(name="改过名字的公司")
    response = Client().get(f"/approve/{link_tokens()[0]}/")
    assert response.status_code == 409
    assert 'data-problem="changed"' in response.content.decode()
    assert Client().post(f"/approve/{link_tokens()[0]}/", {"decision": "approve"}).status_code == 409
    assert flagged(partner) == 0


def test_it_walks_several_steps_and_supersedes_the_first_link(
    partner, requester, executive, member, django_capture_on_commit_callbacks
):
    supervisor = member(Role.CHANNEL_SUPERVISOR)
    open_request(
        partner,
        requester,
        [Approver(user=supervisor), Approver(role=Role.EXECUTIVE)],
        django_capture_on_commit_callbacks,
    )
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    first = link_tokens()[0]
    with django_capture_on_commit_callbacks(execute=True):
        approvals.decide_by_link(first, decision="approve", comment="")
    assert [m.to for m in mail.outbox][-1] == [executive.email]
    assert flagged(partner) == 0  # one step is not the whole approval
    assert Client().get(f"/approve/{first}/").status_code == 410
    second = link_tokens()[-1]
    with django_capture_on_commit_callbacks(execute=True):
        approvals.decide_by_link(second, decision="approve", comment="")
    assert flagged(partner) == 1


def test_it_counts_only_one_of_two_decisions(
    partner, requester, executive, member, django_capture_on_commit_callbacks
):
    other_executive = (
        member(Role.EXECUTIVE, partner=None, tenant=partner.tenant)
        if False
        else MembershipFactory(tenant=partner.tenant, role=Role.EXECUTIVE).user
    )
    request = open_request(
        partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks
    )
    with tenant_context(partner.tenant):
        approvals.decide(request, by=executive, decision="approve")
        with pytest.raises(AlreadyDecided) as problem:
            approvals.decide(request, by=other_executive, decision="reject", comment="不同意")
        assert executive.display_name in problem.value.message
        assert ApprovalRequest.objects.get().status == "approved"
    assert flagged(partner) == 1
    assert flagged(partner, "tests.flag_rejected") == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_it_serialises_two_concurrent_deciders(alpha):
    requester = MembershipFactory(tenant=alpha, role=Role.CHANNEL_MANAGER).user
    deciders = [MembershipFactory(tenant=alpha, role=Role.EXECUTIVE).user for _ in range(2)]
    partner = PartnerFactory(tenant=alpha)
    with tenant_context(alpha):
        request = approvals.request_approval(
            partner, action=ACTION, title="并发", steps=[Approver(role=Role.EXECUTIVE)], by=requester
        )
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, decision):
        from django.db import connection as thread_connection

        try:
            with tenant_context(alpha):
                barrier.wait()
                approvals.decide(request, by=user, decision=decision, comment="并发测试")
                outcomes.append("won")
        except AlreadyDecided as problem:
            outcomes.append(problem.message)
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=decide, args=(u, d))
        for u, d in zip(deciders, ["approve", "reject"], strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1
    loser = next(o for o in outcomes if o != "won")
    assert "Already decided" in loser or "已由" in loser
    with tenant_context(alpha):
        assert ApprovalRequest.objects.get().status in {"approved", "rejected"}
        assert Activity.objects.filter(verb="approval.completed").count() == 1


def test_it_requires_a_reason_to_reject_or_return(
    partner, requester, executive, django_capture_on_commit_callbacks
):
    request = open_request(
        partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks
    )
    with tenant_context(partner.tenant):
        for decision in ("reject", "return"):
            with pytest.raises(Exception) as problem:
                approvals.decide(request, by=executive, decision=decision, comment="  ")
            assert "comment" in problem.value.message_dict
        assert ApprovalRequest.objects.get().status == "pending"


def test_it_refuses_a_decision_from_someone_who_is_not_the_approver(
    partner, requester, executive, django_capture_on_commit_callbacks
):
    request = open_request(partner, requester, [Approver(user=executive)], django_capture_on_commit_callbacks)
    with tenant_context(partner.tenant), pytest.raises(approvals.NotAnApprover):
        approvals.decide(request, by=requester, decision="approve")


def test_it_lets_the_approver_decide_in_the_app_and_lists_it_in_the_queue(
    partner, requester, executive, client_as, django_capture_on_commit_callbacks
):
    request = open_request(
        partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks
    )
    client = client_as(executive)
    queue = client.get("/t/alpha/approvals/")
    assert "标记渠道商" in queue.content.decode()
    empty = client.post(f"/t/alpha/approvals/{request.pk}/", {"decision": "reject", "comment": ""})
    assert empty.status_code == 400  # the reason is required; nothing decided
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/t/alpha/approvals/{request.pk}/", {"decision": "reject", "comment": "资料不全"}
        )
    assert response.status_code == 302
    assert flagged(partner, "tests.flag_rejected") == 1
    assert "标记渠道商" not in client.get("/t/alpha/approvals/").content.decode()
    with tenant_context(partner.tenant):
        assert Notification.objects.filter(recipient=requester, kind="approval_decided").exists()


def test_it_hides_a_request_from_members_who_are_not_involved(
    partner, requester, executive, member, client_as, stranger, django_capture_on_commit_callbacks
):
    request = open_request(
        partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks
    )
    assert client_as(member(Role.FINANCE)).get(f"/t/alpha/approvals/{request.pk}/").status_code == 404
    assert client_as(stranger).get(f"/t/beta/approvals/{request.pk}/").status_code == 404
    assert client_as(requester).get(f"/t/alpha/approvals/{request.pk}/").status_code == 200
    partner_user = member(Role.PARTNER_ADMIN)
    assert client_as(partner_user).get(f"/t/alpha/approvals/{request.pk}/").status_code == 403


# --- revoked links, and the subject's version checked under the lock (issue 9) ---------------


def english_client():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("change", ["role", "deactivated"])
def test_a_link_revoked_by_a_change_of_the_approver_says_revoked_not_used(
    partner, requester, executive, member, client_as, change, django_capture_on_commit_callbacks
):
    open_request(partner, requester, [Approver(user=executive)], django_capture_on_commit_callbacks)
    token = link_tokens()[0]
    with tenant_context(partner.tenant):
        membership = Membership.objects.get(user=executive)
    form = {"role": Role.FINANCE, "is_active": "on"} if change == "role" else {"role": Role.EXECUTIVE}
    admin = client_as(member(Role.TENANT_ADMIN))
    assert admin.post(f"/t/alpha/members/{membership.pk}/", form).status_code == 302
    with translation.override("en"):
        revoked = str(LINK_PAGES["revoked"][1])
        used = str(LINK_PAGES["used"][1])
    for method in ("get", "post"):
        page = getattr(english_client(), method)(
            f"/approve/{token}/", {"decision": "approve"} if method == "post" else None
        )
        body = page.content.decode()
        assert page.status_code == 403
        assert 'data-problem="revoked"' in body
        assert revoked in body and "revoked" in revoked
        assert used not in body
    with tenant_context(partner.tenant):
        assert ApprovalRequest.objects.get().status == "pending"
    assert flagged(partner) == 0


def test_a_subject_changed_between_opening_the_link_and_deciding_is_refused(
    partner, requester, executive, monkeypatch, django_capture_on_commit_callbacks
):
    open_request(partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks)
    token = link_tokens()[0]
    original = approvals.open_link

    def open_then_someone_edits(*args, **kwargs):
        link = original(*args, **kwargs)  # valid when opened …
        with tenant_context(partner.tenant):  # … then the partner is edited before the decision
            Partner.objects.filter(pk=partner.pk).update(name="刚刚改名的公司")
        return link

    monkeypatch.setattr(approvals, "open_link", open_then_someone_edits)
    with pytest.raises(approvals.LinkProblem) as problem:
        approvals.decide_by_link(token, decision="approve", comment="同意")
    assert problem.value.code == "changed"
    with tenant_context(partner.tenant):
        request = ApprovalRequest.objects.get()
        assert request.status == "pending"
        assert request.steps.get().decision == ""
        assert ApprovalLink.objects.get().used_at is None
        assert not Activity.objects.filter(verb__startswith="approval.approved").exists()
    assert flagged(partner) == 0
    monkeypatch.setattr(approvals, "open_link", original)
    page = Client().get(f"/approve/{token}/")
    assert page.status_code == 409
    assert 'data-problem="changed"' in page.content.decode()


def test_a_changed_subject_is_refused_through_the_link_page_too(
    partner, requester, executive, monkeypatch, django_capture_on_commit_callbacks
):
    """The page validated the link (and so did decide_by_link); the edit lands just before decide()."""
    open_request(partner, requester, [Approver(role=Role.EXECUTIVE)], django_capture_on_commit_callbacks)
    token = link_tokens()[0]
    original = approvals.decide

    def edited_first(*args, **kwargs):
        with tenant_context(partner.tenant):
            Partner.objects.filter(pk=partner.pk).update(name="刚刚改名的公司")
        return original(*args, **kwargs)

    monkeypatch.setattr(approvals, "decide", edited_first)
    response = Client().post(f"/approve/{token}/", {"decision": "approve", "comment": "同意"})
    assert response.status_code == 409
    assert 'data-problem="changed"' in response.content.decode()
    with tenant_context(partner.tenant):
        assert ApprovalRequest.objects.get().status == "pending"
    assert flagged(partner) == 0
