"""The admission journey in a real browser: an applicant applies with uploads on the public
page; a reviewer scores it; an inspector files a report with a photo; an executive
approves from the e-mail link; the applicant signs; the supervisor countersigns; the new
partner's admin accepts the invitation and sees the partner and its training checklist."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from onboarding.models import Campaign, OnboardingSettings
from tests.factories import PASSWORD, MembershipFactory, TenantFactory, UserFactory, credit_code
from tests.onboarding.conftest import PDF_BYTES, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIELDS = {
    "company_name": "温州瓯越电力科技有限公司",
    "legal_representative": "林海",
    "registered_capital": "3000000",
    "established_on": "2015-06-18",
    "registered_address": "浙江省温州市鹿城区车站大道 88 号",
    "contact_name": "林海",
    "contact_phone": "13905770000",
    "contact_email": "linhai@ouyue.example.cn",
    "employee_count": "35",
    "operating_status": "成立十年，主营电力工程与充电设施",
    "sales_capability": "覆盖温州各区物业与公交场站",
    "team_size": "35",
    "province": "浙江省",
    "city": "温州市",
    "cooperation_plan": "首年建设 40 个充电站点",
}


@pytest.fixture
def acme(settings, live_server):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = live_server.url
    settings.ONBOARDING_FORM_MIN_SECONDS = 0
    tenant = TenantFactory(slug="acme", name="星驰充电科技有限公司")
    people = {}
    for role, email in [
        (Role.CHANNEL_MANAGER, "manager@acme.example.cn"),
        (Role.TECH_SUPPORT, "inspector@acme.example.cn"),
        (Role.EXECUTIVE, "ceo@acme.example.cn"),
        (Role.CHANNEL_SUPERVISOR, "supervisor@acme.example.cn"),
    ]:
        user = UserFactory(email=email, full_name=email.split("@")[0])
        MembershipFactory(tenant=tenant, user=user, role=role)
        people[role] = user
    with tenant_context(tenant):
        OnboardingSettings.objects.update(approval_roles=[Role.EXECUTIVE.value])
        Campaign.objects.create(
            title="2026 年温州充电桩经销商招募",
            slug="wenzhou-2026",
            summary="诚招温州地区经销商",
            channel_types=["distributor", "agent"],
            regions="浙江省温州市",
            requirements="具备独立法人资格",
            opens_on=date.today() - timedelta(days=1),
            is_published=True,
            owner=people[Role.CHANNEL_MANAGER],
        )
    return people


def files(tmp_path):
    licence, photo = tmp_path / "营业执照.pdf", tmp_path / "门店.png"
    licence.write_bytes(PDF_BYTES)
    photo.write_bytes(png_bytes())
    return licence, photo


def test_the_whole_admission_journey(acme, new_page, log_in, shot, mailoutbox, tmp_path):
    licence, photo = files(tmp_path)

    # 1. The applicant applies on the public page, with uploads.
    applicant = new_page()
    applicant.goto("/join/acme/wenzhou-2026/")
    expect(applicant.get_by_test_id("campaign-title")).to_contain_text("温州")
    applicant.get_by_test_id("apply-link").click()
    form = applicant.get_by_test_id("apply-form")
    for name, value in FIELDS.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=credit_code]").fill(credit_code(8_800_001))
    form.locator("[name=channel_type]").select_option("distributor")
    form.locator("[name=doc_business_licence]").set_input_files(str(licence))
    form.locator("[name=doc_legal_rep_id]").set_input_files(str(licence))
    shot(applicant, "apply-form")
    applicant.get_by_test_id("submit-application").click()
    expect(applicant.get_by_test_id("public-state")).to_have_attribute("data-state", "submitted")
    status_url = applicant.url
    # The e-mail carries its own private link (each e-mail gets a fresh one).
    assert any(m.to == ["linhai@ouyue.example.cn"] and "/join/acme/status/" in m.body for m in mailoutbox)

    # 2. The reviewer (channel manager) starts the review and scores it.
    manager = new_page()
    log_in(manager, "manager@acme.example.cn", PASSWORD)
    manager.goto("/t/acme/onboarding/")
    manager.get_by_role("link", name=FIELDS["company_name"]).click()
    manager.get_by_test_id("action-start_review").click()
    expect(manager.get_by_test_id("application-state")).to_have_attribute("data-state", "under_review")
    manager.get_by_test_id("action-pass_review").click()
    review = manager.get_by_test_id("review-form")
    for score in review.locator("input[name^=score_]").all():
        score.fill("8")
    review.locator("[name=documents_checked]").check()
    review.locator("[name=inspector]").select_option(label="inspector")
    expect(manager.locator("#rubric-total")).to_have_text("80.00")
    review.locator("button[type=submit]").click()
    expect(manager.get_by_test_id("application-state")).to_have_attribute("data-state", "site_inspection")
    detail_url = manager.url

    # 3. The inspector files the report with a photo.
    inspector = new_page()
    log_in(inspector, "inspector@acme.example.cn", PASSWORD)
    inspector.goto(detail_url)
    inspector.get_by_test_id("action-file_inspection").click()
    report = inspector.get_by_test_id("inspection-form")
    for item in report.get_by_test_id("checklist-item").all():
        item.locator("input[type=radio][value=pass]").check()
    report.locator("[name=score]").fill("86")
    report.locator("[name=findings]").fill("经营场所与执照一致，仓储条件良好")
    report.locator("[name=photos]").set_input_files(str(photo))
    report.locator("button[type=submit]").click()
    expect(inspector.get_by_test_id("application-state")).to_have_attribute("data-state", "evaluation")
    expect(inspector.get_by_test_id("photos").locator("img")).to_have_count(1)

    # The manager writes the evaluation; it goes to management.
    manager.goto(detail_url)
    manager.get_by_test_id("action-submit_evaluation").click()
    manager.get_by_test_id("evaluation-form").locator("[name=summary]").fill("资质良好，建议准入")
    manager.get_by_test_id("evaluation-form").locator("button[type=submit]").click()
    expect(manager.get_by_test_id("application-state")).to_have_attribute("data-state", "pending_approval")

    # 4. The executive approves from the e-mail link, without logging in.
    mail = next(m for m in reversed(mailoutbox) if m.to == ["ceo@acme.example.cn"] and "/approve/" in m.body)
    link = re.search(r"https?://\S+/approve/\S+/", mail.body).group(0)
    executive = new_page()
    executive.goto(link)
    expect(executive.locator("main")).to_contain_text(FIELDS["company_name"])
    shot(executive, "approval-link")
    executive.get_by_test_id("decision-form").locator("button[value=approve]").click()
    expect(executive.get_by_test_id("link-done")).to_be_visible()

    # The manager issues the contract.
    manager.goto(detail_url)
    expect(manager.get_by_test_id("application-state")).to_have_attribute("data-state", "approved")
    manager.get_by_test_id("action-issue_contract").click()
    manager.get_by_test_id("contract-form").locator("button[type=submit]").click()
    expect(manager.get_by_test_id("application-state")).to_have_attribute("data-state", "contract_issued")

    # 5. The applicant signs the contract.
    applicant.goto(status_url)
    applicant.get_by_test_id("sign-link").click()
    expect(applicant.get_by_test_id("contract-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    sign = applicant.get_by_test_id("sign-form")
    sign.locator("[name=signer_name]").fill("林海")
    sign.locator("[name=agree]").check()
    shot(applicant, "sign")
    sign.locator("button[type=submit]").click()
    expect(applicant.get_by_test_id("public-state")).to_have_attribute("data-state", "contract_signed")

    # The supervisor countersigns: the partner is created and its admin invited.
    supervisor = new_page()
    log_in(supervisor, "supervisor@acme.example.cn", PASSWORD)
    supervisor.goto(detail_url)
    supervisor.get_by_test_id("action-countersign").click()
    # A page of its own says what countersigning does; it needs an explicit tick.
    confirm = supervisor.get_by_test_id("countersign-form")
    confirm.locator("[name=confirm]").check()
    confirm.get_by_test_id("confirm-countersign").click()
    expect(supervisor.get_by_test_id("application-state")).to_have_attribute("data-state", "active")
    shot(supervisor, "active")

    # 6. The partner admin accepts the invitation and sees the partner and the training checklist.
    invitation = next(
        m for m in reversed(mailoutbox) if m.to == ["linhai@ouyue.example.cn"] and "/invite/" in m.body
    )
    partner_admin = new_page()
    partner_admin.goto(re.search(r"https?://\S+/invite/\S+/", invitation.body).group(0))
    accept = partner_admin.get_by_test_id("accept-form")
    accept.locator("[name=full_name]").fill("林海")
    accept.locator("[name=password1]").fill("Ouyue-partner-2026")
    accept.locator("[name=password2]").fill("Ouyue-partner-2026")
    accept.locator("button[type=submit]").click()
    expect(partner_admin).to_have_url(re.compile(r"/t/acme/$"))
    partner_admin.locator("aside").get_by_test_id("nav-training").click()
    expect(partner_admin.get_by_test_id("partner-name")).to_have_text(FIELDS["company_name"])
    expect(partner_admin.get_by_test_id("training-task")).to_have_count(5)
    shot(partner_admin, "partner-training")
