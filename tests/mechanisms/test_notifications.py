import pytest
from django.core import mail
from django.db import transaction

from channelhub import notifications
from channelhub.models import Notification, OutgoingEmail
from channelhub.notifications import Kind
from channelhub.roles import Role
from channelhub.tasks import send_outgoing_email

pytestmark = pytest.mark.django_db


def test_it_writes_notifications_and_their_email_with_the_change_and_mails_after_commit(
    in_alpha, member, django_capture_on_commit_callbacks
):
    manager = member(Role.CHANNEL_MANAGER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications.notify([manager], kind=Kind.GENERAL, title="新的报备", url="/t/alpha/")
        # Part of the caller's transaction: the notification and its outbox row exist now,
        # the e-mail leaves only when the transaction commits.
        assert Notification.objects.filter(recipient=manager, title="新的报备").count() == 1
        assert OutgoingEmail.objects.filter(sent_at__isnull=True, to=[manager.email]).count() == 1
        assert mail.outbox == []
    assert callbacks  # the mail's, and the shared cache's (channelhub.caching) with Redis
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "/t/alpha/" in mail.outbox[0].body
    assert OutgoingEmail.objects.get().sent_at is not None


def test_it_creates_nothing_when_the_transaction_rolls_back(
    in_alpha, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notifications.notify([member(Role.CHANNEL_MANAGER)], kind=Kind.GENERAL, title="x")
                raise RuntimeError
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


def test_it_respects_the_email_preference(in_alpha, member, django_capture_on_commit_callbacks, client_as):
    manager = member(Role.CHANNEL_MANAGER)
    response = client_as(manager).post(
        "/t/alpha/inbox/preferences/", {k: "on" for k in Kind.values if k != Kind.GENERAL}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([manager], kind=Kind.GENERAL, title="不发邮件")
        notifications.notify([manager], kind=Kind.PARTNER_STATUS, title="发邮件")
    assert Notification.objects.filter(recipient=manager).count() == 2
    assert [m.subject for m in mail.outbox] == ["[ChannelHub] 发邮件"]


def test_the_email_job_sends_each_notification_once(in_alpha, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([member(Role.FINANCE)], kind=Kind.GENERAL, title="一次")
    ids = list(OutgoingEmail.objects.values_list("pk", flat=True))
    assert send_outgoing_email(ids=ids) == 0  # already sent
    assert len(mail.outbox) == 1


def test_a_caller_sending_its_own_email_gets_an_inbox_notification_only(
    in_alpha, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            [member(Role.FINANCE)], kind=Kind.APPROVAL_REQUESTED, title="自带邮件", email=False
        )
    assert Notification.objects.count() == 1
    assert OutgoingEmail.objects.count() == 0 and mail.outbox == []


def test_the_inbox_shows_unread_count_and_marks_read(
    in_alpha, member, client_as, django_capture_on_commit_callbacks
):
    manager = member(Role.CHANNEL_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([manager], kind=Kind.GENERAL, title="待处理", url="/t/alpha/approvals/")
    client = client_as(manager)
    home = client.get("/t/alpha/")
    assert 'data-testid="unread-count">1<' in home.content.decode()
    notification = Notification.objects.get()
    opened = client.get(f"/t/alpha/inbox/{notification.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/t/alpha/approvals/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-testid="unread-count"' not in client.get("/t/alpha/").content.decode()


def test_nobody_opens_another_persons_notification(
    in_alpha, member, client_as, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([member(Role.CHANNEL_MANAGER)], kind=Kind.GENERAL, title="私人")
    notification = Notification.objects.get()
    assert client_as(member(Role.FINANCE)).get(f"/t/alpha/inbox/{notification.pk}/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_outbox_shows_admins_all_mail_and_others_their_own(in_alpha, alpha, member, client_as, settings):
    from channelhub.models import OutboxMessage

    OutboxMessage.objects.create(
        tenant=alpha, to=member(Role.EXECUTIVE).email, subject="给高管", body="http://x/approve/abc/"
    )
    OutboxMessage.objects.create(tenant=alpha, to="someone@else.cn", subject="给别人", body="...")
    admin_page = client_as(member(Role.TENANT_ADMIN)).get("/t/alpha/outbox/").content.decode()
    assert "给高管" in admin_page and "给别人" in admin_page
    executive_page = client_as(member(Role.EXECUTIVE)).get("/t/alpha/outbox/").content.decode()
    assert "给高管" in executive_page and "给别人" not in executive_page
    settings.OUTBOX_ENABLED = False
    assert client_as(member(Role.TENANT_ADMIN)).get("/t/alpha/outbox/").status_code == 404


def test_a_kept_text_reaches_each_reader_in_their_own_language(
    in_alpha, alpha, alpha_partner, member, client_as, django_capture_on_commit_callbacks
):
    from django.utils.translation import gettext_noop

    from channelhub.notifications import Text

    chinese, english = member(Role.CHANNEL_MANAGER), member(Role.CHANNEL_SUPERVISOR)
    english.language = "en"
    english.save(update_fields=["language"])
    from channelhub.notifications import Choice

    suspended = Choice("partners.partner", "status", "suspended")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            [chinese, english],
            kind=Kind.PARTNER_STATUS,
            title=Text(gettext_noop("%(name)s is now %(status)s"), name="驰远", status=suspended),
            url="/t/alpha/partners/",
            actor=member(Role.TENANT_ADMIN),
        )
    mails = {m.to[0]: m for m in mail.outbox}
    assert mails[english.email].subject == "[ChannelHub] 驰远 is now Suspended"
    assert "驰远 is now" not in mails[chinese.email].subject and "驰远" in mails[chinese.email].subject
    english_body = mails[english.email].body
    assert (
        "What to do:" in english_body and "http://" in english_body and "/t/alpha/partners/" in english_body
    )
    assert "By: " in english_body
    html, kind = mails[english.email].alternatives[0]
    assert kind == "text/html" and 'href="http' in html

    # The inbox shows the words in the language of the page, whatever the tenant's language is.
    client = client_as(english)
    client.cookies["channelhub_language"] = "en"
    assert "驰远 is now Suspended" in client.get("/t/alpha/inbox/").content.decode()
