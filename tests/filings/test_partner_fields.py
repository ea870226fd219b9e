"""A change filing of territory, tier, contacts and bank account, applied through the
partner registry's own services and checks (exclusive territory, credit code)."""

import pytest
from django.core.exceptions import ValidationError

from channelhub.models import Activity
from channelhub.tenancy import tenant_context
from filings import partner_fields
from filings.models import FilingState
from partners.models import ChannelType, PartnerContact
from tests.factories import PartnerContactFactory, PartnerFactory, RegionFactory, TierFactory

pytestmark = pytest.mark.django_db
S = FilingState


@pytest.fixture
def regions(alpha):
    henan = RegionFactory(tenant=alpha, name="河南省")
    return {
        "henan": henan,
        "zhengzhou": RegionFactory(tenant=alpha, parent=henan, name="郑州市"),
        "luoyang": RegionFactory(tenant=alpha, parent=henan, name="洛阳市"),
    }


def test_a_territory_tier_and_bank_change_is_applied(flow, alpha, partner, regions):
    with tenant_context(alpha):
        partner.region = regions["zhengzhou"]
        partner.save()
    gold = TierFactory(tenant=alpha, name="金牌")
    filing = flow.change(
        partner,
        {"region": regions["luoyang"].pk, "tier": gold.pk, "bank_account_number": "6222 0000 1111"},
    )
    assert filing.proposed == {
        "region": regions["luoyang"].pk,
        "tier": gold.pk,
        "bank_account_number": "6222 0000 1111",
    }
    with tenant_context(alpha):
        rows = partner_fields.diff_rows(filing.baseline, filing.proposed)
    assert [(label, old, new) for _n, label, old, new in rows] == [
        ("Tier", "", "金牌"),
        ("Territory", "河南省 / 郑州市", "河南省 / 洛阳市"),
        ("Account number", "", "6222 0000 1111"),
    ]
    flow.through(filing)
    partner = flow.reload(partner)
    assert (partner.region_id, partner.tier_id, partner.bank_account_number) == (
        regions["luoyang"].pk,
        gold.pk,
        "6222 0000 1111",
    )
    with tenant_context(alpha):
        assert partner.territory == "河南省 / 洛阳市"
        changed = Activity.objects.get(object_id=partner.pk, verb="partner.changed")
    assert changed.changes["region"] == ["河南省 / 郑州市", "河南省 / 洛阳市"]


def test_the_registry_refuses_a_territory_held_exclusively(flow, alpha, partner, regions):
    """Refused when the filing is drafted, beside the territory (tests/filings/test_territory.py:
    and when the clash appears after approval, recording is refused and the clerk sends it back)."""
    PartnerFactory(
        tenant=alpha, channel_type=ChannelType.AGENT, region=regions["luoyang"], exclusive_territory=True
    )
    with pytest.raises(ValidationError, match="exclusive rights") as refused:
        flow.change(partner, {"region": regions["luoyang"].pk})
    assert "region" in refused.value.message_dict
    assert flow.reload(partner).region_id is None


def test_a_contact_change_keeps_the_old_contact_in_the_record(flow, alpha, partner):
    old = PartnerContactFactory(
        tenant=alpha, partner=partner, name="王经理", mobile="13800000001", is_primary=True
    )
    filing = flow.change(partner, {"contact_name": "李经理", "contact_mobile": "13900000002"})
    assert filing.proposed == {"contact_name": "李经理", "contact_mobile": "13900000002"}
    flow.through(filing)
    with tenant_context(alpha):
        contacts = {c.name: c for c in PartnerContact.objects.filter(partner=partner)}
    assert contacts["李经理"].is_primary and contacts["李经理"].mobile == "13900000002"
    assert not contacts["王经理"].is_primary and contacts["王经理"].pk == old.pk


def test_a_new_mobile_for_the_same_contact_updates_it(flow, alpha, partner):
    PartnerContactFactory(tenant=alpha, partner=partner, name="王经理", mobile="13800000001", is_primary=True)
    flow.through(flow.change(partner, {"contact_mobile": "13700000003"}))
    with tenant_context(alpha):
        contact = PartnerContact.objects.get(partner=partner)
    assert (contact.name, contact.mobile, contact.is_primary) == ("王经理", "13700000003", True)


def test_a_new_channel_filing_carries_territory_and_contact(flow, alpha, regions):
    filing = flow.new(name="洛阳新渠道有限公司")
    with tenant_context(alpha):
        from filings import services

        services.update_filing(
            filing,
            by=flow.manager,
            fields={},
            proposed={**filing.proposed, "region": regions["luoyang"].pk, "contact_name": "赵店长"},
        )
    filing = flow.through(flow.reload(filing))
    with tenant_context(alpha):
        partner = filing.partner
        assert partner.region_id == regions["luoyang"].pk
        assert partner.contacts.get().name == "赵店长"


def test_the_change_form_offers_only_this_tenants_regions_in_use(
    alpha, beta, partner, regions, manager, client_as
):
    RegionFactory(tenant=beta, name="江苏省")
    with tenant_context(alpha):
        regions["henan"].is_active = False
        regions["henan"].save()
    page = client_as(manager).get(f"/t/alpha/filings/new/change/?partner={partner.pk}")
    offered = set(page.context["form"].fields["region"].queryset.values_list("name", flat=True))
    assert offered == {"郑州市", "洛阳市"}
