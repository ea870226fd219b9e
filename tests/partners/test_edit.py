"""Create and edit a partner through the real forms: errors beside the fields, nothing lost,
dropdowns of the tenant only, an audit diff of what changed, exclusive territories."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from channelhub.models import Activity
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners import services
from partners.models import ChannelType, Partner
from tests.channelhub.pages import form_data, select_options, shows
from tests.factories import MembershipFactory, PartnerFactory, RegionFactory, TierFactory, credit_code

from .conftest import fresh

pytestmark = pytest.mark.django_db

NEW = "/t/alpha/partners/new/"


def test_a_manager_creates_a_partner_in_their_portfolio(alpha, manager, client_as, territory, gold):
    client = client_as(manager)
    code = credit_code(900001)
    data = form_data(
        client.get(NEW),
        "partner-form",
        name="嘉兴泽众充电设备有限公司",
        credit_code=code.lower(),  # typed in lower case: stored upper
        channel_type=ChannelType.AGENT,
        tier=str(gold.pk),
        region=str(territory["binjiang"].pk),
        registered_capital="5000000.00",
        credit_limit="300000",
    )
    response = client.post(NEW, data)
    assert response.status_code == 302
    with tenant_context(alpha):
        partner = Partner.objects.get(credit_code=code)
        entry = Activity.objects.get(object_id=partner.pk, verb="partner.created")
    assert partner.owner == manager
    assert partner.status == "active"
    assert str(partner.credit_limit) == "300000.00"
    assert entry.changes["name"] == ["", "嘉兴泽众充电设备有限公司"]
    assert response["Location"] == f"/t/alpha/partners/{partner.pk}/"


def test_bad_input_comes_back_with_errors_beside_the_fields_and_nothing_lost(alpha, manager, client_as):
    client = client_as(manager)
    bad_code = credit_code(900002)[:-1] + ("0" if credit_code(900002)[-1] != "0" else "1")
    data = form_data(
        client.get(NEW),
        "partner-form",
        name="温州联创能源服务有限公司",
        credit_code=bad_code,
        channel_type="",
        legal_representative="林海",
        credit_limit="很多",
        registered_capital="-5",
    )
    response = client.post(NEW, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"credit_code", "channel_type", "credit_limit", "registered_capital"}
    assert shows(response, _("The check digit of this credit code is wrong; please check it."))
    body = response.content.decode()
    assert 'value="温州联创能源服务有限公司"' in body and 'value="林海"' in body  # what was typed stays
    assert body.count("invalid-feedback d-block") == 4
    with tenant_context(alpha):
        assert not Partner.objects.filter(name="温州联创能源服务有限公司").exists()


def test_a_credit_code_may_be_used_once_per_tenant(alpha, beta, partner, manager, client_as):
    PartnerFactory(tenant=beta, credit_code=credit_code(900003))  # another tenant's: no conflict
    client = client_as(manager)
    for code, ok in ((partner.credit_code, False), (credit_code(900003), True)):
        data = form_data(
            client.get(NEW), "partner-form", name=f"测试{code}", credit_code=code, channel_type="agent"
        )
        response = client.post(NEW, data)
        assert (response.status_code == 302) is ok, response.context and response.context["form"].errors
    assert shows(
        client.post(NEW, data | {"name": "再来一次"}), _("Another partner already has this credit code.")
    )


def test_the_dropdowns_offer_only_the_tenants_rows_and_refuse_a_forged_id(
    alpha, beta, partner, manager, client_as, territory, gold
):
    alpha.partner_changes_by_filing = False  # a manager edits territory and tier here
    alpha.save()
    foreign_tier = TierFactory(tenant=beta, name="外部等级")
    foreign_region = RegionFactory(tenant=beta, name="河南省")
    foreign_manager = MembershipFactory(tenant=beta, role=Role.CHANNEL_MANAGER).user
    clerk = MembershipFactory(tenant=alpha, role=Role.CLERK).user
    client = client_as(manager)
    path = f"/t/alpha/partners/{partner.pk}/edit/"
    page = client.get(path)
    assert str(foreign_tier.pk) not in select_options(page, "tier", "partner-form")
    assert str(foreign_region.pk) not in select_options(page, "region", "partner-form")
    owners = select_options(page, "owner", "partner-form")
    assert str(manager.pk) in owners
    assert str(foreign_manager.pk) not in owners and str(clerk.pk) not in owners  # channel managers only
    for field, forged in (
        ("tier", foreign_tier.pk),
        ("region", foreign_region.pk),
        ("owner", foreign_manager.pk),
    ):
        response = client.post(path, form_data(page, "partner-form", **{field: str(forged)}))
        assert response.status_code == 400, field
        assert field in response.context["form"].errors
    stored = fresh(partner)
    assert (stored.tier_id, stored.region_id, stored.owner_id) == (gold.pk, territory["xihu"].pk, manager.pk)


def test_an_edit_writes_the_diff_of_the_changed_fields(alpha, partner, manager, client_as, territory, member):
    alpha.partner_changes_by_filing = False  # a manager edits the territory here
    alpha.save()
    other = MembershipFactory(tenant=alpha, role=Role.CHANNEL_MANAGER).user
    client = client_as(manager)
    path = f"/t/alpha/partners/{partner.pk}/edit/"
    data = form_data(
        client.get(path),
        "partner-form",
        credit_limit="800000.00",
        region=str(territory["binjiang"].pk),
        owner=str(other.pk),
    )
    assert client.post(path, data).status_code == 302
    with tenant_context(alpha):
        entry = Activity.objects.get(object_id=partner.pk, verb="partner.changed")
    assert entry.actor == manager
    assert entry.changes == {
        "credit_limit": ["", "800000.00"],
        "owner": [manager.display_name, other.display_name],
        "region": ["浙江省 / 杭州市 / 西湖区", "浙江省 / 杭州市 / 滨江区"],
    }
    # Saving again without changes writes nothing.
    assert client.post(path, form_data(client.get(path), "partner-form")).status_code == 302
    with tenant_context(alpha):
        assert Activity.objects.filter(object_id=partner.pk, verb="partner.changed").count() == 1


def test_a_refused_edit_leaves_the_record_as_stored(alpha, partner, suspended, manager, client_as):
    client = client_as(manager)
    path = f"/t/alpha/partners/{partner.pk}/edit/"
    response = client.post(
        path, form_data(client.get(path), "partner-form", credit_code=suspended.credit_code)
    )
    assert response.status_code == 400
    assert "credit_code" in response.context["form"].errors
    assert (
        response.context["partner"].credit_code == partner.credit_code
    )  # the heading shows the stored record
    assert fresh(partner).credit_code == partner.credit_code


def test_exclusive_territories_do_not_overlap_within_a_channel_type(alpha, partner, manager, territory):
    """partner: distributor in 杭州市西湖区, not exclusive."""
    with tenant_context(alpha):
        # Exclusive rights over 杭州市 would cover the distributor already in 西湖区.
        city = Partner(name="杭州总代", credit_code=credit_code(900010), channel_type="distributor",
                       region=territory["hangzhou"], exclusive_territory=True)  # fmt: skip
        with pytest.raises(ValidationError) as problem:
            services.create_partner(data=_data(city), by=manager)
        assert "exclusive_territory" in problem.value.message_dict
        # Another channel type may work there.
        services.create_partner(data=_data(city) | {"channel_type": "agent"}, by=manager)
        # ...and now no other agent may enter 杭州市 (or 浙江省 above it).
        for region in ("binjiang", "province"):
            agent = Partner(name=f"代理{region}", credit_code=credit_code(900011), channel_type="agent",
                            region=territory[region])  # fmt: skip
            with pytest.raises(ValidationError) as problem:
                services.create_partner(data=_data(agent), by=manager)
            assert "region" in problem.value.message_dict
        # 宁波市 is outside it.
        agent = Partner(name="宁波代理", credit_code=credit_code(900012), channel_type="agent",
                        region=territory["ningbo"])  # fmt: skip
        services.create_partner(data=_data(agent), by=manager)


def test_a_terminated_partner_holds_no_territory(alpha, manager, territory):
    with tenant_context(alpha):
        holder = services.create_partner(
            data=_data(
                Partner(
                    name="独家",
                    credit_code=credit_code(900020),
                    channel_type="agent",
                    region=territory["hangzhou"],
                    exclusive_territory=True,
                )
            ),  # fmt: skip
            by=manager,
        )
        services.terminate_partner(holder, reason="终止", by=manager)
        services.create_partner(
            data=_data(
                Partner(
                    name="接替",
                    credit_code=credit_code(900021),
                    channel_type="agent",
                    region=territory["xihu"],
                    exclusive_territory=True,
                )
            ),  # fmt: skip
            by=manager,
        )


def _data(partner):
    return {f: getattr(partner, f) for f in services.PARTNER_FIELDS}


def test_a_terminated_partner_is_read_only(alpha, partner, manager, client_as):
    with tenant_context(alpha):
        services.terminate_partner(partner, reason="终止合作", by=manager)
    client = client_as(manager)
    path = f"/t/alpha/partners/{partner.pk}/edit/"
    response = client.post(path, form_data(client.get(path), "partner-form", name="改名"))
    assert response.status_code == 400
    assert fresh(partner).name == partner.name
    assert 'data-testid="partner-edit"' not in client.get(f"/t/alpha/partners/{partner.pk}/").content.decode()
