"""The daily document-expiry job: owners told once, 30 days ahead, idempotent."""

from datetime import date, timedelta

import pytest

from channelhub.models import Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context, unscoped
from partners.models import PartnerStatus
from partners.tasks import notify_expiring_documents, notify_expiring_documents_all
from tests.factories import PartnerDocumentFactory, PartnerFactory

from .conftest import fresh

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def run(tenant, today=TODAY, callbacks=None):
    with callbacks(execute=True):
        return notify_expiring_documents.delay(tenant_id=tenant.pk, today=today.isoformat()).get()


def notices(tenant):
    with tenant_context(tenant):
        return list(Notification.objects.filter(kind="document_expiring").order_by("pk"))


def test_the_owner_is_told_30_days_ahead_once(alpha, partner, manager, django_capture_on_commit_callbacks):
    make = PartnerDocumentFactory
    due = make(tenant=alpha, partner=partner, kind="industry_licence", expires_on=TODAY + timedelta(days=30))
    make(
        tenant=alpha, partner=partner, kind="quality_certificate", expires_on=TODAY + timedelta(days=31)
    )  # not yet
    make(tenant=alpha, partner=partner, kind="business_licence", expires_on=None)  # never expires
    assert run(alpha, callbacks=django_capture_on_commit_callbacks) == 1
    [notice] = notices(alpha)
    assert notice.recipient == manager
    assert partner.name in notice.title and "2026-07-01" in notice.title
    assert notice.url == f"/t/alpha/partners/{partner.pk}/"
    assert fresh(due).expiry_notified_at is not None
    # Again the same day, the next day: nothing new for that document.
    assert run(alpha, callbacks=django_capture_on_commit_callbacks) == 0
    assert (
        run(alpha, TODAY + timedelta(days=1), callbacks=django_capture_on_commit_callbacks) == 1
    )  # the 31-day one
    assert len(notices(alpha)) == 2


def test_an_expired_document_not_yet_told_is_told_once(alpha, partner, django_capture_on_commit_callbacks):
    PartnerDocumentFactory(tenant=alpha, partner=partner, expires_on=TODAY - timedelta(days=3))
    assert run(alpha, callbacks=django_capture_on_commit_callbacks) == 1
    assert run(alpha, callbacks=django_capture_on_commit_callbacks) == 0


def test_replaced_and_terminated_partners_documents_are_skipped(
    alpha, partner, manager, django_capture_on_commit_callbacks
):
    PartnerDocumentFactory(
        tenant=alpha, partner=partner, kind="industry_licence", expires_on=TODAY + timedelta(days=10)
    )
    PartnerDocumentFactory(
        tenant=alpha, partner=partner, kind="industry_licence", expires_on=TODAY + timedelta(days=900)
    )
    gone = PartnerFactory(tenant=alpha, owner=manager, status=PartnerStatus.TERMINATED)
    PartnerDocumentFactory(tenant=alpha, partner=gone, expires_on=TODAY + timedelta(days=5))
    assert run(alpha, callbacks=django_capture_on_commit_callbacks) == 0


def test_without_an_owner_the_supervisors_are_told(alpha, member, django_capture_on_commit_callbacks):
    supervisor = member(Role.CHANNEL_SUPERVISOR)
    orphan = PartnerFactory(tenant=alpha, owner=None)
    PartnerDocumentFactory(tenant=alpha, partner=orphan, expires_on=TODAY + timedelta(days=1))
    run(alpha, callbacks=django_capture_on_commit_callbacks)
    assert [n.recipient for n in notices(alpha)] == [supervisor]


def test_the_daily_entry_runs_every_active_tenant_on_its_own(
    alpha, beta, partner, django_capture_on_commit_callbacks, monkeypatch
):
    ran = []
    monkeypatch.setattr(notify_expiring_documents, "delay", lambda **kwargs: ran.append(kwargs))
    beta.is_active = False
    beta.save()
    assert notify_expiring_documents_all.delay().get() == 1
    assert ran == [{"tenant_id": alpha.pk}]


def test_each_tenant_sees_only_its_own_documents(alpha, beta, partner, django_capture_on_commit_callbacks):
    foreign = PartnerFactory(tenant=beta)
    PartnerDocumentFactory(tenant=beta, partner=foreign, expires_on=TODAY + timedelta(days=2))
    assert run(alpha, callbacks=django_capture_on_commit_callbacks) == 0
    with unscoped():
        assert Notification.objects.count() == 0


def test_it_refuses_to_run_without_its_tenant(alpha):
    with pytest.raises(RuntimeError):
        notify_expiring_documents.run(tenant_id=alpha.pk)
