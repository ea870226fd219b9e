"""The order pages: who sees which orders, the buttons each role may press and what they do,
refusals shown on the page, the list's filter, sort and export, and constant query counts."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from orders import services
from orders.models import Order, OrderLine, OrderStatus
from partners.models import Partner
from tests.factories import PartnerFactory
from tests.orders.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db
LIST = "/t/alpha/orders/"


@pytest.fixture
def order(alpha, alpha_partner, partner_user, piles):
    Partner.all_tenants.filter(pk=alpha_partner.pk).update(credit_limit=Decimal("1000000.00"))
    product = ProductFactory(
        tenant=alpha, sku="XC-AC7", list_price=Decimal("1680.00"), category=piles["dc"], line=piles["line"]
    )
    with tenant_context(alpha):
        alpha_partner.refresh_from_db()
        return services.create_order(
            partner=alpha_partner,
            lines=[services.LineInput(product, 2)],
            delivery_address="杭州",
            by=partner_user,
        )


def _page(client, order):
    return client.get(f"{LIST}{order.pk}/")


def _status(order):
    return Order.all_tenants.get(pk=order.pk).status


def test_the_partner_submits_its_draft_and_the_manager_confirms_it(client_as, partner_user, manager, order):
    partner = client_as(partner_user)
    page = _page(partner, order).content.decode()
    assert 'data-testid="order-submit"' in page and 'data-testid="order-confirm"' not in page
    assert 'data-testid="order-credit"' not in page and 'data-testid="timeline"' not in page  # internal
    assert partner.post(f"{LIST}{order.pk}/submit/").status_code == 302
    assert _status(order) == OrderStatus.SUBMITTED
    assert partner.post(f"{LIST}{order.pk}/confirm/").status_code == 403
    desk = client_as(manager)
    page = _page(desk, order).content.decode()
    assert 'data-testid="order-confirm"' in page and 'data-testid="order-credit"' in page
    assert desk.post(f"{LIST}{order.pk}/confirm/").status_code == 302
    assert _status(order) == OrderStatus.CONFIRMED
    page = _page(desk, order).content.decode()
    assert 'data-testid="order-confirm"' not in page and "cancel-form" in page


def test_a_reason_left_out_is_asked_for_on_the_page(client_as, partner_user, manager, order):
    client_as(partner_user).post(f"{LIST}{order.pk}/submit/")
    response = client_as(manager).post(f"{LIST}{order.pk}/reject/", {"reject-reason": ""})
    assert response.status_code == 400 and "reason" in response.context["forms"]["reject"].errors
    response = client_as(manager).post(f"{LIST}{order.pk}/reject/", {"reject-reason": "型号不对"})
    assert response.status_code == 302 and _status(order) == OrderStatus.REJECTED


def test_a_stale_page_is_told_who_acted_first(client_as, partner_user, manager, member, order):
    client_as(partner_user).post(f"{LIST}{order.pk}/submit/")
    client_as(manager).post(f"{LIST}{order.pk}/confirm/")
    response = client_as(member(Role.TENANT_ADMIN)).post(
        f"{LIST}{order.pk}/confirm/", {"_seen_state": "submitted"}
    )
    assert response.status_code == 400
    assert manager.display_name in response.content.decode()


def test_a_partner_user_sees_only_its_partners_orders(client_as, partner_user, alpha, order):
    other = OrderFactory(tenant=alpha, partner=PartnerFactory(tenant=alpha, name="别家渠道有限公司"))
    client = client_as(partner_user)
    assert _page(client, other).status_code == 404
    page = client.get(LIST).content.decode()
    assert order.number in page and other.number not in page


@pytest.mark.parametrize("role, status", [(Role.CLERK, 403), (Role.MARKETING, 403), (Role.FINANCE, 200)])
def test_who_opens_the_order_list(member, client_as, role, status):
    assert client_as(member(role)).get(LIST).status_code == status


def test_the_list_filters_sorts_and_exports(client_as, manager, alpha, order):
    OrderFactory(
        tenant=alpha, number="SO-2026-900001", partner=PartnerFactory(tenant=alpha, name="宁波某某公司")
    )
    client = client_as(manager)
    assert [o.number for o in client.get(LIST, {"q": "宁波"}).context["page"]] == ["SO-2026-900001"]
    assert [o.number for o in client.get(LIST, {"status": "draft", "sort": "number"}).context["page"]][
        0
    ] == order.number
    response = client.get(f"{LIST}export/", {"q": "宁波"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "SO-2026-900001"


def _count(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_order_list_and_detail_do_not_grow_with_rows(
    client_as, manager, alpha, order, django_assert_max_num_queries
):
    client = client_as(manager)
    client.get(LIST)
    few = _count(client, LIST)
    detail = _count(client, f"{LIST}{order.pk}/")
    for _ in range(30):
        OrderFactory(tenant=alpha, partner=PartnerFactory(tenant=alpha))
    with tenant_context(alpha):  # the detail with 20 lines more
        for position, product in enumerate([ProductFactory(tenant=alpha) for _ in range(20)], start=2):
            OrderLine.objects.create(
                order=order, position=position, product=product, quantity=1, unit_price=10, amount=10
            )
    with django_assert_max_num_queries(few):
        client.get(LIST)
    with django_assert_max_num_queries(detail):
        client.get(f"{LIST}{order.pk}/")


def test_the_desk_ships_in_parts_and_the_partner_confirms_receipt_on_the_page(
    client_as, partner_user, manager, member, order
):
    client_as(partner_user).post(f"{LIST}{order.pk}/submit/")
    client_as(manager).post(f"{LIST}{order.pk}/confirm/")
    admin = client_as(member(Role.TENANT_ADMIN))
    page = _page(admin, order)
    with tenant_context(order.tenant):
        line = order.lines.get()
    data = {"ship-carrier": "", f"ship-line_{line.pk}": "5", "ship-shipped_on": "2000-01-01"}
    response = admin.post(f"{LIST}{order.pk}/ship/", data)
    assert response.status_code == 400
    errors = response.context["ship_form"].errors
    assert (
        "carrier" in errors and f"line_{line.pk}" not in errors
    )  # the open quantity is checked by the service
    data.update(
        {"ship-carrier": "顺丰速运", "ship-shipped_on": page.context["ship_form"]["shipped_on"].value()}
    )
    response = admin.post(f"{LIST}{order.pk}/ship/", data)
    assert response.status_code == 400 and "2" in response.content.decode()  # only 2 open
    data[f"ship-line_{line.pk}"] = "1"
    assert admin.post(f"{LIST}{order.pk}/ship/", data).status_code == 302
    assert _status(order) == OrderStatus.PARTIALLY_SHIPPED
    partner = client_as(partner_user)
    page = _page(partner, order)
    assert (
        'data-testid="receive-form"' in page.content.decode()
        and 'data-testid="ship-form"' not in page.content.decode()
    )
    with tenant_context(order.tenant):
        shipment = order.shipments.get()
        shipment_line = shipment.lines.get()
    url = f"{LIST}shipments/{shipment.pk}/receive/"
    response = partner.post(
        url,
        {f"s{shipment.pk}-good_{shipment_line.pk}": "3", f"s{shipment.pk}-damaged_{shipment_line.pk}": "0"},
    )
    assert response.status_code == 400  # more than shipped
    response = partner.post(
        url,
        {f"s{shipment.pk}-good_{shipment_line.pk}": "1", f"s{shipment.pk}-damaged_{shipment_line.pk}": "0"},
    )
    assert response.status_code == 302
    assert client_as(manager).post(url, {}).status_code == 403


def test_the_desk_changes_a_confirmed_orders_quantities_and_a_raise_is_checked(
    client_as, manager, partner_user, alpha, alpha_partner, confirmed
):
    url = f"{LIST}{confirmed.pk}/quantities/"
    client = client_as(manager)
    page = _page(client, confirmed)
    assert page.context["quantities_form"] is not None
    with tenant_context(alpha):
        pile = confirmed.lines.get(product__sku="XC-AC7")
        service = confirmed.lines.get(product__sku="XC-SVC")
    fields = {f"qty-q_{pile.pk}": "12", f"qty-q_{service.pk}": "2", "qty-reason": ""}
    no_reason = client.post(url, fields)
    assert no_reason.status_code == 400 and no_reason.context["quantities_form"].errors
    assert client.post(url, {**fields, "qty-reason": "客户追加两台"}).status_code == 302
    with tenant_context(alpha):
        assert Order.objects.get(pk=confirmed.pk).lines.get(pk=pile.pk).quantity == 12
    # far over the credit limit: back on credit hold
    Partner.all_tenants.filter(pk=alpha_partner.pk).update(credit_limit=Decimal("30000.00"))
    client.post(url, {**fields, f"qty-q_{pile.pk}": "40", "qty-reason": "项目扩容"})
    with tenant_context(alpha):
        assert Order.objects.get(pk=confirmed.pk).status == OrderStatus.CREDIT_HOLD
    assert client_as(partner_user).post(url, fields).status_code == 403
