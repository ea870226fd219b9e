"""Outgoing e-mail: an outbox row written with the event, sent by Celery after commit.

Every message the portal sends (invitations, approval links, notifications, password resets,
lock-out warnings) goes through ``queue_email``: the row is part of the caller's transaction,
so a rolled-back change sends nothing and a committed one cannot lose its e-mail — a broker
that is down at commit time, or a worker killed mid-batch, leaves rows the sweep sends later.
How a send survives a dying worker is in ``deliver`` (docs/shared-mechanisms.md, "E-mail").
"""

import logging
import smtplib
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

log = logging.getLogger(__name__)

_quiet: ContextVar[bool] = ContextVar("channelhub_no_email", default=False)

# A row whose send failed this often is left for an operator (the admin lists it with its error).
MAX_ATTEMPTS = 8


@contextmanager
def no_email():
    """Change things without e-mailing anybody (demo data): templated e-mails are not queued and
    notifications are made for the inbox only. Everything else — audit, rows — is as usual."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def email_muted() -> bool:
    return _quiet.get()


def new_message_id() -> str:
    # The domain from SITE_URL, not the host's name: make_msgid's default asks DNS for it.
    return make_msgid(
        idstring="channelhub", domain=urlsplit(settings.SITE_URL).hostname or "channelhub.local"
    )


def queue_emails(messages: list[dict], *, source: str = "", tenant_id=None) -> list[int]:
    """Write one outbox row per message (``subject``, ``body``, ``to``, optional ``html_body``)
    in the current transaction and send them in one task once it commits."""
    from channelhub.models import OutgoingEmail

    if _quiet.get() or not messages:
        return []
    rows = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            tenant_id=tenant_id,
            source=source[:100],
            message_id=new_message_id(),
            to=list(message["to"]),
            subject=" ".join(message["subject"].split())[:300],
            body=message["body"],
            html_body=message.get("html_body", ""),
        )
        for message in messages
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: dispatch(ids), robust=True)
    return ids


def queue_email(
    *, subject: str, body: str, to: list[str], html_body: str = "", source: str = "", tenant_id=None
):
    ids = queue_emails(
        [{"subject": subject, "body": body, "to": to, "html_body": html_body}],
        source=source,
        tenant_id=tenant_id,
    )
    return ids[0] if ids else None


def queue_templated_email(*, template: str, to: list[str], context: dict, language: str, tenant_id=None):
    """Render ``<template>_subject.txt`` / ``<template>_body.txt`` in ``language`` and queue it."""
    if _quiet.get():
        return None
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return queue_email(subject=subject, body=body, to=to, source=template, tenant_id=tenant_id)


def dispatch(ids: list[int]) -> None:
    """Hand rows to the worker. A broker that refuses is logged, not raised: the change that
    queued them is committed, and the sweep sends what is still unsent."""
    from channelhub.tasks import send_outgoing_email

    try:
        send_outgoing_email.delay(ids=ids)
    except Exception:
        log.exception("Could not hand %d e-mail(s) to the broker; the sweep will send them", len(ids))


class PermanentFailure(Exception):
    """The server refused every recipient: sending again will not help."""


def deliver(pk: int) -> bool:
    """Send one outbox row unless it is sent or another sender holds it; True if this call sent it.

    Three commits, never one transaction around the send: claim (a lease, so a second task or
    the sweep leaves the row alone while this one works), send, mark sent. A sender that dies
    between the send and the mark leaves the lease to lapse; the row is then sent again with the
    same Message-ID — the one duplicate SMTP cannot rule out.
    """
    from channelhub.models import OutgoingEmail
    from channelhub.tenancy import tenant_context

    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=pk, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=now + settings.OUTGOING_EMAIL_LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    row = OutgoingEmail.objects.select_related("tenant").get(pk=pk)
    message = EmailMultiAlternatives(
        row.subject, row.body, None, row.to, headers={"Message-ID": row.message_id}
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    try:
        # The tenant, so the embedded mode's local outbox files the copy under it.
        with tenant_context(row.tenant) if row.tenant_id else nullcontext():
            message.send()
    except smtplib.SMTPRecipientsRefused as error:
        OutgoingEmail.objects.filter(pk=pk).update(
            leased_until=None, attempts=MAX_ATTEMPTS, last_error=repr(error)[:2000]
        )
        raise PermanentFailure(row.message_id) from error
    except Exception as error:
        OutgoingEmail.objects.filter(pk=pk).update(leased_until=None, last_error=repr(error)[:2000])
        raise
    OutgoingEmail.objects.filter(pk=pk).update(sent_at=timezone.now(), leased_until=None, last_error="")
    return True


def unsent(*, older_than: timedelta):
    """Rows the sweep should hand out again: unsent, not held by a live sender, not given up."""
    from channelhub.models import OutgoingEmail

    now = timezone.now()
    return (
        OutgoingEmail.objects.filter(
            sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, created_at__lte=now - older_than
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("created_at")
    )


class OutboxEmailBackend(BaseEmailBackend):
    """Embedded-mode backend: writes each message to var/mail (like the file backend)
    and keeps a copy in the database for the local outbox page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.core.mail.backends.filebased import EmailBackend as FileBackend

        self.file_backend = FileBackend(*args, **kwargs)

    def send_messages(self, email_messages):
        from channelhub.models import OutboxMessage
        from channelhub.tenancy import get_current_tenant

        sent = self.file_backend.send_messages(email_messages) or 0
        tenant = get_current_tenant()
        # One row per recipient, so the outbox page can match a person's address exactly.
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                tenant=tenant,
                to=recipient.strip().lower(),
                subject=message.subject[:300],
                body=message.body,
                html_body=next((c for c, m in getattr(message, "alternatives", []) if m == "text/html"), ""),
            )
            for message in email_messages
            for recipient in message.recipients()
        )
        return sent
