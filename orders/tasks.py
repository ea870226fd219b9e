"""Daily jobs of the orders module (Celery beat: CELERY_BEAT_SCHEDULE["orders-daily"]).

``orders.daily`` fans out one task per active tenant; each runs the tenant's report cycle
(reminders once, overdue flags once), recomputes its stock monitoring snapshot in one statement
and tells partners of the statuses that changed, once — a re-run changes nothing twice.
"""

from datetime import date

from celery import shared_task

from channelhub.models import Tenant


@shared_task(name="orders.daily")
def daily(on: str | None = None) -> int:
    tenants = list(Tenant.objects.filter(is_active=True).values_list("pk", flat=True))
    for tenant_id in tenants:
        daily_for_tenant.delay(tenant_id=tenant_id, on=on)
    return len(tenants)


@shared_task(name="orders.daily_for_tenant", acks_late=True, reject_on_worker_lost=True)
def daily_for_tenant(*, tenant_id: int, on: str | None = None) -> dict:
    """One tenant's run (the base task activates the tenant); ``on`` (ISO date) re-runs a day."""
    from channelhub import periods
    from orders.services import inventory

    today = date.fromisoformat(on) if on else periods.today()
    return inventory.run_daily(today)
