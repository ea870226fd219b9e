"""Excel import of the catalogue: read, check row by row, preview, then apply all or nothing
(the shared flow of channelhub.spreadsheets, the partner importer's pattern).

A row is matched to an existing product by its SKU code (per tenant): a match is **updated**
with the file's non-empty cells, and left alone when they change nothing, so importing the
same file twice — or the catalogue's own export — creates nothing and changes nothing the
second time. Any error in any row and nothing is saved. Categories are named by their path
(充电桩 / 直流桩 / 一体式), their code, or their name where only one category has it; product
lines by code or name. A status column (the export's) is not read: discontinuing is a
transition, with its reason, on the product's page.
"""

from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from channelhub import exports, validators
from channelhub.spreadsheets import NO, YES, Column, Importer, Preview, Row, Sheet, choice_lookup, norm
from orders import services
from orders.forms import categories_queryset, category_sort_key
from orders.models import Product, ProductImport, ProductLine, Unit

COLUMNS = [
    Column(
        "sku", gettext_lazy("SKU code"), ("sku", "sku编码", "商品编码", "产品编码", "物料编码", "编码"), True
    ),
    Column("name", pgettext_lazy("name of a thing", "Name"), ("名称", "产品名称", "商品名称", "品名")),
    Column("spec", gettext_lazy("Specification"), ("规格", "规格型号", "型号")),
    Column("unit", gettext_lazy("Unit"), ("单位", "计量单位")),
    Column("pack_multiple", gettext_lazy("Pack multiple"), ("包装倍数", "起订倍数", "装箱数")),
    Column("category", gettext_lazy("Category"), ("类别", "产品类别", "分类")),
    Column("line_code", gettext_lazy("Product line code"), ("产品线编码",)),
    Column("line", gettext_lazy("Product line"), ("产品线",)),
    Column("is_service", gettext_lazy("Service"), ("服务", "服务类")),
    Column("list_price", gettext_lazy("List price (CNY)"), ("目录价", "目录价(元)", "价格", "渠道价")),
    Column("weight_kg", gettext_lazy("Weight (kg)"), ("重量", "重量(千克)", "重量(kg)")),
    Column("volume_m3", gettext_lazy("Volume (m³)"), ("体积", "体积(立方米)", "体积(m3)")),
]
SHEET = Sheet(COLUMNS)
LIMITS = {"sku": 40, "name": 120, "spec": 200}
NEEDED_FOR_A_NEW_PRODUCT = ("name", "category", "list_price")


class Context:
    """What the check needs from the database, loaded once (a constant number of queries)."""

    def __init__(self):
        self.units = choice_lookup(Unit.choices)
        categories = sorted(categories_queryset(), key=category_sort_key)
        self.categories = {}
        names: dict = {}
        for category in categories:
            self.categories[norm(category.path)] = category
            if category.code:
                self.categories.setdefault(norm(category.code), category)
            names.setdefault(norm(category.name), []).append(category)
        for name, same in names.items():  # a bare name only where it is unambiguous
            if len(same) == 1:
                self.categories.setdefault(name, same[0])
        lines = list(ProductLine.objects.all())
        self.lines = {norm(line.code): line for line in lines}
        for line in lines:
            self.lines.setdefault(norm(line.name), line)
        self.only_line = lines[0] if len([line for line in lines if line.is_active]) == 1 else None
        self.existing = {
            product.sku: product
            for product in Product.objects.select_related("category__parent__parent", "line")
        }


def check(rows: list[Row]) -> Preview:
    context = Context()
    seen: dict[str, int] = {}
    for row in rows:
        _check_row(row, context, seen)
    return Preview(rows=rows, problems=[] if rows else [_("The file has no rows to import.")])


def _decimal(row: Row, key: str, places: int):
    text = row.cells.get(key, "")
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        row.error(key, _("“%(value)s” is not a number.") % {"value": text})
        return None
    if value < 0 or -value.normalize().as_tuple().exponent > places:
        row.error(key, _("A number of at least 0 with at most %(places)s decimals.") % {"places": places})
        return None
    return value.quantize(Decimal(10) ** -places)  # as stored: 10 and 10.000 are the same weight


def _check_row(row: Row, context: Context, seen: dict) -> None:
    cells = row.cells
    sku = cells.get("sku", "").strip().upper()
    if not sku:
        row.error("sku", _("This column must be filled in."))
    elif any(ch.isspace() for ch in sku):
        row.error("sku", _("A SKU code has no spaces (e.g. DC-120-A)."))
    elif sku in seen:
        row.error("sku", _("The same SKU code is in row %(row)s already.") % {"row": seen[sku]})
    else:
        seen[sku] = row.number
    existing = context.existing.get(sku)
    values: dict = {"sku": sku}
    for key, limit in LIMITS.items():
        if key != "sku" and cells.get(key):
            if len(cells[key]) > limit:
                row.error(key, _("At most %(limit)s characters.") % {"limit": limit})
            values[key] = cells[key][:limit]
    if len(sku) > LIMITS["sku"]:
        row.error("sku", _("At most %(limit)s characters.") % {"limit": LIMITS["sku"]})
    if cells.get("unit"):
        unit = context.units.get(norm(cells["unit"]))
        if unit is None:
            row.error("unit", _("Unknown unit “%(value)s”.") % {"value": cells["unit"]})
        values["unit"] = unit
    if cells.get("pack_multiple"):
        try:
            values["pack_multiple"] = validators.parse_quantity(cells["pack_multiple"])
        except ValidationError as error:
            row.error("pack_multiple", error.messages[0])
    if cells.get("category"):
        category = context.categories.get(norm(cells["category"]))
        if category is None:
            row.error(
                "category",
                _("No category “%(value)s”: use its path, code or name.") % {"value": cells["category"]},
            )
        elif not category.is_active and (existing is None or existing.category_id != category.pk):
            row.error("category", _("This category is not in use."))
        values["category"] = category
    line_text = cells.get("line_code") or cells.get("line")
    if line_text:
        line = context.lines.get(norm(line_text))
        key = "line_code" if cells.get("line_code") else "line"
        if line is None:
            row.error(key, _("No product line “%(value)s”.") % {"value": line_text})
        elif not line.is_active and (existing is None or existing.line_id != line.pk):
            row.error(key, _("This product line is not in use."))
        values["line"] = line
    elif existing is None and context.only_line is not None:
        values["line"] = context.only_line
    if cells.get("is_service"):
        answer = norm(cells["is_service"])
        if answer in YES:
            values["is_service"] = True
        elif answer in NO:
            values["is_service"] = False
        else:
            row.error("is_service", _("Write yes or no (是 / 否)."))
    if cells.get("list_price"):
        try:
            values["list_price"] = validators.parse_amount(cells["list_price"], allow_zero=True)
        except ValidationError as error:
            row.error("list_price", error.messages[0])
    for key, places in (("weight_kg", 3), ("volume_m3", 4)):
        if cells.get(key):
            values[key] = _decimal(row, key, places)
    if existing is None:
        for key in NEEDED_FOR_A_NEW_PRODUCT:
            if not cells.get(key):
                row.error(key, _("A new product needs this column."))
        if "line" not in values and not line_text:
            row.error("line", _("A new product needs this column."))
    if row.errors:
        return
    _plan(row, existing, values)


def _plan(row: Row, existing: Product | None, values: dict) -> None:
    row.values = values
    if existing is None:
        row.action = "create"
        return
    before = services.history_values(existing)
    after = dict(before)
    for key, value in values.items():
        after[key] = "" if value is None else str(value)
    row.changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    row.action = "update" if row.changes else "unchanged"
    row.target = existing


class ProductImporter(Importer):
    sheet = SHEET
    model = ProductImport
    permission = "catalogue.manage"
    file_kind = "product_import"

    def check(self, rows: list[Row]) -> Preview:
        return check(rows)

    def save_row(self, row: Row, *, by, upload) -> None:
        note = upload.file.original_name
        if row.action == "create":
            services.create_product(data=row.values, by=by, via="import", comment=note)
        else:
            services.update_product(row.target, data=row.values, by=by, via="import", comment=note)


IMPORTER = ProductImporter()


def template_workbook() -> bytes:
    """An empty import file in the current language, with the accepted values on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Products")[:31]
    sheet.append([exports.text(column.label) for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="DDE6F3")
        if column.key == "sku":
            for number in range(2, 502):  # codes such as 0012 stay text
                sheet[f"{cell.column_letter}{number}"].number_format = "@"
    sheet.freeze_panes = "A2"
    exports.fit_columns(sheet, minimum=14)
    values = workbook.create_sheet(_("Accepted values")[:31])
    rows = [
        [_("Column"), _("Accepted values")],
        [_("Unit"), " / ".join(str(label) for _code, label in Unit.choices)],
        [
            _("Product line"),
            " / ".join(f"{line.code} {line.name}" for line in ProductLine.objects.filter(is_active=True)),
        ],
        [_("Service"), _("yes / no (是 / 否)")],
        [
            _("Matching"),
            _("A row whose SKU code exists already updates that product; empty cells change nothing."),
        ],
        [_("New products"), _("need a name, a category, a product line and a list price.")],
        [],
        [_("Category")],
    ]
    rows += [
        [category.path]
        for category in sorted(categories_queryset().filter(is_active=True), key=category_sort_key)
    ]
    for cells in rows:
        values.append([exports.text(cell) for cell in cells])
    exports.fit_columns(values, minimum=16)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
