"""The inventory pages: stock and sell-out reports by form and by Excel upload (good file, bad
rows, the same file twice), the monitoring page and its one-click draft order, who sees what,
and the query counts of the lists with 1 and N rows."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from channelhub import periods
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from orders import services
from orders.models import InventoryImport, InventoryReport, Order, SellOutLine, StockCount, StockPosition
from tests.factories import PartnerFactory, RegionFactory
from tests.orders.factories import ProductFactory, _position_for

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BASE = "/t/alpha/orders/"


@pytest.fixture
def world(alpha, alpha_partner, piles):
    with tenant_context(alpha):
        zhejiang = RegionFactory(tenant=alpha, name="浙江省")
        hangzhou = RegionFactory(tenant=alpha, name="杭州市", parent=zhejiang)
        today = periods.today()
    pile = ProductFactory(
        tenant=alpha, sku="XC-AC7", category=piles["dc"], line=piles["line"], pack_multiple=2
    )
    cable = ProductFactory(tenant=alpha, sku="XC-CB5", category=piles["dc"], line=piles["line"])
    return {"pile": pile, "cable": cable, "zhejiang": zhejiang, "hangzhou": hangzhou, "today": today}


def workbook(headers, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, url, data, name="销售.xlsx"):
    response = client.post(url, {"file": SimpleUploadedFile(name, data, content_type=XLSX)})
    assert response.status_code == 302, response.context and response.context["form"].errors
    return response["Location"]


def test_a_stock_report_by_form_shows_book_stock_and_variance(client_as, partner_user, alpha, world):
    client = client_as(partner_user)
    url = f"{BASE}reports/stock/new/"
    page = client.get(url)
    assert page.status_code == 200 and "XC-AC7" in page.content.decode()
    today = world["today"].isoformat()
    pile, cable = world["pile"], world["cable"]
    bad = client.post(url, {"counted_on": today, f"sku_{pile.pk}": "-4", f"sku_{cable.pk}": "12"})
    assert bad.status_code == 400
    assert (
        bad.context["form"].non_field_errors() and 'value="12"' in bad.content.decode()
    )  # nothing typed lost
    future = client.post(
        url, {"counted_on": (world["today"] + timedelta(days=2)).isoformat(), f"sku_{pile.pk}": "3"}
    )
    assert future.status_code == 400 and future.context["form"].errors["counted_on"]
    done = client.post(url, {"counted_on": today, f"sku_{pile.pk}": "10", f"sku_{cable.pk}": ""})
    assert done.status_code == 302
    with tenant_context(alpha):
        report = InventoryReport.objects.get()
        assert list(StockCount.objects.values_list("product__sku", "quantity", "book_quantity")) == [
            ("XC-AC7", 10, None)
        ]
    detail = client.get(done["Location"])
    assert detail.status_code == 200 and "XC-AC7" in detail.content.decode()
    assert client.get(f"{BASE}reports/{report.pk}/export/")["Content-Type"].startswith(XLSX)


def test_a_sell_out_report_by_form_keeps_what_was_typed_on_an_error(client_as, partner_user, alpha, world):
    client = client_as(partner_user)
    url = f"{BASE}reports/sell-out/new/"
    assert client.get(url).status_code == 200
    data = {"sales-TOTAL_FORMS": "2", "sales-INITIAL_FORMS": "0", "note": ""}
    row = {"sold_on": world["today"].isoformat(), "product": world["pile"].pk, "quantity": "3",
           "unit_price": "1980", "region": world["hangzhou"].pk, "customer": "某物业"}  # fmt: skip
    data.update({f"sales-0-{key}": value for key, value in row.items()})
    data.update({"sales-1-quantity": "abc", "sales-1-unit_price": "10"})
    bad = client.post(url, data)
    assert bad.status_code == 400 and "某物业" in bad.content.decode()
    assert bad.context["formset"][1].errors["product"]
    data.update({"sales-1-quantity": "", "sales-1-unit_price": ""})
    assert client.post(url, data).status_code == 302
    with tenant_context(alpha):
        assert list(SellOutLine.objects.values_list("product__sku", "quantity", "customer")) == [
            ("XC-AC7", 3, "某物业")
        ]


SELL_OUT_HEADERS = ["销售日期", "SKU编码", "数量", "单价", "省份", "城市", "客户", "单据号"]


def test_the_same_sell_out_file_twice_adds_nothing_the_second_time(client_as, partner_user, alpha, world):
    client = client_as(partner_user)
    day = world["today"] - timedelta(days=3)
    rows = [
        [day, "XC-AC7", 2, 1980, "浙江", "杭州市", "个人车主", ""],
        [day, "XC-AC7", 2, 1980, "浙江", "杭州市", "个人车主", ""],  # the same sale twice is two sales
        [day.isoformat(), "xc-cb5", "5", "320.50", "浙江省", "", "", "FP-001"],
    ]
    data = workbook(SELL_OUT_HEADERS, rows)
    preview = upload(client, f"{BASE}reports/sell-out/import/", data)
    page = client.get(preview)
    assert page.context["counts"] == {"create": 3, "update": 0, "unchanged": 0, "errors": 0}
    assert client.post(preview).status_code == 302
    with tenant_context(alpha):
        assert SellOutLine.objects.count() == 3 and InventoryReport.objects.count() == 1
    again = upload(client, f"{BASE}reports/sell-out/import/", data)
    assert client.get(again).context["counts"] == {"create": 0, "update": 0, "unchanged": 3, "errors": 0}
    client.post(again)
    # the file grew by a row: only that row is new
    grown = upload(client, f"{BASE}reports/sell-out/import/", workbook(SELL_OUT_HEADERS, [*rows, rows[0]]))
    assert client.get(grown).context["counts"]["create"] == 1
    client.post(grown)
    with tenant_context(alpha):
        assert SellOutLine.objects.count() == 4 and InventoryReport.objects.count() == 2
        assert InventoryImport.objects.get(pk=again.rstrip("/").split("/")[-1]).created_count == 0


def test_bad_sell_out_rows_are_explained_row_by_row_and_nothing_is_saved(
    client_as, partner_user, alpha, world
):
    client = client_as(partner_user)
    future = world["today"] + timedelta(days=5)
    rows = [
        [world["today"], "XC-AC7", "两台", 1980, "浙江", "", "", ""],  # text in a number cell
        [future, "XC-AC7", 1, 1980, "浙江", "", "", ""],  # a date in the future
        [world["today"], "NOPE-1", 1, 10, "浙江", "", "", ""],  # an unknown SKU
        [world["today"], "XC-CB5", 1, 10, "火星省", "", "", ""],  # no such province
        [world["today"], "XC-CB5", 1, 10, "浙江", "", "", ""],  # a good row
    ]
    preview = upload(client, f"{BASE}reports/sell-out/import/", workbook(SELL_OUT_HEADERS, rows))
    page = client.get(preview)
    assert page.context["counts"]["errors"] == 4
    refused = client.post(preview)
    assert refused.status_code == 400
    text = refused.content.decode()
    with translation.override("zh-hans"):
        assert translation.gettext("A report cannot be dated in the future.") in text
    assert "NOPE-1" in text and "火星省" in text
    with tenant_context(alpha):
        assert not SellOutLine.objects.exists()
    wrong = workbook(["日期", "产品"], [[world["today"], "XC-AC7"]])
    page = client.get(upload(client, f"{BASE}reports/sell-out/import/", wrong))
    assert page.context["preview"].problems  # the missing columns, named


def test_a_stock_upload_corrects_a_count_and_the_template_downloads(client_as, partner_user, alpha, world):
    client = client_as(partner_user)
    template = client.get(f"{BASE}reports/stock/import/template/")
    assert template.status_code == 200 and template["Content-Type"].startswith(XLSX)
    day = world["today"] - timedelta(days=1)
    headers = ["盘点日期", "SKU编码", "库存数量"]
    client.post(upload(client, f"{BASE}reports/stock/import/", workbook(headers, [[day, "XC-AC7", 8]])))
    preview = upload(
        client, f"{BASE}reports/stock/import/", workbook(headers, [[day, "XC-AC7", 6], [day, "XC-CB5", 0]])
    )
    assert client.get(preview).context["counts"] == {"create": 1, "update": 1, "unchanged": 0, "errors": 0}
    client.post(preview)
    with tenant_context(alpha):
        assert dict(StockCount.objects.values_list("product__sku", "quantity")) == {"XC-AC7": 6, "XC-CB5": 0}


def test_staff_see_reports_but_do_not_file_them(client_as, manager, member):
    client = client_as(manager)
    assert client.get(f"{BASE}reports/").status_code == 200
    assert client.get(f"{BASE}stock/").status_code == 200
    for url in ("reports/stock/new/", "reports/sell-out/new/", "reports/sell-out/import/"):
        assert client.get(f"{BASE}{url}").status_code == 403
    assert client_as(member(Role.FINANCE)).get(f"{BASE}stock/demand/").status_code == 403
    assert client_as(member(Role.EXECUTIVE)).get(f"{BASE}stock/demand/").status_code == 200


def test_a_partner_sees_only_its_own_positions_and_orders_its_suggestions(
    client_as, partner_user, alpha, alpha_partner, world, member
):
    mine = _position_for(alpha, member_of(partner_user, alpha))
    other = _position_for(alpha)
    client = client_as(partner_user)
    page = client.get(f"{BASE}stock/")
    assert [p.pk for p in page.context["page"]] == [mine.pk]
    assert other.partner.name not in page.content.decode()
    assert client.get(f"{BASE}stock/{other.pk}/").status_code == 404
    assert client.get(f"{BASE}stock/{mine.pk}/").status_code == 200
    response = client.post(f"{BASE}stock/replenish/", {"product": [mine.product_id]})
    assert response.status_code == 302
    with tenant_context(alpha):
        order = Order.objects.get(partner=alpha_partner)
        assert [(line.product_id, line.quantity) for line in order.lines.all()] == [(mine.product_id, 27)]


def member_of(user, tenant):
    from channelhub.models import Membership

    with tenant_context(tenant):
        return Membership.objects.get(user=user)


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_inventory_lists_do_not_grow_with_rows(client_as, manager, partner_user, alpha, world, member):
    from decimal import Decimal

    client = client_as(manager)
    position = _position_for(alpha)
    report = services_report(alpha, partner_user, world)
    with tenant_context(alpha):
        services.book_invoice(partner=report.partner, amount=Decimal("100.00"), booked_on=world["today"])
    pages = [
        f"{BASE}stock/",
        f"{BASE}reports/",
        f"{BASE}stock/demand/",
        f"{BASE}reports/{report.pk}/",
        f"{BASE}stock/{position.pk}/",
        f"{BASE}receivables/",
        f"{BASE}receivables/{report.partner_id}/",
    ]
    for path in pages:
        client.get(path)
    few = {path: _count(client, path) for path in pages}
    for _ in range(12):
        _position_for(alpha)
    for _ in range(5):
        services_report(alpha, partner_user, world, partner=None)
    with tenant_context(alpha):
        for _ in range(8):
            services.book_invoice(
                partner=PartnerFactory(tenant=alpha), amount=Decimal("5.00"), booked_on=world["today"]
            )
            services.book_invoice(partner=report.partner, amount=Decimal("5.00"), booked_on=world["today"])
        for _ in range(15):
            SellOutLine.objects.create(
                report=report, partner=report.partner, product=world["cable"], sold_on=world["today"], quantity=1,
                unit_price=1, region=world["zhejiang"],
            )  # fmt: skip
    for path in pages:
        assert _count(client, path) <= few[path], path


def services_report(alpha, partner_user, world, partner="mine"):
    """A sell-out report of one line (of the partner user's partner)."""
    user = partner_user
    if partner is None:
        other = PartnerFactory(tenant=alpha)
        from tests.factories import MembershipFactory

        user = MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=other).user
    with tenant_context(alpha):
        sale = services.SaleInput(
            product=world["pile"], sold_on=world["today"], quantity=1, unit_price=1, region=world["zhejiang"]
        )
        return services.report_sell_out(partner=member_of(user, alpha).partner, sales=[sale], by=user)


def test_the_monitoring_page_shows_the_figures_of_a_receipt(client_as, partner_user, alpha, world):
    with tenant_context(alpha):
        services.report_stock(
            partner=member_of(partner_user, alpha).partner, counted_on=world["today"],
            quantities={world["pile"]: 4}, by=partner_user,
        )  # fmt: skip
        assert StockPosition.objects.get().on_hand == 4
    page = client_as(partner_user).get(f"{BASE}stock/")
    assert page.context["statuses"][3][2] == 1  # overstock: 4 on hand, nothing sold


def test_the_tenant_admin_sets_the_reporting_cycle_with_its_history(client_as, admin, manager, alpha):
    from orders.models import OrderSettings

    url = f"{BASE}settings/"
    assert client_as(manager).get(url).status_code == 403
    client = client_as(admin)
    assert client.get(url).status_code == 200
    data = {"number_prefix": "SO", "executive_hold_threshold": "500000", "report_cycle": "weekly",
            "report_due_day": "9", "sell_out_window_days": "28"}  # fmt: skip
    bad = client.post(url, data)
    assert bad.status_code == 400 and bad.context["form"].errors["report_due_day"]
    assert 'value="weekly" selected' in bad.content.decode()  # nothing typed lost
    assert client.post(url, {**data, "report_due_day": "2"}).status_code == 302
    with tenant_context(alpha):
        settings = OrderSettings.objects.get()
        assert (settings.report_cycle, settings.report_due_day) == ("weekly", 2)
    assert len(client.get(url).context["entries"]) == 1


def test_finance_books_a_payment_and_the_balance_falls(client_as, member, manager, alpha, alpha_partner):
    from decimal import Decimal

    from orders.models import ReceivableEntry

    with tenant_context(alpha):
        today = periods.today().isoformat()
        services.book_invoice(partner=alpha_partner, amount=Decimal("12000.00"), booked_on=periods.today())
    finance = client_as(member(Role.FINANCE))
    listing = finance.get(f"{BASE}receivables/?open=1")
    assert [row["partner"] for row in listing.context["page"]] == [alpha_partner.pk]
    url = f"{BASE}receivables/{alpha_partner.pk}/"
    assert finance.get(url).context["balance"] == Decimal("12000.00")
    bad = finance.post(url, {"amount": "-5", "booked_on": today, "reference": "BANK-1"})
    assert (
        bad.status_code == 400 and bad.context["form"].errors["amount"] and "BANK-1" in bad.content.decode()
    )
    assert (
        finance.post(url, {"amount": "5,000", "booked_on": today, "reference": "BANK-1"}).status_code == 302
    )
    assert finance.get(url).context["balance"] == Decimal("7000.00")
    # a channel manager reads the ledger but does not book
    desk = client_as(manager)
    assert desk.get(url).status_code == 200 and not desk.get(url).context["may_book"]
    assert desk.post(url, {"amount": "1", "booked_on": today}).status_code == 403
    with tenant_context(alpha):
        assert ReceivableEntry.objects.count() == 2
    assert finance.get(f"{BASE}receivables/export/")["Content-Type"].startswith(XLSX)


def test_a_sell_out_file_over_the_row_limit_is_refused_at_upload(
    client_as, partner_user, alpha, world, monkeypatch
):
    from orders import report_import

    monkeypatch.setattr(report_import.SELL_OUT_IMPORTER.sheet, "max_rows", 2)
    rows = [[world["today"], "XC-AC7", 1, 10, "浙江", "", "", ""]] * 3
    response = client_as(partner_user).post(
        f"{BASE}reports/sell-out/import/",
        {"file": SimpleUploadedFile("big.xlsx", workbook(SELL_OUT_HEADERS, rows), content_type=XLSX)},
    )
    assert response.status_code == 400 and response.context["form"].errors["file"]
    with tenant_context(alpha):
        assert not InventoryImport.objects.exists()
