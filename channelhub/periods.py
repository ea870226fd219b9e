"""Dates and periods in the tenant's time zone: the one source for "today", months,
quarters and years (deadlines, evaluations, rebates, reports).

A tenant in Asia/Shanghai whose quarter ends at 24:00 local time must not see an
order placed at 23:30 local fall into the next quarter because the server runs in
UTC: every date here is computed in ``Tenant.time_zone``. ``tenant`` defaults to
the active tenant (``channelhub.tenancy``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from channelhub.tenancy import TenantNotActive, get_current_tenant


def zone(tenant=None) -> ZoneInfo:
    tenant = tenant or get_current_tenant()
    if tenant is None:
        raise TenantNotActive("no tenant active: pass the tenant whose dates you need")
    return ZoneInfo(tenant.time_zone)


def now(tenant=None) -> datetime:
    """The current moment as a time in the tenant's zone."""
    return timezone.localtime(timezone.now(), zone(tenant))


def today(tenant=None) -> date:
    return now(tenant).date()


def local_date(moment: datetime, tenant=None) -> date:
    """The tenant's calendar date of a stored (aware) moment."""
    return timezone.localtime(moment, zone(tenant)).date()


def year_of(moment: datetime, tenant=None) -> int:
    return local_date(moment, tenant).year


def add_months(day: date, months: int) -> date:
    """Calendar months; the 31st of a shorter month becomes its last day (1-31 + 1 month = 2-28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    """A month, quarter or year: ``first`` and ``last`` are the tenant's calendar dates."""

    kind: str  # "month", "quarter", "year"
    first: date
    last: date

    @property
    def key(self) -> str:
        """A stable name, for idempotency keys and URLs: 2026-03, 2026-Q1, 2026."""
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return str(self.first.year)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def bounds(self, tenant=None) -> tuple[datetime, datetime]:
        """``[start, end)`` as aware moments: midnight of the first day to midnight after the
        last, in the tenant's zone; filter stored timestamps with ``__gte`` / ``__lt``."""
        tz = zone(tenant)
        start = datetime.combine(self.first, time.min, tzinfo=tz)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz)
        return start, end

    def previous(self) -> Period:
        return period_of(self.kind, self.first - timedelta(days=1))

    def next(self) -> Period:
        return period_of(self.kind, self.last + timedelta(days=1))


def period_of(kind: str, day: date) -> Period:
    """The month, quarter or year that contains ``day``."""
    if kind == "month":
        first = day.replace(day=1)
        months = 1
    elif kind == "quarter":
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        months = 3
    elif kind == "year":
        first = date(day.year, 1, 1)
        months = 12
    else:
        raise ValueError(f"unknown period kind {kind!r}")
    return Period(kind, first, add_months(first, months) - timedelta(days=1))


def current(kind: str, tenant=None) -> Period:
    """The tenant's current month, quarter or year."""
    return period_of(kind, today(tenant))


def current_quarter(tenant=None) -> Period:
    return current("quarter", tenant)
