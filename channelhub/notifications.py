"""In-app notifications and their e-mails.

``notify()`` is called by services inside their transaction; the notifications and their
outbox rows are part of it, and the e-mails leave once it commits (channelhub/mail.py).
"""

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from channelhub.models import Notification, NotificationPreference


class Kind(models.TextChoices):
    APPROVAL_REQUESTED = "approval_requested", _("An approval waits for me")
    APPROVAL_DECIDED = "approval_decided", _("A request of mine was decided")
    PARTNER_STATUS = "partner_status", _("A partner's status changed")
    DOCUMENT_EXPIRING = "document_expiring", _("A qualification document is about to expire")
    ONBOARDING = "onboarding", _("An admission application needs me")
    GENERAL = "general", _("Other messages")


def notify(
    recipients, *, kind: str, title: str, body: str = "", url: str = "", tenant=None, email: bool = True
) -> None:
    """One notification per recipient, and its e-mail in the outbox, in the caller's transaction:
    a rolled-back change notifies nobody, a committed one cannot lose its e-mail.

    ``email=False`` when the caller sends its own, richer e-mail (approval links).
    """
    from channelhub.mail import email_muted, queue_emails
    from channelhub.models import User
    from channelhub.tenancy import get_current_tenant, tenant_context

    tenant = tenant or get_current_tenant()
    recipient_ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not recipient_ids:
        return
    with tenant_context(tenant), transaction.atomic():
        Notification.objects.bulk_create(
            Notification(tenant=tenant, recipient_id=rid, kind=kind, title=title[:200], body=body, url=url)
            for rid in recipient_ids
        )
        if not email or email_muted():
            return
        opted_out = set(
            NotificationPreference.objects.filter(
                user__in=recipient_ids, kind=kind, email_enabled=False
            ).values_list("user_id", flat=True)
        )
        addresses = User.objects.filter(pk__in=recipient_ids, is_active=True).exclude(pk__in=opted_out)
        link = settings.SITE_URL + url if url.startswith("/") else url
        queue_emails(
            [
                {"to": [address], "subject": f"[ChannelHub] {title}", "body": f"{body}\n\n{link}".strip()}
                for address in addresses.values_list("email", flat=True)
            ],
            source=f"notification:{kind}",
            tenant_id=tenant.pk,
        )


def email_enabled_map(user, kinds) -> dict[str, bool]:
    prefs = dict(
        NotificationPreference.objects.filter(user=user, kind__in=kinds).values_list("kind", "email_enabled")
    )
    return {kind: prefs.get(kind, True) for kind in kinds}


def set_email_preferences(user, choices: dict[str, bool]) -> None:
    with transaction.atomic():
        for kind, enabled in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email_enabled": enabled}
            )


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
