"""Excel import of the catalogue: the shared flow (channelhub.spreadsheets) with the catalogue's
rules — preview with row-by-row errors, all or nothing, the same file twice changes nothing,
the catalogue's own export reads back."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from channelhub.models import Activity
from channelhub.spreadsheets import FileTooBig
from channelhub.tenancy import tenant_context
from orders import importer
from orders.models import Product, ProductImport, ProductStatus
from tests.orders.factories import ProductLineFactory

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "/t/alpha/orders/products/import/"
HEADERS = ["SKU编码", "名称", "规格", "单位", "包装倍数", "类别", "产品线编码", "目录价(元)", "服务"]


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_rows():
    return [
        ["xc-ac7", "7kW 交流壁挂桩", "单相 220V", "台", 1, "充电桩 / 直流桩 / 一体式", "DC", "1,680", "否"],
        ["XC-CB5", "充电枪线 5 米", "32A", "个", "10", "直流桩", "DC", 480, ""],  # a unique name is enough
        ["XC-SVC", "安装服务", "", "service", "", "PILE", "DC", "500", "是"],  # a category code too
    ]


def start(client, data, name="产品目录.xlsx"):
    response = client.post(URL, {"file": SimpleUploadedFile(name, data, content_type=XLSX)})
    assert response.status_code == 302, response.context and response.context["form"].errors
    return response["Location"]


def products(tenant):
    with tenant_context(tenant):
        return {p.sku: p for p in Product.objects.select_related("category", "line")}


def test_a_good_file_previews_then_imports_and_the_same_file_again_changes_nothing(
    alpha, client_as, admin, piles
):
    client = client_as(admin)
    preview = start(client, workbook(good_rows()))
    page = client.get(preview)
    assert page.context["counts"] == {"create": 3, "update": 0, "unchanged": 0, "errors": 0}
    assert products(alpha) == {}  # nothing before the confirmation
    assert client.post(preview).status_code == 302
    made = products(alpha)
    assert set(made) == {"XC-AC7", "XC-CB5", "XC-SVC"}
    assert made["XC-CB5"].category == piles["dc"] and made["XC-CB5"].pack_multiple == 10
    assert (
        made["XC-SVC"].is_service
        and made["XC-SVC"].unit == "service"
        and str(made["XC-AC7"].list_price) == "1680.00"
    )
    with tenant_context(alpha):
        entry = Activity.objects.get(object_id=made["XC-AC7"].pk, verb="product.created")
    assert entry.via == "import" and entry.comment == "产品目录.xlsx"
    # the same file again: every row unchanged, nothing written
    again = start(client, workbook(good_rows()))
    assert client.get(again).context["counts"] == {"create": 0, "update": 0, "unchanged": 3, "errors": 0}
    client.post(again)
    with tenant_context(alpha):
        assert Activity.objects.filter(verb__startswith="product.").count() == 3


def test_an_update_lists_only_the_changed_cells_and_keeps_the_rest(alpha, client_as, admin, piles, product):
    client = client_as(admin)
    rows = [["XC-DC120", "", "", "", "", "", "", "59800", ""]]  # only the price
    preview = start(client, workbook(rows))
    page = client.get(preview)
    assert page.context["counts"]["update"] == 1
    (row,) = page.context["rows"]
    assert row.changes == {"list_price": ["100.00", "59800.00"]}
    client.post(preview)
    after = products(alpha)["XC-DC120"]
    assert str(after.list_price) == "59800.00" and after.name == "120kW 直流一体桩"


def test_bad_rows_are_explained_row_by_row_and_nothing_is_imported(alpha, client_as, admin, piles, product):
    ProductLineFactory(tenant=alpha, code="OLD", is_active=False)
    rows = [
        ["XC-A 1", "有空格", "", "台", 1, "一体式", "DC", "10", ""],  # a space in the code
        [
            "XC-B",
            "没有类别",
            "",
            "台",
            0,
            "火星类别",
            "DC",
            "abc",
            "也许",
        ],  # pack 0, unknown category, price, yes/no
        [
            "XC-C",
            "",
            "",
            "箩筐",
            "2.5",
            "一体式",
            "NOPE",
            "10",
            "",
        ],  # no name for a new one, unit, pack, line
        ["XC-D", "旧产品线", "", "台", 1, "一体式", "OLD", "10", ""],  # a line out of use
        ["XC-E", "好的一行", "", "台", 1, "一体式", "DC", "10", ""],
        ["xc-e", "重复", "", "台", 1, "一体式", "DC", "10", ""],  # the same code twice
    ]
    client = client_as(admin)
    preview = start(client, workbook(rows))
    page = client.get(preview)
    assert page.context["counts"]["errors"] == 5
    errors = {row.number: dict(row.errors) for row in page.context["rows"] if row.errors}
    assert set(errors) == {2, 3, 4, 5, 7}
    assert "SKU code" in errors[2] or "SKU 编码" in errors[2]
    assert len(errors[3]) == 4 and len(errors[4]) == 4
    response = client.post(preview)
    assert response.status_code == 400
    assert set(products(alpha)) == {"XC-DC120"}
    with tenant_context(alpha):
        assert ProductImport.objects.get().status == "previewed"


def test_a_file_without_the_code_column_is_refused_as_a_whole(client_as, admin):
    client = client_as(admin)
    preview = start(client, workbook([["名称"]], headers=["名称", "规格"]))
    page = client.get(preview)
    assert page.context["preview"].problems and "SKU" in page.context["preview"].problems[0]


def test_the_catalogues_export_reads_back_unchanged(alpha, client_as, admin, piles, product):
    client = client_as(admin)
    exported = client.get("/t/alpha/orders/products/export/").content
    preview = start(client, exported, name="export.xlsx")
    assert client.get(preview).context["counts"] == {"create": 0, "update": 0, "unchanged": 1, "errors": 0}


def test_a_second_confirmation_is_refused(alpha, client_as, admin, piles):
    client = client_as(admin)
    preview = start(client, workbook(good_rows()))
    client.post(preview)
    response = client.post(preview, follow=True)
    assert "该文件已导入过" in response.content.decode()  # the message, in the tenant's Chinese
    assert len(products(alpha)) == 3


def test_too_many_rows_are_refused_at_upload_and_nothing_is_kept(alpha, client_as, admin, monkeypatch):
    monkeypatch.setattr(importer.SHEET, "max_rows", 2)
    rows = good_rows()
    response = client_as(admin).post(
        URL, {"file": SimpleUploadedFile("big.xlsx", workbook(rows), content_type=XLSX)}
    )
    assert response.status_code == 400 and "file" in response.context["form"].errors
    with tenant_context(alpha):
        assert not ProductImport.objects.exists()
    assert issubclass(FileTooBig, Exception)


def test_the_template_names_the_columns_and_the_categories(client_as, admin, piles):
    response = client_as(admin).get(f"{URL}template/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(response.content))
    assert len(book.worksheets) == 2
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[0] in ("SKU code", "SKU 编码")
    paths = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert "充电桩 / 直流桩 / 一体式" in paths


@pytest.mark.parametrize("role_fixture", ["manager", "partner_user"])
def test_only_the_catalogue_keepers_import(request, client_as, role_fixture):
    client = client_as(request.getfixturevalue(role_fixture))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}template/").status_code == 403


def test_a_discontinued_product_in_the_file_stays_discontinued(alpha, client_as, admin, piles, product):
    with tenant_context(alpha):
        from orders import services

        services.discontinue_product(product, reason="停产", by=admin)
    client = client_as(admin)
    preview = start(client, workbook([["XC-DC120", "新名称", "", "", "", "", "", "", ""]]))
    client.post(preview)
    after = products(alpha)["XC-DC120"]
    assert after.name == "新名称" and after.status == ProductStatus.DISCONTINUED


def test_a_weight_typed_without_its_decimals_is_no_change(alpha, client_as, admin, piles, product):
    with tenant_context(alpha):
        Product.objects.filter(pk=product.pk).update(weight_kg="10.000")
    client = client_as(admin)
    headers = ["SKU编码", "重量(千克)"]
    preview = start(client, workbook([["XC-DC120", 10]], headers=headers))
    assert client.get(preview).context["counts"]["unchanged"] == 1
