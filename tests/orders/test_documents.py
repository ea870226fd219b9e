"""The order confirmation and the delivery note: real PDFs, in Chinese, for the orders a user
may see and only once there is something to confirm or deliver."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from channelhub.tenancy import tenant_context
from tests.orders.test_shipments import _ship

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() or "" for page in PdfReader(BytesIO(response.content)).pages)


def test_the_order_confirmation_is_a_chinese_pdf_with_the_confirmed_prices(
    client_as, partner_user, confirmed
):
    text = _text(client_as(partner_user).get(f"/t/alpha/orders/{confirmed.pk}/confirmation.pdf"))
    assert "订单确认书" in text and confirmed.number in text
    assert "1,680.00" in text and "17,800.00" in text  # 10 × ¥1,680 + 2 × ¥500


def test_the_delivery_note_lists_what_shipped(client_as, partner_user, manager, confirmed):
    shipment = _ship(confirmed, manager, **{"XC-AC7": 4})
    text = _text(client_as(partner_user).get(f"/t/alpha/orders/shipments/{shipment.pk}/delivery-note.pdf"))
    assert "发货单" in text and shipment.number in text and "顺丰速运" in text and "签字" in text


def test_a_draft_has_no_confirmation_and_another_partner_sees_none(
    client_as, partner_user, confirmed, alpha, member
):
    from channelhub.roles import Role
    from tests.factories import MembershipFactory, PartnerFactory
    from tests.orders.factories import OrderFactory

    draft = OrderFactory(tenant=alpha, partner=confirmed.partner)
    assert client_as(partner_user).get(f"/t/alpha/orders/{draft.pk}/confirmation.pdf").status_code == 404
    other = MembershipFactory(
        tenant=alpha, role=Role.PARTNER_STAFF, partner=PartnerFactory(tenant=alpha)
    ).user
    assert client_as(other).get(f"/t/alpha/orders/{confirmed.pk}/confirmation.pdf").status_code == 404
    with tenant_context(alpha):
        assert confirmed.lines.count() == 2
