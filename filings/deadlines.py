"""Dates of the filings module, in the tenant's time zone."""

import calendar
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from channelhub.tenancy import get_current_tenant


def tenant_today(tenant=None) -> date:
    tenant = tenant or get_current_tenant()
    return timezone.localdate(timezone=ZoneInfo(tenant.time_zone))


def tenant_year(moment, tenant=None) -> int:
    tenant = tenant or get_current_tenant()
    return timezone.localtime(moment, ZoneInfo(tenant.time_zone)).year


def add_months(day: date, months: int) -> date:
    """Calendar months; the 31st of a shorter month becomes its last day (1-31 + 1 month = 2-28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def validity_end(start: date, settings) -> date:
    """Seed 002: a filing is valid for 1 month + 5 days (tenant settings) from its first submission."""
    return add_months(start, settings.validity_months) + timedelta(days=settings.validity_days)


def record_due(approved_on: date, settings) -> date:
    return approved_on + timedelta(days=settings.record_within_days)
