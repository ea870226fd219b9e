"""The platform admin lists and opens every registry model across tenants."""

import pytest

from tests.factories import (
    PartnerContactFactory,
    PartnerDocumentFactory,
    PartnerImportFactory,
    RegionFactory,
    RewardPenaltyFactory,
    TierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_every_model_has_a_working_admin(alpha, beta, partner, client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    objects = {
        "partner": partner,
        "tier": TierFactory(tenant=beta),
        "region": RegionFactory(tenant=beta),
        "partnercontact": PartnerContactFactory(tenant=alpha, partner=partner),
        "partnerdocument": PartnerDocumentFactory(tenant=alpha, partner=partner),
        "rewardpenalty": RewardPenaltyFactory(tenant=alpha, partner=partner),
        "partnerimport": PartnerImportFactory(tenant=beta),
    }
    for model, obj in objects.items():
        listing = client.get(f"/admin/partners/{model}/")
        assert listing.status_code == 200, model
        assert "阿尔法" in listing.content.decode() or "贝塔" in listing.content.decode()  # the tenant column
        assert client.get(f"/admin/partners/{model}/{obj.pk}/change/").status_code == 200, model
