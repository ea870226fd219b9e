"""Qualification documents: upload (type by content, size limit, path tricks), download rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from channelhub.models import StoredFile
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners.models import PartnerDocument
from tests.channelhub.pages import form_data
from tests.factories import MembershipFactory, PartnerDocumentFactory, PartnerFactory

from .conftest import EXE, PDF

pytestmark = pytest.mark.django_db


def upload(client, partner, content, name="营业执照.pdf", **fields):
    page = client.get(f"/t/alpha/partners/{partner.pk}/?tab=documents")
    data = form_data(page, "document-form", **{"document-kind": "business_licence", **fields})
    data["document-file"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(f"/t/alpha/partners/{partner.pk}/documents/", data)


def documents(tenant):
    with tenant_context(tenant):
        return list(PartnerDocument.objects.select_related("file"))


def test_a_manager_uploads_a_licence_with_its_validity(alpha, partner, manager, client_as):
    response = upload(
        client_as(manager),
        partner,
        PDF,
        **{
            "document-number": "2-1-00012-2024",
            "document-issued_on": "2024-01-01",
            "document-expires_on": "2027-01-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=documents")
    [document] = documents(alpha)
    assert (document.number, str(document.expires_on)) == ("2-1-00012-2024", "2027-01-01")
    assert document.file.mime_type == "application/pdf"
    assert document.file.subject == partner  # on the partner's timeline and under its file rule
    assert document.uploaded_by == manager


def test_a_pdf_that_is_really_an_exe_is_refused(alpha, partner, manager, client_as):
    response = upload(client_as(manager), partner, EXE, name="营业执照.pdf")
    assert response.status_code == 400
    assert response.context["tab"] == "documents"
    [error] = response.context["document_form"].errors["file"]
    assert "PDF" in error
    assert not documents(alpha)
    with tenant_context(alpha):
        assert not StoredFile.objects.exists()


def test_an_oversize_file_is_refused_with_the_limit(alpha, partner, manager, client_as):
    alpha.upload_limit_mb = 1
    alpha.save()
    response = upload(client_as(manager), partner, PDF + b"0" * (1024 * 1024 + 10))
    assert response.status_code == 400
    [error] = response.context["document_form"].errors["file"]
    assert error == _("The file is %(size).1f MB; the limit is %(limit)s MB.") % {"size": 1.0, "limit": 1}
    assert not documents(alpha)


def test_the_form_keeps_the_other_fields_after_an_error(alpha, partner, manager, client_as):
    response = upload(
        client_as(manager), partner, EXE, **{"document-number": "ZX-778", "document-kind": "industry_licence"}
    )
    body = response.content.decode()
    assert 'value="ZX-778"' in body
    assert '<option value="industry_licence" selected>' in body


def test_path_tricks_in_the_name_do_not_reach_storage(alpha, partner, manager, client_as):
    assert (
        upload(client_as(manager), partner, PDF, name="../../../etc/cron.d/营业执照.pdf").status_code == 302
    )
    [document] = documents(alpha)
    assert document.file.original_name == "营业执照.pdf"
    assert ".." not in document.file.file.name
    assert "cron" not in document.file.file.name and "营业执照" not in document.file.file.name
    assert document.file.file.name.startswith(f"t{alpha.pk}/")


def test_an_expiry_before_the_issue_date_is_refused(alpha, partner, manager, client_as):
    response = upload(
        client_as(manager),
        partner,
        PDF,
        **{"document-issued_on": "2025-05-01", "document-expires_on": "2025-04-01"},
    )
    assert response.status_code == 400
    assert "expires_on" in response.context["document_form"].errors


def test_a_partner_admin_uploads_for_their_own_partner_only(alpha, alpha_partner, partner, member, client_as):
    client = client_as(member(Role.PARTNER_ADMIN))
    assert upload(client, alpha_partner, PDF).status_code == 302
    response = client.post(
        f"/t/alpha/partners/{partner.pk}/documents/", {"document-kind": "business_licence"}
    )
    assert response.status_code == 404
    assert [d.partner_id for d in documents(alpha)] == [alpha_partner.pk]


def test_downloads_follow_the_partner_rule(alpha, partner, alpha_partner, member, client_as, stranger):
    theirs = PartnerDocumentFactory(tenant=alpha, partner=partner)
    own = PartnerDocumentFactory(tenant=alpha, partner=alpha_partner)
    partner_user = client_as(member(Role.PARTNER_STAFF))
    assert partner_user.get(f"/t/alpha/files/{own.file.pk}/").status_code == 200
    assert partner_user.get(f"/t/alpha/files/{theirs.file.pk}/").status_code == 404
    for role in (Role.CHANNEL_MANAGER, Role.FINANCE, Role.EXECUTIVE):
        assert client_as(member(role)).get(f"/t/alpha/files/{theirs.file.pk}/").status_code == 200
    assert client_as(stranger).get(f"/t/beta/files/{theirs.file.pk}/").status_code == 404
    colleague_elsewhere = MembershipFactory(
        tenant=alpha, role=Role.PARTNER_ADMIN, partner=PartnerFactory(tenant=alpha)
    )
    assert client_as(colleague_elsewhere.user).get(f"/t/alpha/files/{own.file.pk}/").status_code == 404


def test_an_image_document_shows_a_preview_and_a_pdf_does_not(alpha, partner, manager, client_as):
    from tests.filings.conftest import PNG

    client = client_as(manager)
    assert upload(client, partner, PNG, name="门头照片.png").status_code == 302
    assert upload(client, partner, PDF, name="营业执照.pdf").status_code == 302
    image = next(d.file for d in documents(alpha) if d.file.mime_type == "image/png")
    preview = f"/t/alpha/files/{image.pk}/?inline=1"
    for tab in ("documents", "timeline"):  # the document table, and the timeline
        page = client.get(f"/t/alpha/partners/{partner.pk}/?tab={tab}").content.decode()
        assert page.count('data-testid="file-thumb"') == 1
        assert f'src="{preview}"' in page
    assert client.get(preview)["Content-Type"] == "image/png"
