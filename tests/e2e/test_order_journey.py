"""An order over the credit limit, end to end in a real browser: the partner's admin orders 20
piles → the order goes to credit hold → finance approves from the e-mail link in the local
outbox → the order desk ships it in two parts → the partner confirms receipt of both → its
stock and days of cover change on the monitoring page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from channelhub import periods
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from orders import services
from orders.models import Order, OrderStatus, StockPosition
from tests.factories import PASSWORD, MembershipFactory, PartnerFactory, RegionFactory, TenantFactory
from tests.orders.factories import ProductCategoryFactory, ProductFactory, ProductLineFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    tenant = TenantFactory(slug="alpha", name="阿尔法充电科技有限公司")
    zhejiang = RegionFactory(tenant=tenant, name="浙江省")
    hangzhou = RegionFactory(tenant=tenant, parent=zhejiang, name="杭州市")

    def person(role, name, **extra):
        return MembershipFactory(tenant=tenant, role=role, user__full_name=name, **extra).user

    manager = person(Role.CHANNEL_MANAGER, "李晓峰")
    partner = PartnerFactory(
        tenant=tenant, name="杭州驰远新能源设备有限公司", region=hangzhou, owner=manager,
        credit_limit=Decimal("20000.00"), address="杭州市西湖区文三路 100 号",
    )  # fmt: skip
    buyer = person(Role.PARTNER_ADMIN, "郑凯", partner=partner)
    category = ProductCategoryFactory(tenant=tenant, name="交流充电桩")
    line = ProductLineFactory(tenant=tenant, code="AC", name="交流桩产品线")
    pile = ProductFactory(
        tenant=tenant, sku="XC-AC7-W", name="7kW 交流壁挂桩", category=category, line=line,
        list_price=Decimal("1680.00"),
    )  # fmt: skip
    with tenant_context(tenant):  # a month of history: 5 on hand, 28 sold in 28 days
        today = periods.today()
        services.report_sell_out(
            partner=partner,
            sales=[
                services.SaleInput(
                    product=pile,
                    sold_on=today - timedelta(days=day),
                    quantity=1,
                    unit_price=Decimal("1980"),
                    region=hangzhou,
                )  # fmt: skip
                for day in range(28)  # today and the 27 days before: the 28-day window
            ],
            by=buyer,
        )
        services.report_stock(partner=partner, counted_on=today, quantities={pile: 5}, by=buyer)
    return {
        "tenant": tenant,
        "partner": partner,
        "pile": pile,
        "manager": manager,
        "buyer": buyer,
        "finance": person(Role.FINANCE, "王会计"),
    }


def test_credit_hold_approved_by_mail_shipped_in_two_parts_received_into_stock(
    people, new_page, log_in, shot, settings, live_server, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "channelhub.mail.OutboxEmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    tenant, pile = people["tenant"], people["pile"]

    # 0. The partner's monitoring page: 5 on hand, 5 days of cover, low.
    buyer = new_page()
    log_in(buyer, people["buyer"].email, PASSWORD)
    buyer.goto("/t/alpha/orders/stock/")
    row = buyer.get_by_test_id("stock-row").filter(has_text=pile.sku)
    expect(row.get_by_test_id("stock-on-hand")).to_have_text("5")
    expect(row.get_by_test_id("stock-cover")).to_have_text("5")
    shot(buyer, "stock-before")

    # 1. It orders 20 piles (¥33,600 against a ¥20,000 limit) and submits: credit hold.
    buyer.locator("aside").get_by_role("link", name="订单").click()
    buyer.get_by_test_id("order-create").click()
    form = buyer.get_by_test_id("order-form")
    form.locator("input[name=delivery_address]").fill("杭州市西湖区文三路 100 号 3 号仓")
    product = form.locator("select[name=lines-0-product] + .ts-wrapper")
    product.locator(".ts-control").click()
    product.locator("input").press_sequentially("AC7")
    product.locator(".ts-dropdown .option", has_text=pile.sku).first.click()
    form.locator("input[name=lines-0-quantity]").fill("20")
    buyer.get_by_test_id("order-save").click()
    buyer.get_by_test_id("order-submit").click()
    expect(buyer.get_by_test_id("order-status")).to_have_text("信用冻结")
    shot(buyer, "credit-hold")
    with tenant_context(tenant):
        order = Order.objects.get(partner=people["partner"])
        assert order.status == OrderStatus.CREDIT_HOLD

    # 2. Finance approves from the e-mail's link in the local outbox.
    finance = new_page()
    log_in(finance, people["finance"].email, PASSWORD)
    finance.locator("aside").get_by_role("link", name="本地发件箱").click()
    mail = finance.get_by_test_id("outbox").locator(".card").filter(has_text=order.number).first
    expect(mail).to_be_visible()
    finance.goto(mail.locator("a[href*='/approve/']").first.get_attribute("href"))
    decision = finance.get_by_test_id("decision-form")
    expect(finance.locator("main")).to_contain_text(order.number)
    decision.locator("textarea[name=comment]").fill("回款记录良好，同意放行。")
    decision.locator("button[value=approve]").click()
    expect(finance.get_by_test_id("link-done")).to_be_visible()
    shot(finance, "approved")
    with tenant_context(tenant):
        assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED

    # 3. The order desk ships 12, then the other 8.
    desk = new_page()
    log_in(desk, people["manager"].email, PASSWORD)
    desk.goto(f"/t/alpha/orders/{order.pk}/")
    for quantity, tracking in (("12", "SF1001"), ("8", "SF1002")):
        ship = desk.get_by_test_id("ship-form")
        ship.locator("input[name^=ship-line_]").fill(quantity)
        ship.locator("input[name=ship-carrier]").fill("顺丰速运")
        ship.locator("input[name=ship-tracking_number]").fill(tracking)
        desk.get_by_test_id("ship-submit").click()
        expect(desk.get_by_test_id("shipment").filter(has_text=tracking)).to_be_visible()
    expect(desk.get_by_test_id("order-status")).to_have_text("已发货")
    shot(desk, "shipped-in-two")

    # 4. The partner confirms receipt of both shipments; on the way, 20 were in transit.
    buyer.goto("/t/alpha/orders/stock/")
    expect(buyer.get_by_test_id("stock-row").filter(has_text=pile.sku)).to_contain_text("20")
    buyer.goto(f"/t/alpha/orders/{order.pk}/")
    for _ in range(2):
        buyer.get_by_test_id("receive-form").first.get_by_test_id("receive-submit").click()
        buyer.wait_for_load_state()
    expect(buyer.get_by_test_id("order-status")).to_have_text("已收货")
    shot(buyer, "received")

    # 5. Its stock is 25 now: 25 days of cover at one a day, healthy.
    buyer.goto("/t/alpha/orders/stock/")
    row = buyer.get_by_test_id("stock-row").filter(has_text=pile.sku)
    expect(row.get_by_test_id("stock-on-hand")).to_have_text("25")
    expect(row.get_by_test_id("stock-cover")).to_have_text("25")
    expect(row.get_by_test_id("stock-status")).to_have_text("正常")
    shot(buyer, "stock-after")
    with tenant_context(tenant):
        position = StockPosition.objects.get(partner=people["partner"], product=pile)
        assert (position.on_hand, position.in_transit) == (25, 0)
