"""Each kind of filing through each path: approved and recorded, returned and refiled,
rejected, withdrawn, expired — and what recording does to the partner."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from channelhub import periods
from channelhub.audit import timeline_for
from channelhub.models import Activity, ApprovalLink, Membership, Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context, unscoped
from filings import deadlines, services
from filings.models import Filing, FilingKind, FilingState, RequiredAttachment
from partners.models import ChannelType, Partner, PartnerStatus
from tests.factories import MembershipFactory, credit_code
from tests.filings.conftest import link_tokens

pytestmark = pytest.mark.django_db
S = FilingState


def verbs(obj):
    with tenant_context(obj.tenant):
        return [e.item.verb for e in timeline_for(obj) if e.kind == "activity"]


# --- new channel filings ------------------------------------------------------------------------


def test_a_new_channel_filing_is_approved_recorded_and_creates_a_pending_partner(flow, alpha, clerk):
    filing = flow.new(name="洛阳畅达手机连锁有限公司", code=credit_code(70001))
    assert filing.state == S.DRAFT and filing.partner is None
    flow.submit(filing)
    assert flow.reload(filing).state == S.SUBMITTED
    filing = flow.decide(filing)
    assert filing.state == S.APPROVED
    assert filing.record_due == deadlines.record_due(periods.today(alpha), services_settings(alpha))
    filing = flow.record(filing)
    filing = flow.reload(filing)
    assert filing.state == S.EFFECTIVE
    assert filing.record_number.startswith(f"BA-{periods.today(alpha).year}-")
    assert (filing.recorded_by, filing.record_seq) == (clerk, 1)
    with tenant_context(alpha):
        partner = Partner.objects.get(credit_code=credit_code(70001))
        assert (partner.name, partner.status) == ("洛阳畅达手机连锁有限公司", PartnerStatus.PENDING)
        assert filing.record_number in partner.status_reason
        assert partner.owner == flow.manager  # the filing manager's portfolio
        assert filing.partner_id == partner.pk
    assert verbs(partner) == ["partner.created"]
    assert verbs(filing)[-3:] == ["filing.approved", "filing.recorded", "filing.effective"]


def test_a_pending_partner_is_admitted_by_an_executive_and_may_not_be_suspended(flow, alpha, member):
    from channelhub import approvals
    from channelhub.models import ApprovalRequest
    from partners import services as partner_services

    filing = flow.through(flow.new(name="洛阳畅达手机连锁有限公司", code=credit_code(70002)))
    with tenant_context(alpha), flow.commit():
        partner = Partner.objects.get(pk=filing.partner_id)
        with pytest.raises(ValidationError):
            partner_services.suspend_partner(partner, reason="测试", by=flow.manager)
        request = partner_services.request_reactivation(partner, reason="已完成入网评估", by=flow.manager)
        assert isinstance(request, ApprovalRequest) and "洛阳畅达手机连锁有限公司" in request.title
        assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.PENDING  # asking decides nothing
        approvals.decide(request, by=member(Role.EXECUTIVE), decision="approve", comment="同意入网")
        assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.ACTIVE


def services_settings(tenant):
    with tenant_context(tenant):
        return services.get_settings()


def test_a_new_store_filing_needs_seed_002s_three_attachments(flow, alpha):
    filing = flow.new(channel_type=ChannelType.EXCLUSIVE_STORE)
    with pytest.raises(ValidationError) as refused:
        flow.submit(filing)
    message = " ".join(refused.value.messages)
    for label in ("门头照片", "合作协议", "店家银行账号及开户信息"):  # in the tenant's language (data)
        assert label in message
    assert flow.reload(filing).state == S.DRAFT
    flow.attach_required(filing)
    flow.submit(filing)
    assert flow.reload(filing).state == S.SUBMITTED


def test_the_default_attachments_come_from_seed_002(alpha):
    with tenant_context(alpha):
        cfg = services.get_settings()
        codes = set(RequiredAttachment.objects.filter(kind=FilingKind.NEW).values_list("code", flat=True))
    assert (cfg.validity_months, cfg.validity_days) == (1, 5)
    assert codes == {"storefront_photo", "cooperation_agreement", "bank_account"}


def test_a_new_filing_for_an_existing_partner_cannot_be_recorded(flow, alpha, partner):
    filing = flow.new(code=partner.credit_code)
    with pytest.raises(ValidationError, match="already"):
        flow.submit(filing)


# --- change filings -------------------------------------------------------------------------------


def test_a_change_filing_is_applied_atomically_and_the_partner_timeline_shows_before_and_after(
    flow, alpha, partner
):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR, "name": "郑州鑫联通讯有限公司"})
    assert filing.proposed == {"channel_type": "distributor", "name": "郑州鑫联通讯有限公司"}
    filing = flow.through(filing)
    assert filing.state == S.EFFECTIVE
    partner = flow.reload(partner)
    assert (partner.name, partner.channel_type) == ("郑州鑫联通讯有限公司", ChannelType.DISTRIBUTOR)
    with tenant_context(alpha):
        entry = Activity.objects.get(object_id=partner.pk, verb="partner.changed")
        effective = Activity.objects.get(object_id=filing.pk, verb="filing.effective")
    assert entry.changes == {
        "channel_type": ["agent", "distributor"],
        "name": ["郑州鑫联通讯器材有限公司", "郑州鑫联通讯有限公司"],
    }
    assert (entry.comment, entry.actor, entry.via) == (
        f"Change filing {filing.record_number}",
        flow.clerk,
        "filing",
    )
    # Stored as codes; the timeline puts them in the reader's words (either language).
    assert effective.changes == {
        "channel_type": ["agent", "distributor"],
        "name": ["郑州鑫联通讯器材有限公司", "郑州鑫联通讯有限公司"],
    }
    from channelhub.audit import change_rows

    with translation.override("en"):
        # PostgreSQL's jsonb keeps no key order: compare as a set.
        assert {(r.label, r.old, r.new) for r in change_rows(effective)} == {
            ("Channel type", "Agent", "Distributor"),
            ("Legal name", "郑州鑫联通讯器材有限公司", "郑州鑫联通讯有限公司"),
        }
    with translation.override("zh-hans"):
        assert "Channel type" not in {r.label for r in change_rows(effective)}


def test_a_change_filing_must_change_something(flow, partner):
    filing = flow.change(partner, {})
    assert filing.proposed == {}
    with pytest.raises(ValidationError, match="at least one changed field"):
        flow.submit(filing)


def test_a_returned_filing_is_corrected_and_resubmitted(flow, alpha, partner, manager):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    filing = flow.decide(filing, "return", comment="请补充影响说明")
    assert filing.state == S.RETURNED
    with tenant_context(alpha):
        returned = Activity.objects.get(object_id=filing.pk, verb="filing.returned")
        assert returned.comment == "请补充影响说明"
        assert Notification.objects.filter(recipient=manager, kind="approval_decided").exists()
        services.update_filing(
            filing,
            by=manager,
            fields={"reason": "业务调整", "impact": "区域内 3 家客户改由其供货"},
            proposed={"channel_type": "distributor", "name": partner.name},
        )
    flow.submit(filing)
    filing = flow.decide(filing)
    filing = flow.record(filing)
    assert flow.reload(filing).state == S.EFFECTIVE
    assert flow.reload(filing).revision == 2


def test_a_rejected_filing_is_final(flow, partner):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    filing = flow.decide(filing, "reject", comment="不符合渠道政策")
    assert filing.state == S.REJECTED and filing.closed_at
    with pytest.raises(ValidationError):
        flow.submit(filing)
    with pytest.raises(ValidationError):
        flow.record(filing)
    assert flow.reload(partner).channel_type == ChannelType.AGENT


def test_a_withdrawn_filing_cancels_its_approval_and_kills_the_link(
    flow, alpha, partner, manager, supervisor
):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    token = link_tokens(supervisor.email)[0]
    with tenant_context(alpha):
        services.withdraw_filing(filing, by=manager, reason="重复提交")
        assert ApprovalLink.objects.get().used_at is not None
    assert flow.reload(filing).state == S.WITHDRAWN
    assert flow.request_of(filing).status == "cancelled"
    assert Client().get(f"/approve/{token}/").status_code in (409, 410)


def test_approval_is_refused_when_the_checklist_fails(flow, alpha, partner, supervisor, client_as):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    with tenant_context(alpha):  # the tenant starts requiring a document after submission
        RequiredAttachment.objects.create(kind=FilingKind.CHANGE, code="licence", label="营业执照")
    request = flow.request_of(filing)
    response = client_as(supervisor).post(f"/t/alpha/approvals/{request.pk}/", {"decision": "approve"})
    assert response.status_code == 400
    assert "营业执照" in response.content.decode()
    assert flow.reload(filing).state == S.SUBMITTED
    assert flow.request_of(filing).status == "pending"
    # Returning it for correction still works.
    client_as(supervisor).post(
        f"/t/alpha/approvals/{request.pk}/", {"decision": "return", "comment": "补营业执照"}
    )
    assert flow.reload(filing).state == S.RETURNED


# --- staleness ------------------------------------------------------------------------------------


def test_a_stale_change_filing_is_not_recorded_but_sent_back_for_a_refresh(flow, alpha, partner, manager):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    filing = flow.through(filing, to="approved")
    with tenant_context(alpha):  # someone changes the partner record meanwhile
        Partner.objects.filter(pk=partner.pk).update(name="郑州鑫联（已更名）有限公司")
    with pytest.raises(services.StaleFiling) as stale:
        flow.record(filing)
    assert stale.value.conflicts == {"Legal name": ["郑州鑫联通讯器材有限公司", "郑州鑫联（已更名）有限公司"]}
    filing = flow.reload(filing)
    assert (filing.state, filing.record_number) == (S.RETURNED, "")
    partner = flow.reload(partner)
    assert (partner.name, partner.channel_type) == ("郑州鑫联（已更名）有限公司", ChannelType.AGENT)
    with tenant_context(alpha):
        assert Notification.objects.filter(recipient=manager, title_text__msgid__icontains="refresh").exists()
        # No number was used: the next recording gets number 1.
        services.update_filing(
            filing,
            by=manager,
            fields={"reason": "业务调整", "impact": "无"},
            proposed={"channel_type": "distributor", "name": "郑州鑫联（已更名）有限公司"},
        )
    filing = flow.through(flow.reload(filing))
    assert (filing.state, filing.record_seq) == (S.EFFECTIVE, 1)
    assert flow.reload(partner).channel_type == ChannelType.DISTRIBUTOR


def test_a_stale_filing_shows_on_the_checklist_and_cannot_be_approved(flow, alpha, partner):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    with tenant_context(alpha):
        Partner.objects.filter(pk=partner.pk).update(channel_type=ChannelType.ONLINE)
    with pytest.raises(ValidationError, match="unchanged since"):
        flow.decide(filing)
    assert flow.reload(filing).state == S.SUBMITTED


# --- termination ------------------------------------------------------------------------------------


def test_recording_a_termination_suspends_ordering_at_once(flow, alpha, partner):
    staff = MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=partner)
    day = periods.today(alpha) + timedelta(days=10)
    filing = flow.through(flow.termination(partner, on=day))
    assert filing.state == S.RECORDED
    assert flow.reload(partner).status == PartnerStatus.SUSPENDED
    with unscoped():
        assert Membership.objects.get(pk=staff.pk).is_active  # users go on the date, not before
    assert "partner.suspended" in verbs(partner)
    with tenant_context(alpha):
        assert (
            filing.record_number
            in Activity.objects.get(object_id=partner.pk, verb="partner.suspended").comment
        )


def test_a_termination_dated_today_terminates_when_recorded(flow, alpha, partner):
    staff = MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=partner)
    filing = flow.through(flow.termination(partner, on=periods.today(alpha)))
    assert filing.state == S.EFFECTIVE
    assert flow.reload(partner).status == PartnerStatus.TERMINATED
    with unscoped():
        assert not Membership.objects.get(pk=staff.pk).is_active


def test_a_termination_lists_the_customers_to_hand_over(flow, alpha, partner):
    from tests.filings.factories import CustomerRegistrationFactory

    CustomerRegistrationFactory(
        tenant=alpha, partner=partner, customer_name="洛阳公交集团", status="protected"
    )
    filing = flow.termination(partner, on=periods.today(alpha) + timedelta(days=5))
    flow.submit(filing)
    filing = flow.reload(filing)
    assert [c["name"] for c in filing.impact_snapshot["customers"]] == ["洛阳公交集团"]
    assert (
        filing.impact_snapshot["orders"] == 0 and filing.impact_snapshot["unsettled"] == "0.00"
    )  # from the orders module
    with tenant_context(alpha):
        assert any("洛阳公交集团" in value for _label, value in services.describe(filing))


def test_only_one_termination_filing_is_open_per_partner(flow, alpha, partner):
    day = periods.today(alpha) + timedelta(days=5)
    flow.submit(flow.termination(partner, on=day))
    second = flow.termination(partner, on=day)
    with pytest.raises(ValidationError, match="termination filing"):
        flow.submit(second)


# --- validity and reminders ------------------------------------------------------------------------------


def test_validity_is_one_month_and_five_days_from_the_first_submission(flow, alpha, partner):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    filing = flow.reload(filing)
    today = periods.today(alpha)
    assert filing.valid_until == periods.add_months(today, 1) + timedelta(days=5)


def test_add_months_keeps_to_the_calendar():
    from datetime import date

    assert periods.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert periods.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert periods.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_a_filing_cannot_be_recorded_after_its_validity(flow, alpha, partner):
    filing = flow.through(flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR}), to="approved")
    with tenant_context(alpha):
        Filing.objects.filter(pk=filing.pk).update(valid_until=periods.today(alpha) - timedelta(days=1))
    with pytest.raises(ValidationError, match="validity ended"):
        flow.record(flow.reload(filing))


def test_it_notifies_the_supervisors_and_mails_a_link_on_submission(flow, partner, supervisor):
    flow.submit(flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR}))
    assert len(link_tokens(supervisor.email)) == 1
    assert "郑州鑫联通讯器材有限公司" in mail.outbox[-1].body
    assert "✓" in mail.outbox[-1].body  # the checklist travels with the e-mail


def test_a_new_filing_of_an_admitted_channel_links_to_its_application(flow, alpha, client_as):
    """Seed 002's order: admitted first (onboarding made the partner, remembering its application:
    partners.services.create_by_admission), then filed (备案)."""
    from tests.factories import PartnerFactory

    admitted = PartnerFactory(
        tenant=alpha,
        name="洛阳畅达手机连锁有限公司",
        credit_code=credit_code(71001),
        admission_reference="RW202600007",
    )
    page = client_as(flow.manager).get("/t/alpha/filings/new/channel/")
    data = {name: "" for name in page.context["form"].fields}
    data.update(
        name="洛阳畅达手机连锁有限公司",
        credit_code=credit_code(71001),
        channel_type="agent",
        basic_situation="已通过准入",
        expected_annual_sales="500000",
        expected_scale_notes="一家门店",
        expected_start_date=(date.today() + timedelta(days=30)).isoformat(),  # not in the past
        resources_needed="培训",
    )
    assert client_as(flow.manager).post("/t/alpha/filings/new/channel/", data).status_code == 302
    with tenant_context(alpha):
        filing = Filing.objects.get()
        partners_before = Partner.objects.count()
    filing = flow.through(filing)
    assert (filing.state, filing.partner_id) == (S.EFFECTIVE, admitted.pk)
    with tenant_context(alpha):
        assert Partner.objects.count() == partners_before  # linked, not created again
        entry = Activity.objects.get(object_id=admitted.pk, verb="partner.filed")
    assert "RW202600007" in entry.comment and filing.record_number in entry.comment
    # A second new filing of the same channel cannot be recorded again.
    second = flow.new(name="洛阳畅达手机连锁有限公司", code=credit_code(71001))
    with translation.override("en"), pytest.raises(ValidationError, match="not filed yet"):
        flow.submit(second)


# --- every kind through the side paths ------------------------------------------------------------


@pytest.fixture
def filing_of(flow, alpha, partner):
    """``filing_of(kind)`` → a draft filing of that kind, ready to submit."""

    def make(kind):
        if kind == FilingKind.NEW:
            return flow.new(name="开封顺达通讯器材有限公司", code=credit_code(72001))
        if kind == FilingKind.CHANGE:
            return flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
        return flow.termination(partner, on=periods.today(alpha) + timedelta(days=20))

    return make


KINDS = [FilingKind.NEW, FilingKind.CHANGE, FilingKind.TERMINATION]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_returned_refiled_approved_and_recorded(flow, filing_of, kind):
    filing = filing_of(kind)
    flow.submit(filing)
    filing = flow.decide(filing, "return", comment="请补充说明")
    assert filing.state == S.RETURNED and not filing.record_number
    with pytest.raises(ValidationError):
        flow.record(filing)  # a returned filing is not recorded
    flow.submit(filing)
    filing = flow.decide(filing)
    assert filing.state == S.APPROVED
    filing = flow.record(filing)
    assert flow.reload(filing).state in (S.RECORDED, S.EFFECTIVE) and flow.reload(filing).record_number
    assert "filing.returned" in verbs(filing)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_rejected_for_good(flow, filing_of, partner, kind):
    filing = filing_of(kind)
    flow.submit(filing)
    filing = flow.decide(filing, "reject", comment="不符合渠道政策")
    assert filing.state == S.REJECTED and filing.closed_at
    for step in (flow.submit, flow.record):
        with pytest.raises(ValidationError):
            step(filing)
    partner = flow.reload(partner)
    assert (partner.channel_type, partner.status) == (ChannelType.AGENT, PartnerStatus.ACTIVE)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_can_be_withdrawn_while_it_waits(flow, filing_of, alpha, manager, supervisor, kind):
    filing = filing_of(kind)
    flow.submit(filing)
    token = link_tokens(supervisor.email)[0]
    with tenant_context(alpha):
        services.withdraw_filing(filing, by=manager, reason="重复提交")
    assert flow.reload(filing).state == S.WITHDRAWN
    assert flow.request_of(filing).status == "cancelled"
    assert Client().get(f"/approve/{token}/").status_code in (409, 410)
    with pytest.raises(ValidationError):
        flow.submit(flow.reload(filing))
