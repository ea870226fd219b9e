"""The daily work of the filings module for one tenant (called by filings.tasks).

Every step is idempotent and works one filing (or registration) per transaction,
by id, re-checking its state under a row lock (``channelhub.workflow`` runs the
transitions): a run that dies half-way, or runs twice on a day, changes nothing twice.
``today`` is an argument so a run can be repeated for a given day (and tests can
travel in time).
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channelhub import approvals, audit, workflow
from channelhub.notifications import Text
from channelhub.roles import Role, members_with
from filings import customers, services
from filings.models import (
    CustomerRegistration,
    CustomerStatus,
    Filing,
    FilingKind,
    FilingReminder,
    FilingState,
)

S = FilingState
R = FilingReminder.Kind
WAITING = [S.SUBMITTED, S.RETURNED, S.APPROVED]


def run_daily(today: date) -> dict:
    return {
        "expired": expire_filings(today),
        "reminded": send_reminders(today),
        "terminated": run_due_terminations(today),
        "lapsed": lapse_registrations(today),
    }


def expire_filings(today: date) -> int:
    ids = list(Filing.objects.filter(state__in=WAITING, valid_until__lt=today).values_list("pk", flat=True))
    return sum(expire_filing(pk, today=today) for pk in ids)


def expire_filing(filing_id: int, *, today: date) -> bool:
    filing = Filing.objects.filter(pk=filing_id).first()
    if filing is None or filing.state not in WAITING or not filing.valid_until or filing.valid_until >= today:
        return False
    try:
        with transaction.atomic():
            # The approval request first, then the filing (as approvals.decide() locks them);
            # the transition re-checks the filing under its lock.
            approvals.cancel_pending(filing, by=None, reason=_("The filing's validity ended."))
            workflow.transition(
                filing,
                "expire",
                by=None,
                verb="filing.expired",
                via="job",
                comment=_("Valid until %(date)s; not recorded by then.")
                % {"date": filing.valid_until.isoformat()},
                fields={"closed_at": timezone.now()},
            )
            FilingReminder.objects.get_or_create(filing=filing, kind=R.EXPIRED, defaults={"on_date": today})
            services._notify(
                [filing.created_by],
                filing,
                Text(gettext_noop("Filing expired: %(title)s"), title=services.notice_title(filing)),
                Text(
                    gettext_noop("Its validity ended on %(date)s. File it again if it is still needed."),
                    date=filing.valid_until.isoformat(),
                ),
            )
    except workflow.AlreadyChanged:
        return False  # decided or withdrawn a moment ago: the next run looks at it again
    return True


def send_reminders(today: date) -> int:
    """Remind once per filing and kind: validity ending soon, recording due soon, recording overdue."""
    cfg = services.get_settings()
    soon = today + timedelta(days=cfg.remind_days_before)
    sent = 0
    validity = Filing.objects.filter(state__in=WAITING, valid_until__gte=today, valid_until__lte=soon)
    for pk in validity.values_list("pk", flat=True):
        sent += _remind(pk, R.VALIDITY_SOON, today)
    recording = Filing.objects.filter(state=S.APPROVED, record_due__isnull=False).filter(
        Q(record_due__lte=soon)
    )
    for pk, due in recording.values_list("pk", "record_due"):
        sent += _remind(pk, R.RECORD_OVERDUE if due < today else R.RECORD_SOON, today)
    return sent


def _remind(filing_id: int, kind: str, today: date) -> int:
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("created_by").get(pk=filing_id)
        try:
            with transaction.atomic():
                FilingReminder.objects.create(filing=filing, kind=kind, on_date=today)
        except IntegrityError:
            return 0  # already sent: the reminder row is the idempotency key
        title = services.notice_title(filing)
        if kind == R.VALIDITY_SOON:
            who = {
                S.SUBMITTED: members_with(Role.CHANNEL_SUPERVISOR),
                S.RETURNED: [filing.created_by],
                S.APPROVED: members_with(Role.CLERK),
            }[filing.state]
            message = Text(
                gettext_noop("Validity ends on %(date)s: %(title)s"),
                date=filing.valid_until.isoformat(),
                title=title,
            )
        elif kind == R.RECORD_SOON:
            who = members_with(Role.CLERK)
            message = Text(
                gettext_noop("To be recorded by %(date)s: %(title)s"),
                date=filing.record_due.isoformat(),
                title=title,
            )
        else:
            who = members_with(Role.CLERK, Role.CHANNEL_SUPERVISOR)
            message = Text(
                gettext_noop("Recording overdue since %(date)s: %(title)s"),
                date=filing.record_due.isoformat(),
                title=title,
            )
        # The timeline keeps the reminder in the tenant's language (audit comments are text).
        audit.record(filing, "filing.reminded", via="job", comment=str(message))
        services._notify(who, filing, message)
    return 1


def run_due_terminations(today: date) -> int:
    ids = Filing.objects.filter(
        kind=FilingKind.TERMINATION, state=S.RECORDED, termination_date__lte=today
    ).values_list("pk", flat=True)
    return sum(services.complete_termination(pk, today=today) for pk in list(ids))


def lapse_registrations(today: date) -> int:
    ids = CustomerRegistration.objects.filter(
        status=CustomerStatus.PROTECTED, protected_until__lt=today, order_recorded_on__isnull=True
    ).values_list("pk", flat=True)
    return sum(customers.lapse_registration(pk, today=today) for pk in list(ids))
