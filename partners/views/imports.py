"""Excel import of partners: upload → preview with row-by-row errors → confirm (all or nothing),
on the shared import pages (channelhub.views.imports)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channelhub.access import tenant_view
from channelhub.views.imports import ImportPages, preview_page, template_download, upload_page
from partners import importer
from partners.access import get_import_for_user
from partners.forms import ImportUploadForm
from partners.models import Partner, PartnerImport

PAGES = ImportPages(
    importer=importer.IMPORTER,
    upload_template="partners/import_upload.html",
    preview_template="partners/import_preview.html",
    title=gettext_lazy("Import partners"),
    list_url_name="partners:list",
    list_label=gettext_lazy("Partners"),
    upload_url_name="partners:import",
    preview_url_name="partners:import-preview",
    template_url_name="partners:import-template",
    key_columns=("name", "credit_code"),
    field_labels={field.name: field.verbose_name for field in Partner._meta.fields},
    upload_form=ImportUploadForm,
)


@tenant_view("partners.import")
def import_upload(request):
    return upload_page(request, PAGES)


@tenant_view("partners.import")
def import_template(request):
    return template_download(importer.template_workbook(), _("Partner import template"))


@tenant_view("partners.import", model=PartnerImport)
def import_preview(request, pk):
    return preview_page(request, PAGES, get_import_for_user(request, pk))
