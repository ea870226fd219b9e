"""The outbox: every outgoing e-mail a row (channelhub/mail.py). Notification e-mails not yet
sent when this runs become outbox rows, so an upgrade loses none; the notification's own
e-mail flags go (the outbox row is the record of the e-mail)."""

from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

import django.db.models.deletion
from django.conf import settings
from django.utils import timezone
from django.db import migrations, models


def queue_unsent_notification_emails(apps, schema_editor):
    Notification = apps.get_model("channelhub", "Notification")
    NotificationPreference = apps.get_model("channelhub", "NotificationPreference")
    OutgoingEmail = apps.get_model("channelhub", "OutgoingEmail")
    domain = urlsplit(settings.SITE_URL).hostname or "channelhub.local"
    opted_out = set(NotificationPreference.objects.filter(email_enabled=False).values_list("user_id", "kind"))
    pending = Notification.objects.filter(
        wants_email=True, emailed_at__isnull=True, created_at__gte=timezone.now() - timedelta(days=2)
    ).select_related("recipient")
    rows = []
    for notification in pending.iterator():
        if (
            notification.recipient_id,
            notification.kind,
        ) in opted_out or not notification.recipient.is_active:
            continue
        url = notification.url
        link = settings.SITE_URL + url if url.startswith("/") else url
        rows.append(
            OutgoingEmail(
                tenant_id=notification.tenant_id,
                source=f"notification:{notification.kind}",
                message_id=make_msgid(idstring="channelhub", domain=domain),
                to=[notification.recipient.email],
                subject=f"[ChannelHub] {notification.title}"[:300],
                body=f"{notification.body}\n\n{link}".strip(),
            )
        )
    OutgoingEmail.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("channelhub", "0006_delete_failedlogin"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutgoingEmail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source", models.CharField(blank=True, max_length=100, verbose_name="source")),
                ("message_id", models.CharField(max_length=255, unique=True, verbose_name="message ID")),
                ("to", models.JSONField(verbose_name="to")),
                ("subject", models.CharField(max_length=300, verbose_name="subject")),
                ("body", models.TextField(verbose_name="message")),
                ("html_body", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="queued at")),
                ("leased_until", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
                (
                    "tenant",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="channelhub.tenant",
                    ),
                ),
            ],
            options={
                "verbose_name": "outgoing e-mail",
                "verbose_name_plural": "outgoing e-mails",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("sent_at__isnull", True)),
                        fields=["created_at"],
                        name="outgoing_email_unsent",
                    )
                ],
            },
        ),
        migrations.RunPython(queue_unsent_notification_emails, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="notification",
            name="emailed_at",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="wants_email",
        ),
    ]
