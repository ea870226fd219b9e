"""The shared validators in the partner registry: contacts' phones (stored as E.164, shown for
people), amounts, the territory rules said together with the fields' errors, the territory tree's
provinces, and the importer's row errors in the same words as the forms'."""

import pytest
from django.conf import settings
from django.utils import translation

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners.models import ChannelType, Partner, PartnerContact, Region
from tests.channelhub.pages import form_data
from tests.factories import PartnerFactory, credit_code

from .conftest import workbook
from .test_import import start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _read_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def english(client_as):
    def make(user):
        client = client_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def test_a_contacts_mobile_is_checked_stored_in_normal_form_and_shown_for_people(
    alpha, partner, manager, english
):
    client = english(manager)
    path = f"/t/alpha/partners/{partner.pk}/contacts/"
    bad = client.post(path, {"contact-name": "王芳", "contact-mobile": "12"})
    assert bad.status_code == 400
    with translation.override("en"):
        assert bad.context["contact_form"].errors["mobile"] == ["A mobile number has 11 digits; “12” has 2."]
    assert 'value="12"' in bad.content.decode()
    assert client.post(path, {"contact-name": "王芳", "contact-mobile": "138-0013-8000"}).status_code == 302
    with tenant_context(alpha):
        contact = PartnerContact.objects.get(name="王芳")
        stored = PartnerContact.objects.filter(pk=contact.pk).values_list("mobile", flat=True).get()
    assert stored == "+8613800138000"
    detail = client.get(f"/t/alpha/partners/{partner.pk}/?tab=contacts").content.decode()
    assert '<td class="text-nowrap">138 0013 8000</td>' in detail  # the contacts table
    edit = client.get(f"/t/alpha/partners/contacts/{contact.pk}/").content.decode()
    assert 'value="138 0013 8000"' in edit  # the edit form shows it as people write it


def test_a_value_that_is_no_phone_number_is_kept_as_it_was(alpha, partner):
    with tenant_context(alpha):
        contact = PartnerContact.objects.create(partner=partner, name="老王", mobile="见备注")
        contact.refresh_from_db()
    assert str(contact.mobile) == "见备注"  # not lost, not "normalised" into something else


def test_amounts_and_the_territory_rule_are_told_in_one_round(alpha, manager, english, territory):
    PartnerFactory(
        tenant=alpha,
        name="杭州独家代理有限公司",
        channel_type=ChannelType.AGENT,
        region=territory["hangzhou"],
        exclusive_territory=True,
    )
    client = english(manager)
    data = form_data(
        client.get("/t/alpha/partners/new/"),
        "partner-form",
        name="杭州后来者有限公司",
        credit_code=credit_code(910001),
        channel_type=ChannelType.AGENT,
        region=str(territory["xihu"].pk),
        registered_capital="abc",
        credit_limit="0",
    )
    response = client.post("/t/alpha/partners/new/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "不是金额" in errors["registered_capital"][0]
    assert "holds exclusive rights" in errors["region"][0]  # before: only once the amount was fixed
    assert "credit_limit" not in errors  # zero credit is a credit limit
    with tenant_context(alpha):
        assert not Partner.objects.filter(name="杭州后来者有限公司").exists()


def test_the_top_of_the_territory_tree_is_a_real_province(alpha, member, english):
    client = english(member(Role.TENANT_ADMIN))
    page = client.get("/t/alpha/partners/regions/")
    response = client.post(
        "/t/alpha/partners/regions/", form_data(page, "region-form", name="火星省", code="")
    )
    assert response.status_code == 400
    assert "“火星省”不是中国的省级行政区" in response.context["form"].errors["name"][0]
    ok = client.post("/t/alpha/partners/regions/", form_data(page, "region-form", name="浙江", code=""))
    assert ok.status_code == 302
    with tenant_context(alpha):
        assert Region.objects.filter(parent=None).values_list("name", flat=True).get() == "浙江省"


def test_the_importer_uses_the_same_rules_as_the_forms(alpha, manager, english, territory):
    rows = [
        ["甲有限公司", credit_code(720001), "", "abc", "agent", "", "", "", "", ""],
        ["乙有限公司", credit_code(720002), "", "0", "agent", "", "", "", "", ""],
        ["丙有限公司", credit_code(720003), "", "12.345", "agent", "", "", "", "", ""],
        ["丁有限公司", credit_code(720004), "", "", "agent", "", "火星省", "", "", ""],
        ["戊有限公司", credit_code(720005), "", "300万", "agent", "", "浙江", "杭州市", "", ""],
    ]  # fmt: skip
    client = english(manager)
    page = client.get(start(client, workbook(rows)))
    errors = {row.number: [message for _c, message in row.errors] for row in page.context["preview"].rows}
    assert errors[2] == ["“abc” is not an amount: enter digits, e.g. 5000000, 5,000,000.00 or 500万."]
    assert errors[3] == ["The amount must be more than zero."]
    assert errors[4] == ["At most 2 decimal places (fen)."]
    assert "“火星省” is not a province of China" in errors[5][0]
    assert errors[6] == []  # "浙江" is the tree's 浙江省, 300万 an amount
    assert page.context["preview"].rows[4].values["region"] == territory["hangzhou"]
