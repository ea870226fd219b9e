from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from channelhub.caching import InvalidatingQuerySet
from channelhub.tenancy import TenantOwnedModel, TenantQuerySet, TenantScopedManager


class NotificationQuerySet(InvalidatingQuerySet, TenantQuerySet):
    pass


class Notification(TenantOwnedModel):
    """An in-app message to one person; e-mailed too (an OutgoingEmail) unless they switched that kind off."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # The same words kept as a message id and its parameters (channelhub.notifications.Text),
    # so each reader sees them in their own language; title/body are the words in the tenant's
    # language, for the admin and for rows made before the texts were kept.
    title_text = models.JSONField(null=True, blank=True, editable=False)
    body_text = models.JSONField(null=True, blank=True, editable=False)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = TenantScopedManager.from_queryset(NotificationQuerySet)()
    all_tenants = models.Manager.from_queryset(NotificationQuerySet)()  # noqa: DJ012

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "recipient", "read_at"])]

    def __str__(self):
        return self.title

    # The recipient's unread count is kept (channelhub.notifications.unread_count).
    @staticmethod
    def cache_scopes_of(notification) -> tuple[str, ...]:
        return (f"inbox:{notification.recipient_id}",)

    @classmethod
    def cache_scopes(cls, queryset) -> list[str]:
        return [f"inbox:{pk}" for pk in set(queryset.values_list("recipient_id", flat=True))]

    @property
    def shown_title(self) -> str:
        from channelhub.notifications import Text

        return Text.render(self.title_text) if self.title_text else self.title

    @property
    def shown_body(self) -> str:
        from channelhub.notifications import Text

        return Text.render(self.body_text) if self.body_text else self.body


class NotificationPreference(TenantOwnedModel):
    """A person's choice to receive (or not) e-mail for one kind of notification."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=64)
    email_enabled = models.BooleanField(_("e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.email_enabled}"


class OutboxMessage(models.Model):
    """A copy of every e-mail sent in the embedded mode, readable in the browser
    (the local outbox page), so a demo user can click the links in it."""

    tenant = models.ForeignKey(
        "channelhub.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to = models.TextField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    html_body = models.TextField(blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sent e-mail (local outbox)")
        verbose_name_plural = _("sent e-mails (local outbox)")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.subject


class OutgoingEmail(models.Model):
    """One e-mail to send, written in the same transaction as the event that causes it.

    The send task claims a row with a lease, sends it with its ``message_id`` as the
    Message-ID header, then marks ``sent_at`` in a commit of its own. A worker killed between
    the send and that mark leaves the row unsent; once the lease runs out the sweep sends it
    again under the same Message-ID: at most one duplicate per killed worker, and one a mail
    client can recognise (docs/shared-mechanisms.md, "E-mail").
    """

    tenant = models.ForeignKey(
        "channelhub.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What caused it (a template name, "notification"), for the admin and the logs.
    source = models.CharField(_("source"), max_length=100, blank=True)
    message_id = models.CharField(_("message ID"), max_length=255, unique=True)
    to = models.JSONField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    html_body = models.TextField(blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    # A send in progress holds the row until then; a lapsed lease means the sender died.
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep's question: what is unsent? A partial index stays as small as the backlog.
            models.Index(
                fields=["created_at"], name="outgoing_email_unsent", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self):
        return self.subject
