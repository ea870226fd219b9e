"""The filings module's deadline rules (seed 002); dates come from channelhub.periods."""

from datetime import date, timedelta

from channelhub.periods import add_months


def validity_end(start: date, settings) -> date:
    """Seed 002: a filing is valid for 1 month + 5 days (tenant settings) from its first submission."""
    return add_months(start, settings.validity_months) + timedelta(days=settings.validity_days)


def record_due(approved_on: date, settings) -> date:
    return approved_on + timedelta(days=settings.record_within_days)
