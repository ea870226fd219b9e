"""The registry on the shared runner (channelhub.workflow): a stale copy is told who changed
the partner; a filing authorises what a role would; an admitted application's partner
(``create_by_admission``) passes the registry's own checks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from channelhub import workflow
from channelhub.models import Activity
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners import services
from partners.models import ChannelType, Partner, PartnerStatus
from tests.factories import credit_code

from .conftest import fresh

pytestmark = pytest.mark.django_db


def test_a_stale_copy_is_told_who_changed_the_partner_a_moment_ago(alpha, partner, manager, member):
    supervisor = member(Role.CHANNEL_SUPERVISOR)
    with tenant_context(alpha):
        first, second = Partner.objects.get(pk=partner.pk), Partner.objects.get(pk=partner.pk)
        services.suspend_partner(first, reason="经理暂停", by=manager)
        with pytest.raises(workflow.AlreadyChanged) as problem:
            services.terminate_partner(second, reason="主管终止", by=supervisor)
    message = problem.value.messages[0]
    assert manager.display_name in message
    assert "a moment ago" in message or "刚刚" in message
    assert second.status == PartnerStatus.SUSPENDED  # reloaded: the page shows what is stored
    assert fresh(partner).status == PartnerStatus.SUSPENDED
    with tenant_context(alpha):
        assert not Activity.objects.filter(object_id=partner.pk, verb="partner.terminated").exists()


def test_the_wrong_state_says_what_the_partner_is(alpha, suspended, manager):
    with tenant_context(alpha), pytest.raises(workflow.WrongState) as problem:
        services.suspend_partner(suspended, reason="再次暂停", by=manager)
    assert problem.value.messages == [
        _("A partner that is %(status)s cannot be %(action)s.")
        % {"status": PartnerStatus.SUSPENDED.label, "action": _("suspended")}
    ]


def test_a_recorded_filing_suspends_without_a_partners_role(alpha, partner, member):
    clerk = member(Role.CLERK)
    with tenant_context(alpha):
        with pytest.raises(PermissionDenied):
            services.suspend_partner(partner, reason="备案暂停", by=clerk)
        services.suspend_by_filing(partner, reason="终止备案 BA0001：即日起停止订货", by=clerk)
        entry = Activity.objects.get(object_id=partner.pk, verb="partner.suspended")
    stored = fresh(partner)
    assert (stored.status, stored.status_reason) == (
        PartnerStatus.SUSPENDED,
        "终止备案 BA0001：即日起停止订货",
    )
    assert stored.status_changed_at is not None  # Partner.stamp_transition
    assert (entry.actor, entry.via, entry.from_state, entry.to_state) == (
        clerk,
        "filing",
        "active",
        "suspended",
    )


# --- create_by_admission ------------------------------------------------------------------------


def admission_data(**values) -> dict:
    return {
        "name": "杭州新锐充电科技有限公司",
        "credit_code": credit_code(880001),
        "channel_type": ChannelType.DISTRIBUTOR,
        # Keys of the application that are no Partner fields are ignored.
        "province": "浙江省",
        "contact_name": "王芳",
        "contract_valid_until": "2027-12-31",
        **values,
    }


def test_an_admitted_application_becomes_an_active_partner(alpha, manager, territory):
    supervisor_of_admission = manager
    data = admission_data(owner=manager, region=territory["ningbo"], exclusive_territory=True)
    with tenant_context(alpha):
        partner = services.create_by_admission(data=data, by=supervisor_of_admission, reference="RW202600002")
        entry = Activity.objects.get(object_id=partner.pk, verb="partner.created")
        assert services.admitted(data["credit_code"].lower()) == partner
    stored = fresh(partner)
    assert (stored.status, stored.admission_reference, stored.owner_id) == (
        PartnerStatus.ACTIVE,
        "RW202600002",
        manager.pk,
    )
    assert (entry.via, entry.to_state, entry.actor) == ("admission", "active", manager)
    assert "RW202600002" in entry.comment


def test_admitted_knows_only_partners_admitted_through_an_application(alpha, partner):
    with tenant_context(alpha):
        assert services.admitted(partner.credit_code) is None
        assert services.admitted("") is None


def test_create_by_admission_refuses_a_credit_code_already_in_the_registry(alpha, partner, manager):
    before = Partner.all_tenants.count()
    with tenant_context(alpha), pytest.raises(ValidationError) as problem:
        services.create_by_admission(
            data=admission_data(credit_code=f" {partner.credit_code.lower()} "),
            by=manager,
            reference="RW202600003",
        )
    assert problem.value.messages == [_("A partner with this credit code already exists.")]
    assert Partner.all_tenants.count() == before


def test_create_by_admission_refuses_an_exclusive_territory_conflict(alpha, partner, manager, territory):
    # ``partner`` is a distributor in 杭州市 / 西湖区: nobody of its type gets exclusive rights above it.
    data = admission_data(owner=manager, region=territory["hangzhou"], exclusive_territory=True)
    with tenant_context(alpha), pytest.raises(ValidationError) as problem:
        services.create_by_admission(data=data, by=manager, reference="RW202600004")
    assert partner.name in " ".join(problem.value.message_dict["exclusive_territory"])
    with tenant_context(alpha):
        assert not Partner.objects.filter(credit_code=data["credit_code"]).exists()


def test_create_by_admission_refuses_an_owner_who_is_no_channel_manager(alpha, member):
    finance = member(Role.FINANCE)
    with tenant_context(alpha), pytest.raises(ValidationError) as problem:
        services.create_by_admission(data=admission_data(owner=finance), by=finance, reference="RW202600005")
    assert "owner" in problem.value.message_dict


def test_a_page_drawn_before_someone_else_acted_names_them(alpha, member, client_as):
    from django.utils.translation import gettext as _

    from tests.channelhub.pages import form_data
    from tests.factories import PartnerFactory

    partner = PartnerFactory(tenant=alpha)
    manager, supervisor = member(Role.CHANNEL_MANAGER), member(Role.CHANNEL_SUPERVISOR)
    path = f"/t/alpha/partners/{partner.pk}/suspend/"
    page = client_as(manager).get(path)  # drawn while active
    assert 'name="seen_state" value="active"' in page.content.decode()
    with tenant_context(alpha):
        services.suspend_partner(Partner.objects.get(pk=partner.pk), reason="主管暂停", by=supervisor)
    response = client_as(manager).post(path, form_data(page, "status-form", reason="经理暂停"))
    assert response.status_code == 400
    text = response.content.decode()
    assert supervisor.display_name in text and ("刚刚" in text or "a moment ago" in text)
    assert _("Suspended") in text  # the page shows the partner as it is now
    with tenant_context(alpha):
        assert Partner.objects.get(pk=partner.pk).status_reason == "主管暂停"
    # A form without the note (an old page, a script) still gets the state refusal.
    response = client_as(manager).post(path, {"reason": "再来"})
    assert response.status_code == 400 and supervisor.display_name not in response.content.decode()
