"""Dates and periods in the tenant's time zone (channelhub/periods.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from channelhub import periods
from channelhub.tenancy import TenantNotActive, tenant_context

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def test_today_is_the_tenants_date_not_the_servers(alpha, settings, monkeypatch):
    # 2026-03-31 17:30 UTC is already 1 April 01:30 in Shanghai.
    moment = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert alpha.time_zone == "Asia/Shanghai"
    assert periods.today(alpha) == date(2026, 4, 1)
    with tenant_context(alpha):
        assert periods.today() == date(2026, 4, 1)
        assert periods.current_quarter().key == "2026-Q2"
    alpha.time_zone = "Europe/Berlin"
    assert periods.today(alpha) == date(2026, 3, 31)
    assert periods.current("quarter", alpha).key == "2026-Q1"


def test_it_needs_a_tenant():
    with pytest.raises(TenantNotActive):
        periods.today()


@pytest.mark.parametrize(
    ("kind", "day", "first", "last", "key"),
    [
        ("month", date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        ("month", date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29), "2028-02"),
        ("quarter", date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        ("quarter", date(2026, 11, 2), date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("year", date(2026, 7, 1), date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_period_of(kind, day, first, last, key):
    period = periods.period_of(kind, day)
    assert (period.first, period.last, period.key) == (first, last, key)
    assert period.contains(day) and period.contains(first) and period.contains(last)
    assert (period.next().first - period.last).days == 1
    assert period.previous().last < period.first < period.next().first


def test_bounds_are_midnights_in_the_tenants_zone(alpha):
    start, end = periods.period_of("quarter", date(2026, 4, 15)).bounds(alpha)
    assert start == datetime(2026, 4, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert end == datetime(2026, 7, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    # An order at 23:30 on 30 June Shanghai time (15:30 UTC) is in Q2, one at 00:10 on 1 July is not.
    assert start <= datetime(2026, 6, 30, 15, 30, tzinfo=UTC) < end
    assert not datetime(2026, 6, 30, 16, 10, tzinfo=UTC) < end


def test_year_of_and_local_date(alpha):
    new_year = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 January in Shanghai
    assert periods.year_of(new_year, alpha) == 2027
    assert periods.local_date(new_year, alpha) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 5), -5, date(2025, 12, 5)),
    ],
)
def test_add_months(day, months, expected):
    assert periods.add_months(day, months) == expected


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown period kind"):
        periods.period_of("week", date(2026, 1, 1))
