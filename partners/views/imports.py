"""Excel import: upload → preview with row-by-row errors → confirm (all or nothing)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from channelhub import exports
from channelhub.access import tenant_view
from partners import importer
from partners.access import get_import_for_user
from partners.forms import ImportUploadForm
from partners.models import ImportStatus, Partner, PartnerImport

PREVIEW_ROWS = 500  # rows listed on the page; the counts cover every row


@tenant_view("partners.import")
def import_upload(request):
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, max_mb=request.tenant.upload_limit_mb
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner_import = importer.start_import(uploaded=form.cleaned_data["file"], by=request.user)
        except importer.FileTooBig as problem:  # over a reading limit: nothing was kept
            form.add_error("file", problem.message)
        else:
            return redirect("partners:import-preview", tenant_slug=request.tenant.slug, pk=partner_import.pk)
    recent = PartnerImport.objects.select_related("file", "created_by", "completed_by").defer("parsed")[:10]
    return render(
        request,
        "partners/import_upload.html",
        {
            "form": form,
            "recent": recent,
            "required_columns": [str(column.label) for column in importer.COLUMNS if column.required],
        },
        status=400 if form.errors else 200,
    )


@tenant_view("partners.import")
def import_template(request):
    response = HttpResponse(importer.template_workbook(), content_type=exports.XLSX_TYPE)
    return exports.attachment(response, exports.download_name(_("Partner import template")))


@tenant_view("partners.import", model=PartnerImport)
def import_preview(request, pk):
    partner_import = get_import_for_user(request, pk)
    if request.method == "POST":
        try:
            done = importer.confirm_import(partner_import, by=request.user)
        except importer.ImportRefused as refused:
            messages.error(request, refused.message)
            if refused.preview is None:
                return redirect(
                    "partners:import-preview", tenant_slug=request.tenant.slug, pk=partner_import.pk
                )
            return _render_preview(request, partner_import, refused.preview, status=400)
        messages.success(
            request,
            _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": done.created_count,
                "updated": done.updated_count,
                "unchanged": done.unchanged_count,
            },
        )
        return redirect("partners:import-preview", tenant_slug=request.tenant.slug, pk=partner_import.pk)
    if partner_import.status == ImportStatus.COMPLETED:
        return render(
            request, "partners/import_preview.html", {"partner_import": partner_import, "preview": None}
        )
    return _render_preview(request, partner_import, importer.preview_of(partner_import))


def _render_preview(request, partner_import, preview, status=200):
    rows = sorted(preview.rows, key=lambda row: (not row.errors, row.action == "unchanged", row.number))
    labels = {field.name: field.verbose_name for field in Partner._meta.fields}
    for row in rows[:PREVIEW_ROWS]:
        row.change_list = [(labels.get(key, key), old, new) for key, (old, new) in row.changes.items()]
    return render(
        request,
        "partners/import_preview.html",
        {
            "partner_import": partner_import,
            "preview": preview,
            "rows": rows[:PREVIEW_ROWS],
            "hidden_rows": max(0, len(rows) - PREVIEW_ROWS),
            "counts": {
                "create": preview.count("create"),
                "update": preview.count("update"),
                "unchanged": preview.count("unchanged"),
                "errors": len(preview.error_rows),
            },
        },
        status=status,
    )
