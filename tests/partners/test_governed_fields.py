"""Territory, channel type, tier and bank account change through a recorded change filing
(seed 002), or by the tenant admin with a reason; the manager's form and the importer no longer
change them while the tenant keeps that rule (Tenant.partner_changes_by_filing, on by default)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from channelhub.models import Activity
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners import services
from tests.channelhub.pages import form_data, parse, shows
from tests.factories import TierFactory

from .conftest import fresh, workbook
from .test_import import start

pytestmark = pytest.mark.django_db


def edit_path(partner):
    return f"/t/alpha/partners/{partner.pk}/edit/"


def changed_entries(alpha, partner):
    with tenant_context(alpha):
        return list(Activity.objects.filter(object_id=partner.pk, verb="partner.changed"))


def test_the_rule_is_on_for_a_new_workspace(alpha):
    assert alpha.partner_changes_by_filing is True


def test_a_manager_sees_them_read_only_with_the_way_to_a_change_filing(
    alpha, partner, manager, client_as, territory
):
    client = client_as(manager)
    page = client.get(edit_path(partner))
    html = page.content.decode()
    for name in services.GOVERNED_FIELDS:
        assert page.context["form"].fields[name].disabled, name
    assert "governed-change-filing" in parse(page).testids
    assert f'href="/t/alpha/filings/new/change/?partner={partner.pk}"' in html
    assert shows(page, _("Changes through a change filing."))
    assert "reason" not in page.context["form"].fields
    # A forged post of a new territory and bank account is ignored; the credit limit is saved.
    data = form_data(
        page,
        "partner-form",
        region=str(territory["binjiang"].pk),
        bank_account_number="6222000011112222",
        credit_limit="500000",
    )
    assert client.post(edit_path(partner), data).status_code == 302
    stored = fresh(partner)
    assert stored.region_id == territory["xihu"].pk
    assert stored.bank_account_number == partner.bank_account_number
    assert str(stored.credit_limit) == "500000.00"
    [entry] = changed_entries(alpha, partner)
    assert set(entry.changes) == {"credit_limit"}
    assert 'name="region"' in html and "disabled" in html


def test_the_service_refuses_a_manager_changing_them(alpha, partner, manager, territory):
    with tenant_context(alpha):
        with pytest.raises(ValidationError) as refused:
            services.update_partner(
                partner, data={"region": territory["binjiang"], "channel_type": "agent"}, by=manager
            )
    assert set(refused.value.message_dict) == {"region", "channel_type"}
    assert fresh(partner).region_id == territory["xihu"].pk
    assert partner.region_id == territory["xihu"].pk  # the instance is put back as stored


def test_the_tenant_admin_changes_them_with_a_reason_on_the_timeline(alpha, partner, member, client_as):
    admin = member(Role.TENANT_ADMIN)
    silver = TierFactory(tenant=alpha, name="银牌渠道", rank=2)
    client = client_as(admin)
    page = client.get(edit_path(partner))
    assert not page.context["form"].fields["tier"].disabled
    assert "governed-note" not in parse(page).testids
    # Without a reason: refused beside the reason field, the typed values kept.
    data = form_data(page, "partner-form", tier=str(silver.pk), bank_name="招商银行杭州分行")
    refused = client.post(edit_path(partner), data)
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"reason"}
    assert "招商银行杭州分行" in refused.content.decode()
    assert fresh(partner).tier_id != silver.pk
    # With one: saved, and the reason is the timeline entry's comment.
    reason = "集团内部调整，经渠道部会议确认（2026-11-30 纪要）"
    assert client.post(edit_path(partner), data | {"reason": reason}).status_code == 302
    assert fresh(partner).tier_id == silver.pk
    [entry] = changed_entries(alpha, partner)
    assert entry.comment == reason and entry.actor == admin
    assert set(entry.changes) == {"tier", "bank_name"}
    # Other fields need no reason.
    other = form_data(client.get(edit_path(partner)), "partner-form", credit_limit="100000")
    assert client.post(edit_path(partner), other).status_code == 302


def test_with_the_rule_off_a_manager_edits_them_as_before(alpha, partner, manager, client_as, territory):
    alpha.partner_changes_by_filing = False
    alpha.save()
    client = client_as(manager)
    page = client.get(edit_path(partner))
    assert not page.context["form"].fields["region"].disabled
    assert "reason" not in page.context["form"].fields
    data = form_data(page, "partner-form", region=str(territory["binjiang"].pk))
    assert client.post(edit_path(partner), data).status_code == 302
    assert fresh(partner).region_id == territory["binjiang"].pk


def test_an_import_does_not_change_an_existing_partners_governed_fields(
    alpha, partner, manager, client_as, territory, gold
):
    TierFactory(tenant=alpha, name="银牌渠道", rank=2)
    client = client_as(manager)
    unchanged_tier = [
        partner.name,
        partner.credit_code,
        "",
        "",
        "经销商",
        "金牌渠道",
        "浙江省",
        "杭州市",
        "西湖区",
        "",
    ]
    other_tier = [
        partner.name,
        partner.credit_code,
        "",
        "",
        "经销商",
        "银牌渠道",
        "浙江省",
        "杭州市",
        "西湖区",
        "",
    ]
    assert client.get(start(client, workbook([unchanged_tier]))).context["counts"]["errors"] == 0
    preview = client.get(start(client, workbook([other_tier])))
    [row] = preview.context["preview"].error_rows
    assert row.errors == [
        (
            _("Tier"),
            _(
                "An existing partner's %(field)s changes only through a recorded change filing: "
                "leave the cell empty or as it is."
            )
            % {"field": _("tier")},
        )
    ]
    alpha.partner_changes_by_filing = False
    alpha.save()
    assert client.get(start(client, workbook([other_tier]))).context["counts"] == {
        "create": 0, "update": 1, "unchanged": 0, "errors": 0
    }  # fmt: skip


def test_workspace_settings_are_the_tenant_admins_with_their_history(alpha, member, client_as):
    path = "/t/alpha/settings/"
    for role in (Role.CHANNEL_MANAGER, Role.CHANNEL_SUPERVISOR, Role.PARTNER_ADMIN):
        assert client_as(member(role)).get(path).status_code in (403, 404), role
    admin = member(Role.TENANT_ADMIN)
    client = client_as(admin)
    page = client.get(path)
    assert page.status_code == 200
    bad = client.post(
        path, form_data(page, "workspace-settings-form", upload_limit_mb="0", approval_link_hours="48")
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"upload_limit_mb"}
    assert 'value="48"' in bad.content.decode()
    data = form_data(page, "workspace-settings-form", approval_link_hours="48")
    data.pop("partner_changes_by_filing", None)  # unticked
    assert client.post(path, data).status_code == 302
    stored = fresh(alpha)
    assert (stored.approval_link_hours, stored.partner_changes_by_filing) == (48, False)
    with tenant_context(alpha):
        [entry] = Activity.objects.filter(verb="tenant.settings_changed")
    assert entry.changes == {
        "approval_link_hours": ["72", "48"],
        "partner_changes_by_filing": ["True", "False"],
    }
    assert entry.actor == admin
    assert shows(client.get(path), _("Workspace settings changed"))
