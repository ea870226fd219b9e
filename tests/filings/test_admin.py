"""The platform admin lists and opens every filings model across tenants (read-only where it is history)."""

import pytest
from django.apps import apps
from django.contrib import admin

from channelhub.tenancy import tenant_context
from filings import services
from filings.models import FilingReminder, FilingSettings, RecordCounter
from tests.factories import UserFactory
from tests.filings.factories import CustomerRegistrationFactory, FilingFactory, RequiredAttachmentFactory

pytestmark = pytest.mark.django_db


def test_every_filings_model_has_a_working_admin(alpha, beta, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    filing = FilingFactory(tenant=alpha)
    with tenant_context(beta):
        settings_row = services.get_settings()
        counter = RecordCounter.objects.create(year=2026, last_seq=3)
        reminder = FilingReminder.objects.create(
            filing=FilingFactory(tenant=beta), kind=FilingReminder.Kind.RECORD_SOON, on_date="2026-01-01"
        )
    objects = {
        "filing": filing,
        "customerregistration": CustomerRegistrationFactory(tenant=alpha),
        "requiredattachment": RequiredAttachmentFactory(tenant=alpha),
        "filingsettings": settings_row,
        "recordcounter": counter,
        "filingreminder": reminder,
    }
    assert {m._meta.model_name for m in apps.get_app_config("filings").get_models()} == set(objects)
    for name, obj in objects.items():
        assert type(obj) in admin.site._registry, name
        listing = client.get(f"/admin/filings/{name}/")
        assert listing.status_code == 200, name
        assert "阿尔法" in listing.content.decode() or "贝塔" in listing.content.decode()  # the tenant column
        assert client.get(f"/admin/filings/{name}/{obj.pk}/change/").status_code == 200, name
    assert isinstance(settings_row, FilingSettings)
