"""Customer registration (客户报备): protection, conflicts, orders, lapses, history."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from channelhub import periods
from channelhub.audit import timeline_for
from channelhub.models import Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from filings import customers
from filings.models import CustomerRegistration, CustomerStatus
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
    return member(Role.PARTNER_ADMIN)  # of alpha_partner


def register(tenant, partner, by, **data):
    values = {
        "customer_name": "郑州公交集团有限公司",
        "contact_phone": "13800138000",
        "region": "郑州",
        "products": "直流桩",
    }
    values.update(data)
    with tenant_context(tenant):
        return customers.register_customer(partner=partner, by=by, data=values)


@pytest.mark.parametrize(
    "a, b",
    [
        ("郑州公交集团有限公司", "郑州公交集团 有限公司"),
        ("郑州公交集团有限公司", "郑州公交（集团）有限责任公司"),
        ("郑州公交集团有限公司", "郑州公交集团"),
        ("Zhengzhou Bus Co., Ltd.", "ZHENGZHOU BUS"),
        ("ＡＢＣ科技有限公司", "abc科技"),
    ],
)
def test_names_are_normalised(a, b):
    assert customers.normalise_name(a) == customers.normalise_name(b)


def test_different_names_stay_different():
    assert customers.normalise_name("郑州公交集团有限公司") != customers.normalise_name(
        "洛阳公交集团有限公司"
    )
    assert customers.normalise_name("有限公司")  # never normalised to nothing


@pytest.mark.parametrize(
    "phone", ["+86 138 0013 8000", "0086-13800138000", "138-0013-8000", "１３８００１３８０００"]
)
def test_phones_are_normalised(phone):
    assert customers.normalise_phone(phone) == "13800138000"


def test_the_first_registration_protects_the_customer_for_the_tenant_setting(alpha, alpha_partner, own_admin):
    registration = register(alpha, alpha_partner, own_admin)
    today = periods.today(alpha)
    assert registration.status == C.PROTECTED
    assert registration.protected_from == today
    assert registration.protected_until == periods.add_months(today, 6)


@pytest.mark.parametrize(
    "variant",
    [
        {"customer_name": "郑州公交（集团）有限责任公司", "contact_phone": "0371-12345678"},
        {"customer_name": "另一个名字", "contact_phone": "+86 138 0013 8000"},
        {"customer_name": "另一个名字", "contact_phone": "", "credit_code": credit_code(4242)},
    ],
    ids=["name", "phone", "credit-code"],
)
def test_a_second_partner_is_told_it_is_taken_and_managers_see_the_conflict(
    alpha, alpha_partner, own_admin, rival, rival_admin, member, variant, commit
):
    manager = member(Role.CHANNEL_MANAGER)
    held = register(alpha, alpha_partner, own_admin, credit_code=credit_code(4242))
    with commit():
        second = register(alpha, rival, rival_admin, **variant)
    assert second.status == C.CONFLICT
    assert second.conflicts_with_id == held.pk
    assert second.protected_until is None
    with tenant_context(alpha):
        assert Notification.objects.filter(
            recipient=manager, title_text__msgid__icontains="conflict"
        ).exists()
        assert CustomerRegistration.objects.get(pk=held.pk).status == C.PROTECTED


def test_the_same_partner_cannot_register_a_customer_twice(alpha, alpha_partner, own_admin):
    register(alpha, alpha_partner, own_admin)
    with pytest.raises(ValidationError, match="already registered"):
        register(alpha, alpha_partner, own_admin, customer_name="郑州公交集团")


def test_the_database_refuses_two_holders_of_one_customer(alpha, alpha_partner, rival, own_admin):
    register(alpha, alpha_partner, own_admin)
    with tenant_context(alpha), pytest.raises(IntegrityError), transaction.atomic():
        CustomerRegistration.objects.create(
            partner=rival,
            registered_by=own_admin,
            customer_name="郑州公交集团",
            region="郑州",
            products="x",
            **customers.keys_of("郑州公交集团"),
            status=C.PROTECTED,
        )


def test_protection_lapses_without_an_order_and_the_history_stays(
    alpha, alpha_partner, own_admin, rival, rival_admin, commit
):
    registration = register(alpha, alpha_partner, own_admin)
    end = registration.protected_until
    with tenant_context(alpha), commit():
        from filings import jobs

        assert jobs.lapse_registrations(end) == 0
        assert jobs.lapse_registrations(end + timedelta(days=1)) == 1
        assert jobs.lapse_registrations(end + timedelta(days=2)) == 0
    with tenant_context(alpha):
        registration.refresh_from_db()
        assert registration.status == C.LAPSED and registration.closed_at
        assert Notification.objects.filter(
            recipient=own_admin, title_text__msgid__icontains="lapsed"
        ).exists()
        verbs = [e.item.verb for e in timeline_for(registration) if e.kind == "activity"]
        assert verbs == ["customer.registered", "customer.lapsed"]
    # The customer is free again: the rival's registration now protects it.
    assert register(alpha, rival, rival_admin).status == C.PROTECTED
    with tenant_context(alpha):
        assert CustomerRegistration.objects.count() == 2


def test_an_order_keeps_the_protection(alpha, alpha_partner, own_admin, member, commit):
    registration = register(alpha, alpha_partner, own_admin)
    manager = member(Role.CHANNEL_MANAGER)
    with tenant_context(alpha):
        customers.record_order(registration, by=manager, on=periods.today(alpha), reference="SO-1")
        from filings import jobs

        assert jobs.lapse_registrations(registration.protected_until + timedelta(days=30)) == 0
        registration.refresh_from_db()
    assert (registration.status, registration.order_reference) == (C.WON, "SO-1")


def test_a_manager_can_award_the_customer_to_the_later_registration(
    alpha, alpha_partner, own_admin, rival, rival_admin, member
):
    manager = member(Role.CHANNEL_MANAGER)
    held = register(alpha, alpha_partner, own_admin)
    second = register(alpha, rival, rival_admin)
    with tenant_context(alpha):
        with pytest.raises(ValidationError):
            customers.resolve_conflict(second, by=manager, award=True, comment="")
        customers.resolve_conflict(second, by=manager, award=True, comment="原报备方已放弃")
        held.refresh_from_db()
        second.refresh_from_db()
    assert (held.status, second.status) == (C.RELEASED, C.PROTECTED)
    assert second.protected_until == periods.add_months(periods.today(alpha), 6)


def test_a_manager_can_decline_the_later_registration(
    alpha, alpha_partner, own_admin, rival, rival_admin, member
):
    manager = member(Role.CHANNEL_MANAGER)
    held = register(alpha, alpha_partner, own_admin)
    second = register(alpha, rival, rival_admin)
    with tenant_context(alpha):
        customers.resolve_conflict(second, by=manager, award=False, comment="先报备者优先")
        held.refresh_from_db()
        second.refresh_from_db()
        with pytest.raises(ValidationError, match="already been resolved"):
            customers.resolve_conflict(second, by=manager, award=True, comment="x")
    assert (held.status, second.status) == (C.PROTECTED, C.DECLINED)


# --- through the pages -----------------------------------------------------------------------


def test_a_partner_registers_through_the_form_and_is_told_when_it_is_taken(
    alpha, alpha_partner, own_admin, rival, rival_admin, client_as
):
    register(alpha, alpha_partner, own_admin)
    client = client_as(rival_admin)
    page = client.get("/t/alpha/filings/customers/new/")
    assert page.status_code == 200
    assert "partner" not in page.context["form"].fields  # always their own partner
    response = client.post(
        "/t/alpha/filings/customers/new/",
        {
            "customer_name": "郑州 公交集团",
            "contact_phone": "13900000000",
            "region": "郑州",
            "products": "交流桩",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "already registered by another partner" in text
    assert alpha_partner.name not in text  # told it is taken, not by whom
    with tenant_context(alpha):
        mine = CustomerRegistration.objects.get(partner=rival)
    assert mine.status == C.CONFLICT
    listing = client.get("/t/alpha/filings/customers/").content.decode()
    assert "郑州 公交集团" in listing and "郑州公交集团有限公司" not in listing


def test_a_manager_sees_the_conflict_and_both_parties(
    alpha, alpha_partner, own_admin, rival, rival_admin, member, client_as
):
    register(alpha, alpha_partner, own_admin)
    second = register(alpha, rival, rival_admin)
    client = client_as(member(Role.CHANNEL_MANAGER))
    listing = client.get("/t/alpha/filings/customers/")
    assert listing.context["open_conflicts"] == 1
    page = client.get(f"/t/alpha/filings/customers/{second.pk}/").content.decode()
    assert 'data-testid="conflict-holder"' in page and alpha_partner.name in page
    response = client.post(
        f"/t/alpha/filings/customers/{second.pk}/resolve/", {"award": "decline", "comment": "先报备者优先"}
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        assert CustomerRegistration.objects.get(pk=second.pk).status == C.DECLINED


def test_a_manager_records_an_order_on_the_page(alpha, alpha_partner, own_admin, member, client_as):
    registration = register(alpha, alpha_partner, own_admin)
    client = client_as(member(Role.CHANNEL_MANAGER))
    response = client.post(
        f"/t/alpha/filings/customers/{registration.pk}/order/", {"on": "2026-03-01", "reference": "SO-9"}
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        assert CustomerRegistration.objects.get(pk=registration.pk).status == C.WON
    bad = client.post(f"/t/alpha/filings/customers/{registration.pk}/order/", {"on": "2026-03-02"})
    assert bad.status_code == 400  # no longer protected: a clear message, nothing changed


def test_partner_users_cannot_manage_registrations(alpha, alpha_partner, own_admin, client_as):
    registration = register(alpha, alpha_partner, own_admin)
    client = client_as(own_admin)
    for action, data in [("order", {"on": "2026-03-01"}), ("release", {"reason": "x"})]:
        assert client.post(f"/t/alpha/filings/customers/{registration.pk}/{action}/", data).status_code == 403
    with tenant_context(alpha):
        assert CustomerRegistration.objects.get(pk=registration.pk).status == C.PROTECTED


def test_the_registration_list_issues_the_same_number_of_queries_for_few_and_many(alpha, member, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.filings.factories import CustomerRegistrationFactory

    client = client_as(member(Role.CHANNEL_MANAGER))

    def count():
        client.get("/t/alpha/filings/customers/")  # the steady state (channelhub.caching)
        with CaptureQueriesContext(connection) as context:
            assert client.get("/t/alpha/filings/customers/").status_code == 200
        return len(context.captured_queries)

    CustomerRegistrationFactory(tenant=alpha)
    few = count()
    for _ in range(15):
        CustomerRegistrationFactory(tenant=alpha)
    assert count() == few


def test_a_refused_action_is_shown_on_the_page_even_without_its_form(
    alpha, alpha_partner, own_admin, member, client_as
):
    registration = register(alpha, alpha_partner, own_admin)
    client = client_as(member(Role.CHANNEL_MANAGER))
    client.post(f"/t/alpha/filings/customers/{registration.pk}/order/", {"on": "2026-03-01"})
    late = client.post(f"/t/alpha/filings/customers/{registration.pk}/order/", {"on": "2026-03-02"})
    assert late.status_code == 400
    assert "Only a protected registration can get an order." in late.content.decode()
    assert 'data-testid="order-form"' not in late.content.decode()  # won: the form is gone, the reason shown
