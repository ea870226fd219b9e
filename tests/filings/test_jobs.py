"""The daily beat job: terminations on their date, deadline reminders, expiry, lapses.

Time travel: the job takes the day as an argument (``on``), and one test moves the
clock itself (a patched ``timezone.now``) to show the default day is the tenant's today.
"""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from channelhub import periods
from channelhub.models import Invitation, Membership, Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context, unscoped
from filings import jobs, tasks
from filings.models import Filing, FilingReminder, FilingState
from partners.models import ChannelType, PartnerStatus
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db
S = FilingState


@pytest.fixture
def termination(flow, alpha, partner):
    """A recorded termination of ``partner``, 10 days from today."""
    day = periods.today(alpha) + timedelta(days=10)
    return flow.through(flow.termination(partner, on=day))


@pytest.fixture
def partner_people(alpha, partner):
    return [
        MembershipFactory(tenant=alpha, role=Role.PARTNER_ADMIN, partner=partner),
        MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=partner),
    ]


def run_day(tenant, day, commit):
    with commit():
        return tasks.daily_for_tenant.delay(tenant_id=tenant.pk, on=day.isoformat()).get()


def test_it_terminates_on_the_date_and_not_before(alpha, partner, termination, partner_people, commit):
    day = termination.termination_date
    assert run_day(alpha, day - timedelta(days=1), commit)["terminated"] == 0
    assert termination.state == S.RECORDED
    with unscoped():
        assert all(Membership.objects.get(pk=m.pk).is_active for m in partner_people)

    assert run_day(alpha, day, commit)["terminated"] == 1
    with tenant_context(alpha):
        filing = Filing.objects.get(pk=termination.pk)
        assert filing.state == S.EFFECTIVE and filing.effective_at
        partner.refresh_from_db()
        assert partner.status == PartnerStatus.TERMINATED
        assert not Membership.objects.filter(partner=partner, is_active=True).exists()


def test_it_notifies_everyone_concerned(alpha, partner, termination, partner_people, commit, member):
    finance = member(Role.FINANCE)
    mail.outbox.clear()
    run_day(alpha, termination.termination_date, commit)
    with tenant_context(alpha):
        told = set(
            Notification.objects.filter(kind="partner_status", title__contains=partner.name).values_list(
                "recipient", flat=True
            )
        )
    expected = {m.user_id for m in partner_people} | {
        termination.created_by_id,
        termination.approved_by_id,
        termination.recorded_by_id,
        finance.pk,
    }
    assert expected <= told
    assert {m.user.email for m in partner_people} <= {address for m in mail.outbox for address in m.to}


def test_it_is_idempotent(alpha, partner, termination, partner_people, commit):
    day = termination.termination_date
    run_day(alpha, day, commit)
    with tenant_context(alpha):
        notified = Notification.objects.count()
        Membership.objects.filter(pk=partner_people[0].pk).update(
            is_active=True
        )  # re-admitted later, by hand
    assert run_day(alpha, day, commit)["terminated"] == 0
    assert run_day(alpha, day + timedelta(days=3), commit)["terminated"] == 0
    with tenant_context(alpha):
        assert Notification.objects.count() == notified
        assert Membership.objects.get(pk=partner_people[0].pk).is_active  # not touched twice


def test_it_revokes_the_partners_pending_invitations(alpha, partner, termination, commit):
    invitation = InvitationFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=partner)
    run_day(alpha, termination.termination_date, commit)
    with unscoped():
        assert Invitation.objects.get(pk=invitation.pk).status == "revoked"


def test_the_default_day_is_the_tenants_today(alpha, partner, termination, commit):
    """Travel to 00:30 on the termination date in Shanghai (still the day before in UTC)."""
    day = termination.termination_date
    moment = datetime(day.year, day.month, day.day, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert timezone.now().astimezone(ZoneInfo("UTC")).date() == day - timedelta(days=1)
        with commit():
            result = tasks.daily_for_tenant.delay(tenant_id=alpha.pk).get()
    assert result["terminated"] == 1


def test_the_beat_task_fans_out_to_every_active_tenant(alpha, beta, termination, commit):
    with commit():
        assert tasks.daily.delay(on=termination.termination_date.isoformat()).get() == 2
    with tenant_context(alpha):
        assert Filing.objects.get(pk=termination.pk).state == S.EFFECTIVE


def test_the_beat_schedule_names_the_daily_task():
    entry = settings.CELERY_BEAT_SCHEDULE["filings-daily"]
    assert entry["task"] == "filings.daily"
    from channelhub.celery import app

    assert "filings.daily" in app.tasks


def test_one_termination_can_be_run_by_id(alpha, termination, commit):
    with commit():
        done = tasks.complete_termination.delay(
            tenant_id=alpha.pk, filing_id=termination.pk, on=termination.termination_date.isoformat()
        ).get()
    assert done is True
    with commit():
        assert (
            tasks.complete_termination.delay(
                tenant_id=alpha.pk, filing_id=termination.pk, on=termination.termination_date.isoformat()
            ).get()
            is False
        )


# --- deadlines ----------------------------------------------------------------------------------


def test_it_reminds_the_supervisors_before_the_validity_ends_once(flow, alpha, partner, supervisor, commit):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    filing = flow.reload(filing)
    too_early = filing.valid_until - timedelta(days=10)
    assert run_day(alpha, too_early, commit)["reminded"] == 0
    soon = filing.valid_until - timedelta(days=2)
    assert run_day(alpha, soon, commit)["reminded"] == 1
    assert run_day(alpha, soon + timedelta(days=1), commit)["reminded"] == 0
    with tenant_context(alpha):
        assert (
            Notification.objects.filter(
                recipient=supervisor, title_text__msgid__icontains="Validity ends"
            ).count()
            == 1
        )
        assert FilingReminder.objects.get().kind == FilingReminder.Kind.VALIDITY_SOON


def test_it_flags_and_reminds_an_overdue_recording(flow, alpha, partner, clerk, client_as, commit):
    filing = flow.through(flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR}), to="approved")
    late = filing.record_due + timedelta(days=1)
    assert run_day(alpha, late, commit)["reminded"] == 1
    with tenant_context(alpha):
        assert Notification.objects.filter(recipient=clerk, title_text__msgid__icontains="overdue").exists()
        Filing.objects.filter(pk=filing.pk).update(record_due=periods.today(alpha) - timedelta(days=1))
    page = client_as(clerk).get("/t/alpha/filings/?overdue=true")
    assert [f.pk for f, _flags in page.context["rows"]] == [filing.pk]
    assert "Recording overdue" in page.content.decode()


def test_it_expires_filings_past_their_validity(flow, alpha, partner, manager, commit):
    filing = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    flow.submit(filing)
    filing = flow.reload(filing)
    assert run_day(alpha, filing.valid_until, commit)["expired"] == 0
    assert run_day(alpha, filing.valid_until + timedelta(days=1), commit)["expired"] == 1
    assert flow.reload(filing).state == S.EXPIRED
    assert flow.request_of(filing).status == "cancelled"
    assert run_day(alpha, filing.valid_until + timedelta(days=2), commit)["expired"] == 0
    with tenant_context(alpha):
        assert (
            Notification.objects.filter(recipient=manager, title_text__msgid__icontains="expired").count()
            == 1
        )


def test_each_unit_of_work_is_its_own_transaction(flow, alpha, partner, commit):
    """A failure on one filing leaves the others done (safe if a worker dies half-way)."""
    first = flow.change(partner, {"channel_type": ChannelType.DISTRIBUTOR})
    second = flow.change(partner, {"channel_type": ChannelType.ONLINE})
    flow.submit(first)
    flow.submit(second)
    day = flow.reload(first).valid_until + timedelta(days=1)
    calls = []
    real = jobs.expire_filing

    def flaky(pk, *, today):
        calls.append(pk)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return real(pk, today=today)

    with tenant_context(alpha), mock.patch.object(jobs, "expire_filing", flaky), pytest.raises(RuntimeError):
        jobs.expire_filings(day)
    with tenant_context(alpha):
        states = dict(Filing.objects.values_list("pk", "state"))
        assert sorted(states.values()) == [S.EXPIRED, S.SUBMITTED]
        assert jobs.expire_filings(day) == 1  # the re-run finishes the rest
