"""Excel exports write what people typed as text, never as a formula (channelhub/exports.py).

A public applicant's company name ``=HYPERLINK(...)`` must not become a live formula in the
manager's admission export, nor a filing reason ``+cmd|' /C calc'!A0`` in the register export.
Every ``.xlsx`` download is read back with openpyxl: the cell is a string cell and its value
does not start with a formula character, while number columns stay numbers.
"""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from channelhub import exports
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from tests.factories import ApplicationFactory, PartnerFactory
from tests.filings.factories import FilingFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "+cmd|' /C calc'!A0"
ATTACKS = [HYPERLINK, DDE, "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
TRIGGERS = tuple("=+-@\t\r\n")


@pytest.fixture
def client_as():
    """Logged in, reading the portal in English (the headers are looked up by their words)."""

    def make(user):
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment")
    return load_workbook(BytesIO(response.content)).active


def cells_holding(sheet, needle):
    return [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and needle in cell.value
    ]


def assert_text_cell(sheet, payload):
    """The payload is in the sheet, as a string cell that no spreadsheet evaluates."""
    found = cells_holding(sheet, payload.lstrip("=+-@\t\r"))
    assert found, f"{payload!r} is missing from the export"
    for cell in found:
        assert cell.data_type == "s", f"{cell.coordinate} {cell.value!r} is a {cell.data_type!r} cell"
        assert not cell.value.startswith(TRIGGERS), f"{cell.coordinate} starts a formula: {cell.value!r}"


# --- the helper ------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", ATTACKS)
def test_text_neutralises_whatever_starts_a_formula(payload):
    assert exports.text(payload) == "'" + payload
    assert exports.text("杭州驰远新能源设备有限公司") == "杭州驰远新能源设备有限公司"
    assert exports.text("1+1=2") == "1+1=2"  # only the first character matters


def test_the_workbook_keeps_numbers_and_dates_typed_and_text_as_text():
    moment = datetime(2026, 3, 1, 1, 30, tzinfo=ZoneInfo("UTC"))
    content = exports.workbook(
        headers=["名称", "金额", "日期", "时间", "备注"],
        rows=[
            [HYPERLINK, Decimal("1234.50"), date(2026, 3, 1), moment, "#N/A"],
            ["=1+1", 7, None, datetime(2026, 3, 1, 9, 30), "bad\x00\x0bchar\nnext line"],
        ],
        title="Sheet: [test]/*?",
    )
    sheet = load_workbook(BytesIO(content)).active
    assert sheet.title == "Sheet- -test----"
    a2, b2, c2, d2, e2 = sheet[2]
    assert (a2.data_type, a2.value) == ("s", "'" + HYPERLINK)
    assert b2.data_type == "n" and b2.value == 1234.5
    assert c2.is_date and c2.value == datetime(2026, 3, 1)
    # Excel has no time zones: an aware moment is written in local time (no tenant: the current zone)
    assert d2.is_date and d2.value == timezone.make_naive(moment, timezone.get_current_timezone())
    assert (e2.data_type, e2.value) == ("s", "#N/A")  # text, not an error cell
    a3, b3, _c3, _d3, e3 = sheet[3]
    assert (a3.data_type, a3.value) == ("s", "'=1+1")
    assert b3.data_type == "n" and b3.value == 7
    assert e3.value == "badchar\nnext line"
    assert sheet.freeze_panes == "A2"
    assert [c.font.b for c in sheet[1]] == [True] * 5


def test_columns_fit_chinese_text():
    content = exports.workbook(
        headers=["Name", "Code"], rows=[["杭州驰远新能源设备有限公司", "913300000000000001"]], title="t"
    )
    sheet = load_workbook(BytesIO(content)).active
    assert sheet.column_dimensions["A"].width >= 26  # 13 characters, two columns each
    assert 18 <= sheet.column_dimensions["B"].width < 26


# --- every export uses it -------------------------------------------------------------------


def test_the_admission_export_writes_the_applicants_company_name_as_text(alpha, member, client_as):
    ApplicationFactory(tenant=alpha, company_name=HYPERLINK, contact_name=DDE, review_score=Decimal("81.5"))
    response = client_as(member(Role.CHANNEL_MANAGER)).get("/t/alpha/onboarding/export.xlsx?state=all")
    sheet = sheet_of(response)
    assert_text_cell(sheet, HYPERLINK)
    assert_text_cell(sheet, DDE)
    header = [c.value for c in sheet[1]]
    days, score = (
        sheet.cell(2, header.index("Days in status") + 1),
        sheet.cell(2, header.index("Screening score") + 1),
    )
    assert days.data_type == "n" and days.value == 0
    assert score.data_type == "n" and score.value == 81.5
    assert sheet.cell(2, header.index("Submitted at") + 1).is_date


def test_the_filing_register_export_writes_the_reason_as_text(alpha, member, client_as):
    partner = PartnerFactory(tenant=alpha, name="@SUM(1+1)*cmd|' /C calc'!A0")
    FilingFactory(tenant=alpha, partner=partner, reason=DDE)
    response = client_as(member(Role.CLERK)).get("/t/alpha/filings/export.xlsx")
    sheet = sheet_of(response)
    assert_text_cell(sheet, DDE)
    assert_text_cell(sheet, "@SUM(1+1)*cmd|' /C calc'!A0")


def test_the_partner_export_writes_names_as_text_and_money_as_numbers(alpha, member, client_as):
    PartnerFactory(
        tenant=alpha,
        name=HYPERLINK,
        legal_representative="-2+3+cmd|' /C calc'!A0",
        address="\t=1+1",
        registered_capital=Decimal("5000000.00"),
    )
    response = client_as(member(Role.CHANNEL_MANAGER)).get("/t/alpha/partners/export.xlsx?scope=all")
    sheet = sheet_of(response)
    for payload in (HYPERLINK, "-2+3+cmd|' /C calc'!A0", "\t=1+1"):
        assert_text_cell(sheet, payload)
    header = [c.value for c in sheet[1]]
    capital = sheet.cell(2, header.index("Registered capital (CNY)") + 1)
    assert capital.data_type == "n" and capital.value == 5_000_000
    assert sheet.column_dimensions["A"].width >= 20


def test_no_view_writes_a_workbook_of_its_own():
    """Exports go through channelhub.exports; only the importer's template builds its own file."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("channelhub", "partners", "onboarding", "filings"):
        for path in (root / app).rglob("*.py"):
            if path.name == "exports.py" and app == "channelhub":
                continue
            source = path.read_text(encoding="utf-8")
            if "tablib" in source or ("Workbook(" in source and path.name != "importer.py"):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_the_import_template_writes_tenant_typed_names_as_text(alpha, member, client_as):
    from partners.models import Region, RegionLevel, Tier

    with tenant_context(alpha):
        Region.objects.create(name=HYPERLINK[:60], level=RegionLevel.PROVINCE)
        Tier.objects.create(name="+1+1 金牌", rank=1)
    response = client_as(member(Role.CHANNEL_MANAGER)).get("/t/alpha/partners/import/template.xlsx")
    assert response.status_code == 200
    values = load_workbook(BytesIO(response.content)).worksheets[1]
    assert_text_cell(values, HYPERLINK[:60])
    assert_text_cell(values, "+1+1 金牌")
