"""The three forms and the detail page, used the way people use them: the rendered form is
read, filled in and posted; bad input gets a clear message and loses nothing."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from filings.models import Filing, FilingKind, FilingState
from partners.models import ChannelType
from tests.factories import credit_code
from tests.filings.conftest import PDF, PNG
from tests.filings.pages import form_data

pytestmark = pytest.mark.django_db
S = FilingState


def only_filing(tenant):
    with tenant_context(tenant):
        return Filing.objects.get()


def test_a_manager_files_a_new_store_and_attaches_seed_002s_materials(alpha, manager, client_as):
    client = client_as(manager)
    page = client.get("/t/alpha/filings/new/channel/")
    data = form_data(
        page,
        "filing-form",
        name="新乡联动通讯有限公司",
        credit_code=credit_code(555).lower(),  # normalised to capitals
        channel_type=ChannelType.EXCLUSIVE_STORE,
        basic_situation="当地经营 8 年",
        expected_annual_sales="800000",
        expected_scale_notes="一家门店，6 名店员",
        expected_start_date=(date.today() + timedelta(days=30)).isoformat(),  # not in the past
        resources_needed="样机、培训",
    )
    response = client.post("/t/alpha/filings/new/channel/", data)
    assert response.status_code == 302
    filing = only_filing(alpha)
    assert filing.proposed["credit_code"] == credit_code(555)
    assert filing.channel_type == ChannelType.EXCLUSIVE_STORE
    detail = client.get(f"/t/alpha/filings/{filing.pk}/")
    assert 'data-testid="submit-filing" disabled' in detail.content.decode().replace("\n", " ") or (
        not detail.context["checklist"].passed
    )
    for code, name, content in [
        ("storefront_photo", "门头.png", PNG),
        ("cooperation_agreement", "合作协议.pdf", PDF),
        ("bank_account", "开户许可证.pdf", PDF),
    ]:
        upload = client.post(
            f"/t/alpha/filings/{filing.pk}/attachments/",
            {"code": code, "file": SimpleUploadedFile(name, content)},
        )
        assert upload.status_code == 302, upload.content.decode()[:500]
    assert client.get(f"/t/alpha/filings/{filing.pk}/").context["checklist"].passed
    assert client.post(f"/t/alpha/filings/{filing.pk}/submit/").status_code == 302
    assert only_filing(alpha).state == S.SUBMITTED


def test_an_upload_is_checked_by_content(alpha, manager, client_as, flow):
    filing = flow.new(channel_type=ChannelType.EXCLUSIVE_STORE)
    response = client_as(manager).post(
        f"/t/alpha/filings/{filing.pk}/attachments/",
        {"code": "storefront_photo", "file": SimpleUploadedFile("photo.png", b"MZ not an image at all")},
    )
    assert response.status_code == 400
    assert "judged by its content" in response.content.decode()


def test_bad_input_keeps_what_was_entered(alpha, manager, client_as):
    client = client_as(manager)
    page = client.get("/t/alpha/filings/new/channel/")
    data = form_data(
        page, "filing-form", name="新乡联动通讯有限公司", credit_code="123", basic_situation="八年老店"
    )
    response = client.post("/t/alpha/filings/new/channel/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "新乡联动通讯有限公司" in text and "八年老店" in text
    assert response.context["form"].errors["credit_code"]
    with tenant_context(alpha):
        assert not Filing.objects.exists()


def test_the_change_form_shows_the_diff_and_saves_only_what_changes(alpha, partner, manager, client_as):
    client = client_as(manager)
    path = f"/t/alpha/filings/new/change/?partner={partner.pk}"
    page = client.get(path)
    assert page.status_code == 200
    assert page.context["diff"] == []
    data = form_data(
        page, "filing-form", channel_type=ChannelType.DISTRIBUTOR, reason="业务扩大", impact="无"
    )
    preview = client.post("/t/alpha/filings/new/change/preview/", data)
    assert preview.status_code == 200
    assert [row[0] for row in preview.context["diff"]] == ["channel_type"]
    assert "Agent" in preview.content.decode() and "Distributor" in preview.content.decode()
    response = client.post(path, data)
    assert response.status_code == 302
    filing = only_filing(alpha)
    assert filing.proposed == {"channel_type": "distributor"}
    detail = client.get(f"/t/alpha/filings/{filing.pk}/")
    assert 'data-testid="filing-diff"' in detail.content.decode()


def test_the_change_form_refuses_a_filing_that_changes_nothing(alpha, partner, manager, client_as):
    client = client_as(manager)
    path = f"/t/alpha/filings/new/change/?partner={partner.pk}"
    response = client.post(path, form_data(client.get(path), "filing-form", reason="x", impact="y"))
    assert response.status_code == 400
    assert "Nothing changes" in response.content.decode()


def test_a_termination_form_refuses_a_past_date_and_shows_the_impact(alpha, partner, manager, client_as):
    client = client_as(manager)
    path = f"/t/alpha/filings/new/termination/?partner={partner.pk}"
    page = client.get(path)
    assert "Customers to hand over" in page.content.decode()
    data = form_data(
        page, "filing-form", termination_date="2001-01-01", reason="考核不合格", impact="库存回购"
    )
    response = client.post(path, data)
    assert response.status_code == 400
    data["termination_date"] = "2099-01-01"
    assert client.post(path, data).status_code == 302
    filing = only_filing(alpha)
    assert (filing.kind, str(filing.termination_date)) == (FilingKind.TERMINATION, "2099-01-01")


def test_editing_a_returned_filing_and_recording_from_the_page(
    flow, alpha, partner, manager, clerk, client_as
):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    flow.decide(filing, "return", comment="请补充")
    client = client_as(manager)
    page = client.get(f"/t/alpha/filings/{filing.pk}/edit/")
    assert page.context["diff"][0][0] == "channel_type"
    data = form_data(page, "filing-form", impact="三家客户改由其供货")
    assert client.post(f"/t/alpha/filings/{filing.pk}/edit/", data).status_code == 302
    assert client.post(f"/t/alpha/filings/{filing.pk}/submit/").status_code == 302
    flow.decide(filing)
    recorder = client_as(clerk)
    detail = recorder.get(f"/t/alpha/filings/{filing.pk}/")
    assert detail.context["may_record"]
    response = recorder.post(
        f"/t/alpha/filings/{filing.pk}/record/", form_data(detail, "record-form", note="已归档")
    )
    assert response.status_code == 302
    filing = flow.reload(filing)
    assert (filing.state, filing.record_note) == (S.EFFECTIVE, "已归档")
    assert flow.reload(partner).channel_type == ChannelType.DISTRIBUTOR


def test_recording_a_stale_filing_from_the_page_explains_why(flow, alpha, partner, clerk, client_as):
    from partners.models import Partner

    filing = flow.through(flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR}), to="approved")
    with tenant_context(alpha):
        Partner.objects.filter(pk=partner.pk).update(name="改过的名字有限公司")
    client = client_as(clerk)
    assert 'data-testid="stale-warning"' in client.get(f"/t/alpha/filings/{filing.pk}/").content.decode()
    response = client.post(f"/t/alpha/filings/{filing.pk}/record/", follow=True)
    assert "sent back" in response.content.decode()
    assert flow.reload(filing).state == S.RETURNED


def test_the_supervisor_decides_in_the_app(flow, alpha, partner, supervisor, client_as):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    request = flow.request_of(filing)
    client = client_as(supervisor)
    page = client.get(f"/t/alpha/approvals/{request.pk}/")
    text = page.content.decode()
    assert "✓" in text and "Agent → Distributor" in text  # the diff and the checklist
    assert (
        client.post(
            f"/t/alpha/approvals/{request.pk}/", {"decision": "approve", "comment": "同意"}
        ).status_code
        == 302
    )
    assert flow.reload(filing).state == S.APPROVED


def test_withdrawing_from_the_page_needs_a_reason(flow, alpha, partner, manager, client_as):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    client = client_as(manager)
    client.post(f"/t/alpha/filings/{filing.pk}/withdraw/", {"reason": ""})
    assert flow.reload(filing).state == S.DRAFT
    client.post(f"/t/alpha/filings/{filing.pk}/withdraw/", {"reason": "不再需要"})
    assert flow.reload(filing).state == S.WITHDRAWN


def test_the_settings_page_changes_deadlines_and_required_attachments(alpha, member, client_as):
    client = client_as(member(Role.TENANT_ADMIN))
    page = client.get("/t/alpha/filings/settings/")
    assert page.status_code == 200
    data = form_data(page, "settings-form", validity_days="10", customer_protection_months="3")
    assert client.post("/t/alpha/filings/settings/", data).status_code == 302
    data = form_data(
        client.get("/t/alpha/filings/settings/"),
        "requirement-form",
        kind="termination",
        label="终止协议",
        code="termination_agreement",
    )
    assert client.post("/t/alpha/filings/settings/", data).status_code == 302
    with tenant_context(alpha):
        from filings import services
        from filings.models import RequiredAttachment

        cfg = services.get_settings()
        assert (cfg.validity_days, cfg.customer_protection_months) == (10, 3)
        requirement = RequiredAttachment.objects.get(code="termination_agreement")
    assert client.post(f"/t/alpha/filings/settings/attachments/{requirement.pk}/toggle/").status_code == 302
    with tenant_context(alpha):
        requirement.refresh_from_db()
    assert not requirement.is_active


@pytest.mark.parametrize(
    "role, card, target",
    [
        (Role.CHANNEL_MANAGER, "filings", "/t/alpha/filings/"),
        (Role.CHANNEL_SUPERVISOR, "filings_approve", "/t/alpha/filings/to-approve/"),
        (Role.CLERK, "filings_record", "/t/alpha/filings/to-record/"),
        (Role.PARTNER_STAFF, "customers", "/t/alpha/filings/customers/"),
    ],
)
def test_the_home_cards_and_the_sidebar_lead_to_the_filings_pages(role, card, target, member, client_as):
    client = client_as(member(role))
    home = client.get("/t/alpha/").content.decode()
    assert f'href="{target}" data-testid="module-{card}"' in home
    assert client.get(target, follow=True).status_code == 200
    if role != Role.PARTNER_STAFF:
        assert 'data-testid="nav-filings"' in home


# --- actions refused: the page again, the errors shown, the input kept -----------------------------


def test_an_invalid_recording_note_is_shown_and_nothing_is_recorded(flow, alpha, partner, clerk, client_as):
    filing = flow.through(flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR}), to="approved")
    client = client_as(clerk)
    data = form_data(client.get(f"/t/alpha/filings/{filing.pk}/"), "record-form", note="材料齐全\x00已归档")
    response = client.post(f"/t/alpha/filings/{filing.pk}/record/", data)
    assert response.status_code == 400
    assert response.context["note_form"].errors["note"]
    assert "材料齐全" in response.content.decode()  # what was typed is still there
    filing = flow.reload(filing)
    assert (filing.state, filing.record_number) == (S.APPROVED, "")


def test_withdrawing_without_a_reason_says_why_and_keeps_the_form_open(
    flow, alpha, partner, manager, client_as
):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    response = client_as(manager).post(f"/t/alpha/filings/{filing.pk}/withdraw/", {"reason": "  "})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Please say why." in text and "<details open>" in text
    assert flow.reload(filing).state == S.DRAFT


def test_a_refused_submission_says_why_on_the_page(flow, alpha, manager, client_as):
    filing = flow.new(channel_type=ChannelType.EXCLUSIVE_STORE)  # seed 002's store attachments missing
    response = client_as(manager).post(f"/t/alpha/filings/{filing.pk}/submit/")
    assert response.status_code == 400
    assert "The filing is not complete" in response.content.decode()
    assert flow.reload(filing).state == S.DRAFT


def test_a_second_clerk_recording_from_the_page_is_told_it_is_recorded_already(
    flow, alpha, partner, clerk, client_as
):
    from tests.factories import MembershipFactory

    filing = flow.through(flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR}), to="approved")
    late = client_as(MembershipFactory(tenant=alpha, role=Role.CLERK).user)
    page = late.get(f"/t/alpha/filings/{filing.pk}/")
    flow.record(filing)  # the first clerk, meanwhile
    response = late.post(f"/t/alpha/filings/{filing.pk}/record/", form_data(page, "record-form"))
    assert response.status_code == 400
    # The page was drawn while approved (its form says so): the refusal names who recorded it.
    text = response.content.decode()
    assert clerk.display_name in text and ("刚刚" in text or "a moment ago" in text)  # at the top
    assert flow.reload(filing).record_seq == 1
    # A post without the page's note of the state (an old page, a script): the state refusal.
    response = late.post(f"/t/alpha/filings/{filing.pk}/record/", {"note": ""})
    assert response.status_code == 400
    assert "Only approved filings can be recorded." in response.content.decode()
