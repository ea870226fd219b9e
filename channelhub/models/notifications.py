from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from channelhub.tenancy import TenantOwnedModel


class Notification(TenantOwnedModel):
    """An in-app message to one person; e-mailed too unless they switched that kind off."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # False when the caller sends its own e-mail (approval links): the sweep leaves it alone.
    wants_email = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "recipient", "read_at"])]

    def __str__(self):
        return self.title


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
