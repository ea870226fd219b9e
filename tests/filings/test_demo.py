"""Demo data: filings of every kind and state in both demo tenants, registrations with a conflict."""

import pytest

from channelhub.demo import TENANTS, load_demo
from channelhub.models import Tenant
from channelhub.tenancy import tenant_context
from filings.models import CustomerRegistration, CustomerStatus, Filing, FilingKind, FilingState

pytestmark = pytest.mark.django_db
S = FilingState


def test_every_kind_and_state_is_in_both_demo_tenants():
    load_demo()
    for spec in TENANTS:
        with tenant_context(Tenant.objects.get(slug=spec["slug"])):
            seen = set(Filing.objects.values_list("kind", "state"))
            assert {state for _kind, state in seen} == set(S.values), spec["slug"]
            assert {kind for kind, _state in seen} == set(FilingKind.values)
            assert {(FilingKind.TERMINATION, S.RECORDED), (FilingKind.TERMINATION, S.EFFECTIVE)} <= seen
            numbers = list(Filing.objects.exclude(record_number="").values_list("record_seq", flat=True))
            assert sorted(numbers) == list(range(1, len(numbers) + 1))
            statuses = set(CustomerRegistration.objects.values_list("status", flat=True))
            assert {
                CustomerStatus.PROTECTED,
                CustomerStatus.CONFLICT,
                CustomerStatus.WON,
                CustomerStatus.LAPSED,
            } <= statuses
            conflict = CustomerRegistration.objects.get(status=CustomerStatus.CONFLICT)
            assert conflict.conflicts_with.partner_id != conflict.partner_id


def test_loading_the_demo_again_adds_no_filings():
    load_demo()
    with tenant_context(Tenant.objects.get(slug="xingchi")):
        before = (Filing.objects.count(), CustomerRegistration.objects.count())
    load_demo()
    with tenant_context(Tenant.objects.get(slug="xingchi")):
        assert (Filing.objects.count(), CustomerRegistration.objects.count()) == before


def test_the_filings_demo_fills_inboxes_but_mails_nobody(
    mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from channelhub import modules
    from channelhub.models import Notification, OutgoingEmail

    others = [loader for loader in modules.DEMO_LOADERS if loader.app_label != "onboarding"]
    monkeypatch.setattr(modules, "DEMO_LOADERS", others)  # onboarding's demo mails: its own business
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert mailoutbox == []
    with tenant_context(Tenant.objects.get(slug="xingchi")):
        assert Notification.objects.exists()
    assert not OutgoingEmail.objects.exists()  # nothing waits to be mailed later either
