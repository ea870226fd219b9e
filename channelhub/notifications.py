"""In-app notifications and their e-mails.

``notify()`` is called by services inside their transaction; the rows are
created only when that transaction commits, and a Celery task e-mails them.
"""

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
    """Queue one notification per recipient, created after the current transaction commits.

    ``email=False`` when the caller sends its own, richer e-mail (approval links).
    """
    from channelhub.mail import email_muted
    from channelhub.tenancy import get_current_tenant

    tenant = tenant or get_current_tenant()
    email = email and not email_muted()
    recipient_ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not recipient_ids:
        return

    def create():
        from channelhub.tasks import email_notifications
        from channelhub.tenancy import tenant_context

        with tenant_context(tenant):
            rows = Notification.objects.bulk_create(
                Notification(
                    tenant=tenant,
                    recipient_id=rid,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    wants_email=email,
                )
                for rid in recipient_ids
            )
        if not email:
            return
        ids = [row.pk for row in rows if row.pk]
        if not ids:  # backends that don't return ids from bulk_create
            with tenant_context(tenant):
                ids = list(
                    Notification.objects.filter(
                        recipient_id__in=recipient_ids, kind=kind, title=title[:200], emailed_at__isnull=True
                    ).values_list("pk", flat=True)
                )
        email_notifications.delay(tenant_id=tenant.pk, notification_ids=ids)

    # robust: if the broker is down the rows still exist and the sweep task mails them later.
    transaction.on_commit(create, robust=True)


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
