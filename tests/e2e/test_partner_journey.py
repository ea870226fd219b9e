"""A partner's suspension and reactivation, end to end in a real browser: the channel manager
filters the registry, opens the partner and suspends it with a reason, then asks for its
reactivation; the executive opens the approval e-mail in the local outbox and approves from
its link; the partner is active again and its timeline shows both steps and both people."""

import re

import pytest
from playwright.sync_api import expect

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners.models import ChannelType, Partner, PartnerStatus
from tests.factories import PASSWORD, MembershipFactory, PartnerFactory, RegionFactory, TenantFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUSPENSION_REASON = "连续两个季度未按规定上报库存数据，暂停合作待整改。"
REACTIVATION_REASON = "已完成整改，补报全部库存数据。"


@pytest.fixture
def people():
    tenant = TenantFactory(slug="alpha", name="阿尔法充电科技有限公司")
    zhejiang = RegionFactory(tenant=tenant, name="浙江省")
    hangzhou = RegionFactory(tenant=tenant, parent=zhejiang, name="杭州市")
    ningbo = RegionFactory(tenant=tenant, parent=zhejiang, name="宁波市")

    def person(role, name):
        return MembershipFactory(tenant=tenant, role=role, user__full_name=name).user

    manager = person(Role.CHANNEL_MANAGER, "李晓峰")
    partner = PartnerFactory(
        tenant=tenant,
        name="杭州驰远新能源设备有限公司",
        channel_type=ChannelType.DISTRIBUTOR,
        region=hangzhou,
        owner=manager,
    )
    # Others the filter must leave out: another type in the same city, the same type elsewhere.
    PartnerFactory(
        tenant=tenant, name="杭州云充代理服务有限公司", channel_type=ChannelType.AGENT, region=hangzhou
    )
    PartnerFactory(
        tenant=tenant, name="宁波甬能充电设备有限公司", channel_type=ChannelType.DISTRIBUTOR, region=ningbo
    )
    return {
        "tenant": tenant,
        "partner": partner,
        "hangzhou": hangzhou,
        "manager": manager,
        "executive": person(Role.EXECUTIVE, "陈志强"),
    }


def test_suspend_then_reactivate_from_the_outbox_link(
    people, new_page, log_in, shot, settings, live_server, tmp_path
):
    settings.SITE_URL = live_server.url
    # The embedded mode's backend: every message lands on the local outbox page.
    settings.EMAIL_BACKEND = "channelhub.mail.OutboxEmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    partner, executive = people["partner"], people["executive"]

    # 1. The channel manager filters the registry down to the partner and opens it.
    manager = new_page()
    log_in(manager, people["manager"].email, PASSWORD)
    manager.locator("aside").get_by_role("link", name="渠道商").click()
    expect(manager.get_by_test_id("partner-row")).to_have_count(1)  # their own portfolio first
    manager.get_by_test_id("scope-toggle").locator("a").nth(1).click()  # then every partner
    expect(manager.get_by_test_id("partner-row")).to_have_count(3)
    filters = manager.get_by_test_id("partner-filter")
    filters.locator("select[name=channel_type]").select_option(ChannelType.DISTRIBUTOR)
    region = filters.locator("select[name=region] + .ts-wrapper")  # the territory filter is searchable
    region.locator(".ts-control").click()
    region.locator("input").press_sequentially("杭州")
    region.locator(".ts-dropdown .option", has_text="杭州市").first.click()
    expect(filters.locator("select[name=region]")).to_have_value(str(people["hangzhou"].pk))
    filters.locator("button[type=submit]").click()
    expect(manager.get_by_test_id("partner-row")).to_have_count(1)
    expect(manager.get_by_test_id("partner-row")).to_contain_text(partner.name)
    shot(manager, "filtered-list")
    manager.get_by_test_id("partner-row").get_by_role("link", name=partner.name).click()
    expect(manager.get_by_test_id("partner-name")).to_have_text(partner.name)

    # 2. Suspends it with a reason (an empty reason is refused: tests/partners/test_status.py).
    manager.get_by_test_id("status-suspend").click()
    manager.get_by_test_id("status-form").locator("textarea[name=reason]").fill(SUSPENSION_REASON)
    manager.get_by_test_id("status-submit").click()
    expect(manager.get_by_test_id("status-reason")).to_contain_text(SUSPENSION_REASON)
    shot(manager, "suspended")

    # 3. Asks an executive to reactivate it.
    manager.get_by_test_id("status-reactivate").click()
    manager.get_by_test_id("status-form").locator("textarea[name=reason]").fill(REACTIVATION_REASON)
    manager.get_by_test_id("status-submit").click()
    expect(manager.get_by_test_id("pending-reactivation")).to_be_visible()
    with tenant_context(people["tenant"]):
        assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.SUSPENDED

    # 4. The executive finds the request in the local outbox and opens its link.
    boss = new_page()
    log_in(boss, executive.email, PASSWORD)
    boss.locator("aside").get_by_role("link", name="本地发件箱").click()
    mail = boss.get_by_test_id("outbox").locator(".card").filter(has_text=partner.name).first
    expect(mail).to_be_visible()
    shot(boss, "outbox")
    boss.goto(mail.locator("a[href*='/approve/']").first.get_attribute("href"))
    form = boss.get_by_test_id("decision-form")
    expect(form).to_be_visible()
    expect(boss.locator("main")).to_contain_text(partner.name)
    expect(boss.locator("main")).to_contain_text(REACTIVATION_REASON)
    with tenant_context(people["tenant"]):
        assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.SUSPENDED  # opening decided nothing
    shot(boss, "approval-link")
    form.locator("textarea[name=comment]").fill("整改到位，同意恢复合作。")
    form.locator("button[value=approve]").click()
    expect(boss.get_by_test_id("link-done")).to_be_visible()
    shot(boss, "approved")

    # 5. The partner is active again; its timeline shows the suspension and the approval.
    manager.reload()
    expect(manager.get_by_test_id("status-reason")).to_have_count(0)
    expect(manager.get_by_test_id("pending-reactivation")).to_have_count(0)
    manager.get_by_test_id("tab-timeline").click()
    timeline = manager.locator("#tab-timeline")
    expect(timeline).to_have_class(re.compile(r"\bshow\b"))
    for text in (SUSPENSION_REASON, "李晓峰", "陈志强"):
        expect(timeline).to_contain_text(text)
    manager.wait_for_timeout(400)  # the tab's fade-in, for the screenshot
    shot(manager, "timeline")
    with tenant_context(people["tenant"]):
        assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.ACTIVE
