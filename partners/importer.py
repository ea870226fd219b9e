"""Excel import of partners: read, check row by row, preview, then apply all or nothing.

A row is matched to an existing partner by its credit code (per tenant): a match is
**updated** with the file's non-empty cells, and left alone when they change nothing,
so importing the same file twice creates no duplicates and changes nothing the second
time. Any error in any row and nothing is saved.

The file is read **once**, at upload: its cells are kept with the import
(``PartnerImport.parsed``), and the preview and the confirmation check those against the
database as it is then, without opening the workbook again. Reading is bounded: at most
``MAX_ROWS`` rows below the header are read, empty ones included (a small file can hold
millions of empty rows), and a workbook larger than ``MAX_UNPACKED_MB`` once unpacked is
not opened at all; either is refused on the upload form.
"""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channelhub import audit, exports, validators
from channelhub.spreadsheets import (  # noqa: F401 (FileProblem, FileTooBig, ImportRefused: the views' names)
    NO,
    YES,
    Column,
    FileProblem,
    FileTooBig,
    Importer,
    ImportRefused,
    Preview,
    Row,
    Sheet,
    choice_lookup,
    norm,
)
from channelhub.tenancy import get_current_tenant
from partners.forms import region_sort_key
from partners.models import (
    ChannelType,
    CreditRating,
    Partner,
    PartnerImport,
    PartnerStatus,
    Region,
    RegionLevel,
    Tier,
)
from partners.services import (
    GOVERNED_FIELDS,
    governed_by_filing,
    overlap_in_tree,
    owner_choices,
    snapshot,
    territory_conflict,
)
from partners.validators import normalise_credit_code, validate_credit_code

COLUMNS = [
    Column(
        "name", gettext_lazy("Legal name"), ("企业名称", "名称", "法定名称", "公司名称", "渠道商名称"), True
    ),
    Column("credit_code", gettext_lazy("Unified social credit code"), ("统一社会信用代码", "信用代码"), True),
    Column("legal_representative", gettext_lazy("Legal representative"), ("法定代表人", "法人代表", "法人")),
    Column("registered_capital", gettext_lazy("Registered capital (CNY)"), ("注册资本", "注册资本(元)")),
    Column("address", gettext_lazy("Registered address"), ("注册地址", "地址")),
    Column("channel_type", gettext_lazy("Channel type"), ("渠道类型", "类型"), True),
    Column("tier", gettext_lazy("Tier"), ("等级", "渠道等级", "级别")),
    Column("province", gettext_lazy("Province"), ("省", "省份")),
    Column("city", gettext_lazy("City"), ("市", "城市", "地市")),
    Column("district", gettext_lazy("District / county"), ("区县", "区/县", "区")),
    Column("exclusive_territory", gettext_lazy("Exclusive territory"), ("独家区域", "区域独家", "独家")),
    Column("owner", gettext_lazy("Channel manager (e-mail)"), ("渠道经理", "渠道经理邮箱", "负责人")),
    Column("bank_name", gettext_lazy("Bank"), ("开户银行", "开户行")),
    Column("bank_account_name", gettext_lazy("Account name"), ("账户名称", "户名", "开户名称")),
    Column("bank_account_number", gettext_lazy("Account number"), ("银行账号", "账号")),
    Column("credit_limit", gettext_lazy("Credit limit (CNY)"), ("信用额度", "授信额度")),
    Column("credit_rating", gettext_lazy("Credit rating"), ("信用等级", "信用评级")),
]
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
SHEET = Sheet(COLUMNS)


CHANNEL_TYPE_ALIASES = {
    "代理商": ChannelType.AGENT,
    "代理": ChannelType.AGENT,
    "经销商": ChannelType.DISTRIBUTOR,
    "分销商": ChannelType.DISTRIBUTOR,
    "加盟商": ChannelType.FRANCHISE,
    "加盟店": ChannelType.FRANCHISE,
    "合作营业厅": ChannelType.COOPERATIVE_HALL,
    "专营店": ChannelType.EXCLUSIVE_STORE,
    "兼营店": ChannelType.CONCURRENT_STORE,
    "线上": ChannelType.ONLINE,
    "网络渠道": ChannelType.ONLINE,
    "电商": ChannelType.ONLINE,
}


# Registered capital is more than zero; a credit limit of zero means "no credit".
AMOUNT_MAY_BE_ZERO = {"registered_capital": False, "credit_limit": True}


def _money(row: Row, key: str, text: str):
    """The shared amount rules (channelhub.validators): the same messages as the forms'."""
    if not text:
        return None
    try:
        return validators.parse_amount(text, allow_zero=AMOUNT_MAY_BE_ZERO.get(key, False))
    except ValidationError as error:
        row.error(key, error.messages[0])
        return None


class Context:
    """Everything the check needs from the database, loaded once (a constant number of queries)."""

    def __init__(self):
        # Where the tenant governs them by filing, an import does not change an existing
        # partner's territory, channel type, tier or bank account.
        self.governed = governed_by_filing(get_current_tenant())
        self.types = {
            **choice_lookup(ChannelType.choices),
            **{norm(k): v for k, v in CHANNEL_TYPE_ALIASES.items()},
        }
        self.ratings = choice_lookup(CreditRating.choices)
        self.tiers = {norm(tier.name): tier for tier in Tier.objects.all()}
        regions = list(Region.objects.all())
        self.regions_by_id = {region.pk: region for region in regions}
        for region in regions:  # link parents in memory: paths without queries
            if region.parent_id:
                region.parent = self.regions_by_id.get(region.parent_id)
        self.parents = {region.pk: region.parent_id for region in regions}
        self.region_index = index_regions(regions)
        owners = list(owner_choices())
        self.owners = {norm(user.email): user for user in owners}
        names: dict = {}
        for user in owners:
            if user.full_name:
                names.setdefault(norm(user.full_name), []).append(user)
        self.owners_by_name = {name: users[0] for name, users in names.items() if len(users) == 1}
        self.existing = {
            partner.credit_code: partner
            for partner in Partner.objects.select_related("tier", "owner").order_by()
        }
        for partner in self.existing.values():
            if partner.region_id:
                partner.region = self.regions_by_id.get(partner.region_id)
        # Live partners by region, for the exclusive-territory rules.
        self.claims: dict = {}
        for partner in self.existing.values():
            if partner.status != PartnerStatus.TERMINATED and partner.region_id:
                self.add_claim(
                    partner.credit_code,
                    partner.name,
                    partner.channel_type,
                    partner.region_id,
                    partner.exclusive_territory,
                    partner.pk,
                )

    def add_claim(self, code, name, channel_type, region_id, exclusive, pk=None):
        self.claims.setdefault(region_id, {})[code] = (pk or code, name, channel_type, region_id, exclusive)


def check(rows: list[Row]) -> Preview:
    context = Context()
    seen: dict[str, int] = {}
    for row in rows:
        _check_row(row, context, seen)
    return Preview(rows=rows, problems=[] if rows else [_("The file has no rows to import.")])


def _check_row(row: Row, context: Context, seen: dict) -> None:
    cells = row.cells
    for column in COLUMNS:
        if column.required and not cells.get(column.key):
            row.error(column.key, _("This column must be filled in."))
    code = normalise_credit_code(cells.get("credit_code", ""))
    if code:
        try:
            validate_credit_code(code)
        except ValidationError as error:
            row.error("credit_code", error.messages[0])
        if code in seen:
            row.error(
                "credit_code", _("The same credit code is in row %(row)s already.") % {"row": seen[code]}
            )
        else:
            seen[code] = row.number
    values: dict = {}
    if cells.get("name"):
        values["name"] = cells["name"][:200]
    values["credit_code"] = code
    for key, limit in (("legal_representative", 60), ("address", 300), ("bank_name", 100),
                       ("bank_account_name", 200), ("bank_account_number", 40)):  # fmt: skip
        if cells.get(key):
            if len(cells[key]) > limit:
                row.error(key, _("At most %(limit)s characters.") % {"limit": limit})
            values[key] = cells[key][:limit]
    if cells.get("channel_type"):
        channel_type = context.types.get(norm(cells["channel_type"]))
        if channel_type is None:
            row.error(
                "channel_type", _("Unknown channel type “%(value)s”.") % {"value": cells["channel_type"]}
            )
        values["channel_type"] = channel_type
    if cells.get("tier"):
        tier = context.tiers.get(norm(cells["tier"]))
        if tier is None:
            row.error("tier", _("Unknown tier “%(value)s”.") % {"value": cells["tier"]})
        values["tier"] = tier
    region = resolve_region(row, context.region_index)
    if region is not None:
        values["region"] = region
    if cells.get("exclusive_territory"):
        flag = norm(cells["exclusive_territory"])
        if flag in YES:
            values["exclusive_territory"] = True
        elif flag in NO:
            values["exclusive_territory"] = False
        else:
            row.error("exclusive_territory", _("Write yes or no (是 / 否)."))
    if cells.get("owner"):
        owner = context.owners.get(norm(cells["owner"])) or context.owners_by_name.get(norm(cells["owner"]))
        if owner is None:
            row.error(
                "owner", _("“%(value)s” is not an active channel manager here.") % {"value": cells["owner"]}
            )
        values["owner"] = owner
    if cells.get("credit_rating"):
        rating = context.ratings.get(norm(cells["credit_rating"]))
        if rating is None:
            row.error(
                "credit_rating", _("Unknown credit rating “%(value)s”.") % {"value": cells["credit_rating"]}
            )
        values["credit_rating"] = rating
    for key in ("registered_capital", "credit_limit"):
        amount = _money(row, key, cells.get(key, ""))
        if amount is not None:
            values[key] = amount
    row.values = values
    if row.errors:
        return
    existing = context.existing.get(code)
    if existing is not None and existing.status == PartnerStatus.TERMINATED:
        row.error(
            "credit_code", _("%(name)s is terminated; imports do not change it.") % {"name": existing.name}
        )
        return
    _plan(row, existing, context)


def index_regions(regions) -> dict:
    """(parent id, normalised name) → region: what ``resolve_region`` looks names up in."""
    return {(region.parent_id, norm(region.name)): region for region in regions}


def resolve_region(row: Row, region_index: dict):
    """The region a row's province, city and district cells name (``None`` when all are
    empty; an error on the row's cell when a name is unknown)."""
    names = [row.cells.get(key, "") for key in ("province", "city", "district")]
    if not any(names):
        return None
    region = None
    for level, (key, name) in enumerate(zip(("province", "city", "district"), names, strict=True), start=1):
        if not name:
            if any(names[level:]):
                row.error(key, _("Fill in the province and city above a district."))
                return None
            break
        found = region_index.get((region.pk if region else None, norm(name)))
        if found is None and level == 1:
            try:
                validators.validate_province(name)
            except ValidationError as error:  # "火星省": not a province at all, said as the forms say it
                row.error(key, error.messages[0])
                return None
            # "浙江" is the tree's "浙江省"
            found = region_index.get((None, norm(validators.province_named(name))))
        if found is None or found.level != level:
            where = region.path if region else ""
            row.error(
                key,
                _("Unknown region “%(value)s”%(where)s.")
                % {"value": name, "where": (" " + _("in %(region)s") % {"region": where}) if where else ""},
            )
            return None
        region = found
    return region


def _plan(row: Row, existing: Partner | None, context: Context) -> None:
    if existing is None:
        partner = Partner(**row.values)
        row.action = "create"
        row.changes = {k: ["", v] for k, v in snapshot(partner).items() if v not in ("", "False")}
    else:
        # The context's own copy of the partner (loaded for this check only): the file's
        # non-empty cells are applied to it, and it is what confirm_import() saves.
        partner = existing
        before = snapshot(partner)
        for key, value in row.values.items():
            setattr(partner, key, value)
        row.changes = audit.diff(before, snapshot(partner))
        row.action = "update" if row.changes else "unchanged"
        if context.governed:
            for name in GOVERNED_FIELDS:
                if name in row.changes:
                    row.error(
                        "province" if name == "region" else name,
                        _("An existing partner's %(field)s changes only through a recorded change filing: "
                          "leave the cell empty or as it is.") % {"field": _governed_label(name)},
                    )  # fmt: skip
    row.target = partner
    _check_territory(row, partner, context)


def _governed_label(name: str) -> str:
    return _("territory") if name == "region" else str(Partner._meta.get_field(name).verbose_name)


def _check_territory(row: Row, partner: Partner, context: Context) -> None:
    if partner.region_id is None or partner.status == PartnerStatus.TERMINATED:
        return
    overlap = overlap_in_tree(partner.region_id, context.parents)
    claims = [
        claim
        for region_id in overlap
        for code, claim in context.claims.get(region_id, {}).items()
        if code != partner.credit_code
    ]
    clash = territory_conflict(partner, claims)
    if clash is not None:
        _pk, name, region_id, exclusive = clash
        region = context.regions_by_id[region_id]
        if exclusive:
            message = _("%(partner)s holds exclusive rights for this channel type in %(region)s.")
        else:
            message = _("%(partner)s already works in %(region)s with the same channel type.")
        key = "exclusive_territory" if partner.exclusive_territory else "province"
        row.error(key, message % {"partner": name, "region": region.path})
        return
    # Later rows see this one's claim (two rows of one file may clash too).
    for region_claims in context.claims.values():
        region_claims.pop(partner.credit_code, None)
    context.add_claim(partner.credit_code, partner.name, partner.channel_type, partner.region_id,
                      partner.exclusive_territory, partner.pk)  # fmt: skip


# --- the whole flow ------------------------------------------------------------------------


class PartnerImporter(Importer):
    sheet = SHEET
    model = PartnerImport
    permission = "partners.import"
    file_kind = "partner_import"

    def check(self, rows: list[Row]) -> Preview:
        return check(rows)

    def save_row(self, row: Row, *, by, upload) -> None:
        partner = row.target
        partner.save()
        audit.record(
            partner,
            "partner.imported" if row.action == "create" else "partner.changed",
            actor=by,
            to_state=partner.status if row.action == "create" else "",
            changes=row.changes,
            via="import",
            comment=upload.file.original_name,
        )


IMPORTER = PartnerImporter()
start_import = IMPORTER.start
preview_of = IMPORTER.preview
confirm_import = IMPORTER.confirm
read_rows = SHEET.read_rows


def _append_text(sheet, cells) -> None:
    # Region and tier names are typed by the tenant: written as text, never as a formula.
    sheet.append([exports.text(cell) for cell in cells])


def template_workbook() -> bytes:
    """An empty import file in the current language, with the accepted values on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Partners")[:31]
    _append_text(sheet, [column.label for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="DDE6F3")
        letter = cell.column_letter
        if column.key in ("credit_code", "bank_account_number"):
            for row in range(2, 502):  # keep long digit strings as text, not numbers
                sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    exports.fit_columns(sheet, minimum=18)  # room to type in, and the header's own width
    values = workbook.create_sheet(_("Accepted values")[:31])
    _append_text(values, [_("Column"), _("Accepted values")])
    _append_text(
        values,
        [
            str(COLUMN_BY_KEY["channel_type"].label),
            " / ".join(str(label) for _v, label in ChannelType.choices),
        ],
    )
    _append_text(
        values,
        [str(COLUMN_BY_KEY["tier"].label), " / ".join(t.name for t in Tier.objects.filter(is_active=True))],
    )
    _append_text(
        values,
        [str(COLUMN_BY_KEY["credit_rating"].label), " / ".join(value for value, _l in CreditRating.choices)],
    )
    _append_text(values, [str(COLUMN_BY_KEY["exclusive_territory"].label), _("yes / no (是 / 否)")])
    _append_text(values, [str(COLUMN_BY_KEY["owner"].label), " / ".join(u.email for u in owner_choices())])
    _append_text(values, [_("Required columns"), " / ".join(str(c.label) for c in COLUMNS if c.required)])
    _append_text(
        values,
        [
            _("Matching"),
            _("A row whose credit code exists already updates that partner; empty cells change nothing."),
        ],
    )
    _append_text(values, [])
    _append_text(values, [_("Province"), _("City"), _("District / county")])
    regions = list(Region.objects.filter(is_active=True).select_related("parent__parent"))
    for region in sorted(regions, key=region_sort_key):
        if region.level == RegionLevel.DISTRICT or not any(r.parent_id == region.pk for r in regions):
            _append_text(values, [node.name for node in region.chain])
    exports.fit_columns(values, minimum=16)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
