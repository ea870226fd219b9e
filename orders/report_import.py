"""Excel uploads of a partner's stock counts and sell-out (the shared flow of
channelhub.spreadsheets: upload → preview with row-by-row errors → confirm, all or nothing).

Stock: one row per SKU and count date; a row equal to the count already kept for that day is
unchanged, a different one replaces it (a correction). Sell-out: one row per sale; each row's
fingerprint (its cells and its place among identical rows) is kept with the line, so uploading
the same file again — or a month-to-date export that repeats last week's rows — adds only the
rows not reported yet.
"""

from collections import Counter, defaultdict
from datetime import timedelta
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from channelhub import exports, periods, roles, validators
from channelhub.spreadsheets import Column, Importer, Preview, Row, Sheet, norm, parse_date
from orders.models import InventoryImport, Product, ReportKind, ReportSource, SellOutLine, StockCount
from orders.services import inventory
from partners.importer import index_regions, resolve_region
from partners.models import Partner, Region

SKU = Column(
    "sku", gettext_lazy("SKU code"), ("sku", "sku编码", "商品编码", "产品编码", "物料编码", "编码"), True
)
STOCK_COLUMNS = [
    Column("counted_on", gettext_lazy("Count date"), ("盘点日期", "日期", "date"), True),
    SKU,
    Column("quantity", gettext_lazy("On hand"), ("库存", "库存数量", "数量", "quantity"), True),
]
SELL_OUT_COLUMNS = [
    Column("sold_on", gettext_lazy("Sale date"), ("销售日期", "日期", "date"), True),
    SKU,
    Column("quantity", gettext_lazy("Quantity"), ("数量", "销量", "quantity"), True),
    Column("unit_price", gettext_lazy("Unit price (CNY)"), ("单价", "单价(元)", "销售单价", "price"), True),
    Column("province", gettext_lazy("Province"), ("省", "省份", "客户省份"), True),
    Column("city", gettext_lazy("City"), ("市", "城市", "地市", "客户城市")),
    Column("district", gettext_lazy("District / county"), ("区县", "区/县", "区")),
    Column("customer", gettext_lazy("Customer"), ("客户", "客户名称")),
    Column("reference", gettext_lazy("Document number"), ("单据号", "单号", "发票号")),
]


def _date(row: Row, key: str, today):
    text = row.cells.get(key, "")
    try:
        day = parse_date(text)
    except ValueError:
        row.error(key, _("“%(value)s” is not a date (write 2026-11-30).") % {"value": text})
        return None
    if day > today:
        row.error(key, _("A report cannot be dated in the future."))
        return None
    if day < today - timedelta(days=inventory.OLDEST_REPORT_DAYS):
        row.error(key, _("That is more than a year ago; check the date."))
        return None
    return day


def _products() -> dict:
    return {norm(product.sku): product for product in Product.objects.all()}


def _product(row: Row, products: dict):
    sku = row.cells.get("sku", "")
    product = products.get(norm(sku))
    if product is None:
        row.error("sku", _("No product with the SKU code “%(value)s”.") % {"value": sku})
    elif product.is_service:
        row.error("sku", _("%(sku)s is a service: it is not held in stock.") % {"sku": product.sku})
        return None
    return product


class ReportImporter(Importer):
    model = InventoryImport
    permission = "inventory.report"
    file_kind = "inventory_import"
    kind: str

    def upload_fields(self, by) -> dict:
        from channelhub.tenancy import get_current_tenant

        partner_id = roles.partner_of(by, get_current_tenant().pk)
        if partner_id is None:
            raise ValidationError(_("Only a partner's own users report its stock and sell-out."))
        return {"kind": self.kind, "partner_id": partner_id}

    def uploads(self, by):
        from channelhub.tenancy import get_current_tenant

        return InventoryImport.objects.filter(
            kind=self.kind, partner_id=roles.partner_of(by, get_current_tenant().pk)
        )


class StockImporter(ReportImporter):
    sheet = Sheet(STOCK_COLUMNS)
    kind = ReportKind.STOCK

    def check_upload(self, upload, rows: list[Row]) -> Preview:
        today = periods.today()
        products = _products()
        seen: dict = {}
        planned = []
        for row in rows:
            day = _date(row, "counted_on", today)
            product = _product(row, products)
            try:
                quantity = validators.parse_quantity(row.cells.get("quantity", ""), allow_zero=True)
            except ValidationError as error:
                row.error("quantity", error.messages[0])
                quantity = None
            if day and product:
                if (product.pk, day) in seen:
                    row.error(
                        "sku",
                        _("The same SKU and date are in row %(row)s already.")
                        % {"row": seen[product.pk, day]},
                    )
                seen[product.pk, day] = row.number
            if not row.errors:
                row.values = {"product": product, "counted_on": day, "quantity": quantity}
                planned.append(row)
        kept = {
            (count.product_id, count.counted_on): count.quantity
            for count in StockCount.objects.filter(
                partner_id=upload.partner_id, counted_on__in={row.values["counted_on"] for row in planned}
            )
        }
        for row in planned:
            before = kept.get((row.values["product"].pk, row.values["counted_on"]))
            row.action = (
                "create" if before is None else "unchanged" if before == row.values["quantity"] else "update"
            )
            if row.action == "update":
                row.changes = {str(_("On hand")): [str(before), str(row.values["quantity"])]}
        return Preview(rows=rows, problems=[] if rows else [_("The file has no rows to import.")])

    def save_rows(self, rows: list[Row], *, by, upload) -> None:
        by_day: dict = defaultdict(dict)
        for row in rows:
            by_day[row.values["counted_on"]][row.values["product"]] = row.values["quantity"]
        partner = Partner.objects.get(pk=upload.partner_id)
        for day, quantities in sorted(by_day.items()):
            inventory.report_stock(
                partner=partner, counted_on=day, quantities=quantities, by=by, source=ReportSource.IMPORT,
                upload=upload, note=upload.file.original_name,
            )  # fmt: skip


class SellOutImporter(ReportImporter):
    sheet = Sheet(SELL_OUT_COLUMNS)
    kind = ReportKind.SELL_OUT

    def check_upload(self, upload, rows: list[Row]) -> Preview:
        today = periods.today()
        products = _products()
        regions = list(Region.objects.all())
        region_index = index_regions(regions)
        occurrences: Counter = Counter()
        planned = []
        for row in rows:
            day = _date(row, "sold_on", today)
            product = _product(row, products)
            quantity = price = None
            try:
                quantity = validators.parse_quantity(row.cells.get("quantity", ""))
            except ValidationError as error:
                row.error("quantity", error.messages[0])
            try:
                price = validators.parse_amount(row.cells.get("unit_price", ""), allow_zero=True)
            except ValidationError as error:
                row.error("unit_price", error.messages[0])
            region = resolve_region(row, region_index) if row.cells.get("province") else None
            if region is None and not row.cells.get("province"):
                row.error("province", _("Name the customer's province (city and district if you know them)."))
            for key, limit in (("customer", 120), ("reference", 60)):
                if len(row.cells.get(key, "")) > limit:
                    row.error(key, _("At most %(limit)s characters.") % {"limit": limit})
            if row.errors:
                continue
            cells = (day.isoformat(), product.pk, quantity, price, region.pk,
                     row.cells.get("customer", ""), row.cells.get("reference", ""))  # fmt: skip
            occurrences[cells] += 1
            row.values = {
                "sale": inventory.SaleInput(
                    product=product,
                    sold_on=day,
                    quantity=quantity,
                    unit_price=price,
                    region=region,
                    customer=row.cells.get("customer", ""),
                    reference=row.cells.get("reference", ""),
                    fingerprint=inventory.fingerprint(*cells, occurrence=occurrences[cells]),
                )  # fmt: skip
            }
            planned.append(row)
        known = set(
            SellOutLine.objects.filter(
                partner_id=upload.partner_id,
                fingerprint__in=[row.values["sale"].fingerprint for row in planned],
            ).values_list("fingerprint", flat=True)
        )
        for row in planned:
            row.action = "unchanged" if row.values["sale"].fingerprint in known else "create"
        return Preview(rows=rows, problems=[] if rows else [_("The file has no rows to import.")])

    def save_rows(self, rows: list[Row], *, by, upload) -> None:
        if rows:
            inventory.report_sell_out(
                partner=Partner.objects.get(pk=upload.partner_id), sales=[row.values["sale"] for row in rows],
                by=by, source=ReportSource.IMPORT, upload=upload, note=upload.file.original_name,
            )  # fmt: skip


STOCK_IMPORTER = StockImporter()
SELL_OUT_IMPORTER = SellOutImporter()
IMPORTERS = {ReportKind.STOCK: STOCK_IMPORTER, ReportKind.SELL_OUT: SELL_OUT_IMPORTER}


def template_workbook(kind: str) -> bytes:
    """An empty upload file in the current language: the columns, an example row's format,
    and the SKUs (and, for sell-out, how regions are written) on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    columns = STOCK_COLUMNS if kind == ReportKind.STOCK else SELL_OUT_COLUMNS
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (_("Stock") if kind == ReportKind.STOCK else _("Sell-out"))[:31]
    sheet.append([exports.text(column.label) for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="DDE6F3")
        letter = cell.column_letter
        for number in range(2, 1002):
            if column.key in ("counted_on", "sold_on"):
                sheet[f"{letter}{number}"].number_format = "yyyy-mm-dd"
            elif column.key in ("sku", "reference"):
                sheet[f"{letter}{number}"].number_format = "@"
    sheet.freeze_panes = "A2"
    exports.fit_columns(sheet, minimum=14)
    values = workbook.create_sheet(_("Accepted values")[:31])
    values.append(
        [
            exports.text(_("SKU code")),
            exports.text(pgettext("name of a thing", "Name")),
            exports.text(_("Unit")),
        ]
    )
    for product in Product.objects.filter(status="active", is_service=False).order_by("sku"):
        values.append(
            [exports.text(product.sku), exports.text(product.name), exports.text(product.get_unit_display())]
        )
    values.append([])
    values.append([exports.text(_("Dates are written 2026-11-30; a date in the future is refused."))])
    if kind == ReportKind.SELL_OUT:
        values.append(
            [
                exports.text(
                    _("The customer's region: province, then city and district as in the region tree.")
                )
            ]
        )
        values.append([exports.text(_("The same rows uploaded again are recognised and not added twice."))])
    else:
        values.append(
            [exports.text(_("One row per SKU: the quantity on hand at the end of the count date."))]
        )
    exports.fit_columns(values, minimum=16)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
