"""Excel import: preview with row-by-row errors, all or nothing, idempotent, file kept privately."""

from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from channelhub import spreadsheets
from channelhub.models import Activity, StoredFile
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners import importer
from partners.models import ImportStatus, Partner, PartnerImport
from tests.factories import MembershipFactory, credit_code

from .conftest import HEADERS, PDF, fresh, workbook

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def good_rows(manager):
    return [
        ["嘉兴泽众充电设备有限公司", credit_code(700001), "沈海", "500万", "经销商", "金牌渠道", "浙江省", "杭州市", "滨江区",
         manager.email],
        ["宁波启航智能科技有限公司", credit_code(700002), "周丽", 2000000, "agent", "", "浙江省", "宁波市", "", ""],
        ["杭州云充能源服务有限公司", credit_code(700003).lower(), "", "", "Franchisee", "", "", "", "", ""],
    ]  # fmt: skip


def upload(client, data, name="渠道商.xlsx"):
    return client.post(
        "/t/alpha/partners/import/", {"file": SimpleUploadedFile(name, data, content_type=XLSX)}
    )


def start(client, data):
    response = upload(client, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return response["Location"]


def imports(tenant):
    with tenant_context(tenant):
        return list(PartnerImport.objects.all())


def count_partners(tenant):
    with tenant_context(tenant):
        return Partner.objects.count()


def test_a_clean_file_is_previewed_then_imported(alpha, manager, client_as, territory, gold):
    client = client_as(manager)
    before = count_partners(alpha)
    preview_url = start(client, workbook(good_rows(manager)))
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert preview.context["counts"] == {"create": 3, "update": 0, "unchanged": 0, "errors": 0}
    assert count_partners(alpha) == before  # nothing saved before the confirmation
    # The file waits in private storage, as a StoredFile of the import.
    [partner_import] = imports(alpha)
    assert partner_import.file.subject == partner_import
    assert partner_import.file.mime_type == XLSX
    response = client.post(preview_url)
    assert response.status_code == 302
    assert count_partners(alpha) == before + 3
    with tenant_context(alpha):
        made = Partner.objects.select_related("region", "tier", "owner").get(credit_code=credit_code(700001))
        upper = Partner.objects.get(name="杭州云充能源服务有限公司")
        entry = Activity.objects.get(object_id=made.pk, verb="partner.imported")
    assert (made.region, made.tier, made.owner) == (territory["binjiang"], gold, manager)
    assert str(made.registered_capital) == "5000000.00"
    assert made.channel_type == "distributor"
    assert upper.credit_code == credit_code(700003)  # normalised
    assert upper.channel_type == "franchise"
    assert entry.via == "import"
    done = fresh(partner_import)
    assert (done.status, done.created_count, done.completed_by) == (ImportStatus.COMPLETED, 3, manager)
    assert "import-done" in client.get(preview_url).content.decode()


def test_the_same_file_twice_creates_nothing_the_second_time(alpha, manager, client_as, territory, gold):
    client = client_as(manager)
    data = workbook(good_rows(manager))
    client.post(start(client, data))
    after_first = count_partners(alpha)
    second = start(client, data)
    assert client.get(second).context["counts"] == {"create": 0, "update": 0, "unchanged": 3, "errors": 0}
    client.post(second)
    assert count_partners(alpha) == after_first
    assert fresh(imports(alpha)[0]).unchanged_count == 3  # newest first


def test_a_known_credit_code_updates_that_partner_with_the_non_empty_cells(
    alpha, partner, manager, client_as
):
    client = client_as(manager)
    row = ["杭州易充电力工程有限公司（更名）", partner.credit_code, "", "", "distributor", "", "", "", "", ""]
    preview_url = start(client, workbook([row]))
    page = client.get(preview_url)
    assert page.context["counts"]["update"] == 1
    assert "杭州易充电力工程有限公司（更名）" in page.content.decode()
    client.post(preview_url)
    stored = fresh(partner)
    assert stored.name == "杭州易充电力工程有限公司（更名）"
    assert stored.legal_representative == "朱艳"  # an empty cell changes nothing
    assert stored.region_id == partner.region_id
    with tenant_context(alpha):
        entry = Activity.objects.get(object_id=partner.pk, verb="partner.changed")
    assert entry.changes == {"name": ["杭州易充电力工程有限公司", "杭州易充电力工程有限公司（更名）"]}
    assert entry.via == "import"


def test_every_kind_of_error_is_shown_on_its_row_and_nothing_is_saved(
    alpha, manager, client_as, territory, gold
):
    bad_check = credit_code(700010)[:-1] + ("0" if credit_code(700010)[-1] != "0" else "1")
    rows = good_rows(manager) + [
        ["错误校验位有限公司", bad_check, "", "", "agent", "", "", "", "", ""],
        ["未知类型有限公司", credit_code(700011), "", "", "批发商", "", "", "", "", ""],
        ["未知区域有限公司", credit_code(700012), "", "", "agent", "", "浙江省", "火星市", "", ""],
        ["", credit_code(700013), "", "", "", "", "", "", "", ""],
        ["文件内重复有限公司", credit_code(700001), "", "", "agent", "", "", "", "", ""],
        ["未知经理有限公司", credit_code(700014), "", "很多钱", "agent", "钻石渠道", "", "", "", "nobody@example.com"],
    ]  # fmt: skip
    client = client_as(manager)
    before = count_partners(alpha)
    preview_url = start(client, workbook(rows))
    page = client.get(preview_url)
    body = page.content.decode()
    errors = {
        row.number: [message for _c, message in row.errors]
        for row in page.context["preview"].rows
        if row.errors
    }
    assert set(errors) == {5, 6, 7, 8, 9, 10}  # Excel row numbers (the header is row 1)
    assert "check digit" in errors[5][0] or "校验位" in errors[5][0]
    assert "批发商" in errors[6][0]
    assert "火星市" in errors[7][0]
    assert len(errors[8]) == 2  # the name and the type are missing
    assert "row 2" in errors[9][0] or "2" in errors[9][0]  # the same code as row 2
    assert len(errors[10]) == 3  # the amount, the tier and the manager
    assert page.context["counts"]["errors"] == 6
    assert 'data-testid="import-confirm"' not in body
    assert 'data-testid="import-has-errors"' in body
    # Forcing the confirmation saves nothing either.
    response = client.post(preview_url)
    assert response.status_code == 400
    assert count_partners(alpha) == before
    assert fresh(imports(alpha)[0]).status == ImportStatus.PREVIEWED


def test_the_confirmation_checks_the_file_again(alpha, manager, client_as, territory, gold):
    client = client_as(manager)
    preview_url = start(client, workbook(good_rows(manager)))
    assert client.get(preview_url).context["preview"].ok
    # Between the preview and the confirmation the tier is renamed: row 2 no longer fits.
    gold.name = "白金渠道"
    with tenant_context(alpha):
        gold.save()
    before = count_partners(alpha)
    response = client.post(preview_url)
    assert response.status_code == 400
    assert count_partners(alpha) == before


def test_a_file_is_imported_once(alpha, manager, client_as, territory, gold):
    client = client_as(manager)
    preview_url = start(client, workbook(good_rows(manager)))
    client.post(preview_url)
    count = count_partners(alpha)
    response = client.post(preview_url)
    assert response.status_code == 302
    assert count_partners(alpha) == count


def test_headers_in_english_and_missing_columns(alpha, manager, client_as):
    client = client_as(manager)
    english = ["Legal name", "Unified social credit code", "Channel type"]
    preview_url = start(
        client, workbook([["Hangzhou Test Co.", credit_code(700020), "Agent"]], headers=english)
    )
    assert client.get(preview_url).context["counts"]["create"] == 1
    preview_url = start(
        client, workbook([["杭州测试", credit_code(700021)]], headers=["企业名称", "统一社会信用代码"])
    )
    page = client.get(preview_url)
    assert page.context["preview"].problems
    assert not page.context["preview"].ok


def test_a_file_that_is_not_a_workbook_is_refused_at_upload(alpha, manager, client_as):
    response = upload(client_as(manager), PDF, name="渠道商.xlsx")
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not imports(alpha)
    with tenant_context(alpha):
        assert not StoredFile.objects.exists()


def test_the_template_is_a_workbook_with_the_columns_and_the_accepted_values(
    alpha, manager, client_as, territory, gold
):
    response = client_as(manager).get("/t/alpha/partners/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert "统一社会信用代码" in headers or "Unified social credit code" in headers
    values = "\n".join(
        str(cell.value) for row in book.worksheets[1].iter_rows() for cell in row if cell.value
    )
    assert "金牌渠道" in values and "西湖区" in values and manager.email in values
    # Every column is wide enough for its Chinese header (two display columns a character).
    from channelhub.exports import display_width

    sheet = book.worksheets[0]
    for cell in sheet[1]:
        assert sheet.column_dimensions[cell.column_letter].width >= display_width(cell.value), cell.value
    accepted = book.worksheets[1]
    assert accepted.column_dimensions["B"].width > 18  # the long lists of accepted values


def test_the_template_round_trips(alpha, manager, client_as, territory, gold):
    """Filling in the downloaded template and uploading it works (headers in the UI language)."""
    client = client_as(manager)
    book = load_workbook(BytesIO(client.get("/t/alpha/partners/import/template.xlsx").content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = [""] * len(headers)
    row[0], row[1], row[5] = "模板测试有限公司", credit_code(700030), "代理商"
    sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    preview_url = start(client, buffer.getvalue())
    assert client.get(preview_url).context["counts"]["create"] == 1


def test_another_importer_sees_the_preview_but_others_do_not(alpha, manager, member, client_as):
    preview_url = start(client_as(manager), workbook(good_rows(manager)))
    assert client_as(member(Role.TENANT_ADMIN)).get(preview_url).status_code == 200
    assert client_as(member(Role.CHANNEL_SUPERVISOR)).get(preview_url).status_code == 403
    [partner_import] = imports(alpha)
    file_url = f"/t/alpha/files/{partner_import.file.pk}/"
    assert client_as(manager).get(file_url).status_code == 200
    assert client_as(member(Role.FINANCE)).get(file_url).status_code == 404
    other_manager = MembershipFactory(tenant=alpha, role=Role.CHANNEL_MANAGER).user
    assert client_as(other_manager).get(preview_url).status_code == 200


def test_exclusive_territories_are_checked_inside_the_file_and_against_the_registry(
    alpha, partner, manager, client_as, territory
):
    """partner: a distributor in 杭州市西湖区 (not exclusive)."""
    rows = [
        ["杭州独家经销有限公司", credit_code(700040), "", "", "distributor", "", "浙江省", "杭州市", "", "", "是"],
        ["宁波独家代理有限公司", credit_code(700041), "", "", "agent", "", "浙江省", "宁波市", "", "", "是"],
        ["宁波海曙代理有限公司", credit_code(700042), "", "", "agent", "", "浙江省", "宁波市", "", "", "否"],
    ]  # fmt: skip
    headers = [*HEADERS, "独家区域"]
    page = client_as(manager).get(start(client_as(manager), workbook(rows, headers=headers)))
    errors = {row.number: row.errors for row in page.context["preview"].rows if row.errors}
    assert set(errors) == {2, 4}  # over the registry's distributor; inside the file's exclusive agent
    assert partner.name in errors[2][0][1]
    assert "宁波独家代理有限公司" in errors[4][0][1]


# --- reading limits, and the file read once (issue 9) ----------------------------------------


def padded_workbook(rows, blank_rows: int) -> bytes:
    """``rows`` then ``blank_rows`` empty rows that are really in the file (formatted, no value),
    the way a sheet formatted far below its data, or a hostile one, stores them."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    first = len(rows) + 2
    for number in range(first, first + blank_rows):
        sheet.cell(row=number, column=1).number_format = "@"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def rows_read(monkeypatch):
    """How many rows openpyxl handed out while the workbook was read."""
    counter = {"rows": 0}
    original = ReadOnlyWorksheet.iter_rows

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            counter["rows"] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting)
    return counter


def test_empty_rows_count_towards_the_row_limit_and_reading_stops_there(
    alpha, manager, client_as, territory, gold, monkeypatch, rows_read
):
    monkeypatch.setattr(importer.SHEET, "max_rows", 100)
    data = padded_workbook(good_rows(manager), blank_rows=3000)
    assert len(data) < 100_000  # a small file
    response = upload(client_as(manager), data)
    assert response.status_code == 400
    [message] = response.context["form"].errors["file"]
    assert "100" in message
    assert rows_read["rows"] <= 1 + 100 + 1  # the header, the limit, the row over it: not 3,004
    assert not imports(alpha)  # nothing kept
    with tenant_context(alpha):
        assert not StoredFile.objects.exists()


def test_a_file_exactly_at_the_row_limit_is_read(alpha, manager, client_as, territory, gold, monkeypatch):
    monkeypatch.setattr(importer.SHEET, "max_rows", 100)
    client = client_as(manager)
    preview_url = start(client, padded_workbook(good_rows(manager), blank_rows=100 - 3))
    assert client.get(preview_url).context["counts"]["create"] == 3


def test_a_workbook_too_large_once_unpacked_is_not_opened(alpha, manager, client_as, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_MB", 0.001)  # 1 kB: every workbook is over it
    opened = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: opened.append(1))
    response = upload(client_as(manager), workbook(good_rows(manager)))
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not opened
    assert not imports(alpha)


def test_the_preview_and_the_confirmation_do_not_read_the_file_again(
    alpha, manager, client_as, territory, gold, monkeypatch
):
    client = client_as(manager)
    preview_url = start(client, workbook(good_rows(manager)))

    def no_reading(*args, **kwargs):
        raise AssertionError("the workbook was read again")

    monkeypatch.setattr(importer, "read_rows", no_reading)
    monkeypatch.setattr("openpyxl.load_workbook", no_reading)
    for _ in range(3):
        page = client.get(preview_url)
        assert page.status_code == 200
        assert page.context["counts"] == {"create": 3, "update": 0, "unchanged": 0, "errors": 0}
    before = count_partners(alpha)
    assert client.post(preview_url).status_code == 302
    assert count_partners(alpha) == before + 3
    done = fresh(imports(alpha)[0])
    assert (done.status, done.parsed) == (ImportStatus.COMPLETED, None)  # not kept once done


def test_a_file_problem_is_kept_and_shown_in_the_readers_language(alpha, manager, client_as, monkeypatch):
    client = client_as(manager)
    preview_url = start(
        client, workbook([["杭州测试", credit_code(700021)]], headers=["企业名称", "统一社会信用代码"])
    )
    assert fresh(imports(alpha)[0]).parsed == {
        "problem": {"code": "missing_columns", "columns": ["channel_type"]}
    }
    monkeypatch.setattr(importer, "read_rows", lambda *a, **k: pytest.fail("read again"))
    for language in ("en", "zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        with translation.override(language):
            label = str(importer.COLUMN_BY_KEY["channel_type"].label)
        [problem] = client.get(preview_url).context["preview"].problems
        assert label in problem


def test_an_import_uploaded_before_its_rows_were_kept_is_read_once(
    alpha, manager, client_as, territory, gold, monkeypatch
):
    client = client_as(manager)
    preview_url = start(client, workbook(good_rows(manager)))
    with tenant_context(alpha):
        PartnerImport.objects.update(parsed=None)
    calls = []
    original = importer.SHEET.read_rows
    monkeypatch.setattr(importer.SHEET, "read_rows", lambda data: calls.append(1) or original(data))
    for _ in range(2):
        assert client.get(preview_url).context["counts"]["create"] == 3
    assert len(calls) == 1
    assert fresh(imports(alpha)[0]).parsed["columns"]
