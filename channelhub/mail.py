"""E-mail from templates, rendered in the recipient's language and sent by Celery after commit."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from channelhub.tasks import send_email

_quiet: ContextVar[bool] = ContextVar("channelhub_no_email", default=False)


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


def queue_templated_email(*, template: str, to: list[str], context: dict, language: str, tenant_id=None):
    """Render ``<template>_subject.txt`` / ``<template>_body.txt`` and send once the transaction commits."""
    if _quiet.get():
        return
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)

    def send():
        send_email.delay(subject=subject, body=body, to=to, tenant_id=tenant_id)

    # robust: a broker hiccup after commit is logged, not shown to the user as a 500 for a
    # change that has already been saved.
    transaction.on_commit(send, robust=True)


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
