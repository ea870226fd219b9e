"""The shared validators on the filings forms, through the pages: a new channel filing and a
customer registration refuse "12" for a phone, "abc" for an amount, a start or closing date in the
past and "火星省", all in one round, with what was typed kept; cross-field errors come with them."""

import html
from datetime import date, timedelta

import pytest
from django.utils import translation

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from filings.models import CustomerRegistration, Filing
from partners.models import ChannelType
from tests.channelhub.pages import form_data
from tests.factories import PartnerContactFactory, credit_code

pytestmark = pytest.mark.django_db

NEW = "/t/alpha/filings/new/channel/"
REGISTER = "/t/alpha/filings/customers/new/"


def body_of(response) -> str:
    return html.unescape(response.content.decode())


def test_a_new_channel_filing_refuses_nonsense_in_one_round_and_keeps_it(alpha, manager, client_as):
    client = client_as(manager)
    last_month = (date.today() - timedelta(days=30)).isoformat()
    data = form_data(
        client.get(NEW),
        "filing-form",
        name="新乡联动通讯有限公司",
        credit_code=credit_code(556),
        channel_type=ChannelType.AGENT,
        contact_name="王店长",
        contact_mobile="12",
        registered_capital="-100",
        basic_situation="当地经营 8 年",
        expected_annual_sales="abc",
        expected_scale_notes="一家门店",
        expected_start_date=last_month,
        resources_needed="样机",
    )
    response = client.post(NEW, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {
        "contact_mobile",
        "registered_capital",
        "expected_annual_sales",
        "expected_start_date",
    }
    body = body_of(response)
    assert "A mobile number has 11 digits; “12” has 2." in body
    assert "The amount cannot be negative." in body
    assert "“abc” is not an amount" in body
    assert "The expected start cannot be in the past" in body
    for typed in ('value="12"', 'value="-100"', 'value="abc"', f'value="{last_month}"'):
        assert typed in body
    with tenant_context(alpha):
        assert not Filing.objects.exists()


def test_a_new_channel_filing_stores_the_phone_in_normal_form(alpha, manager, client_as):
    client = client_as(manager)
    data = form_data(
        client.get(NEW),
        "filing-form",
        name="新乡联动通讯有限公司",
        credit_code=credit_code(557),
        channel_type=ChannelType.AGENT,
        contact_name="王店长",
        contact_mobile="139-1111-2222",
        registered_capital="200万",
        basic_situation="当地经营 8 年",
        expected_annual_sales="800,000",
        expected_scale_notes="一家门店",
        expected_start_date=(date.today() + timedelta(days=10)).isoformat(),
        resources_needed="样机",
    )
    assert client.post(NEW, data).status_code == 302
    with tenant_context(alpha):
        filing = Filing.objects.get()
    assert filing.proposed["contact_mobile"] == "+8613911112222"
    assert filing.proposed["registered_capital"] == "2000000.00"
    assert str(filing.expected_annual_sales) == "800000.00"


def test_the_change_form_says_nothing_changes_together_with_the_field_errors(
    alpha, partner, manager, client_as
):
    client = client_as(manager)
    path = f"/t/alpha/filings/new/change/?partner={partner.pk}"
    data = form_data(client.get(path), "filing-form", reason="", impact="无")
    response = client.post(path, data)
    assert response.status_code == 400
    form = response.context["form"]
    with translation.override("en"):
        assert "reason" in form.errors and "Nothing changes" in " ".join(form.non_field_errors())


def test_a_contact_mobile_on_file_from_before_does_not_block_a_change(alpha, partner, manager, client_as):
    with tenant_context(alpha):
        PartnerContactFactory(tenant=alpha, partner=partner, name="老联系人", is_primary=True)
        partner.contacts.update(mobile="分机 8")  # as typed before there was validation
    client = client_as(manager)
    path = f"/t/alpha/filings/new/change/?partner={partner.pk}"
    data = form_data(client.get(path), "filing-form", bank_name="中国银行", reason="换开户行", impact="无")
    assert data["contact_mobile"] == "分机 8"
    assert client.post(path, data).status_code == 302
    # Changed, it is judged like any other number.
    response = client.post(path, {**data, "contact_mobile": "12"})
    assert response.status_code == 400 and "contact_mobile" in response.context["form"].errors


@pytest.fixture
def partner_admin(member):
    return member(Role.PARTNER_ADMIN)


def test_a_customer_registration_refuses_nonsense_in_one_round_and_keeps_it(alpha, partner_admin, client_as):
    client = client_as(partner_admin)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    data = form_data(
        client.get(REGISTER),
        "registration-form",
        customer_name="郑州公交集团有限公司",
        contact_phone="12",
        region="火星省",
        expected_amount="abc",
        expected_close_date=yesterday,
        products="直流桩",
    )
    response = client.post(REGISTER, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"contact_phone", "region", "expected_amount", "expected_close_date"}
    body = body_of(response)
    assert "A mobile number has 11 digits; “12” has 2." in body
    assert "“火星省” is not a province of China" in body
    assert "“abc” is not an amount" in body
    assert "The expected closing date cannot be in the past" in body
    for typed in ('value="12"', 'value="火星省"', 'value="abc"', f'value="{yesterday}"'):
        assert typed in body
    with tenant_context(alpha):
        assert not CustomerRegistration.objects.exists()


def test_a_registration_stores_the_phone_in_normal_form_shows_it_for_people_and_finds_it(
    alpha, partner_admin, client_as
):
    client = client_as(partner_admin)
    data = form_data(
        client.get(REGISTER),
        "registration-form",
        customer_name="郑州公交集团有限公司",
        contact_phone="0371 6666 8888",
        region="郑州",
        expected_amount="12万",
        products="直流桩",
    )
    response = client.post(REGISTER, data)
    assert response.status_code == 302, response.context["form"].errors
    with tenant_context(alpha):
        registration = CustomerRegistration.objects.get()
    assert str(registration.contact_phone) == "+8637166668888"
    assert str(registration.expected_amount) == "120000.00"
    detail = client.get(f"/t/alpha/filings/customers/{registration.pk}/").content.decode()
    assert "0371 6666 8888" in detail and "+8637166668888" not in detail
    # The list's search finds the number however it is written.
    found = client.get("/t/alpha/filings/customers/", {"q": "0371-66668888"})
    assert registration in found.context["page"].object_list


def test_a_second_registration_with_the_number_written_differently_is_the_same_customer(
    alpha, partner_admin, client_as, member
):
    from tests.factories import MembershipFactory, PartnerFactory

    rival = PartnerFactory(tenant=alpha, name="开封万家通讯便利店")
    rival_admin = MembershipFactory(tenant=alpha, role=Role.PARTNER_ADMIN, partner=rival).user
    for user, name, phone in (
        (partner_admin, "郑州公交集团有限公司", "138 0013 8000"),
        (rival_admin, "郑州市公共交通总公司", "+86 13800138000"),
    ):
        client = client_as(user)
        data = form_data(
            client.get(REGISTER),
            "registration-form",
            customer_name=name,
            contact_phone=phone,
            region="河南省郑州市",
            products="直流桩",
        )
        assert client.post(REGISTER, data).status_code == 302
    with tenant_context(alpha):
        later = CustomerRegistration.objects.get(partner=rival)
    assert later.status == "conflict"
