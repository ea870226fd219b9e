"""In-app notifications and their e-mails.

``notify()`` is called by services inside their transaction; the notifications and their
outbox rows are part of it, and the e-mails leave once it commits (channelhub/mail.py).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from channelhub.models import Notification, NotificationPreference

log = logging.getLogger(__name__)


class Kind(models.TextChoices):
    APPROVAL_REQUESTED = "approval_requested", _("An approval waits for me")
    APPROVAL_DECIDED = "approval_decided", _("A request of mine was decided")
    PARTNER_STATUS = "partner_status", _("A partner's status changed")
    DOCUMENT_EXPIRING = "document_expiring", _("A qualification document is about to expire")
    ONBOARDING = "onboarding", _("An admission application needs me")
    GENERAL = "general", _("Other messages")


# What the reader is expected to do, by kind, when the caller does not say (the e-mail's
# "what to do" line).
EXPECTED = {
    Kind.APPROVAL_REQUESTED: _("Review it and decide: approve, return for changes or reject."),
    Kind.APPROVAL_DECIDED: _("Nothing, unless the decision asks you to change something."),
    Kind.PARTNER_STATUS: _("Check whether open orders, filings or customers of this partner need you."),
    Kind.DOCUMENT_EXPIRING: _("Ask the partner for the renewed document and upload it before it expires."),
    Kind.ONBOARDING: _("Open the application and take the next step."),
}


@dataclass(frozen=True)
class Choice:
    """A code a text shows as its label, in the reader's language: ``choice(partner, "status")``."""

    model: str  # "partners.partner"
    field: str
    code: str

    def label(self) -> str:
        from django.apps import apps

        try:
            field = apps.get_model(self.model)._meta.get_field(self.field)
        except LookupError:
            return self.code
        return str(dict(field.flatchoices).get(self.code, self.code))


def choice(instance, field: str) -> Choice:
    return Choice(instance._meta.label_lower, field, str(getattr(instance, field)))


class Text:
    """Words kept as a message id and parameters, put into a language only when read.

    ``Text(gettext_noop("%(name)s is now %(status)s"), name=partner.name, status=choice(partner, "status"))``
    — names and numbers are kept as they are; a ``Choice`` or another ``Text`` as a parameter
    is translated too. ``str(text)`` is the text in the active language.
    """

    def __init__(self, msgid: str, **params):
        self.msgid, self.params = msgid, params

    def as_json(self) -> dict:
        def encode(value):
            if isinstance(value, Choice):
                return {"choice": [value.model, value.field, value.code]}
            if isinstance(value, Text):
                return {"text": value.as_json()}
            return "" if value is None else str(value)

        return {"msgid": self.msgid, "params": {k: encode(v) for k, v in self.params.items()}}

    @staticmethod
    def render(data: dict) -> str:
        def decode(value):
            if isinstance(value, dict) and "choice" in value:
                return Choice(*value["choice"]).label()
            if isinstance(value, dict) and "text" in value:
                return Text.render(value["text"])
            return value

        params = {k: decode(v) for k, v in (data.get("params") or {}).items()}
        words = gettext(data["msgid"])
        try:
            return words % params if params else words
        except (KeyError, ValueError, TypeError):  # a translation with a broken placeholder
            log.warning("Notification text %r does not fit its parameters", data["msgid"])
            return data["msgid"] % params if params else data["msgid"]

    def __str__(self):
        return Text.render(self.as_json())


def _kept(value) -> tuple[str, dict | None]:
    """(the words in the active language, the kept text or None) of a title or body."""
    if isinstance(value, Text):
        return str(value), value.as_json()
    return str(value or ""), None


def notify(
    recipients,
    *,
    kind: str,
    title,
    body="",
    url: str = "",
    tenant=None,
    email: bool = True,
    actor=None,
    expected=None,
) -> None:
    """One notification per recipient, and its e-mail in the outbox, in the caller's transaction:
    a rolled-back change notifies nobody, a committed one cannot lose its e-mail.

    ``title``/``body``: a ``Text`` (each reader gets their language) or plain words. ``actor``: who
    did what this is about (named in the e-mail); ``expected``: what the reader should do now
    (defaults by kind). ``email=False`` when the caller sends its own, richer e-mail.
    """
    from channelhub.mail import email_muted, queue_emails
    from channelhub.models import User
    from channelhub.tenancy import get_current_tenant, tenant_context

    tenant = tenant or get_current_tenant()
    recipient_ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not recipient_ids:
        return
    with translation.override(tenant.default_language):
        title_words, title_text = _kept(title)
        body_words, body_text = _kept(body)
    with tenant_context(tenant), transaction.atomic():
        Notification.objects.bulk_create(
            Notification(
                tenant=tenant,
                recipient_id=rid,
                kind=kind,
                title=title_words[:200],
                body=body_words,
                title_text=title_text,
                body_text=body_text,
                url=url,
            )
            for rid in recipient_ids
        )
        if not email or email_muted():
            return
        opted_out = set(
            NotificationPreference.objects.filter(
                user__in=recipient_ids, kind=kind, email_enabled=False
            ).values_list("user_id", flat=True)
        )
        readers = User.objects.filter(pk__in=recipient_ids, is_active=True).exclude(pk__in=opted_out)
        link = settings.SITE_URL + url if url.startswith("/") else url
        messages = [
            _email_for(
                reader, tenant, kind=kind, title=title, body=body, link=link, actor=actor, expected=expected
            )
            for reader in readers
        ]
        queue_emails(messages, source=f"notification:{kind}", tenant_id=tenant.pk)


def _email_for(reader, tenant, *, kind, title, body, link, actor, expected) -> dict:
    """The notification's e-mail in the reader's language: what happened, to what, by whom, what
    is expected of the reader, and the link — as text and as HTML."""
    from django.urls import reverse

    language = getattr(reader, "language", "") or tenant.default_language
    with translation.override(language):
        context = {
            "reader": reader,
            "tenant": tenant,
            "title": str(title),
            "body": str(body or ""),
            "actor": getattr(actor, "display_name", "") if actor is not None else "",
            "expected": str(expected if expected is not None else EXPECTED.get(kind, "")),
            "link": link,
            "kind": Kind(kind).label if kind in Kind.values else "",
            "preferences": settings.SITE_URL
            + reverse("notification-preferences", kwargs={"tenant_slug": tenant.slug}),
        }
        return {
            "to": [reader.email],
            "subject": render_to_string("channelhub/email/notification_subject.txt", context),
            "body": render_to_string("channelhub/email/notification_body.txt", context),
            "html_body": render_to_string("channelhub/email/notification_body.html", context),
        }


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
    """The shell's badge, on every page: kept until a notification of the user's is made or read."""
    from channelhub import caching
    from channelhub.tenancy import get_current_tenant

    def count():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return caching.kept(f"unread:{get_current_tenant().pk}:{user.pk}", (f"inbox:{user.pk}",), count)


def mark_read(notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
