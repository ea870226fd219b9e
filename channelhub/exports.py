"""Excel exports: the one way a view turns rows into an ``.xlsx`` download.

    from channelhub import exports

    return exports.xlsx_response(
        headers=[_("Legal name"), _("Registered capital (CNY)")],
        rows=([p.name, p.registered_capital] for p in partners),
        title=_("Partners"),  # also names the file: 合作伙伴-20261202.xlsx / Partners-20261202.xlsx
    )

Why every export goes through here: a public applicant's company name ``=HYPERLINK(...)``
or a filing reason ``+cmd|' /C calc'!A0`` written as a cell value becomes a live formula
in the manager's spreadsheet (CSV/formula injection, OWASP). Here every text cell is
written as text: a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break
gets a leading apostrophe (``'=HYPERLINK(...)`` — Excel, WPS and LibreOffice all read it
as text, also when the cell is edited and confirmed again), and its cell type is forced
to string, whatever the text looks like. Numbers, dates and booleans stay typed, so sums
and sorting keep working. Characters a worksheet cannot hold (control characters) are
dropped instead of failing the whole export. Columns get widths that fit their content,
CJK characters counting double.

It is built on openpyxl's write-only workbook: rows stream to a temporary file, only the
first ``WIDTH_SAMPLE`` rows are held to measure the columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from itertools import islice

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What makes a spreadsheet read a text as a formula (OWASP "CSV injection"); line feed too,
# since some importers strip a leading line break before they look.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n")
# Control characters a worksheet cannot store (openpyxl refuses them; XML 1.0 forbids them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
MAX_CELL_CHARS = 32_767
WIDTH_SAMPLE = 1000  # rows measured for the column widths
MIN_WIDTH, MAX_WIDTH = 8, 60

_NUMBERS = (int, float, Decimal)  # bool is an int: stays a boolean cell


def text(value) -> str:
    """``value`` as cell text that no spreadsheet takes for a formula."""
    value = _ILLEGAL.sub("", str(value))[: MAX_CELL_CHARS - 1]
    if value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def cell_value(value):
    """What goes into a cell: numbers, dates and booleans as they are (aware moments in local
    time, Excel has no time zones), ``None`` as an empty cell, everything else as safe text."""
    if value is None or isinstance(value, _NUMBERS):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value, _zone())
        return value
    if isinstance(value, date | time):
        if isinstance(value, time) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value
    return text(value)


def _zone():
    from channelhub.tenancy import get_current_tenant

    tenant = get_current_tenant()
    if tenant is not None:
        from channelhub import periods

        return periods.zone(tenant)
    return timezone.get_current_timezone()


def display_width(value) -> int:
    """Columns the value takes on screen: wide (CJK, full-width) characters count two."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    lines = str(value).splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def sheet_title(title) -> str:
    title = _SHEET_TITLE_FORBIDDEN.sub("-", str(title)).strip("'")[:31]
    return title or "Sheet1"


def column_width(width: int, minimum: int = MIN_WIDTH) -> int:
    """A column's width for content ``width`` display columns wide (``display_width``)."""
    return min(max(width + 2, minimum), MAX_WIDTH)


def fit_columns(sheet, *, minimum: int = MIN_WIDTH) -> None:
    """Widen the columns of a sheet built cell by cell (the import template) to fit their text."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows(max_row=WIDTH_SAMPLE, values_only=True):
        for index, value in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 0), display_width(value))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = column_width(width, minimum)


def workbook(*, headers: Sequence, rows: Iterable[Sequence], title) -> bytes:
    """The ``.xlsx`` file of one sheet: a bold, frozen header row, then ``rows``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    header = [text(h) for h in headers]
    rows = iter(rows)
    sample = [[cell_value(v) for v in row] for row in islice(rows, WIDTH_SAMPLE)]
    widths = [display_width(h) for h in header]
    for row in sample:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], display_width(value))

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width(width)
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(value, *, font=None):
        if not isinstance(value, str):
            return value
        written = WriteOnlyCell(sheet, value=value)
        written.data_type = "s"  # text, whatever it looks like ("#N/A", "=...")
        if font is not None:
            written.font = font
        if "\n" in value:
            written.alignment = wrap
        return written

    sheet.append([cell(h, font=bold) for h in header])
    for row in sample:
        sheet.append([cell(v) for v in row])
    for row in rows:
        sheet.append([cell(cell_value(v)) for v in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def download_name(title, ext: str = "xlsx", *, on=None) -> str:
    """The one file-naming rule of every download: what it is, in the reader's language, and the
    tenant's date — ``合作伙伴-20261202.xlsx``; a record's own number stands for ``title``."""
    from channelhub import periods

    what = _UNSAFE_IN_NAMES.sub("-", str(title)).strip(" -.") or "export"
    return f"{what}-{(on or periods.today()):%Y%m%d}.{ext}"


def attachment(response: HttpResponse, filename: str, *, inline: bool = False) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def xlsx_response(*, headers: Sequence, rows: Iterable[Sequence], title, filename: str = "") -> HttpResponse:
    """An attachment download of :func:`workbook`, named after ``title`` (:func:`download_name`)."""
    response = HttpResponse(workbook(headers=headers, rows=rows, title=title), content_type=XLSX_TYPE)
    return attachment(response, filename or download_name(title))
