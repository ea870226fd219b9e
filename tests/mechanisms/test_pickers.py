"""Searchable pickers (channelhub.pickers): the partner picker's options come from partners:pick as
one types, scoped like every partner page; the page carries only the chosen partner; a forged id
is still refused by the field."""

import pytest

from channelhub.roles import Role
from partners.models import PartnerStatus
from tests.channelhub.pages import form_data, select_options
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
PICK = "/t/alpha/partners/pick/"


def names(response):
    return [row["text"].split(" · ")[0] for row in response.json()["results"]]


def test_the_partner_picker_answers_what_the_reader_may_see(alpha, beta, alpha_partner, member, client_as):
    PartnerFactory(tenant=alpha, name="杭州星河充电有限公司", credit_code="91330100MA2TEST01X")
    PartnerFactory(tenant=alpha, name="杭州旧日充电有限公司", status=PartnerStatus.TERMINATED)
    PartnerFactory(tenant=beta, name="杭州别家充电有限公司")
    manager = client_as(member(Role.CHANNEL_MANAGER))
    assert sorted(names(manager.get(PICK, {"q": "杭州"}))) == sorted(
        ["杭州驰远新能源设备有限公司", "杭州星河充电有限公司"]
    )
    assert names(manager.get(PICK, {"q": "ma2test"})) == ["杭州星河充电有限公司"]  # credit code, any case
    assert "杭州旧日充电有限公司" in names(manager.get(PICK, {"q": "杭州", "all": "1"}))  # filters only
    partner_admin = client_as(member(Role.PARTNER_ADMIN))
    assert names(partner_admin.get(PICK, {"q": "杭州"})) == ["杭州驰远新能源设备有限公司"]  # its own only
    assert (
        client_as(member(Role.CHANNEL_MANAGER, tenant=beta)).get(PICK).status_code == 404
    )  # another workspace


def test_at_most_twenty_options_are_sent(alpha, member, client_as):
    PartnerFactory.create_batch(25, tenant=alpha)
    assert len(client_as(member(Role.CHANNEL_MANAGER)).get(PICK).json()["results"]) == 20


def test_the_page_carries_only_the_chosen_partner_and_a_forged_one_is_refused(
    alpha, beta, alpha_partner, member, client_as
):
    PartnerFactory.create_batch(5, tenant=alpha)
    foreign = PartnerFactory(tenant=beta)
    client = client_as(member(Role.TENANT_ADMIN))
    page = client.get("/t/alpha/members/")
    assert select_options(page, "partner", "invite-form") == [""]
    html = page.content.decode()
    assert 'data-picker="remote"' in html and f'data-picker-url="{PICK}"' in html
    data = form_data(
        page, "invite-form", email="new@example.cn", role=Role.PARTNER_STAFF, partner=str(foreign.pk)
    )
    refused = client.post("/t/alpha/members/", data)
    assert refused.status_code == 400 and "partner" in refused.context["form"].errors
    # Shown again with the error, the page offers the chosen (valid) partner only.
    data["partner"], data["email"] = str(alpha_partner.pk), "bad-address"
    again = client.post("/t/alpha/members/", data)
    assert select_options(again, "partner", "invite-form") == ["", str(alpha_partner.pk)]


def test_region_choices_are_searchable_in_the_page(alpha, member, client_as, alpha_partner):
    page = client_as(member(Role.TENANT_ADMIN)).get(f"/t/alpha/partners/{alpha_partner.pk}/edit/")
    html = page.content.decode()
    assert '<select name="region"' in html and 'data-picker="local"' in html
