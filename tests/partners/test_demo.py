"""The demo registry: about 60 partners per demo tenant, realistic, valid, idempotent, fast."""

from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from channelhub.demo import load_demo
from channelhub.models import Tenant
from channelhub.tenancy import tenant_context, unscoped
from filings.models import Filing
from onboarding.models import Application
from partners import services
from partners.demo import PARTNERS_PER_TENANT, load_partner_demo
from partners.models import (
    Partner,
    PartnerContact,
    PartnerDocument,
    PartnerStatus,
    Region,
    RewardPenalty,
    Tier,
)
from partners.validators import validate_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """load_demo() loads the registry too; what it created, as load_partner_demo() counts it."""
    with mock.patch("partners.demo.load_partner_demo_for", return_value={}):
        load_demo()
    return load_partner_demo()


def counts():
    with unscoped():
        return {model.__name__: model.objects.count() for model in (Partner, PartnerContact, PartnerDocument,
                                                                   RewardPenalty, Region, Tier)}  # fmt: skip


def test_it_creates_nothing_the_second_time(demo):
    assert demo["partners"] > 100
    before = counts()
    assert load_partner_demo() == {"tiers": 0, "regions": 0, "partners": 0, "users": 0}
    assert counts() == before


def test_load_demo_loads_the_registry(db):
    load_demo()
    with unscoped():
        assert Partner.objects.count() >= 2 * PARTNERS_PER_TENANT
    assert load_partner_demo() == {"tiers": 0, "regions": 0, "partners": 0, "users": 0}


def test_it_writes_in_bulk(db):
    with mock.patch("partners.demo.load_partner_demo_for", return_value={}):
        load_demo()
    with CaptureQueriesContext(connection) as captured:
        load_partner_demo()
    assert len(captured) < 150  # for ~120 partners and ~700 child rows: bulk writes, not a loop


def test_each_tenant_gets_about_60_partners_of_every_kind(demo):
    today = timezone.localdate()
    for slug, provinces in (("xingchi", {"浙江省", "江苏省"}), ("zhongyu", {"河南省"})):
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            # Partners admitted through the onboarding demo, or created by the filings demo's
            # recorded new channel filings, come on top of the registry's.
            admitted = set(
                Application.objects.filter(partner__isnull=False).values_list("partner_id", flat=True)
            )
            filed = set(Filing.objects.filter(kind="new").values_list("partner_id", flat=True))
            partners = [
                p
                for p in Partner.objects.select_related("region__parent__parent", "owner")
                if p.pk not in admitted | filed
            ]
            assert len(partners) == PARTNERS_PER_TENANT
            assert provinces <= {p.region.parent.parent.name for p in partners}
            assert len({p.channel_type for p in partners}) >= 4
            assert len({p.tier_id for p in partners}) >= 3
            assert len({p.owner_id for p in partners}) >= 3  # spread over the channel managers
            statuses = {
                row["status"]: row["n"] for row in Partner.objects.values("status").annotate(n=Count("pk"))
            }
            assert statuses[PartnerStatus.SUSPENDED] >= 3
            assert PartnerDocument.objects.filter(
                expires_on__gte=today, expires_on__lte=today + timezone.timedelta(days=30)
            ).exists()
            assert Partner.objects.filter(exclusive_territory=True).exists()
            for partner in partners:
                validate_credit_code(partner.credit_code)
                assert (
                    partner.credit_code[2:8] == partner.region.code
                    or partner.credit_code[2:4] == partner.region.code[:2]
                )
                assert "有限公司" in partner.name or "店" in partner.name or "营业部" in partner.name
                # The demo obeys the registry's own rules (exclusive territories included).
                services._validate(partner, previous_owner_id=partner.owner_id)


def test_the_partner_admin_of_load_demo_keeps_a_complete_partner(demo):
    with unscoped():
        from channelhub.models import Membership

        membership = Membership.objects.select_related("partner").get(
            user__email="partner-admin@xingchi.demo.channelhub.cn"
        )
    assert membership.partner.region_id and membership.partner.owner_id
    with tenant_context(membership.tenant):
        assert membership.partner.documents.exists()
