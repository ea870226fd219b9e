"""Regressions for the security review of the platform core."""

import re

import pytest
from django.core import mail
from django.test import Client

from channelhub import approvals, notifications
from channelhub.approvals import Approver
from channelhub.models import Activity, Membership, OutboxMessage, OutgoingEmail
from channelhub.notifications import Kind
from channelhub.roles import Role
from channelhub.tasks import send_unsent_email
from channelhub.tenancy import TenantNotActive, tenant_context
from partners.models import Partner
from tests.factories import MembershipFactory, PartnerFactory, UserFactory
from tests.mechanisms.test_approvals import ACTION, link_tokens, open_request

pytestmark = pytest.mark.django_db


def test_the_outbox_matches_the_whole_address_not_a_part(in_alpha, alpha, member, client_as, settings):
    settings.EMAIL_BACKEND = "channelhub.mail.OutboxEmailBackend"
    settings.EMAIL_FILE_PATH = settings.MEDIA_ROOT
    snoop = MembershipFactory(tenant=alpha, role=Role.FINANCE, user=UserFactory(email="li@example.com")).user
    from django.core.mail import send_mail

    send_mail("邀请", "http://x/invite/secret-token/", None, ["zhangli@example.com", "li@example.com"])
    assert OutboxMessage.objects.filter(tenant=alpha).count() == 2  # one row per recipient
    page = client_as(snoop).get("/t/alpha/outbox/").content.decode()
    assert "secret-token" in page  # their own copy
    assert "zhangli@example.com" not in page
    OutboxMessage.objects.filter(to="li@example.com").delete()
    assert "secret-token" not in client_as(snoop).get("/t/alpha/outbox/").content.decode()


@pytest.fixture
def pending(alpha, member, django_capture_on_commit_callbacks):
    executive = member(Role.EXECUTIVE)
    partner = PartnerFactory(tenant=alpha)
    request = open_request(
        partner, member(Role.CHANNEL_MANAGER), [Approver(user=executive)], django_capture_on_commit_callbacks
    )
    return request, executive, link_tokens()[0]


def test_a_link_dies_when_its_approver_is_deactivated(pending, client_as, member):
    request, executive, token = pending
    admin = member(Role.TENANT_ADMIN)
    membership = Membership.all_tenants.get(user=executive)
    response = client_as(admin).post(
        f"/t/alpha/members/{membership.pk}/", {"role": Role.EXECUTIVE}
    )  # unticked = inactive
    assert response.status_code == 302
    for method in ("get", "post"):
        page = getattr(Client(), method)(
            f"/approve/{token}/", {"decision": "approve"} if method == "post" else None
        )
        assert page.status_code in (403, 410)
    with tenant_context(request.tenant):
        request.refresh_from_db()
        assert request.status == "pending"


def test_a_role_step_link_is_refused_not_a_500_after_a_role_change(
    alpha, member, django_capture_on_commit_callbacks
):
    executive = member(Role.EXECUTIVE)
    partner = PartnerFactory(tenant=alpha)
    open_request(
        partner,
        member(Role.CHANNEL_MANAGER),
        [Approver(role=Role.EXECUTIVE)],
        django_capture_on_commit_callbacks,
    )
    token = link_tokens()[0]
    Membership.all_tenants.filter(user=executive).update(role=Role.FINANCE)
    for method in ("get", "post"):
        page = getattr(Client(), method)(
            f"/approve/{token}/", {"decision": "approve"} if method == "post" else None
        )
        assert page.status_code == 403
        assert 'data-problem="revoked"' in page.content.decode()


def test_nobody_approves_their_own_request(alpha, member, django_capture_on_commit_callbacks):
    supervisor = member(Role.CHANNEL_SUPERVISOR)
    partner = PartnerFactory(tenant=alpha)
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        request = approvals.request_approval(
            partner,
            action=ACTION,
            title="自批",
            steps=[Approver(role=Role.CHANNEL_SUPERVISOR)],
            by=supervisor,
        )
        with pytest.raises(approvals.NotAnApprover):
            approvals.decide(request, by=supervisor, decision="approve")
    assert Client().get(f"/approve/{link_tokens()[0]}/").status_code == 403


def test_changing_a_role_is_audited(in_alpha, member, client_as):
    staff = member(Role.MARKETING)
    membership = Membership.objects.get(user=staff)
    client_as(member(Role.TENANT_ADMIN)).post(
        f"/t/alpha/members/{membership.pk}/", {"role": Role.FINANCE, "is_active": "on"}
    )
    entry = Activity.objects.get(object_id=membership.pk, verb="membership.changed")
    assert entry.changes["role"] == [Role.MARKETING, Role.FINANCE]


def test_querysets_without_a_tenant_refuse_every_way_to_the_database(alpha, db):
    from channelhub.models import User

    PartnerFactory(tenant=alpha)
    with pytest.raises(TenantNotActive):
        list(User.objects.filter(pk__in=Membership.objects.values("user_id")))
    with pytest.raises(TenantNotActive):
        Partner.objects.bulk_create([Partner(name="x", credit_code="1", channel_type="agent")])


def test_bulk_create_stamps_the_tenant_and_refuses_a_foreign_one(alpha, beta):
    with tenant_context(alpha):
        (made,) = Partner.objects.bulk_create(
            [Partner(name="批量", credit_code="91330000000000009X", channel_type="agent")]
        )
        assert made.tenant_id == alpha.pk
        with pytest.raises(TenantNotActive):
            Partner.objects.bulk_create(
                [Partner(tenant=beta, name="别家", credit_code="2", channel_type="agent")]
            )


def test_a_broker_failure_after_commit_is_not_a_500_and_the_sweep_sends_the_mail_later(
    alpha, member, client_as, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from channelhub import tasks

    def broken(*args, **kwargs):
        raise OSError("broker down")

    admin = client_as(member(Role.TENANT_ADMIN))
    finance = member(Role.FINANCE)
    with monkeypatch.context() as patched:
        patched.setattr(tasks.send_outgoing_email, "delay", broken)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post("/t/alpha/members/", {"email": "new@example.com", "role": Role.FINANCE})
            with tenant_context(alpha):
                notifications.notify([finance], kind=Kind.GENERAL, title="补发")
    assert response.status_code == 302
    assert mail.outbox == []
    assert OutgoingEmail.objects.filter(sent_at__isnull=True).count() == 2

    assert send_unsent_email() == 0  # too fresh: the task may still be on its way
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert send_unsent_email() == 2
    assert send_unsent_email() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["new@example.com", finance.email])
    assert "[ChannelHub] 补发" in [m.subject for m in mail.outbox]


def test_stored_emails_are_lower_case(db):
    user = UserFactory(email="  Wang.JianGuo@Example.COM ")
    user.refresh_from_db()
    assert user.email == "wang.jianguo@example.com"
    assert re.fullmatch(r"[a-z.@]+", user.email)


def test_a_membership_diff_names_the_partner(in_alpha, member, client_as):
    partner = PartnerFactory(tenant=in_alpha, name="华东渠道有限公司")
    staff = member(Role.MARKETING)
    membership = Membership.objects.get(user=staff)
    client_as(member(Role.TENANT_ADMIN)).post(
        f"/t/alpha/members/{membership.pk}/",
        {"role": Role.PARTNER_STAFF, "partner": partner.pk, "is_active": "on"},
    )
    entry = Activity.objects.get(object_id=membership.pk, verb="membership.changed")
    assert entry.changes["partner"] == ["", "华东渠道有限公司"]
