"""The outbox (channelhub/mail.py): a row per e-mail, written with the event, claimed with a
lease, sent with its own Message-ID, marked sent in a commit of its own, swept when left."""

import smtplib
import unittest.mock
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from django.utils import timezone

from channelhub import mail as outbox
from channelhub.models import OutgoingEmail
from channelhub.tasks import send_outgoing_email, send_unsent_email

pytestmark = pytest.mark.django_db


def queued(**overrides):
    fields = {"subject": "邀请", "body": "正文", "to": ["li@example.com"]}
    fields.update(overrides)
    return OutgoingEmail.objects.get(pk=outbox.queue_email(**fields))


def test_a_row_is_sent_once_with_its_message_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queued(html_body="<p>正文</p>")
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1 and row.leased_until is None
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    assert row.message_id.endswith("@127.0.0.1>") or "@" in row.message_id
    assert message.alternatives == [("<p>正文</p>", "text/html")]

    assert outbox.deliver(row.pk) is False
    assert send_outgoing_email(ids=[row.pk]) == 0
    assert len(mail.outbox) == 1


def test_nothing_is_queued_when_the_change_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            queued()
            raise RuntimeError
    assert OutgoingEmail.objects.count() == 0 and mail.outbox == []


def test_a_row_held_by_a_live_sender_is_left_alone_until_its_lease_lapses():
    row = queued()  # no commit callbacks run: the task never started
    OutgoingEmail.objects.filter(pk=row.pk).update(
        leased_until=timezone.now() + timedelta(minutes=5), attempts=1
    )
    assert outbox.deliver(row.pk) is False
    assert send_unsent_email(older_than_seconds=0) == 0
    assert mail.outbox == []

    # The sender died between the send and the mark: once the lease lapses the row goes again,
    # under the same Message-ID, so the receiving side can tell it is the same message.
    OutgoingEmail.objects.filter(pk=row.pk).update(leased_until=timezone.now() - timedelta(seconds=1))
    assert send_unsent_email(older_than_seconds=0) == 1
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2


def test_the_sweep_waits_for_fresh_rows_and_skips_sent_ones():
    fresh, old, sent = queued(), queued(), queued()
    OutgoingEmail.objects.filter(pk__in=[old.pk, sent.pk]).update(
        created_at=timezone.now() - timedelta(minutes=3)
    )
    OutgoingEmail.objects.filter(pk=sent.pk).update(sent_at=timezone.now())
    assert send_unsent_email() == 1
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [old.message_id]
    assert OutgoingEmail.objects.get(pk=fresh.pk).sent_at is None


def retried_ids(run):
    asked = []

    def retry(*, kwargs, countdown):
        asked.extend(kwargs["ids"])
        assert 0 < countdown <= 600  # within the broker's visibility timeout (settings.py)
        return Retry()

    with unittest.mock.patch.object(send_outgoing_email, "retry", retry), pytest.raises(Retry):
        run()
    return asked


class RefusingBackend:
    error: Exception

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise type(self).error


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    return RefusingBackend


def test_a_failed_send_keeps_the_row_with_its_error_and_is_retried(refusing, settings):
    refusing.error = ConnectionRefusedError("mail server down")
    row = queued()
    with pytest.raises(ConnectionRefusedError):
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert row.sent_at is None and row.leased_until is None and row.attempts == 1
    assert "mail server down" in row.last_error

    # The task asks Celery to retry the failed row, later and alone.
    assert retried_ids(lambda: send_outgoing_email.delay(ids=[row.pk])) == [row.pk]
    row.refresh_from_db()
    assert row.attempts == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert send_unsent_email() == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error == ""


def test_a_row_every_recipient_of_which_is_refused_is_given_up_at_once(refusing):
    refusing.error = smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")})
    row = queued(to=["x@example.com"])
    assert send_outgoing_email(ids=[row.pk]) == 0  # not raised: nothing to retry
    row.refresh_from_db()
    assert row.attempts == outbox.MAX_ATTEMPTS and "no such user" in row.last_error
    OutgoingEmail.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert send_unsent_email() == 0


def test_one_bad_row_does_not_hold_up_the_others_of_its_batch(settings, monkeypatch):
    good, bad = queued(), queued(to=["bad@example.com"])
    real = outbox.deliver

    def flaky(pk):
        if pk == bad.pk:
            raise ConnectionResetError("dropped")
        return real(pk)

    monkeypatch.setattr(outbox, "deliver", flaky)
    assert retried_ids(lambda: send_outgoing_email.delay(ids=[bad.pk, good.pk])) == [bad.pk]
    assert [m.to for m in mail.outbox] == [["li@example.com"]]


def test_the_operator_sends_a_given_up_row_again_from_the_admin(
    admin_client, django_capture_on_commit_callbacks
):
    row = queued()
    OutgoingEmail.objects.filter(pk=row.pk).update(attempts=outbox.MAX_ATTEMPTS, last_error="SMTP down")
    listing = admin_client.get("/admin/channelhub/outgoingemail/?state=failed")
    assert listing.status_code == 200 and "SMTP down" in listing.content.decode()
    response = admin_client.post(
        "/admin/channelhub/outgoingemail/", {"action": "send_again", "_selected_action": [row.pk]}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert len(mail.outbox) == 1


def test_muted_changes_queue_nothing():
    with outbox.no_email():
        assert outbox.queue_email(subject="s", body="b", to=["a@example.com"]) is None
    assert OutgoingEmail.objects.count() == 0
