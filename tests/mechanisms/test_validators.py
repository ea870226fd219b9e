"""channelhub/validators.py: phones (parsed with phonenumbers, stored as E.164, shown in the
national format), dates against the tenant's today, provinces and place names, amounts; the phone
model field; the ``|phone`` filter; and the data migrations that put stored phones in one form
without losing a value that is not a phone number."""

import importlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template
from django.utils import translation

from channelhub import validators as v
from channelhub.tenancy import tenant_context
from tests.factories import ApplicationFactory, PartnerContactFactory, PartnerFactory, UserFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored, shown",
    [
        ("13800138000", "+8613800138000", "138 0013 8000"),
        ("138-0013-8000", "+8613800138000", "138 0013 8000"),
        ("+86 138 0013 8000", "+8613800138000", "138 0013 8000"),
        ("0086 13800138000", "+8613800138000", "138 0013 8000"),
        ("１３８００１３８０００", "+8613800138000", "138 0013 8000"),  # full-width digits
        ("0571-88886666", "+8657188886666", "0571 8888 6666"),
        ("010 6552 8888", "+861065528888", "010 6552 8888"),
        ("(0571) 8888-6666", "+8657188886666", "0571 8888 6666"),
        ("0571-88886666 转 123", "+8657188886666;ext=123", "0571 8888 6666 ext. 123"),
        ("0571-88886666-123", "+8657188886666;ext=123", "0571 8888 6666 ext. 123"),
        ("0571 8888 6666 分机 8", "+8657188886666;ext=8", "0571 8888 6666 ext. 8"),
        ("400-812-3123", "+864008123123", "400 812 3123"),
        ("+852 9123 4567", "+85291234567", "+852 9123 4567"),  # another country, written with its code
    ],
)
def test_phones_people_write_are_stored_in_one_form_and_shown_for_people(typed, stored, shown):
    assert v.normalise_phone(typed) == stored
    assert v.format_phone(stored) == shown
    assert v.format_phone(v.to_phone(stored)) == shown


@pytest.mark.parametrize(
    "typed, message",
    [
        ("12", "A mobile number has 11 digits; “12” has 2."),
        ("1380013800", "A mobile number has 11 digits; “1380013800” has 10."),
        ("88886666", "Add the area code to this landline number, e.g. 0571 8888 6666."),
        ("abc", "“abc” is not a phone number: use digits only"),
        ("138 0013 8000 王经理", "is not a phone number: use digits only"),
        ("11111111111", "is not a phone number. Enter a mobile number (11 digits"),
        ("0000-1234567", "is not a phone number. Enter a mobile number"),
    ],
)
def test_what_is_not_a_phone_number_is_told_clearly(typed, message):
    with pytest.raises(ValidationError) as caught:
        v.parse_phone(typed)
    assert message in caught.value.messages[0]


def test_the_form_field_cleans_to_the_stored_form_and_shows_it_for_people():
    field = v.PhoneFormField(required=False)
    assert field.clean("138 0013 8000") == "+8613800138000"
    assert field.clean("") == ""
    assert field.widget.input_type == "tel"
    assert 'value="138 0013 8000"' in field.widget.render("phone", "+8613800138000")
    assert 'value="12"' in field.widget.render("phone", "12")  # what was typed, as typed
    field.keep = "见备注"
    assert field.clean("见备注") == "见备注"
    with pytest.raises(ValidationError):
        field.clean("12")


@pytest.mark.django_db
def test_the_model_field_keeps_the_extension_and_what_is_no_number(alpha):
    with tenant_context(alpha):
        partner = PartnerFactory(tenant=alpha)
        typed = PartnerContactFactory(tenant=alpha, partner=partner, mobile="0571-88886666 转 123")
        kept = PartnerContactFactory(tenant=alpha, partner=partner, mobile="夜间勿扰")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, mobile FROM partners_partnercontact WHERE id IN (%s, %s)", [typed.pk, kept.pk]
            )
            stored = dict(cursor.fetchall())
        assert stored == {typed.pk: "+8657188886666;ext=123", kept.pk: "夜间勿扰"}
        again = type(typed).objects.get(pk=typed.pk)
        assert again.mobile.extension == "123" and again.mobile.display == "0571 8888 6666 ext. 123"
        assert str(type(kept).objects.get(pk=kept.pk).mobile) == "夜间勿扰"
        # A lookup by number finds it however the number is written.
        assert type(typed).objects.filter(mobile="0571 8888 6666 ext. 123").get() == again
        assert str(type(typed).objects.filter(pk=typed.pk).get().mobile) == "+8657188886666;ext=123"


def test_the_phone_filter():
    rendered = Template("{% load portal %}[{{ a|phone }}][{{ b|phone }}][{{ c|phone|default:'—' }}]").render(
        Context({"a": "+8613800138000", "b": "见备注", "c": ""})
    )
    assert rendered == "[138 0013 8000][见备注][—]"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dates_are_judged_against_the_tenants_today(alpha, monkeypatch):
    alpha.time_zone = "Asia/Shanghai"
    alpha.save()
    # 17:00 UTC on 1 March is already 2 March in Shanghai.
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2026, 3, 1, 17, 0, tzinfo=UTC))
    with tenant_context(alpha):
        v.not_in_future(date(2026, 3, 2))
        with pytest.raises(ValidationError) as caught:
            v.not_in_future(date(2026, 3, 3))
        assert caught.value.messages == [
            "This date is in the future; it can be today (2026-03-02) at the latest."
        ]
        v.not_in_past(date(2026, 3, 2))
        with pytest.raises(ValidationError):
            v.not_in_past(date(2026, 3, 1))
        with pytest.raises(ValidationError) as early:
            v.not_in_future(date(1066, 10, 14))
        assert "Check the year" in early.value.messages[0]


def test_a_date_field_gets_the_checks_and_a_clear_message():
    from django import forms

    field = v.date_field(forms.DateField(), v.NotInFuture())
    with pytest.raises(ValidationError) as caught:
        field.clean("abc")
    assert caught.value.messages == ["Enter a date as year-month-day, e.g. 2016-03-18."]
    with pytest.raises(ValidationError):
        field.clean((date.today() + timedelta(days=400)).isoformat())


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("5000000", "5000000.00"),
        ("5,000,000.00", "5000000.00"),
        ("¥ 5 000 000", "5000000.00"),
        ("500万", "5000000.00"),
        ("1.5亿", "150000000.00"),
        ("１２３.５", "123.50"),
        ("8000元", "8000.00"),
    ],
)
def test_amounts_as_people_type_them(typed, amount):
    assert v.parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("abc", "“abc” is not an amount: enter digits, e.g. 5000000, 5,000,000.00 or 500万."),
        ("1e5", "“1e5” is not an amount"),
        ("12 34 56 abc", "is not an amount"),
        ("-5", "The amount cannot be negative."),
        ("0", "The amount must be more than zero."),
        ("12.345", "At most 2 decimal places (fen)."),
        ("1000000000000", "The amount is too large: at most 999,999,999,999.99."),
    ],
)
def test_what_is_not_an_amount_is_told_clearly(typed, message):
    with pytest.raises(ValidationError) as caught:
        v.parse_amount(typed)
    assert message in caught.value.messages[0]


def test_zero_where_zero_makes_sense_and_the_form_field():
    assert v.parse_amount("0", allow_zero=True) == Decimal("0.00")
    field = v.AmountField(required=False, allow_zero=True)
    assert field.clean("") is None and field.clean("3万") == Decimal("30000.00")
    assert 'inputmode="decimal"' in field.widget.render(
        "amount", "abc", attrs=field.widget_attrs(field.widget)
    )
    assert field.prepare_value(Decimal("5")) == "5.00"


# --- provinces and places --------------------------------------------------------------------


def test_the_34_provinces_by_their_names():
    assert len(v.PROVINCES) == 34
    assert v.province_named("浙江") == v.province_named("Zhejiang") == v.province_named("浙江省") == "浙江省"
    assert v.province_named("广西") == "广西壮族自治区" and v.province_named("香港") == "香港特别行政区"
    assert v.province_named("陕西") == "陕西省" and v.province_named("山西") == "山西省"
    assert v.province_named("火星省") is None
    with pytest.raises(ValidationError) as caught:
        v.validate_province("火星省")
    assert caught.value.messages[0].startswith("“火星省” is not a province of China.")


@pytest.mark.parametrize(
    "place", ["郑州", "河南省郑州市", "浙江 杭州 西湖区", "新疆维吾尔自治区乌鲁木齐市", "上海市浦东新区"]
)
def test_places_people_write_are_taken(place):
    v.validate_place(place)


@pytest.mark.parametrize("place", ["火星省", "火星省火星市", "12", "某某自治区 某市"])
def test_nonsense_places_are_refused(place):
    with pytest.raises(ValidationError):
        v.validate_place(place)


def test_reading_a_campaigns_regions():
    assert v.provinces_in("浙江省、江苏省，上海") == ["浙江省", "江苏省", "上海市"]
    assert v.split_place("河南省郑州市") == ("河南省", "郑州市")
    assert v.is_nationwide("全国") and not v.is_nationwide("浙江省")


# --- the data migrations ---------------------------------------------------------------------


def _historical_apps(app_label, before):
    """The models as they were before the migration (the phone columns plain text)."""
    return MigrationExecutor(connection).loader.project_state((app_label, before)).apps


def _set_raw(table, column, pk, value):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_migrations_normalise_stored_phones_and_keep_the_rest(alpha, beta, capsys):
    partner = PartnerFactory(tenant=alpha)
    contacts = [PartnerContactFactory(tenant=alpha, partner=partner) for _ in range(3)]
    for contact, typed in zip(contacts, ["138-0013-8000", "0571 8888 6666 转 9", "不详"], strict=True):
        _set_raw("partners_partnercontact", "mobile", contact.pk, typed)
    app = ApplicationFactory(tenant=beta)
    _set_raw("onboarding_application", "contact_phone", app.pk, "0086 139 0571 0000")
    user = UserFactory()
    _set_raw("channelhub_user", "phone", user.pk, "12")

    importlib.import_module("partners.migrations.0007_contact_mobile_e164").normalise(
        _historical_apps("partners", "0006_partnerimport_parsed"), None
    )
    importlib.import_module("onboarding.migrations.0004_application_phone_e164").normalise(
        _historical_apps("onboarding", "0003_partner_admission_reference"), None
    )
    importlib.import_module("channelhub.migrations.0010_user_phone_e164").normalise(
        _historical_apps("channelhub", "0009_notification_texts"), None
    )

    assert [_raw("partners_partnercontact", "mobile", c.pk) for c in contacts] == [
        "+8613800138000",
        "+8657188886666;ext=9",
        "不详",  # not a phone number: kept as it was
    ]
    assert _raw("onboarding_application", "contact_phone", app.pk) == "+8613905710000"
    assert _raw("channelhub_user", "phone", user.pk) == "12"
    output = capsys.readouterr().out
    assert "partners.PartnerContact.mobile: 2 phone number(s) stored as E.164; 1 kept as typed" in output
    assert "channelhub.User.phone: 0 phone number(s) stored as E.164; 1 kept as typed" in output


@pytest.mark.django_db
def test_the_filings_migration_follows_with_the_matching_key_and_the_filed_values(alpha):
    from tests.filings.factories import CustomerRegistrationFactory, FilingFactory

    registration = CustomerRegistrationFactory(tenant=alpha)
    _set_raw("filings_customerregistration", "contact_phone", registration.pk, "0371-6666 8888")
    _set_raw("filings_customerregistration", "phone_key", registration.pk, "037166668888")
    filing = FilingFactory(
        tenant=alpha,
        proposed={"contact_mobile": "139 1111 2222"},
        baseline={"contact_mobile": "13800138000", "name": "甲"},
    )
    importlib.import_module("filings.migrations.0003_customer_phone_e164").normalise(
        _historical_apps("filings", "0002_customer_withdrawn"), None
    )
    assert _raw("filings_customerregistration", "contact_phone", registration.pk) == "+8637166668888"
    # The key the registration service computes from the stored number.
    from filings.customers import normalise_phone

    assert _raw("filings_customerregistration", "phone_key", registration.pk) == normalise_phone(
        "+8637166668888"
    )
    with tenant_context(alpha):
        filing.refresh_from_db()
    assert filing.proposed == {"contact_mobile": "+8613911112222"}
    assert filing.baseline == {"contact_mobile": "+8613800138000", "name": "甲"}


# --- quantities (orders, shipments, stock and sell-out reports) -------------------------------


@pytest.mark.parametrize(
    "typed, expected", [("12", 12), ("1,200", 1200), ("１２", 12), ("12.0", 12), (12, 12), (" 7 ", 7)]
)
def test_a_quantity_as_people_type_it(typed, expected):
    assert v.parse_quantity(typed) == expected


@pytest.mark.parametrize(
    "typed, code",
    [
        ("3.5", "quantity_fraction"),
        ("abc", "quantity_invalid"),
        ("", "quantity_invalid"),
        ("-1", "quantity_negative"),
        ("0", "quantity_zero"),
        ("2000000", "quantity_too_large"),
    ],
)
def test_a_bad_quantity_says_what_is_wrong(typed, code):
    with pytest.raises(ValidationError) as refused:
        v.parse_quantity(typed)
    assert refused.value.code == code


def test_a_quantity_respects_the_pack_and_may_be_zero_where_allowed():
    assert v.parse_quantity("0", allow_zero=True) == 0
    assert v.parse_quantity("10", multiple_of=5) == 10
    with pytest.raises(ValidationError) as refused:
        v.parse_quantity("7", multiple_of=5)
    assert refused.value.messages == ["Order in multiples of 5 (a pack): 5 or 10."]
    with pytest.raises(ValidationError) as refused:
        v.parse_quantity("3", multiple_of=5)
    assert refused.value.code == "quantity_not_a_multiple"
