"""Private files: type judged by content, size limited per tenant, stored under a
generated name, and served only through ``file_download`` after an access check
by the owning record's module (``register_file_owner``)."""

import hashlib
import unicodedata
import zipfile
from collections.abc import Callable

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from channelhub.models import StoredFile

PDF, JPEG, PNG, XLSX = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
DOCUMENT_TYPES = (PDF, JPEG, PNG)
IMAGE_TYPES = (JPEG, PNG)
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", XLSX: "Excel (.xlsx)"}


def sniff_type(uploaded) -> str | None:
    """The real type from the first bytes (and, for XLSX, the zip's table of contents)."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            uploaded.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return XLSX
    return None


def clean_file_name(name: str) -> str:
    """A display name only (the stored name is generated): no folders, no control characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return (name or "file")[:200]


def validate_upload(uploaded, *, max_mb: int, allowed: tuple[str, ...] = DOCUMENT_TYPES) -> str:
    """Return the sniffed MIME type, or raise a ValidationError a person can act on."""
    if uploaded.size > max_mb * 1024 * 1024:
        raise forms.ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)s MB."),
            code="file_too_large",
            params={"size": uploaded.size / 1024 / 1024, "limit": max_mb},
        )
    if uploaded.size == 0:
        raise forms.ValidationError(_("The file is empty."), code="file_empty")
    mime_type = sniff_type(uploaded)
    if mime_type not in allowed:
        raise forms.ValidationError(
            _("This file is not a %(types)s file (judged by its content, not its name)."),
            code="file_type",
            params={"types": " / ".join(LABELS[t] for t in allowed)},
        )
    return mime_type


class PrivateFileField(forms.FileField):
    """A form field that checks size (tenant limit) and type by content."""

    def __init__(self, *args, allowed=DOCUMENT_TYPES, max_mb=10, **kwargs):
        self.allowed, self.max_mb = allowed, max_mb
        kwargs.setdefault(
            "help_text",
            _("%(types)s, at most %(limit)s MB.")
            % {"types": ", ".join(LABELS[t] for t in allowed), "limit": max_mb},
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and hasattr(uploaded, "read"):
            uploaded.sniffed_type = validate_upload(uploaded, max_mb=self.max_mb, allowed=self.allowed)
        return uploaded


def store_file(
    subject, uploaded, *, kind: str = "attachment", by=None, mime_type: str | None = None
) -> StoredFile:
    """Save an already validated upload against ``subject``. Call inside the service's transaction."""
    mime_type = mime_type or getattr(uploaded, "sniffed_type", None) or sniff_type(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    stored = StoredFile(
        tenant_id=subject.tenant_id,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        kind=kind,
        original_name=clean_file_name(uploaded.name),
        mime_type=mime_type,
        size=uploaded.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    stored.file.save("upload", uploaded, save=False)
    stored.save()
    return stored


def files_of(subject, kind: str | None = None):
    queryset = StoredFile.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    )
    return queryset.filter(kind=kind) if kind else queryset


# model class -> function(request, object) -> bool: may this request see the object's files?
_FILE_OWNERS: dict[type, Callable] = {}


def register_file_owner(model: type, can_view: Callable) -> None:
    _FILE_OWNERS[model] = can_view


def can_view_file(request, stored: StoredFile) -> bool:
    model = stored.content_type.model_class()
    check = _FILE_OWNERS.get(model)
    if check is None:
        return False  # default deny: an owner type nobody registered is served to nobody
    subject = model._default_manager.filter(pk=stored.object_id).first()
    return subject is not None and check(request, subject)
