from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from channelhub.tenancy import TenantOwnedModel, TenantQuerySet, TenantScopedManager


class AppendOnlyError(Exception):
    """Activity entries are history: nothing updates or deletes them."""


class AppendOnlyQuerySet(TenantQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("activity entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("activity entries cannot be deleted")


class Activity(TenantOwnedModel):
    """One thing that happened to a record: who, what, from which state to which, why.

    Append-only: the model refuses updates and deletes, and database triggers
    (migration 0004) refuse them too, whatever code path tries.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    verb = models.CharField(_("event"), max_length=64)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    via = models.CharField(_("via"), max_length=16, blank=True)  # "web", "email", "job", "import"
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = TenantScopedManager.from_queryset(AppendOnlyQuerySet)()
    all_tenants = models.Manager.from_queryset(AppendOnlyQuerySet)()  # noqa: DJ012

    class Meta:
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["tenant", "content_type", "object_id", "created_at"])]

    def __str__(self):
        return f"{self.verb} {self.content_type_id}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("activity entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("activity entries cannot be deleted")


class Comment(TenantOwnedModel):
    """A remark on any record, shown in its timeline."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["tenant", "content_type", "object_id", "created_at"])]

    def __str__(self):
        return self.body[:40]
