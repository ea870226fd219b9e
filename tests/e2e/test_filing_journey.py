"""A change of territory, end to end in a real browser: the channel manager files it, the
supervisor approves it from the e-mail link, the clerk records it, and the partner's page
shows the new territory while the timelines say who did what."""

import re

import pytest
from playwright.sync_api import expect

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from filings.models import Filing
from tests.factories import PASSWORD, MembershipFactory, PartnerFactory, RegionFactory, TenantFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    tenant = TenantFactory(slug="alpha", name="阿尔法充电科技有限公司")
    henan = RegionFactory(tenant=tenant, name="河南省")
    zhengzhou = RegionFactory(tenant=tenant, parent=henan, name="郑州市")
    luoyang = RegionFactory(tenant=tenant, parent=henan, name="洛阳市")
    partner = PartnerFactory(tenant=tenant, name="郑州鑫联通讯器材有限公司", region=zhengzhou)

    def person(role, name):
        return MembershipFactory(tenant=tenant, role=role, user__full_name=name).user

    return {
        "tenant": tenant,
        "partner": partner,
        "luoyang": luoyang,
        "manager": person(Role.CHANNEL_MANAGER, "李晓峰"),
        "supervisor": person(Role.CHANNEL_SUPERVISOR, "张丽华"),
        "clerk": person(Role.CLERK, "刘敏"),
    }


def test_a_change_of_territory_from_filing_to_partner_record(
    people, new_page, log_in, shot, settings, live_server, mailoutbox
):
    settings.SITE_URL = live_server.url
    partner, luoyang = people["partner"], people["luoyang"]

    # 1. The channel manager files the change.
    manager = new_page()
    log_in(manager, people["manager"].email, PASSWORD)
    manager.locator("aside").get_by_test_id("nav-filings").click()
    manager.get_by_test_id("new-change").click()
    picker = manager.get_by_test_id("pick-partner")
    # The partner picker searches as one types (Tom Select asking partners:pick).
    picker.locator(".ts-control").click()
    picker.locator(".ts-control input").press_sequentially("鑫联")
    picker.locator(".ts-dropdown .option", has_text="郑州鑫联通讯器材有限公司").click()
    expect(picker.locator("select[name=partner]")).to_have_value(str(partner.pk))
    picker.locator("button[type=submit]").click()
    form = manager.get_by_test_id("filing-form")
    region = form.locator("select[name=region] + .ts-wrapper")
    region.locator(".ts-control").click()
    region.locator("input").press_sequentially("洛阳")
    region.locator(".ts-dropdown .option", has_text="河南省 / 洛阳市").click()
    expect(form.locator("select[name=region]")).to_have_value(str(luoyang.pk))
    diff = manager.get_by_test_id("filing-diff")
    expect(diff.locator("tr[data-field=region]")).to_contain_text("河南省 / 郑州市")  # live, from htmx
    expect(diff.locator("tr[data-field=region]")).to_contain_text("河南省 / 洛阳市")
    # Under load the page was once still settling (the live diff's requests) when the reason was
    # typed, and the save went without it: type once everything has arrived, and check it stayed.
    manager.wait_for_load_state("networkidle")
    reason, impact = "业务重心转移到洛阳，郑州门店已关闭。", "郑州地区 2 家客户移交给郑州其他渠道商。"
    form.locator("textarea[name=reason]").fill(reason)
    form.locator("textarea[name=impact]").fill(impact)
    manager.wait_for_load_state("networkidle")
    expect(form.locator("textarea[name=reason]")).to_have_value(reason)
    expect(form.locator("textarea[name=impact]")).to_have_value(impact)
    shot(manager, "change-form-with-diff")
    manager.get_by_test_id("save-filing").click()
    expect(manager.get_by_test_id("filing-state")).to_be_visible()
    expect(manager.get_by_test_id("checklist")).to_be_visible()
    manager.get_by_test_id("submit-filing").click()
    expect(manager.locator(".alert-success")).to_be_visible()
    shot(manager, "filing-submitted")
    with tenant_context(people["tenant"]):
        filing = Filing.objects.get()
    assert filing.state == "submitted"

    # 2. The supervisor approves from the e-mail link, without logging in first.
    [message] = [m for m in mailoutbox if people["supervisor"].email in m.to and "/approve/" in m.body]
    link = re.search(r"https?://\S+/approve/[\w-]+/", message.body).group(0)
    assert "河南省 / 洛阳市" in message.body
    supervisor = new_page()
    supervisor.goto(link)
    expect(supervisor.get_by_test_id("decision-form")).to_be_visible()
    expect(supervisor.locator("main")).to_contain_text("河南省 / 郑州市 → 河南省 / 洛阳市")
    shot(supervisor, "approval-link")
    supervisor.get_by_test_id("decision-form").locator("textarea[name=comment]").fill("材料齐全，同意。")
    supervisor.get_by_test_id("decision-form").locator("button[value=approve]").click()
    expect(supervisor.get_by_test_id("link-done")).to_be_visible()

    # 3. The clerk records it.
    clerk = new_page()
    log_in(clerk, people["clerk"].email, PASSWORD)
    clerk.goto(f"/t/alpha/filings/{filing.pk}/")
    clerk.get_by_test_id("record-filing").click()
    expect(clerk.locator(".alert-success")).to_contain_text(re.compile(r"BA-\d{4}-0001"))
    expect(clerk.get_by_test_id("record-number")).to_have_text(re.compile(r"BA-\d{4}-0001"))
    timeline = clerk.get_by_test_id("timeline")
    for name in ("李晓峰", "张丽华", "刘敏"):
        expect(timeline).to_contain_text(name)
    shot(clerk, "filing-recorded")

    # 4. The partner's page shows the new territory, and its timeline the change.
    clerk.get_by_test_id("filing-partner").locator("a").click()
    expect(clerk).to_have_url(re.compile(rf"/t/alpha/partners/{partner.pk}/$"))
    expect(clerk.locator("main")).to_contain_text("河南省 / 洛阳市")
    clerk.get_by_test_id("tab-timeline").click()
    partner_timeline = clerk.locator("#tab-timeline")
    expect(partner_timeline).to_be_visible()
    expect(partner_timeline).to_have_class(re.compile(r"\bshow\b"))
    expect(partner_timeline).to_contain_text("刘敏")
    expect(partner_timeline).to_contain_text("河南省 / 洛阳市")
    expect(partner_timeline).to_contain_text(re.compile(r"BA-\d{4}-0001"))
    clerk.wait_for_timeout(400)  # let the tab's fade-in finish for the screenshot
    shot(clerk, "partner-page")

    with tenant_context(people["tenant"]):
        partner.refresh_from_db()
        filing.refresh_from_db()
    assert partner.region_id == luoyang.pk
    assert (filing.state, filing.approved_by, filing.recorded_by) == (
        "effective",
        people["supervisor"],
        people["clerk"],
    )
