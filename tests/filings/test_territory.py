"""Exclusive territory, checked when a filing is drafted, submitted, approved and recorded — never
first by the clerk after the supervisor approved. A recording that is refused anyway keeps the
clerk's note, says why, tells the filer's side it is blocked; the clerk sends the filing back with
a reason (a transition of its own: refused in the wrong state, to the wrong role, to another
tenant)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from channelhub import approvals
from channelhub.models import Activity, Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from channelhub.workflow import WrongState
from filings import services
from filings.models import Filing, FilingState
from partners.models import ChannelType
from tests.factories import MembershipFactory, PartnerFactory, RegionFactory
from tests.filings.factories import FilingFactory
from tests.filings.pages import form_data

pytestmark = pytest.mark.django_db
S = FilingState
HOLDER = "洛阳独家代理有限公司"


@pytest.fixture
def regions(alpha):
    henan = RegionFactory(tenant=alpha, name="河南省")
    return {
        "henan": henan,
        "zhengzhou": RegionFactory(tenant=alpha, parent=henan, name="郑州市"),
        "luoyang": RegionFactory(tenant=alpha, parent=henan, name="洛阳市"),
    }


def exclusive_holder(alpha, region):
    """Another agent with exclusive rights in ``region`` (made behind the filings' back)."""
    return PartnerFactory(
        tenant=alpha, name=HOLDER, channel_type=ChannelType.AGENT, region=region, exclusive_territory=True
    )


def detail_url(filing):
    return f"/t/alpha/filings/{filing.pk}/"


def notifications_about(alpha, filing, user):
    with tenant_context(alpha):
        return list(Notification.objects.filter(recipient=user, url__endswith=detail_url(filing)))


# --- drafted ------------------------------------------------------------------------------------


def test_the_change_form_refuses_a_territory_held_exclusively_and_keeps_what_was_typed(
    alpha, partner, regions, manager, client_as
):
    exclusive_holder(alpha, regions["luoyang"])
    client = client_as(manager)
    page = client.get(f"/t/alpha/filings/new/change/?partner={partner.pk}")
    data = form_data(
        page,
        "filing-form",
        region=regions["luoyang"].pk,
        reason="开拓洛阳市场",
        impact="洛阳现有客户由本渠道服务",
    )
    response = client.post(f"/t/alpha/filings/new/change/?partner={partner.pk}", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert HOLDER in " ".join(form.errors["region"])  # beside the field it is about
    assert form["reason"].value() == "开拓洛阳市场"  # nothing typed is lost
    with tenant_context(alpha):
        assert not Filing.objects.exists()


def test_a_partner_admin_is_not_told_the_other_partners_name(flow, alpha, alpha_partner, regions, member):
    exclusive_holder(alpha, regions["luoyang"])
    with tenant_context(alpha):
        alpha_partner.channel_type = ChannelType.AGENT
        alpha_partner.save()
    admin = member(Role.PARTNER_ADMIN)
    with pytest.raises(ValidationError) as refused:
        flow.change(alpha_partner, {"region": regions["luoyang"].pk}, by=admin, by_partner=True)
    words = " ".join(refused.value.message_dict["region"])
    assert "exclusive rights" in words and HOLDER not in words


def test_a_new_channel_in_a_territory_held_exclusively_fails_the_checklist(flow, alpha, regions):
    filing = flow.new()
    exclusive_holder(alpha, regions["luoyang"])
    with tenant_context(alpha):
        Filing.objects.filter(pk=filing.pk).update(
            proposed={**filing.proposed, "region": regions["luoyang"].pk}
        )
    filing = flow.reload(filing)
    flow.attach_required(filing)
    with pytest.raises(ValidationError, match=HOLDER):
        flow.submit(filing)
    assert flow.reload(filing).state == S.DRAFT


# --- submitted, and on the supervisor's checklist (portal and e-mail) ----------------------------


def test_a_clash_that_appears_after_drafting_is_on_the_checklist_and_stops_the_submission(
    flow, alpha, partner, regions, manager, client_as
):
    filing = flow.change(partner, {"region": regions["luoyang"].pk})
    exclusive_holder(alpha, regions["luoyang"])
    client = client_as(manager)
    page = client.get(detail_url(filing))
    item = next(i for i in page.context["checklist"].items if "exclusive territory" in i.label)
    assert not item.ok and HOLDER in item.detail
    assert 'data-testid="submit-filing" disabled' in page.content.decode()
    response = client.post(f"{detail_url(filing)}submit/")
    assert response.status_code == 400 and HOLDER in response.content.decode()
    assert flow.reload(filing).state == S.DRAFT


def test_the_supervisor_sees_the_territory_check_in_the_e_mail_and_a_clash_on_the_approval_page(
    flow, alpha, partner, regions, supervisor, client_as
):
    filing = flow.change(partner, {"region": regions["luoyang"].pk})
    mail.outbox.clear()
    flow.submit(filing)
    link_mail = next(m for m in mail.outbox if supervisor.email in m.to and "/approve/" in m.body)
    assert "✓ No clash with another partner's exclusive territory" in link_mail.body
    exclusive_holder(alpha, regions["luoyang"])  # meanwhile
    request = flow.request_of(filing)
    text = client_as(supervisor).get(f"/t/alpha/approvals/{request.pk}/").content.decode()
    assert "✗ No clash with another partner&#x27;s exclusive territory" in text and HOLDER in text
    with pytest.raises(ValidationError, match=HOLDER):  # "... return it for correction instead"
        flow.decide(filing)
    assert flow.reload(filing).state == S.SUBMITTED


# --- recorded: refused, the note kept, the filer's side told, the clerk sends it back --------------


@pytest.fixture
def approved_then_taken(flow, alpha, partner, regions, manager):
    """A change into Luoyang, approved; then another agent gets exclusive rights there."""
    with tenant_context(alpha):
        partner.owner = manager
        partner.save()
    filing = flow.through(flow.change(partner, {"region": regions["luoyang"].pk}), to="approved")
    exclusive_holder(alpha, regions["luoyang"])
    return filing


def test_a_refused_recording_keeps_the_note_says_why_and_tells_the_filer_once(
    flow, alpha, approved_then_taken, clerk, manager, supervisor, client_as
):
    filing = approved_then_taken
    client = client_as(clerk)
    page = client.get(detail_url(filing))
    assert 'data-testid="record-blocked"' in page.content.decode()  # the clerk sees it before trying
    data = form_data(page, "record-form", note="已核对原件，待归档")
    response = client.post(f"{detail_url(filing)}record/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "已核对原件，待归档" in text  # the typed note is still in the form
    assert 'data-testid="action-refused"' in text and HOLDER in text  # and why, at the top
    filing = flow.reload(filing)
    assert (filing.state, filing.record_number) == (S.APPROVED, "")
    told = notifications_about(alpha, filing, manager)
    assert len(told) == 1 and HOLDER in told[0].body
    assert notifications_about(alpha, filing, supervisor)  # the approver too
    with tenant_context(alpha):
        entry = Activity.objects.get(object_id=filing.pk, verb="filing.record_blocked")
    assert entry.actor == clerk and HOLDER in entry.comment
    client.post(f"{detail_url(filing)}record/", data)  # the clerk tries again: nothing new to tell
    assert len(notifications_about(alpha, filing, manager)) == 1


def test_the_clerk_sends_it_back_with_a_reason_and_the_filer_resubmits(
    flow, alpha, approved_then_taken, clerk, manager, partner, regions, client_as
):
    filing = approved_then_taken
    client = client_as(clerk)
    page = client.get(detail_url(filing))
    data = form_data(page, "send-back-form", **{"send_back-reason": "洛阳已有独家代理，请改报郑州"})
    response = client.post(f"{detail_url(filing)}send-back/", data)
    assert response.status_code == 302
    filing = flow.reload(filing)
    assert filing.state == S.RETURNED
    with tenant_context(alpha):
        entry = Activity.objects.get(object_id=filing.pk, verb="filing.sent_back")
    assert (entry.actor, entry.from_state, entry.to_state) == (clerk, S.APPROVED, S.RETURNED)
    assert entry.comment == "洛阳已有独家代理，请改报郑州"
    told = notifications_about(alpha, filing, manager)
    assert any("洛阳已有独家代理" in n.body for n in told)
    # The filer corrects the territory and submits again: a new approval, then it is recorded.
    with tenant_context(alpha):
        services.update_filing(filing, by=manager, fields={}, proposed={"region": regions["zhengzhou"].pk})
    filing = flow.reload(filing)
    flow.attach_required(filing)
    flow.through(filing)
    assert flow.reload(partner).region_id == regions["zhengzhou"].pk


def test_sending_back_needs_a_reason_and_keeps_the_form_open(flow, approved_then_taken, clerk, client_as):
    filing = approved_then_taken
    response = client_as(clerk).post(f"{detail_url(filing)}send-back/", {"send_back-reason": "  "})
    assert response.status_code == 400
    assert response.context["send_back_form"].errors["reason"]
    assert flow.reload(filing).state == S.APPROVED


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.RETURNED])
def test_only_an_approved_filing_is_sent_back(flow, alpha, partner, clerk, client_as, state):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    if state != S.DRAFT:
        flow.submit(filing)
    if state == S.RETURNED:
        flow.decide(filing, "return", comment="请补充")
    with tenant_context(alpha), pytest.raises(WrongState):
        services.send_back_filing(flow.reload(filing), by=clerk, reason="不符合")
    response = client_as(clerk).post(f"{detail_url(filing)}send-back/", {"send_back-reason": "不符合"})
    assert response.status_code == 400 and 'data-testid="action-refused"' in response.content.decode()
    assert flow.reload(filing).state == state


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.CHANNEL_SUPERVISOR, Role.TENANT_ADMIN])
def test_only_the_clerk_sends_back(flow, approved_then_taken, member, client_as, role, alpha):
    filing = approved_then_taken
    user = member(role)
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.send_back_filing(flow.reload(filing), by=user, reason="不符合")
    assert (
        client_as(user).post(f"{detail_url(filing)}send-back/", {"send_back-reason": "x"}).status_code == 403
    )
    assert 'data-testid="send-back-form"' not in client_as(user).get(detail_url(filing)).content.decode()
    assert flow.reload(filing).state == S.APPROVED


def test_another_tenants_clerk_gets_404(alpha, beta, client_as):
    stranger = MembershipFactory(tenant=beta, role=Role.CLERK).user
    with tenant_context(alpha):
        filing = FilingFactory(tenant=alpha, state=S.APPROVED)
    client = client_as(stranger)
    for slug in ("alpha", "beta"):
        assert (
            client.post(f"/t/{slug}/filings/{filing.pk}/send-back/", {"send_back-reason": "x"}).status_code
            == 404
        )
    with tenant_context(alpha):
        assert Filing.objects.get(pk=filing.pk).state == S.APPROVED


def test_the_approval_request_of_a_sent_back_filing_stays_decided(flow, alpha, approved_then_taken, clerk):
    filing = approved_then_taken
    with tenant_context(alpha):
        services.send_back_filing(flow.reload(filing), by=clerk, reason="请改报郑州")
        assert approvals.latest_request(filing).status == "approved"


def test_the_note_typed_for_a_stale_recording_stays_with_the_filing(flow, alpha, partner, clerk, client_as):
    from partners.models import Partner

    filing = flow.through(flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR}), to="approved")
    with tenant_context(alpha):
        Partner.objects.filter(pk=partner.pk).update(name="改过的名字有限公司")
    client = client_as(clerk)
    data = form_data(client.get(detail_url(filing)), "record-form", note="原件已核对")
    client.post(f"{detail_url(filing)}record/", data)
    assert flow.reload(filing).state == S.RETURNED
    with tenant_context(alpha):
        entry = Activity.objects.get(object_id=filing.pk, verb="filing.stale")
    assert "原件已核对" in entry.comment
