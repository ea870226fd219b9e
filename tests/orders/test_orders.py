"""Orders on the shared runner: drafts and their refusals, the credit check on every step that
raises exposure (submit, confirm, an edit of a confirmed order, a copy of a cancelled one), the
credit hold decided by finance (and an executive above the threshold), rejection, cancellation
by whom and when, the receivables ledger, and two people confirming the same order."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from channelhub import approvals, periods, workflow
from channelhub.models import ApprovalRequest, Notification
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from orders import services
from orders.models import Order, OrderSettings, OrderStatus
from orders.services import LineInput
from partners.models import Partner, PartnerStatus
from tests.factories import PartnerFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def dc_pile(alpha, piles):
    return ProductFactory(
        tenant=alpha, sku="XC-DC60", list_price=Decimal("38000.00"), category=piles["dc"], line=piles["line"]
    )


@pytest.fixture
def cable(alpha, piles):
    return ProductFactory(
        tenant=alpha,
        sku="XC-CB5",
        list_price=Decimal("480.00"),
        pack_multiple=5,
        category=piles["dc"],
        line=piles["line"],
    )


@pytest.fixture
def customer(alpha, alpha_partner, manager):
    """The partner with a credit limit of ¥100,000 and its channel manager."""
    Partner.all_tenants.filter(pk=alpha_partner.pk).update(credit_limit=Decimal("100000.00"), owner=manager)
    alpha_partner.refresh_from_db()
    return alpha_partner


@pytest.fixture
def finance(member):
    return member(Role.FINANCE)


@pytest.fixture
def executive(member):
    return member(Role.EXECUTIVE)


def _draft(partner, by, *lines, **extra):
    with tenant_context(partner.tenant):
        return services.create_order(
            partner=partner,
            lines=[LineInput(p, q) for p, q in lines],
            delivery_address="杭州市滨江区",
            by=by,
            **extra,
        )


def _fresh(order):
    with tenant_context(order.tenant):
        return Order.objects.get(pk=order.pk)


def _hold_request(order):
    with tenant_context(order.tenant):
        return approvals.pending_request(order, action=services.CREDIT_HOLD)


def _decide(order, user, decision="approve", comment=""):
    with tenant_context(order.tenant):
        approvals.decide(_hold_request(order), by=user, decision=decision, comment=comment)


# --- drafts ---------------------------------------------------------------------------------------


def test_a_partner_user_drafts_an_order_priced_from_the_catalogue(customer, partner_user, dc_pile, cable):
    order = _draft(customer, partner_user, (dc_pile, 1), (cable, "10"), po_number="PO-001")
    assert order.status == S.DRAFT and order.number.startswith("SO-")
    with tenant_context(order.tenant):
        lines = list(order.lines.order_by("position"))
    assert [(line.quantity, line.unit_price) for line in lines] == [
        (1, Decimal("38000.00")),
        (10, Decimal("480.00")),
    ]
    assert order.total == Decimal("42800.00")


def test_every_bad_line_is_named_at_once(customer, partner_user, dc_pile, cable, alpha, admin):
    old = ProductFactory(tenant=alpha, sku="OLD-1", category=dc_pile.category, line=dc_pile.line)
    with tenant_context(alpha):
        services.discontinue_product(old, reason="停产", by=admin)
    with pytest.raises(ValidationError) as refused:
        _draft(customer, partner_user, (dc_pile, "0"), (cable, 7), (old, 1), (dc_pile, 1))
    messages = refused.value.messages
    assert len(messages) == 4
    assert "XC-CB5" in messages[1] and ("5" in messages[1]) and "OLD-1" in messages[2]
    with pytest.raises(ValidationError):
        _draft(customer, partner_user)  # no lines
    with tenant_context(alpha):
        assert not Order.objects.exists()


def test_a_po_number_is_unique_per_partner(customer, partner_user, dc_pile, alpha, manager):
    _draft(customer, partner_user, (dc_pile, 1), po_number="PO-7")
    with pytest.raises(ValidationError) as refused:
        _draft(customer, partner_user, (dc_pile, 1), po_number="PO-7")
    assert "po_number" in refused.value.message_dict
    other = PartnerFactory(tenant=alpha)
    _draft(other, manager, (dc_pile, 1), po_number="PO-7")  # another partner's own numbering


def test_who_may_draft_for_whom(customer, partner_user, dc_pile, alpha, manager, member, finance):
    other = PartnerFactory(tenant=alpha)
    with pytest.raises(PermissionDenied):
        _draft(other, partner_user, (dc_pile, 1))  # not their partner
    with pytest.raises(PermissionDenied):
        _draft(customer, finance, (dc_pile, 1))
    assert _draft(customer, manager, (dc_pile, 1)).placed_by == manager  # on the partner's behalf


def test_a_suspended_partner_cannot_order(customer, partner_user, dc_pile):
    Partner.all_tenants.filter(pk=customer.pk).update(status=PartnerStatus.SUSPENDED)
    customer.refresh_from_db()
    with pytest.raises(ValidationError):
        _draft(customer, partner_user, (dc_pile, 1))


def test_the_wanted_date_cannot_be_in_the_past(customer, partner_user, dc_pile, alpha):
    with tenant_context(alpha):
        yesterday = periods.today() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        _draft(customer, partner_user, (dc_pile, 1), wanted_on=yesterday)
    assert "wanted_on" in refused.value.message_dict


# --- within the limit ------------------------------------------------------------------------------


def test_within_the_limit_it_is_submitted_then_confirmed_and_counts_as_exposure(
    customer, partner_user, manager, dc_pile, alpha, django_capture_on_commit_callbacks
):
    order = _draft(customer, partner_user, (dc_pile, 2))  # 76,000 of 100,000
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.submit_order(order, by=partner_user)
        assert Notification.objects.filter(recipient=manager, url__contains=f"/orders/{order.pk}/").exists()
        services.confirm_order(_fresh(order), by=manager)
        assert services.exposure(customer) == Decimal("76000.00")
    order = _fresh(order)
    assert order.status == S.CONFIRMED and order.confirmed_at is not None


def test_the_confirmed_price_stays_when_the_catalogue_changes(
    customer, partner_user, manager, dc_pile, alpha, admin
):
    order = _draft(customer, partner_user, (dc_pile, 1))
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
        services.confirm_order(_fresh(order), by=manager)
        services.update_product(dc_pile, data={"list_price": Decimal("50000.00")}, by=admin)
        assert _fresh(order).lines.get().unit_price == Decimal("38000.00")


# --- over the limit: credit hold at every step that raises exposure -------------------------------


def test_over_the_limit_at_submission_it_goes_to_credit_hold_for_finance(
    customer, partner_user, dc_pile, alpha, finance, member
):
    order = _draft(customer, partner_user, (dc_pile, 3))  # 114,000 > 100,000
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
    order = _fresh(order)
    assert order.status == S.CREDIT_HOLD and "100,000.00" in order.status_reason
    request = _hold_request(order)
    with tenant_context(alpha):
        assert [step.approver_role for step in request.steps.order_by("order")] == [Role.FINANCE]
    with pytest.raises(approvals.NotAnApprover):
        _decide(order, member(Role.CHANNEL_MANAGER))
    _decide(order, finance)
    order = _fresh(order)
    assert order.status == S.CONFIRMED and order.status_reason == ""


def test_above_the_tenant_threshold_an_executive_decides_after_finance(
    customer, partner_user, dc_pile, alpha, finance, executive
):
    with tenant_context(alpha):
        OrderSettings.objects.update_or_create(defaults={"executive_hold_threshold": Decimal("100000.00")})
    order = _draft(customer, partner_user, (dc_pile, 3))
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
    _decide(order, finance)
    assert _fresh(order).status == S.CREDIT_HOLD  # the executive next
    _decide(order, executive)
    assert _fresh(order).status == S.CONFIRMED


def test_finance_rejecting_the_credit_rejects_the_order(customer, partner_user, dc_pile, alpha, finance):
    order = _draft(customer, partner_user, (dc_pile, 3))
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
    _decide(order, finance, "reject", "逾期应收款未结清")
    order = _fresh(order)
    assert order.status == S.REJECTED and "逾期" in order.status_reason


def test_confirmation_checks_again_what_the_partner_owes_now(customer, partner_user, manager, dc_pile, alpha):
    first = _draft(customer, partner_user, (dc_pile, 2))  # 76,000
    second = _draft(customer, partner_user, (dc_pile, 1))  # 38,000: each fits alone
    with tenant_context(alpha):
        services.submit_order(first, by=partner_user)
        services.submit_order(second, by=partner_user)
        assert _fresh(second).status == S.SUBMITTED
        services.confirm_order(_fresh(first), by=manager)
        services.confirm_order(_fresh(second), by=manager)  # 114,000 together
    assert _fresh(second).status == S.CREDIT_HOLD


def test_raising_a_confirmed_orders_quantities_over_the_limit_holds_it(
    customer, partner_user, manager, dc_pile, alpha
):
    order = _draft(customer, partner_user, (dc_pile, 2))
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
        services.confirm_order(_fresh(order), by=manager)
        with pytest.raises(ValidationError):
            services.edit_confirmed_lines(_fresh(order), quantities={dc_pile.pk: 3}, by=manager, reason="")
        services.edit_confirmed_lines(
            _fresh(order), quantities={dc_pile.pk: 1}, by=manager, reason="客户减量"
        )
        assert _fresh(order).status == S.CONFIRMED and _fresh(order).total == Decimal("38000.00")
        services.edit_confirmed_lines(
            _fresh(order), quantities={dc_pile.pk: 3}, by=manager, reason="客户加量"
        )
    order = _fresh(order)
    assert order.status == S.CREDIT_HOLD and order.total == Decimal("114000.00")
    assert _hold_request(order) is not None


def test_cancelling_a_held_order_and_copying_it_is_checked_again(customer, partner_user, dc_pile, alpha):
    order = _draft(customer, partner_user, (dc_pile, 3))
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
        services.cancel_order(_fresh(order), reason="换个方式下单", by=partner_user)
        assert _fresh(order).status == S.CANCELLED
        assert not ApprovalRequest.objects.filter(
            status="pending"
        ).exists()  # the hold's request died with it
        copy = services.copy_order(_fresh(order), by=partner_user)
        assert copy.status == S.DRAFT and copy.total == Decimal("114000.00")
        services.submit_order(copy, by=partner_user)
    assert _fresh(copy).status == S.CREDIT_HOLD


def test_no_credit_limit_means_nothing_on_credit(alpha_partner, partner_user, dc_pile, alpha):
    order = _draft(alpha_partner, partner_user, (dc_pile, 1))
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
    assert _fresh(order).status == S.CREDIT_HOLD


# --- the receivables ledger --------------------------------------------------------------------


def test_receivables_count_towards_exposure_and_payments_lower_it(
    customer, partner_user, dc_pile, alpha, finance, manager
):
    with tenant_context(alpha):
        services.book_invoice(partner=customer, amount=Decimal("70000.00"), booked_on=periods.today())
        assert services.open_receivables(customer) == Decimal("70000.00")
    order = _draft(customer, partner_user, (dc_pile, 1))  # 70,000 + 38,000 > 100,000
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
        assert _fresh(order).status == S.CREDIT_HOLD
        services.record_payment(
            partner=customer, amount=Decimal("50000.00"), booked_on=periods.today(), by=finance
        )
        assert services.open_receivables(customer) == Decimal("20000.00")
        with pytest.raises(PermissionDenied):
            services.record_payment(
                partner=customer, amount=Decimal("1.00"), booked_on=periods.today(), by=manager
            )
        with pytest.raises(ValidationError):
            services.record_payment(
                partner=customer,
                amount=Decimal("1.00"),
                booked_on=periods.today() + timedelta(days=1),
                by=finance,
            )
        with pytest.raises(ValidationError):
            services.record_payment(
                partner=customer, amount=Decimal("0"), booked_on=periods.today(), by=finance
            )


# --- rejection, cancellation and who may --------------------------------------------------------


def test_rejection_needs_a_reason_and_the_order_desk(customer, partner_user, manager, dc_pile, alpha):
    order = _draft(customer, partner_user, (dc_pile, 1))
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
        with pytest.raises(ValidationError):
            services.reject_order(_fresh(order), reason=" ", by=manager)
        with pytest.raises(PermissionDenied):
            services.reject_order(_fresh(order), reason="不要", by=partner_user)
        with pytest.raises(PermissionDenied):
            services.confirm_order(_fresh(order), by=partner_user)
        services.reject_order(_fresh(order), reason="型号已停产，请改订新款", by=manager)
    assert _fresh(order).status == S.REJECTED


def test_the_partner_cancels_before_confirmation_the_company_after(
    customer, partner_user, manager, dc_pile, alpha
):
    order = _draft(customer, partner_user, (dc_pile, 1))
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
        services.confirm_order(_fresh(order), by=manager)
        with pytest.raises(PermissionDenied):
            services.cancel_order(_fresh(order), reason="不要了", by=partner_user)
        services.cancel_order(_fresh(order), reason="客户取消项目", by=manager)
        assert _fresh(order).status == S.CANCELLED
        with pytest.raises(workflow.WrongState):
            services.cancel_order(_fresh(order), reason="再取消", by=manager)


def test_a_partly_shipped_order_cannot_be_cancelled(customer, partner_user, manager, dc_pile, alpha):
    order = _draft(customer, partner_user, (dc_pile, 2))
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
        services.confirm_order(_fresh(order), by=manager)
        order.lines.update(shipped_quantity=1)
        with pytest.raises(workflow.WrongState):
            services.cancel_order(_fresh(order), reason="取消", by=manager)


def test_two_people_confirming_the_same_order_one_wins(
    customer, partner_user, manager, member, dc_pile, alpha
):
    order = _draft(customer, partner_user, (dc_pile, 1))
    admin = member(Role.TENANT_ADMIN)
    with tenant_context(alpha):
        services.submit_order(order, by=partner_user)
        first, second = _fresh(order), _fresh(order)
        services.confirm_order(first, by=manager)
        workflow.as_seen(second, S.SUBMITTED)
        with pytest.raises(workflow.AlreadyChanged) as refused:
            services.confirm_order(second, by=admin)
    assert manager.display_name in refused.value.messages[0]


def test_each_order_gets_the_next_number_of_the_year(customer, partner_user, dc_pile):
    first = _draft(customer, partner_user, (dc_pile, 1))
    second = _draft(customer, partner_user, (dc_pile, 1))
    assert int(second.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1
