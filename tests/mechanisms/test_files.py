import io

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from channelhub import files
from channelhub.roles import Role
from partners.models import Partner

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n%...\n"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 64


def xlsx_bytes():
    book = Workbook()
    book.active["A1"] = "渠道商"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF, files.PDF), (PNG, files.PNG), (JPEG, files.JPEG), (EXE, None), (b"PK\x03\x04junk", None)],
)
def test_it_judges_the_type_by_content(content, expected):
    assert files.sniff_type(SimpleUploadedFile("whatever.pdf", content)) == expected


def test_it_recognises_a_real_xlsx():
    assert files.sniff_type(SimpleUploadedFile("a.bin", xlsx_bytes())) == files.XLSX


def test_it_refuses_an_exe_named_pdf():
    with pytest.raises(forms.ValidationError) as problem:
        files.validate_upload(SimpleUploadedFile("合同.pdf", EXE), max_mb=10)
    assert problem.value.code == "file_type"


def test_it_refuses_an_oversize_file_with_the_limit_in_the_message():
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(forms.ValidationError) as problem:
        files.validate_upload(big, max_mb=1)
    assert problem.value.code == "file_too_large"
    assert problem.value.params["limit"] == 1


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("营业执照\x00.pdf", "营业执照.pdf"),
        (".htaccess", "htaccess"),
        ("", "file"),
    ],
)
def test_it_cleans_names_of_path_tricks(name, clean):
    assert files.clean_file_name(name) == clean


def test_it_stores_under_a_generated_name(in_alpha, alpha_partner):
    stored = files.store_file(alpha_partner, SimpleUploadedFile("../../evil.pdf", PDF), kind="licence")
    assert stored.original_name == "evil.pdf"
    assert ".." not in stored.file.name and "evil" not in stored.file.name
    assert stored.file.name.startswith(f"t{alpha_partner.tenant_id}/")
    assert stored.mime_type == files.PDF and stored.size == len(PDF)


@pytest.fixture
def stored_png(in_alpha, alpha_partner):
    return files.store_file(alpha_partner, SimpleUploadedFile("门头照.png", PNG), kind="photo")


def test_it_serves_a_file_only_after_the_owner_check(stored_png, member, client_as, stranger, alpha_partner):
    url = f"/t/alpha/files/{stored_png.pk}/"
    saved = dict(files._FILE_OWNERS)
    try:
        files._FILE_OWNERS.pop(Partner, None)
        assert client_as(member(Role.CHANNEL_MANAGER)).get(url).status_code == 404  # no owner rule: nobody
        files.register_file_owner(
            Partner,
            lambda request, p: (
                not request.membership.is_partner_user or p.pk == request.membership.partner_id
            ),
        )
        response = client_as(member(Role.CHANNEL_MANAGER)).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]
        assert (
            "inline" in client_as(member(Role.CHANNEL_MANAGER)).get(url + "?inline=1")["Content-Disposition"]
        )
        assert client_as(stranger).get(f"/t/beta/files/{stored_png.pk}/").status_code == 404
    finally:
        files._FILE_OWNERS.clear()
        files._FILE_OWNERS.update(saved)


def test_the_form_field_reports_size_and_type_errors():
    field = files.PrivateFileField(max_mb=1)
    with pytest.raises(forms.ValidationError):
        field.clean(SimpleUploadedFile("x.pdf", EXE))
    accepted = field.clean(SimpleUploadedFile("x.pdf", PDF))
    assert accepted.sniffed_type == files.PDF
