"""Stock and sell-out reports, book stock, the monitoring snapshot and its alerts, on a small
data set computed by hand (the window is the default 28 days; the line's thresholds 14 / 30 /
90 days)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from channelhub import periods
from channelhub.models import Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from orders import services
from orders.models import (
    InventoryReport,
    MovementKind,
    Order,
    SellOutLine,
    StockCount,
    StockMovement,
    StockPosition,
    StockStatus,
)
from partners.models import Partner
from tests.factories import PartnerFactory, RegionFactory
from tests.orders.factories import ProductFactory


@pytest.fixture
def region(alpha):
    return RegionFactory(tenant=alpha, name="浙江省")


@pytest.fixture
def skus(alpha, piles):
    def make(sku, **kw):
        return ProductFactory(tenant=alpha, sku=sku, category=piles["dc"], line=piles["line"], **kw)  # noqa: E731

    return {
        "p1": make("P1", pack_multiple=5),
        "p2": make("P2", pack_multiple=10),
        "p3": make("P3"),
        "p4": make("P4"),
        "svc": make("SVC", is_service=True),
    }


def sale(product, days_ago, quantity, region, price="100"):
    return services.SaleInput(
        product=product, sold_on=periods.today() - timedelta(days=days_ago), quantity=quantity,
        unit_price=Decimal(price), region=region,
    )  # fmt: skip


@pytest.fixture
def history(alpha, alpha_partner, partner_user, manager, skus, region):
    """P1: counted 50 ten days ago, 20 received five days ago, 10 sold 20 days ago (before the
    count) and 14 three days ago. P2: 30 received 40 days ago, 28 sold two days ago, 10 shipped
    and in transit. P3: 5 sold a week ago, counted 0 yesterday. P4: counted 100 thirty days ago,
    nothing sold. The service is sold but never stocked."""
    Partner.all_tenants.filter(pk=alpha_partner.pk).update(credit_limit=Decimal("1000000.00"))
    alpha_partner.refresh_from_db()
    today = None
    with tenant_context(alpha):
        today = periods.today()
        services.report_sell_out(
            partner=alpha_partner,
            sales=[
                sale(skus["p1"], 20, 10, region),
                sale(skus["p3"], 7, 5, region),
                sale(skus["svc"], 1, 2, region),
            ],
            by=partner_user,
        )
        services.report_stock(
            partner=alpha_partner,
            counted_on=today - timedelta(days=30),
            quantities={skus["p4"]: 100},
            by=partner_user,
        )
        services.report_stock(
            partner=alpha_partner,
            counted_on=today - timedelta(days=10),
            quantities={skus["p1"]: 50},
            by=partner_user,
        )
        StockMovement.objects.create(
            partner=alpha_partner, product=skus["p1"], kind=MovementKind.RECEIPT, quantity=20,
            moved_on=today - timedelta(days=5),
        )  # fmt: skip
        StockMovement.objects.create(
            partner=alpha_partner, product=skus["p2"], kind=MovementKind.RECEIPT, quantity=30,
            moved_on=today - timedelta(days=40),
        )  # fmt: skip
        services.report_sell_out(
            partner=alpha_partner,
            sales=[sale(skus["p1"], 3, 14, region), sale(skus["p2"], 2, 28, region)],
            by=partner_user,
        )
        services.report_stock(
            partner=alpha_partner,
            counted_on=today - timedelta(days=1),
            quantities={skus["p3"]: 0},
            by=partner_user,
        )
        order = services.create_order(
            partner=alpha_partner,
            lines=[services.LineInput(skus["p2"], 10)],
            delivery_address="杭州",
            by=partner_user,
        )
        services.submit_order(order, by=partner_user)
        services.confirm_order(Order.objects.get(pk=order.pk), by=manager)
        order = Order.objects.get(pk=order.pk)
        services.ship_order(order, quantities={order.lines.get().pk: 10}, carrier="顺丰", by=manager)
        services.recompute_positions()
    return today


def positions(alpha, partner):
    with tenant_context(alpha):
        return {
            p.product.sku: p for p in StockPosition.objects.filter(partner=partner).select_related("product")
        }


def test_the_snapshot_matches_the_figures_computed_by_hand(alpha, alpha_partner, history):
    rows = positions(alpha, alpha_partner)
    assert set(rows) == {"P1", "P2", "P3", "P4"}  # the service is never stocked
    p1, p2, p3, p4 = rows["P1"], rows["P2"], rows["P3"], rows["P4"]
    # P1: 50 + 20 − 14 = 56 on hand; 24 sold in 28 days; 56 × 28 / 24 = 65.3 days: healthy.
    assert (p1.on_hand, p1.in_transit, p1.sold_in_window) == (56, 0, 24)
    assert p1.avg_daily == pytest.approx(24 / 28)
    assert p1.days_of_cover == pytest.approx(56 * 28 / 24)
    assert p1.status == StockStatus.HEALTHY and p1.suggested_quantity == 0
    assert p1.last_counted_on == history - timedelta(days=10)
    # P2: 30 − 28 = 2 on hand, 10 in transit, 1 a day: 2 days, low; 30 × 1 − 12 = 18 → 20 (packs of 10).
    assert (p2.on_hand, p2.in_transit, p2.sold_in_window) == (2, 10, 28)
    assert p2.days_of_cover == pytest.approx(2.0)
    assert p2.status == StockStatus.LOW and p2.suggested_quantity == 20
    # P3: counted 0 after its sale: a stock-out; 30 × 5 / 28 = 5.36 → 6.
    assert (p3.on_hand, p3.status, p3.suggested_quantity) == (0, StockStatus.STOCK_OUT, 6)
    # P4: 100 and nothing sold: overstock, no cover figure.
    assert (p4.on_hand, p4.status, p4.days_of_cover, p4.suggested_quantity) == (
        100,
        StockStatus.OVERSTOCK,
        None,
        0,
    )


def test_the_thresholds_are_the_product_lines(alpha, alpha_partner, history, piles):
    type(piles["line"]).all_tenants.filter(pk=piles["line"].pk).update(
        low_cover_days=70, target_cover_days=80, overstock_cover_days=100
    )
    with tenant_context(alpha):
        services.recompute_positions()
    rows = positions(alpha, alpha_partner)
    assert rows["P1"].status == StockStatus.LOW  # 65.3 days is below 70 now
    # 80 days × 24 / 28 a day = 68.6, less 56 on hand = 12.6 → 13 → 15 (packs of 5)
    assert rows["P1"].suggested_quantity == 15


def test_a_count_records_the_book_stock_it_replaces_and_its_variance(
    alpha, alpha_partner, partner_user, history, skus
):
    with tenant_context(alpha):
        report = services.report_stock(
            partner=alpha_partner,
            counted_on=history,
            quantities={skus["p1"]: 50, skus["p2"]: ""},
            by=partner_user,
        )
        count = StockCount.objects.get(report=report)
        assert (count.quantity, count.book_quantity, count.variance) == (50, 56, -6)
        assert report.line_count == 1  # the blank is not counted
        assert positions(alpha, alpha_partner)["P1"].on_hand == 50  # refreshed at once
        # the same count again changes nothing and makes no report
        assert (
            services.report_stock(
                partner=alpha_partner, counted_on=history, quantities={skus["p1"]: 50}, by=partner_user
            )
            is None
        )
        # a correction of the same day replaces the count
        services.report_stock(
            partner=alpha_partner, counted_on=history, quantities={skus["p1"]: 53}, by=partner_user
        )
        assert list(
            StockCount.objects.filter(product=skus["p1"], counted_on=history).values_list(
                "quantity", "book_quantity"
            )
        ) == [(53, 56)]


def test_bad_reports_are_refused_with_their_reason(alpha, alpha_partner, partner_user, skus, region):
    with tenant_context(alpha), translation.override("en"):
        today = periods.today()
        with pytest.raises(ValidationError, match="future"):
            services.report_stock(
                partner=alpha_partner,
                counted_on=today + timedelta(days=1),
                quantities={skus["p1"]: 1},
                by=partner_user,
            )
        with pytest.raises(ValidationError, match="service"):
            services.report_stock(
                partner=alpha_partner, counted_on=today, quantities={skus["svc"]: 1}, by=partner_user
            )
        with pytest.raises(ValidationError) as refused:
            services.report_stock(
                partner=alpha_partner,
                counted_on=today,
                quantities={skus["p1"]: "-3", skus["p2"]: "abc"},
                by=partner_user,
            )
        assert len(refused.value.messages) == 2
        with pytest.raises(ValidationError, match="Line 2"):
            services.report_sell_out(
                partner=alpha_partner,
                sales=[sale(skus["p1"], 1, 1, region), sale(skus["p2"], 1, 0, region)],
                by=partner_user,
            )
        with pytest.raises(ValidationError, match="year"):
            services.report_sell_out(
                partner=alpha_partner, sales=[sale(skus["p1"], 500, 1, region)], by=partner_user
            )
        assert not InventoryReport.objects.exists() and not SellOutLine.objects.exists()


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.TENANT_ADMIN, Role.FINANCE])
def test_only_the_partners_own_users_report(alpha, alpha_partner, member, skus, role):
    other = PartnerFactory(tenant=alpha)
    with tenant_context(alpha):
        with pytest.raises(PermissionDenied):
            services.report_stock(
                partner=alpha_partner, counted_on=periods.today(), quantities={skus["p1"]: 1}, by=member(role)
            )
        with pytest.raises(PermissionDenied):
            services.report_stock(
                partner=alpha_partner, counted_on=periods.today(), quantities={skus["p1"]: 1},
                by=member(Role.PARTNER_ADMIN, partner=other),
            )  # fmt: skip


def test_another_tenants_figures_stay_out_of_the_snapshot(alpha, beta, alpha_partner, history, member):
    beta_partner = PartnerFactory(tenant=beta)
    beta_user = member(Role.PARTNER_STAFF, tenant=beta, partner=beta_partner)
    beta_product = ProductFactory(tenant=beta, sku="P1")
    with tenant_context(beta):
        services.report_stock(
            partner=beta_partner, counted_on=periods.today(), quantities={beta_product: 7}, by=beta_user
        )
    with tenant_context(alpha):
        services.recompute_positions()
        assert StockPosition.objects.count() == 4
    with tenant_context(beta):
        assert list(StockPosition.objects.values_list("on_hand", flat=True)) == [7]


def test_alerts_tell_each_change_once(alpha, alpha_partner, partner_user, history, skus, region):
    with tenant_context(alpha):
        assert services.send_stock_alerts() == 0  # told as each report came in
        assert Notification.objects.filter(recipient=partner_user, body__contains="P3").exists()
        StockPosition.objects.update(alerted_status="")  # as if never told
        Notification.objects.all().delete()
        assert services.send_stock_alerts() == 1  # P2 low and P3 stock-out: one message
        note = Notification.objects.get(recipient=partner_user)
        assert "P2" in note.body and "P3" in note.body and "P1" not in note.body
        assert services.send_stock_alerts() == 0  # nothing new: nobody told twice
        assert services.recompute_positions() == 4 and services.send_stock_alerts() == 0
        # P1 sells fast: its status changes, and that is told
        services.report_sell_out(
            partner=alpha_partner, sales=[sale(skus["p1"], 0, 40, region)], by=partner_user
        )
        assert positions(alpha, alpha_partner)["P1"].status == StockStatus.LOW
        assert Notification.objects.filter(recipient=partner_user).count() == 2  # told on the report at once
        assert services.send_stock_alerts() == 0


def test_receipt_turns_in_transit_into_stock(alpha, alpha_partner, partner_user, history):
    from orders.models import Shipment

    with tenant_context(alpha):
        shipment = Shipment.objects.get()
        services.receive_shipment(
            shipment,
            received={shipment.lines.get().pk: 9},
            damaged={shipment.lines.get().pk: 1},
            by=partner_user,
        )
    p2 = positions(alpha, alpha_partner)["P2"]
    assert (p2.on_hand, p2.in_transit) == (11, 0)
    assert p2.suggested_quantity == 20  # 30 − 11 = 19 → 20


def test_suggestions_become_a_draft_order(alpha, alpha_partner, partner_user, history):
    with tenant_context(alpha):
        order = services.draft_from_suggestions(alpha_partner, by=partner_user)
        assert order.status == "draft"
        assert sorted((line.product.sku, line.quantity) for line in order.lines.all()) == [
            ("P2", 20),
            ("P3", 6),
        ]
        only = services.draft_from_suggestions(
            alpha_partner, by=partner_user, product_ids=[order.lines.get(product__sku="P3").product_id]
        )
        assert [(line.product.sku, line.quantity) for line in only.lines.all()] == [("P3", 6)]
        StockPosition.objects.update(suggested_quantity=0)
        with translation.override("en"), pytest.raises(ValidationError, match="nothing to replenish"):
            services.draft_from_suggestions(alpha_partner, by=partner_user)


def test_the_report_cycle_reminds_and_flags_once(alpha, alpha_partner, partner_user, skus):
    from orders.models import ReportDue

    with tenant_context(alpha):
        today = periods.today()  # monthly, due on the 5th (the defaults)
        last = services.reporting_period(services.reporting_period(today).first - timedelta(days=1))
        assert last.due_on == last.last + timedelta(days=5)
        before = last.due_on - timedelta(days=1)
        assert services.run_report_cycle(before) == {"reminded": 1, "overdue": 0}
        due = ReportDue.objects.get(partner=alpha_partner)
        assert (due.period_first, due.period_last, due.due_on) == (last.first, last.last, last.due_on)
        assert services.run_report_cycle(before) == {"reminded": 0, "overdue": 0}
        after = last.due_on + timedelta(days=1)
        assert services.run_report_cycle(after) == {"reminded": 0, "overdue": 1}
        assert services.run_report_cycle(after) == {"reminded": 0, "overdue": 0}
        assert ReportDue.objects.get().is_overdue
        services.report_stock(
            partner=alpha_partner, counted_on=last.last, quantities={skus["p1"]: 3}, by=partner_user
        )
        assert not ReportDue.objects.get().is_overdue  # reported late: no longer flagged


def test_a_weekly_cycle_is_due_on_its_weekday(alpha):
    from datetime import date

    from orders.models import OrderSettings, ReportCycle
    from orders.services.orders import get_settings

    with tenant_context(alpha):
        get_settings()
        OrderSettings.objects.update(report_cycle=ReportCycle.WEEKLY, report_due_day=2)
        period = services.reporting_period(date(2026, 12, 3))  # a Thursday
        assert (period.first, period.last, period.due_on) == (
            date(2026, 11, 30),
            date(2026, 12, 6),
            date(2026, 12, 8),
        )
