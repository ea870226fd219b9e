"""Excel import of the catalogue on the shared import pages (channelhub.views.imports)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.forms import SpreadsheetUploadForm
from channelhub.views.imports import ImportPages, preview_page, template_download, upload_page
from orders import importer
from orders.models import Product, ProductImport

PAGES = ImportPages(
    importer=importer.IMPORTER,
    upload_template="orders/products/import_upload.html",
    preview_template="orders/products/import_preview.html",
    title=gettext_lazy("Import products"),
    list_url_name="orders:product-list",
    list_label=gettext_lazy("Product catalogue"),
    upload_url_name="orders:product-import",
    preview_url_name="orders:product-import-preview",
    template_url_name="orders:product-import-template",
    key_columns=("name", "sku"),
    field_labels={field.name: field.verbose_name for field in Product._meta.fields},
    upload_form=SpreadsheetUploadForm,
)


@tenant_view("catalogue.manage")
def product_import(request):
    return upload_page(request, PAGES)


@tenant_view("catalogue.manage")
def product_import_template(request):
    return template_download(importer.template_workbook(), _("Product import template"))


@tenant_view("catalogue.manage", model=ProductImport)
def product_import_preview(request, pk):
    upload = get_for_tenant_or_404(ProductImport.objects.select_related("file", "created_by"), pk=pk)
    return preview_page(request, PAGES, upload)
