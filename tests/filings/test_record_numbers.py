"""Record numbers (备案号): one sequence per tenant and year, no gaps, no duplicates —
also when clerks record at the same moment (PostgreSQL, real threads and connections)."""

import threading
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from filings import services
from filings.models import Filing, FilingState, RecordCounter
from partners.models import ChannelType
from tests.factories import MembershipFactory, PartnerFactory
from tests.filings.factories import FilingFactory

pytestmark = pytest.mark.django_db


def test_numbers_run_per_tenant_and_per_year(flow, alpha, beta, commit):
    first = flow.through(flow.change(PartnerFactory(tenant=alpha), {"channel_type": ChannelType.ONLINE}))
    second = flow.through(flow.change(PartnerFactory(tenant=alpha), {"channel_type": ChannelType.ONLINE}))
    assert (first.record_seq, second.record_seq) == (1, 2)
    assert second.record_number == f"BA-{second.record_year}-0002"

    # Another tenant has its own sequence.
    clerk = MembershipFactory(tenant=beta, role=Role.CLERK).user
    other = FilingFactory(tenant=beta, state=FilingState.APPROVED)
    with tenant_context(beta), commit():
        services.record_filing(other, by=clerk)
        assert Filing.objects.get(pk=other.pk).record_seq == 1

    # A new year (in the tenant's time zone: 00:10 on 1 January in Shanghai) starts again at 1.
    next_year = datetime(second.record_year + 1, 1, 1, 0, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    third = flow.through(
        flow.change(PartnerFactory(tenant=alpha), {"channel_type": ChannelType.ONLINE}), to="approved"
    )
    with tenant_context(alpha):  # still valid then
        Filing.objects.filter(pk=third.pk).update(valid_until=next_year.date())
    with mock.patch("django.utils.timezone.now", return_value=next_year):
        flow.record(third)
    third = flow.reload(third)
    assert (third.record_year, third.record_seq) == (second.record_year + 1, 1)
    assert third.record_number == f"BA-{second.record_year + 1}-0001"


def test_the_prefix_is_a_tenant_setting(flow, alpha, partner):
    with tenant_context(alpha):
        cfg = services.get_settings()
        cfg.record_number_prefix = "QDBA"
        cfg.save()
    filing = flow.through(flow.change(partner, {"channel_type": ChannelType.ONLINE}))
    assert filing.record_number.startswith("QDBA-")


def test_a_failed_recording_gives_its_number_back(flow, alpha, partner):
    filing = flow.through(flow.change(partner, {"channel_type": ChannelType.ONLINE}), to="approved")
    with mock.patch("filings.effects.apply_change", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            flow.record(filing)
    assert flow.reload(filing).state == FilingState.APPROVED
    flow.record(filing)
    assert flow.reload(filing).record_seq == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_recordings_get_consecutive_numbers(alpha):
    clerk = MembershipFactory(tenant=alpha, role=Role.CLERK).user
    count = 12
    filings = [FilingFactory(tenant=alpha, state=FilingState.APPROVED) for _ in range(count)]
    barrier = threading.Barrier(count)
    errors = []

    def record(filing):
        try:
            with tenant_context(alpha):
                barrier.wait(timeout=30)
                services.record_filing(filing, by=clerk)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(f,)) for f in filings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    with tenant_context(alpha):
        numbers = sorted(Filing.objects.values_list("record_seq", flat=True))
        assert numbers == list(range(1, count + 1))  # no gaps, no duplicates
        assert len(set(Filing.objects.values_list("record_number", flat=True))) == count
        assert RecordCounter.objects.get().last_seq == count
