from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation


@shared_task(name="channelhub.ping")
def ping(value: str = "ping") -> str:
    """A health task: the worker answers, proving the broker and worker are alive."""
    return f"pong:{value}"


@shared_task(name="channelhub.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, subject: str, body: str, to: list[str], tenant_id: int | None = None) -> int:
    return send_mail(subject, body, None, to)


@shared_task(
    name="channelhub.email_notifications", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def email_notifications(*, tenant_id: int, notification_ids: list[int]) -> int:
    """E-mail each notification once (``emailed_at`` marks it), unless its recipient opted out."""
    from channelhub.models import Notification, NotificationPreference

    sent = 0
    notifications = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True, wants_email=True
    ).select_related("recipient", "tenant")
    opted_out = set(
        NotificationPreference.objects.filter(
            email_enabled=False, user__in=[n.recipient_id for n in notifications]
        ).values_list("user_id", "kind")
    )
    for notification in notifications:
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            )
            if not claimed:
                continue  # another run already took it
            if (notification.recipient_id, notification.kind) in opted_out:
                continue
            link = (
                settings.SITE_URL + notification.url if notification.url.startswith("/") else notification.url
            )
            with translation.override(notification.tenant.default_language):
                body = f"{notification.body}\n\n{link}".strip()
            send_mail(f"[ChannelHub] {notification.title}", body, None, [notification.recipient.email])
            sent += 1
    return sent


@shared_task(name="channelhub.email_pending_notifications")
def email_pending_notifications(older_than_minutes: int = 5) -> int:
    """Beat sweep: mail notifications whose e-mail never left (broker down at commit time).

    Safe to run any time and twice: ``email_notifications`` claims each row first.
    """
    from datetime import timedelta

    from channelhub.models import Notification, Tenant
    from channelhub.tenancy import tenant_context

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    pending: dict[int, list[int]] = {}
    for tenant_id, pk in Notification.all_tenants.filter(
        wants_email=True, emailed_at__isnull=True, created_at__lt=cutoff
    ).values_list("tenant_id", "pk")[:5000]:
        pending.setdefault(tenant_id, []).append(pk)
    sent = 0
    for tenant in Tenant.objects.filter(pk__in=pending):
        with tenant_context(tenant):
            sent += email_notifications.run(tenant_id=tenant.pk, notification_ids=pending[tenant.pk])
    return sent
