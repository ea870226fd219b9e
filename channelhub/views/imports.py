"""The pages of every Excel import (channelhub.spreadsheets): upload → preview with row-by-row
errors → confirm, all or nothing. An app's views name their importer, their templates (which
extend ``imports/upload.html`` and ``imports/preview.html``) and their URLs, and call these."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from channelhub import exports
from channelhub.models import ImportStatus
from channelhub.spreadsheets import FileTooBig, Importer, ImportRefused

PREVIEW_ROWS = 500  # rows listed on the page; the counts cover every row


@dataclass(frozen=True)
class ImportPages:
    importer: Importer
    upload_template: str
    preview_template: str
    title: object  # the upload page's title
    list_url_name: str
    list_label: object
    upload_url_name: str
    preview_url_name: str
    template_url_name: str
    key_columns: tuple[str, ...]  # the cells that name a row on the preview (the code last)
    field_labels: dict  # model field -> label, for an updated row's changes
    upload_form: type

    def urls(self) -> dict:
        return {
            "import_title": self.title,
            "list_url_name": self.list_url_name,
            "list_label": self.list_label,
            "upload_url_name": self.upload_url_name,
            "preview_url_name": self.preview_url_name,
            "template_url_name": self.template_url_name,
        }


def upload_page(request, pages: ImportPages):
    form = pages.upload_form(
        request.POST or None, request.FILES or None, max_mb=request.tenant.upload_limit_mb
    )
    if request.method == "POST" and form.is_valid():
        try:
            upload = pages.importer.start(uploaded=form.cleaned_data["file"], by=request.user)
        except FileTooBig as problem:  # over a reading limit: nothing was kept
            form.add_error("file", problem.message)
        else:
            return redirect(pages.preview_url_name, tenant_slug=request.tenant.slug, pk=upload.pk)
    recent = (
        pages.importer.uploads(request.user)
        .select_related("file", "created_by", "completed_by")
        .defer("parsed")[:10]
    )
    columns = pages.importer.sheet.columns
    return render(
        request,
        pages.upload_template,
        {
            **pages.urls(),
            "form": form,
            "recent": recent,
            "required_columns": [str(column.label) for column in columns if column.required],
        },
        status=400 if form.errors else 200,
    )


def template_download(workbook: bytes, name) -> HttpResponse:
    response = HttpResponse(workbook, content_type=exports.XLSX_TYPE)
    return exports.attachment(response, exports.download_name(name))


def preview_page(request, pages: ImportPages, upload):
    if request.method == "POST":
        try:
            done = pages.importer.confirm(upload, by=request.user)
        except ImportRefused as refused:
            messages.error(request, refused.message)
            if refused.preview is None:
                return redirect(pages.preview_url_name, tenant_slug=request.tenant.slug, pk=upload.pk)
            return _render_preview(request, pages, upload, refused.preview, status=400)
        messages.success(
            request,
            _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": done.created_count,
                "updated": done.updated_count,
                "unchanged": done.unchanged_count,
            },
        )
        return redirect(pages.preview_url_name, tenant_slug=request.tenant.slug, pk=upload.pk)
    if upload.status == ImportStatus.COMPLETED:
        return render(request, pages.preview_template, {**pages.urls(), "upload": upload, "preview": None})
    return _render_preview(request, pages, upload, pages.importer.preview(upload))


def _render_preview(request, pages: ImportPages, upload, preview, status=200):
    rows = sorted(preview.rows, key=lambda row: (not row.errors, row.action == "unchanged", row.number))
    labels = pages.importer.sheet.labels
    for row in rows[:PREVIEW_ROWS]:
        row.key_values = [row.cells.get(key, "") for key in pages.key_columns]
        row.change_list = [
            (pages.field_labels.get(key, key), old, new) for key, (old, new) in row.changes.items()
        ]
    return render(
        request,
        pages.preview_template,
        {
            **pages.urls(),
            "upload": upload,
            "preview": preview,
            "key_labels": [labels[key] for key in pages.key_columns],
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
