"""The order form: a partner user (or a channel manager for a partner) saves a draft of lines;
bad lines and bad dates are explained beside their fields with everything typed kept."""

from datetime import timedelta
from decimal import Decimal

import pytest

from channelhub import periods
from channelhub.tenancy import tenant_context
from orders.models import Order, OrderStatus
from tests.channelhub.pages import form_data
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db
NEW = "/t/alpha/orders/new/"


@pytest.fixture
def catalogue(alpha, piles):
    return {
        "pile": ProductFactory(
            tenant=alpha,
            sku="XC-AC7",
            list_price=Decimal("1680.00"),
            category=piles["dc"],
            line=piles["line"],
        ),
        "cable": ProductFactory(
            tenant=alpha,
            sku="XC-CB5",
            list_price=Decimal("480.00"),
            pack_multiple=5,
            category=piles["dc"],
            line=piles["line"],
        ),
    }


def _form(client, **typed):
    return form_data(client.get(NEW), "order-form", **typed)


def test_a_partner_user_saves_a_draft_from_the_form(client_as, partner_user, catalogue, alpha_partner):
    client = client_as(partner_user)
    data = _form(
        client,
        delivery_address="杭州市滨江区江南大道 3888 号",
        po_number="HZ-118",
        **{"lines-0-product": catalogue["pile"].pk, "lines-0-quantity": "2",
           "lines-1-product": catalogue["cable"].pk, "lines-1-quantity": "10"},
    )  # fmt: skip
    assert "partner" not in data  # their own partner: nothing to choose
    response = client.post(NEW, data)
    assert response.status_code == 302
    order = Order.all_tenants.get(po_number="HZ-118")
    assert order.partner == alpha_partner and order.status == OrderStatus.DRAFT
    assert order.total == Decimal("8160.00")
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="order-edit"' in page and 'data-testid="order-submit"' in page


def test_bad_lines_and_dates_are_explained_and_nothing_typed_is_lost(
    client_as, partner_user, catalogue, alpha
):
    client = client_as(partner_user)
    with tenant_context(alpha):
        yesterday = (periods.today() - timedelta(days=1)).isoformat()
    data = _form(
        client,
        delivery_address="保留的地址",
        wanted_on=yesterday,
        **{"lines-0-product": catalogue["cable"].pk, "lines-0-quantity": "7",
           "lines-1-product": "", "lines-1-quantity": "3",
           "lines-2-product": catalogue["pile"].pk, "lines-2-quantity": "abc"},
    )  # fmt: skip
    response = client.post(NEW, data)
    assert response.status_code == 400
    formset = response.context["formset"]
    assert "quantity" in formset.forms[0].errors and "product" in formset.forms[1].errors
    assert "quantity" in formset.forms[2].errors and "wanted_on" in response.context["form"].errors
    page = response.content.decode()
    assert "保留的地址" in page and 'value="abc"' in page
    assert not Order.all_tenants.exists()


def test_an_order_with_no_line_is_refused_on_the_form(client_as, partner_user, catalogue):
    client = client_as(partner_user)
    response = client.post(NEW, _form(client, delivery_address="杭州"))
    assert response.status_code == 400 and response.context["form"].non_field_errors()


def test_a_channel_manager_orders_for_a_partner_it_chooses(client_as, manager, catalogue, alpha_partner):
    client = client_as(manager)
    data = _form(
        client,
        partner=alpha_partner.pk,
        delivery_address="宁波",
        **{"lines-0-product": catalogue["pile"].pk, "lines-0-quantity": "1"},
    )
    assert client.post(NEW, data).status_code == 302
    assert Order.all_tenants.get().placed_by == manager


def test_a_draft_is_edited_and_a_submitted_order_is_not(client_as, partner_user, catalogue):
    client = client_as(partner_user)
    data = _form(
        client, delivery_address="杭州", **{"lines-0-product": catalogue["pile"].pk, "lines-0-quantity": "1"}
    )
    order_url = client.post(NEW, data)["Location"]
    order = Order.all_tenants.get()
    edit = f"/t/alpha/orders/{order.pk}/edit/"
    data = form_data(client.get(edit), "order-form", **{"lines-0-quantity": "3"})
    assert client.post(edit, data).status_code == 302
    order.refresh_from_db()
    assert order.total == Decimal("5040.00")
    client.post(f"{order_url}submit/")
    assert client.get(edit).status_code == 302  # to the order, with a message


def test_staff_without_the_right_cannot_open_the_form(client_as, member):
    from channelhub.roles import Role

    assert client_as(member(Role.FINANCE)).get(NEW).status_code == 403
