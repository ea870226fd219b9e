"""Daily jobs of the filings module (Celery beat: CELERY_BEAT_SCHEDULE["filings-daily"]).

``filings.daily`` fans out one task per active tenant; each takes ids and a date,
and every unit of work is idempotent (filings.jobs), so a re-run or a retry after
a lost worker changes nothing twice.
"""

from datetime import date

from celery import shared_task

from channelhub.models import Tenant


@shared_task(name="filings.daily")
def daily(on: str | None = None) -> int:
    """For every active tenant: deadlines, expiry, due terminations, lapsed customer protection."""
    tenants = list(Tenant.objects.filter(is_active=True).values_list("pk", flat=True))
    for tenant_id in tenants:
        daily_for_tenant.delay(tenant_id=tenant_id, on=on)
    return len(tenants)


@shared_task(name="filings.daily_for_tenant", acks_late=True, reject_on_worker_lost=True)
def daily_for_tenant(*, tenant_id: int, on: str | None = None) -> dict:
    """One tenant's daily run (the base task activates the tenant). ``on`` (ISO date) defaults to
    today in the tenant's time zone; pass a date to re-run a missed day."""
    from channelhub import periods
    from filings import jobs

    today = date.fromisoformat(on) if on else periods.today()
    return jobs.run_daily(today)


@shared_task(name="filings.complete_termination", acks_late=True, reject_on_worker_lost=True)
def complete_termination(*, tenant_id: int, filing_id: int, on: str | None = None) -> bool:
    """Terminate one partner whose recorded termination date has come (idempotent)."""
    from channelhub import periods
    from filings import services

    today = date.fromisoformat(on) if on else periods.today()
    return services.complete_termination(filing_id, today=today)
