"""Who sees which of the orders module's rows: one function per aggregate."""

from channelhub import roles
from channelhub.access import as_seen_by, get_for_tenant_or_404
from orders.models import Product, ProductStatus


def visible_products(request):
    """The tenant's catalogue; partner users see what they can order (active products)."""
    queryset = Product.objects.all()
    membership = request.membership
    if membership is not None and membership.is_partner_user:
        queryset = queryset.filter(status=ProductStatus.ACTIVE)
    return queryset


def get_product_for_user(request, pk) -> Product:
    queryset = visible_products(request).select_related("category__parent__parent", "line")
    return as_seen_by(request, get_for_tenant_or_404(queryset, pk=pk))


def can_view_import_files(request, product_import) -> bool:
    """An uploaded catalogue file: the people who may import (channelhub.files owner rule)."""
    membership = getattr(request, "membership", None)
    return membership is not None and roles.can(membership.role, "catalogue.manage")


def visible_orders(request):
    """The tenant's orders; a partner user's own partner's only."""
    from channelhub.access import restrict_to_partner
    from orders.models import Order

    return restrict_to_partner(request, Order.objects.all())


def get_order_for_user(request, pk):
    queryset = visible_orders(request).select_related("partner", "partner__owner", "placed_by")
    return as_seen_by(request, get_for_tenant_or_404(queryset, pk=pk))


def get_shipment_for_user(request, pk):
    from orders.models import Shipment

    queryset = Shipment.objects.filter(order__in=visible_orders(request)).select_related("order")
    return as_seen_by(request, get_for_tenant_or_404(queryset, pk=pk))


def can_view_report_files(request, upload) -> bool:
    """An uploaded stock or sell-out file: its partner's users, and the staff who see reports."""
    membership = getattr(request, "membership", None)
    if membership is None or not roles.can(membership.role, "inventory.view"):
        return False
    return not membership.is_partner_user or membership.partner_id == upload.partner_id
