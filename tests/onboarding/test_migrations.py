"""The data migration that gives partners admitted before the registry remembered it
their application's reference."""

import importlib

import pytest
from django.apps import apps

from partners.models import Partner
from tests.factories import ApplicationFactory, PartnerFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("onboarding.migrations.0003_partner_admission_reference")


def test_admitted_partners_get_their_applications_reference(alpha, beta):
    admitted = ApplicationFactory(tenant=alpha, partner=PartnerFactory(tenant=alpha))
    elsewhere = ApplicationFactory(tenant=beta, partner=PartnerFactory(tenant=beta))
    ApplicationFactory(tenant=alpha)  # still in the pipeline: no partner
    by_hand = PartnerFactory(tenant=alpha)
    filed = PartnerFactory(tenant=alpha, admission_reference="RW202500007")
    ApplicationFactory(tenant=alpha, partner=filed)

    migration.remember_references(apps, None)  # no tenant active, as in `migrate`

    references = dict(Partner.all_tenants.values_list("pk", "admission_reference"))
    assert references[admitted.partner_id] == admitted.reference
    assert references[elsewhere.partner_id] == elsewhere.reference
    assert (references[by_hand.pk], references[filed.pk]) == ("", "RW202500007")  # kept
