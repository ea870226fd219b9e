"""The test factories themselves: rows they make are valid and do not collide."""

import pytest

from channelhub.tenancy import unscoped
from partners.validators import validate_credit_code
from tests.factories import OBJECT_FACTORIES, PartnerFactory, credit_code

pytestmark = pytest.mark.django_db


def test_it_makes_distinct_valid_credit_codes():
    codes = [credit_code(seed) for seed in range(1, 200)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        validate_credit_code(code)


def test_it_makes_many_partners_in_one_tenant(alpha):
    partners = PartnerFactory.create_batch(12, tenant=alpha)
    assert len({partner.credit_code for partner in partners}) == 12


@pytest.mark.parametrize("model", OBJECT_FACTORIES, ids=lambda model: model.__name__)
def test_it_makes_objects_in_the_tenant_asked_for(model, alpha, beta):
    make = OBJECT_FACTORIES[model]
    made = [make(alpha), make(alpha), make(beta)]
    with unscoped():
        tenants = [model.objects.get(pk=obj.pk).tenant_id for obj in made]
    assert tenants == [alpha.pk, alpha.pk, beta.pk]
