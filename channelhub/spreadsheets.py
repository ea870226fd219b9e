"""Reading Excel uploads: the one reader behind every importer (partners, products, stock and
sell-out reports).

An importer declares its ``Column``s (a key, the header in both languages and aliases people
type, whether it is required) and gets a ``Sheet``: it reads the first sheet **once**, at
upload, into plain cells keyed by column (``parse`` → what the import row keeps as JSON), and
hands them back as fresh ``Row``s (``rows_of``) for the importer's own check, every time a
preview or a confirmation asks. Headers match in either language, whatever the case, spaces,
full-width brackets or a trailing ``*``; columns right of the last known one are not read.

Reading is bounded: at most ``max_rows`` rows below the header are read, empty ones included
(a small file can hold millions of empty rows), and a workbook larger than ``MAX_UNPACKED_MB``
once unpacked (a "zip bomb") is not opened at all; either raises ``FileTooBig``, refused on the
upload form with nothing kept. A file that is no workbook, an empty sheet or missing required
columns is a ``FileProblem``, kept with the import and worded when shown, in the reader's
language.
"""

import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

MAX_ROWS = 10_000  # rows read below the header, empty rows included
MAX_UNPACKED_MB = 50  # the workbook's parts once unpacked (10,000 full rows take a few MB)
YES = {"yes", "y", "true", "1", "是", "有", "独家", "√"}
NO = {"no", "n", "false", "0", "否", "无", "", "×"}


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy translation
    aliases: tuple[str, ...] = ()
    required: bool = False


def norm(text) -> str:
    """A header or a typed value as compared: lower case, no spaces, half-width brackets, no
    ``*`` or ``:`` (required markers and label colons)."""
    text = str(text or "").strip().lower()
    text = text.replace("（", "(").replace("）", ")").replace("：", ":")
    return re.sub(r"[\s*:]", "", text)


def names_of(column: Column) -> set[str]:
    """Every header that means ``column``: its key, its aliases, its label in each language."""
    names = {norm(column.key), *(norm(alias) for alias in column.aliases)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(norm(str(column.label)))
    return names


def choice_lookup(choices) -> dict[str, str]:
    """value, English label and Chinese label -> value (a label's part before "·" too)."""
    lookup = {}
    for value, label in choices:
        lookup[norm(value)] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                lookup[norm(str(label))] = value
                lookup[norm(str(label).split("·")[0])] = value
    return lookup


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as the text a person typed (12.0 → "12", a Decimal without exponent)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


DATE_PATTERN = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$"
)


def parse_date(value: str):
    """A date cell as typed or as Excel stores it: 2026-11-03, 2026/11/3, 2026年11月3日, a
    date cell (read as "2026-11-03 00:00:00") or Excel's day number (46329). ValueError else."""
    from datetime import date, timedelta

    value = (value or "").strip()
    match = DATE_PATTERN.match(value)
    if match:
        return date(*(int(part) for part in match.groups()))
    if value.isdigit() and 20_000 < int(value) < 80_000:  # Excel's day count from 1899-12-30
        return date(1899, 12, 30) + timedelta(days=int(value))
    raise ValueError(value)


@dataclass
class Row:
    number: int  # the Excel row number
    cells: dict
    labels: dict = field(default_factory=dict, repr=False)  # column key -> label
    errors: list = field(default_factory=list)  # [(column label, message)]
    action: str = ""  # "create", "update", "unchanged" (or the importer's own)
    values: dict = field(default_factory=dict)  # model field -> value
    target: object = None  # the row the importer will save
    changes: dict = field(default_factory=dict)

    def error(self, key: str | None, message: str) -> None:
        label = str(self.labels.get(key, key)) if key else ""
        self.errors.append((label, message))


@dataclass
class Preview:
    rows: list
    problems: list  # errors about the file as a whole

    @property
    def error_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.error_rows and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if not row.errors and row.action == action)


class FileProblem(Exception):
    """A problem with the file as a whole, kept as ``{"code": …, **params}`` and worded when
    shown (``labels`` names the missing columns)."""

    def __init__(self, code: str, labels: dict | None = None, **params):
        super().__init__(code)
        self.code, self.params, self.labels = code, params, labels or {}

    @property
    def message(self) -> str:
        if self.code == "too_many_rows":
            return _(
                "The first sheet has more than %(max)s rows (empty rows count too). Delete the empty "
                "rows below your data, or split the file."
            ) % {"max": self.params["max"]}
        if self.code == "too_large":
            return _("The file is too large once unpacked (more than %(max)s MB); please split it.") % {
                "max": self.params["max"]
            }
        if self.code == "empty":
            return _("The first sheet is empty.")
        if self.code == "missing_columns":
            labels = [str(self.labels.get(key, key)) for key in self.params["columns"]]
            return _(
                "These columns are missing from the first row: %(columns)s. Start from the template."
            ) % {"columns": ", ".join(labels)}
        return _("The file could not be read as an Excel workbook.")

    def __str__(self) -> str:
        return self.message

    def as_json(self) -> dict:
        return {"code": self.code, **self.params}


class FileTooBig(FileProblem):
    """Over a reading limit: refused at upload, nothing is kept."""


class Sheet:
    """The reader of one importer's columns."""

    def __init__(self, columns: list[Column], *, max_rows: int = MAX_ROWS):
        self.columns = columns
        self.by_key = {column.key: column for column in columns}
        self.labels = {column.key: column.label for column in columns}
        self.max_rows = max_rows

    def problem(self, code: str, **params) -> FileProblem:
        return FileProblem(code, self.labels, **params)

    def problem_of(self, parsed: dict) -> FileProblem | None:
        data = parsed.get("problem")
        if not data:
            return None
        return FileProblem(
            data.get("code", ""), self.labels, **{k: v for k, v in data.items() if k != "code"}
        )

    def read_rows(self, data) -> list[Row]:
        """The rows of the first sheet, keyed by column; raises FileProblem for the file as a
        whole, FileTooBig at the first row over ``max_rows`` (or before opening a workbook too
        large once unpacked)."""
        from openpyxl import load_workbook

        source = BytesIO(data) if isinstance(data, bytes | bytearray) else data
        self._check_unpacked_size(source)
        try:
            workbook = load_workbook(source, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise self.problem("unreadable") from error
        try:
            sheet = workbook.worksheets[0]
            header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
            if header is None:
                raise self.problem("empty")
            positions = self._map_header(header)
            width = max(positions.values()) + 1  # cells right of the last known column are not read
            rows = []
            # Row numbers are Excel's: openpyxl yields the rows missing from the file as empty ones.
            iterator = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
            for number, values in enumerate(iterator, start=2):
                if number - 1 > self.max_rows:  # counted as read: an empty row costs as much as a full one
                    raise FileTooBig("too_many_rows", self.labels, max=self.max_rows)
                if values is None or all(blank(v) for v in values):
                    continue
                cells = {
                    key: text(values[index]) if index < len(values) else ""
                    for key, index in positions.items()
                }
                rows.append(Row(number=number, cells=cells, labels=self.labels))
        finally:
            workbook.close()
        return rows

    def parse(self, data) -> dict:
        """Read the file once into what an import keeps: the cells of every row, or the problem
        of the file as a whole. Raises FileTooBig (nothing is to be kept then)."""
        try:
            rows = self.read_rows(data)
        except FileTooBig:
            raise
        except FileProblem as problem:
            return {"problem": problem.as_json()}
        columns = list(rows[0].cells) if rows else []
        return {
            "columns": columns,
            "rows": [[row.number, [row.cells[key] for key in columns]] for row in rows],
        }

    def rows_of(self, parsed: dict) -> list[Row]:
        """Fresh rows (no errors, no plan yet) from what ``parse`` kept."""
        columns = parsed.get("columns", [])
        return [
            Row(number=number, cells=dict(zip(columns, values, strict=True)), labels=self.labels)
            for number, values in parsed.get("rows", [])
        ]

    def _map_header(self, header) -> dict[str, int]:
        names = {column.key: names_of(column) for column in self.columns}
        positions = {}
        for index, title in enumerate(header):
            title = norm(title)
            for key, accepted in names.items():
                if title and title in accepted and key not in positions:
                    positions[key] = index
                    break
        missing = [column.key for column in self.columns if column.required and column.key not in positions]
        if missing:
            raise self.problem("missing_columns", columns=missing)
        return positions

    def _check_unpacked_size(self, source) -> None:
        try:
            with zipfile.ZipFile(source) as archive:
                size = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise self.problem("unreadable") from error
        finally:
            source.seek(0)
        if size > MAX_UNPACKED_MB * 1024 * 1024:
            raise FileTooBig("too_large", self.labels, max=MAX_UNPACKED_MB)


# --- the flow of an import: upload → preview → confirm (all or nothing) ---------------------


class ImportRefused(Exception):
    def __init__(self, preview: Preview | None = None, message: str = ""):
        super().__init__(message)
        self.preview, self.message = preview, message


class Importer:
    """One kind of import. A subclass names its ``sheet``, its ``model`` (a
    ``channelhub.models.SpreadsheetImport``), the ``permission`` to import and the stored file's
    ``file_kind``, and writes ``check(rows) -> Preview`` (every row's errors, action and
    ``target``, with a constant number of queries) and ``save_row(row, *, by, upload)``.
    An import that belongs to something (a partner's report) adds ``upload_fields(by)`` for
    the import row, ``check_upload(upload, rows)`` to check against it, and may save its rows
    at once (``save_rows``)."""

    sheet: Sheet
    model: type
    permission: str
    file_kind: str

    def check(self, rows: list[Row]) -> Preview:
        raise NotImplementedError

    def save_row(self, row: Row, *, by, upload) -> None:
        raise NotImplementedError

    def upload_fields(self, by) -> dict:
        return {}

    def uploads(self, by):
        """The earlier uploads ``by`` may see (the upload page lists the latest)."""
        return self.model.objects.all()

    def check_upload(self, upload, rows: list[Row]) -> Preview:
        return self.check(rows)

    def save_rows(self, rows: list[Row], *, by, upload) -> None:
        for row in rows:
            self.save_row(row, by=by, upload=upload)

    def start(self, *, uploaded, by):
        """Read the (already validated) upload once, keep it in private storage with its rows,
        and return the import to preview. Raises FileTooBig (nothing is kept) over a limit."""
        from django.db import transaction

        from channelhub import files, roles

        roles.require(by, self.permission)
        uploaded.seek(0)
        parsed = self.sheet.parse(uploaded.read())
        uploaded.seek(0)
        with transaction.atomic():
            upload = self.model.objects.create(created_by=by, parsed=parsed, **self.upload_fields(by))
            upload.file = files.store_file(upload, uploaded, kind=self.file_kind, by=by)
            upload.save(update_fields=["file"])
        return upload

    def preview(self, upload) -> Preview:
        """Check the rows read at upload against the database as it is now (the file is not
        read again)."""
        parsed = upload.parsed
        if parsed is None:  # uploaded before the rows were kept: read the stored file this once
            with upload.file.file.open("rb") as handle:
                data = handle.read()
            try:
                parsed = self.sheet.parse(data)
            except FileTooBig as problem:
                parsed = {"problem": problem.as_json()}
            self.model.objects.filter(pk=upload.pk).update(parsed=parsed)
            upload.parsed = parsed
        problem = self.sheet.problem_of(parsed)
        if problem is not None:
            return Preview(rows=[], problems=[problem.message])
        return self.check_upload(upload, self.sheet.rows_of(parsed))

    def confirm(self, upload, *, by):
        """Check the kept rows again and apply every row, or nothing when any row has an error;
        a second confirmation of the same upload (two tabs, a double click) is refused."""
        from django.db import transaction
        from django.utils import timezone

        from channelhub import roles
        from channelhub.models.files import ImportStatus

        roles.require(by, self.permission, upload.tenant_id)
        with transaction.atomic():
            locked = self.model.objects.select_for_update().get(pk=upload.pk)
            if locked.status != ImportStatus.PREVIEWED:
                raise ImportRefused(message=_("This file was imported already."))
            preview = self.preview(locked)
            if not preview.ok:
                raise ImportRefused(preview, _("Nothing was imported: the file has errors."))
            counts = {"create": 0, "update": 0, "unchanged": 0}
            for row in preview.rows:
                counts[row.action] = counts.get(row.action, 0) + 1
            self.save_rows([row for row in preview.rows if row.action != "unchanged"], by=by, upload=locked)
            locked.status = ImportStatus.COMPLETED
            locked.completed_by = by
            locked.completed_at = timezone.now()
            locked.created_count = counts["create"]
            locked.updated_count = counts["update"]
            locked.unchanged_count = counts["unchanged"]
            locked.parsed = None  # done with: the counts, the activity and the file remain
            locked.save()
        return locked
