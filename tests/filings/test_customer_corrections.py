"""A partner corrects and withdraws its own customer registrations (客户报备) while they are open
(protected, or in conflict); the company reads it on the timeline. Another partner's
registration is a 404; the customer itself cannot be swapped for another under its protection."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from channelhub import workflow
from channelhub.audit import timeline_for
from channelhub.models import Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context, unscoped
from filings import customers
from filings.models import CustomerRegistration, CustomerStatus
from tests.channelhub.pages import find_testids, form, form_data, shows
from tests.factories import MembershipFactory, PartnerFactory, credit_code

pytestmark = pytest.mark.django_db
C = CustomerStatus


@pytest.fixture
def rival(alpha):
    return PartnerFactory(tenant=alpha, name="开封万家通讯便利店")


@pytest.fixture
def rival_admin(alpha, rival):
    return MembershipFactory(tenant=alpha, role=Role.PARTNER_ADMIN, partner=rival).user


@pytest.fixture
def own_admin(member):
    return member(Role.PARTNER_ADMIN)


@pytest.fixture
def own_staff(member):
    return member(Role.PARTNER_STAFF)


def register(tenant, partner, by, **data):
    values = {
        "customer_name": "郑州公交集团有限公司",
        "contact_phone": "13800138000",
        "region": "河南省郑州市",
        "products": "直流桩",
    }
    values.update(data)
    with tenant_context(tenant):
        return customers.register_customer(partner=partner, by=by, data=values)


@pytest.fixture
def registration(alpha, alpha_partner, own_admin):
    return register(alpha, alpha_partner, own_admin, credit_code=credit_code(4242))


def stored(registration):
    with unscoped():
        return CustomerRegistration.objects.get(pk=registration.pk)


def verbs(tenant, registration):
    with tenant_context(tenant):
        return [entry.item.verb for entry in timeline_for(stored(registration)) if entry.kind == "activity"]


# --- correcting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["own_admin", "own_staff"])
def test_the_partner_corrects_its_registration_through_the_page(who, request, alpha, registration, client_as):
    client = client_as(request.getfixturevalue(who))
    detail = client.get(f"/t/alpha/filings/customers/{registration.pk}/")
    assert "edit-registration" in find_testids(detail)
    page = client.get(f"/t/alpha/filings/customers/{registration.pk}/edit/")
    assert page.status_code == 200
    assert "partner" not in form(page, "registration-form")["fields"]
    response = client.post(
        f"/t/alpha/filings/customers/{registration.pk}/edit/",
        form_data(
            page,
            "registration-form",
            customer_name="郑州公交（集团）有限公司",  # the same customer, written differently
            contact_name="李娜",
            contact_phone="13900139000",
            project_name="二期充电站",
            expected_amount="880000",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    saved = stored(registration)
    assert (saved.customer_name, saved.contact_name, saved.project_name) == (
        "郑州公交（集团）有限公司",
        "李娜",
        "二期充电站",
    )
    assert saved.phone_key == "13900139000"
    assert (saved.status, saved.protected_until) == (
        C.PROTECTED,
        registration.protected_until,
    )  # protection kept
    assert verbs(alpha, registration)[-1] == "customer.edited"
    with tenant_context(alpha):
        [edited] = [
            e.item for e in timeline_for(saved) if e.kind == "activity" and e.item.verb == "customer.edited"
        ]
    assert edited.changes["contact_name"] == ["", "李娜"]
    assert "project_name" in edited.changes and "region" not in edited.changes


def test_another_customer_cannot_take_over_the_protection(alpha, registration, own_admin, client_as):
    client = client_as(own_admin)
    page = client.get(f"/t/alpha/filings/customers/{registration.pk}/edit/")
    response = client.post(
        f"/t/alpha/filings/customers/{registration.pk}/edit/",
        form_data(page, "registration-form", customer_name="洛阳公交集团有限公司", contact_name="王刚"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["customer_name"]
    assert form(response, "registration-form")["fields"]["contact_name"] == "王刚"  # what was typed stays
    assert stored(registration).customer_name == "郑州公交集团有限公司"
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        customers.edit_registration(
            stored(registration),
            by=own_admin,
            data={"customer_name": "郑州公交集团", "credit_code": credit_code(7)},
        )
    assert "credit_code" in refused.value.error_dict


def test_a_phone_another_holder_has_is_refused(
    alpha, alpha_partner, rival, rival_admin, registration, own_admin
):
    register(alpha, rival, rival_admin, customer_name="开封某物流公司", contact_phone="13700137000")
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        customers.edit_registration(
            stored(registration),
            by=own_admin,
            data={
                "customer_name": "郑州公交集团有限公司",
                "contact_phone": "13700137000",
                "region": "郑州",
                "products": "x",
            },
        )
    assert "contact_phone" in refused.value.error_dict
    assert stored(registration).phone_key == "13800138000"


def test_a_settled_registration_cannot_be_corrected(alpha, registration, own_admin, member, client_as):
    from datetime import date

    with tenant_context(alpha):
        customers.record_order(stored(registration), by=member(Role.CHANNEL_MANAGER), on=date.today())
    client = client_as(own_admin)
    assert "edit-registration" not in find_testids(
        client.get(f"/t/alpha/filings/customers/{registration.pk}/")
    )
    response = client.get(f"/t/alpha/filings/customers/{registration.pk}/edit/")
    assert response.status_code == 302
    with tenant_context(alpha), pytest.raises(workflow.WrongState):
        customers.edit_registration(
            stored(registration), by=own_admin, data={"customer_name": "郑州公交集团", "notes": "x"}
        )


# --- withdrawing --------------------------------------------------------------------------------


def test_the_partner_withdraws_with_a_reason_and_the_company_sees_it(
    alpha, registration, own_staff, member, client_as
):
    client = client_as(own_staff)
    detail = client.get(f"/t/alpha/filings/customers/{registration.pk}/")
    assert "withdraw-form" in find_testids(detail)

    missing = client.post(
        f"/t/alpha/filings/customers/{registration.pk}/withdraw/",
        form_data(detail, "withdraw-form", reason="  "),
    )
    assert missing.status_code == 400
    assert stored(registration).status == C.PROTECTED

    response = client.post(
        f"/t/alpha/filings/customers/{registration.pk}/withdraw/",
        form_data(detail, "withdraw-form", reason="客户改由总部直采"),
    )
    assert response.status_code == 302
    saved = stored(registration)
    assert saved.status == C.WITHDRAWN and saved.closed_at is not None
    with tenant_context(alpha):
        [entry] = [
            e.item
            for e in timeline_for(saved)
            if e.kind == "activity" and e.item.verb == "customer.withdrawn"
        ]
    assert (entry.from_state, entry.to_state, entry.comment, entry.actor_id) == (
        C.PROTECTED,
        C.WITHDRAWN,
        "客户改由总部直采",
        own_staff.pk,
    )
    # The manager's page shows it, with the reason.
    manager_page = client_as(member(Role.CHANNEL_MANAGER)).get(
        f"/t/alpha/filings/customers/{registration.pk}/"
    )
    assert shows(manager_page, "客户改由总部直采")
    assert shows(manager_page, "Withdrew the registration")
    # Withdrawn once; not twice, nor corrected afterwards.
    again = client.post(f"/t/alpha/filings/customers/{registration.pk}/withdraw/", {"reason": "再撤"})
    assert again.status_code == 400
    assert "withdraw-form" not in find_testids(client.get(f"/t/alpha/filings/customers/{registration.pk}/"))


def test_a_withdrawn_customer_is_free_and_the_managers_hear_of_waiting_conflicts(
    alpha, alpha_partner, rival, rival_admin, registration, own_admin, member
):
    later = register(alpha, rival, rival_admin)
    assert later.status == C.CONFLICT
    manager = member(Role.CHANNEL_MANAGER)
    with tenant_context(alpha):
        before = Notification.objects.filter(recipient=manager).count()
        customers.withdraw_registration(stored(registration), by=own_admin, reason="放弃")
        assert Notification.objects.filter(recipient=manager).count() == before + 1
    # The customer is free again: the next registration of it is protected.
    with tenant_context(alpha):
        assert customers.holder_of(customers.keys_of("郑州公交集团有限公司", "13800138000")) is None
    assert register(alpha, rival, rival_admin, customer_name="郑州公交集团").status == C.PROTECTED


def test_a_conflict_can_be_withdrawn_by_its_partner(alpha, rival, rival_admin, registration, client_as):
    later = register(alpha, rival, rival_admin)
    response = client_as(rival_admin).post(
        f"/t/alpha/filings/customers/{later.pk}/withdraw/", {"reason": "已知被占"}
    )
    assert response.status_code == 302
    assert stored(later).status == C.WITHDRAWN
    assert stored(registration).status == C.PROTECTED


# --- who may ------------------------------------------------------------------------------------


def test_another_partners_registration_is_404(alpha, registration, rival_admin, client_as):
    client = client_as(rival_admin)
    for path in ("", "edit/"):
        assert client.get(f"/t/alpha/filings/customers/{registration.pk}/{path}").status_code == 404
    assert (
        client.post(f"/t/alpha/filings/customers/{registration.pk}/edit/", {"customer_name": "x"}).status_code
        == 404
    )
    assert (
        client.post(f"/t/alpha/filings/customers/{registration.pk}/withdraw/", {"reason": "x"}).status_code
        == 404
    )
    assert stored(registration).status == C.PROTECTED
    # The services refuse as well.
    with tenant_context(alpha):
        with pytest.raises(PermissionDenied):
            customers.edit_registration(
                stored(registration), by=rival_admin, data={"customer_name": "郑州公交集团"}
            )
        with pytest.raises(PermissionDenied):
            customers.withdraw_registration(stored(registration), by=rival_admin, reason="x")


def test_a_tenant_admin_may_neither_correct_nor_withdraw(alpha, registration, member, client_as):
    client = client_as(member(Role.TENANT_ADMIN))
    detail = client.get(f"/t/alpha/filings/customers/{registration.pk}/")
    assert detail.status_code == 200
    assert not {"edit-registration", "withdraw-form"} & set(find_testids(detail))
    assert client.get(f"/t/alpha/filings/customers/{registration.pk}/edit/").status_code == 403
    assert (
        client.post(f"/t/alpha/filings/customers/{registration.pk}/withdraw/", {"reason": "x"}).status_code
        == 403
    )
    assert stored(registration).status == C.PROTECTED


def test_a_manager_corrects_but_releases_rather_than_withdraws(alpha, registration, member, client_as):
    manager = member(Role.CHANNEL_MANAGER)
    client = client_as(manager)
    detail = client.get(f"/t/alpha/filings/customers/{registration.pk}/")
    assert "edit-registration" in find_testids(detail)
    assert "withdraw-form" not in find_testids(detail)
    assert (
        client.post(f"/t/alpha/filings/customers/{registration.pk}/withdraw/", {"reason": "x"}).status_code
        == 403
    )
    page = client.get(f"/t/alpha/filings/customers/{registration.pk}/edit/")
    assert "partner" not in form(page, "registration-form")["fields"]  # a registration stays with its partner
    response = client.post(
        f"/t/alpha/filings/customers/{registration.pk}/edit/",
        form_data(page, "registration-form", notes="电话核实过"),
    )
    assert response.status_code == 302
    assert stored(registration).notes == "电话核实过"
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        customers.withdraw_registration(stored(registration), by=manager, reason="x")


def test_another_tenant_cannot_reach_the_registration(beta, registration, client_as):
    outsider = MembershipFactory(tenant=beta, role=Role.PARTNER_ADMIN).user
    client = client_as(outsider)
    for slug in ("alpha", "beta"):
        assert client.get(f"/t/{slug}/filings/customers/{registration.pk}/edit/").status_code == 404
        assert (
            client.post(
                f"/t/{slug}/filings/customers/{registration.pk}/withdraw/", {"reason": "x"}
            ).status_code
            == 404
        )
    assert stored(registration).status == C.PROTECTED
