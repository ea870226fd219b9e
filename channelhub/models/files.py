import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channelhub.tenancy import TenantOwnedModel


def private_upload_path(instance, filename):
    """A generated name: nothing the uploader typed reaches the file system."""
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.mime_type, "xlsx"
    )
    return f"t{instance.tenant_id}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class StoredFile(TenantOwnedModel):
    """An uploaded file, kept in private storage and served only through a checked view."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=40, default="attachment")
    file = models.FileField(upload_to=private_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["tenant", "content_type", "object_id"])]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.mime_type.startswith("image/")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    COMPLETED = "completed", _("Imported")


class SpreadsheetImport(TenantOwnedModel):
    """One uploaded Excel file of an importer (channelhub.spreadsheets): checked and
    previewed, then confirmed.

    The file stays in private storage (a StoredFile whose subject is this import). It is
    read once, at upload: ``parsed`` keeps its rows' cells (or the problem of the file as a
    whole) until the import is completed, and the preview and the confirmation check those
    against the database as it is then, without reading the workbook again.
    """

    file = models.ForeignKey(
        "channelhub.StoredFile", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("file")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    completed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    # {"columns": [key, …], "rows": [[Excel row number, [cell, …]], …]} or {"problem": {…}};
    # None once completed (or for an import uploaded before this was kept: read on first use).
    parsed = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
