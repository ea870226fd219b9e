"""The shared validators on the admission pipeline's forms, through the pages: the public
application ("12" for a phone, "abc" for an amount, a company founded in 2031, "火星省", a province
outside the campaign), the site inspection report, the contract and the campaign forms. Every
mistake is shown in one round, beside its field, with what was typed kept."""

import html
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from channelhub.tenancy import tenant_context
from onboarding.models import Application, InspectionItem, State
from tests.channelhub.pages import form_data
from tests.factories import RegionFactory
from tests.onboarding.conftest import photo_upload
from tests.onboarding.test_public import documents, post_data, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _read_in_english():
    """The pages are asked for in English (the language cookie); the errors are read in it too."""
    with translation.override("en"):
        yield


def english():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def body_of(response) -> str:
    return html.unescape(response.content.decode())


def test_the_public_application_refuses_nonsense_in_one_round_and_keeps_it(campaign, alpha):
    next_year = date.today().replace(year=date.today().year + 5).isoformat()
    response = submit(
        english(),
        post_data(
            contact_phone="12",
            registered_capital="abc",
            established_on=next_year,
            province="火星省",
            expected_annual_sales="-5",
        ),
        documents(),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {
        "contact_phone",
        "registered_capital",
        "established_on",
        "province",
        "expected_annual_sales",
    }
    body = body_of(response)
    assert "A mobile number has 11 digits; “12” has 2." in body
    assert "“abc” is not an amount" in body
    assert "A company cannot be established in the future" in body
    assert "“火星省” is not a province of China" in body
    assert "The amount cannot be negative." in body
    # What was typed is on the page again.
    for typed in ('value="12"', 'value="abc"', f'value="{next_year}"', 'value="火星省"', 'value="-5"'):
        assert typed in body
    with tenant_context(alpha):
        assert not Application.objects.exists()


def test_a_province_outside_the_campaigns_regions_is_refused(campaign, alpha):
    response = submit(english(), post_data(province="江苏", city="南京市", district="玄武区"), documents())
    assert response.status_code == 400
    assert "This campaign seeks partners in 浙江省 only." in response.context["form"].errors["province"]
    assert 'value="江苏"' in body_of(response)


def test_the_territory_tree_knows_which_province_a_city_is_in(campaign, alpha):
    with tenant_context(alpha):
        zhejiang = RegionFactory(tenant=alpha, name="浙江省")
        RegionFactory(tenant=alpha, parent=zhejiang, name="杭州市")
        henan = RegionFactory(tenant=alpha, name="河南省")
        RegionFactory(tenant=alpha, parent=henan, name="郑州市")
        campaign.regions = "杭州市、宁波市"  # cities, read through the tree
        campaign.save()
    wrong_city = submit(english(), post_data(city="郑州"), documents())
    assert wrong_city.status_code == 400
    assert wrong_city.context["form"].errors["city"] == ["郑州 is in 河南省, not in 浙江省."]
    outside = submit(english(), post_data(city="温州市", district=""), documents())
    assert outside.context["form"].errors["city"] == ["This campaign seeks partners in 杭州市、宁波市 only."]


def test_a_good_application_is_stored_in_normal_form(campaign, alpha):
    response = submit(
        english(),
        post_data(contact_phone="0571-8888 6666 转 123", registered_capital="500万", province="浙江"),
        documents(),
    )
    assert response.status_code == 302, response.context["form"].errors
    with tenant_context(alpha):
        app = Application.objects.get()
    assert str(app.contact_phone) == "+8657188886666;ext=123"
    assert str(app.registered_capital) == "5000000.00"
    assert app.province == "浙江省"


def test_a_duplicate_credit_code_is_told_with_the_other_mistakes(campaign, alpha, pipeline):
    first = pipeline.submit()
    response = submit(english(), post_data(credit_code=first.credit_code, contact_phone="12"), documents())
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "contact_phone" in errors and "already being processed" in errors["credit_code"][0]


@pytest.fixture
def inspection_page(pipeline, people, client_as, alpha):
    app = pipeline.to(State.SITE_INSPECTION)
    client = client_as(people.inspector)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    path = f"/t/alpha/onboarding/applications/{app.pk}/inspection/"
    with tenant_context(alpha):
        answers = {f"item_{i.pk}": "pass" for i in InspectionItem.objects.all()}
    return app, client, path, answers


def test_an_inspection_visit_cannot_be_in_the_future(inspection_page, pipeline):
    app, client, path, answers = inspection_page
    later = (date.today() + timedelta(days=400)).isoformat()
    data = form_data(
        client.get(path), "inspection-form", visited_on=later, score="abc", findings="一致", **answers
    )
    response = client.post(path, {**data, "photos": [photo_upload()]})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["visited_on"][0].startswith("考察日期不能晚于今天")
    assert errors["score"] == ["请填写 0 到 100 之间的分数。"]
    assert f'value="{later}"' in body_of(response)
    assert pipeline.refresh(app).state == State.SITE_INSPECTION


def test_the_contract_dates_are_checked_with_the_other_fields(pipeline, people, client_as):
    app = pipeline.to(State.APPROVED)
    client = client_as(people.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    path = f"/t/alpha/onboarding/applications/{app.pk}/contract/"
    page = client.get(path)
    assert page.status_code == 200
    today = date.today()
    data = form_data(
        page,
        "contract-form",
        valid_from=today.isoformat(),
        valid_until=(today - timedelta(days=1)).isoformat(),
        deposit="abc",
    )
    response = client.post(path, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    with translation.override("en"):
        assert errors["valid_until"] == ["The contract must end after it starts."]
        assert "is not an amount" in errors["deposit"][0]


def test_a_campaign_cannot_seek_a_province_that_does_not_exist(campaign, people, client_as):
    client = client_as(people.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    path = f"/t/alpha/onboarding/campaigns/{campaign.pk}/"
    page = client.get(path)
    assert page.status_code == 200
    data = form_data(page, "campaign-form", regions="浙江省、火星省")
    response = client.post(path, data)
    assert response.status_code == 400
    assert "“火星省”不是中国的省级行政区" in response.context["form"].errors["regions"][0]
