"""Factories of the orders module's rows (registered in tests.factories.OBJECT_FACTORIES)."""

from decimal import Decimal

import factory

from channelhub.tenancy import tenant_context
from orders.models import Order, OrderLine, Product, ProductCategory, ProductImport, ProductLine
from tests.factories import (
    PartnerFactory,
    TenantFactory,
    TenantOwnedFactory,
    UserFactory,
    attach_workbook,
)


class ProductCategoryFactory(TenantOwnedFactory):
    class Meta:
        model = ProductCategory

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"测试类别{n}")
    code = factory.Sequence(lambda n: f"CAT{n}")


class ProductLineFactory(TenantOwnedFactory):
    class Meta:
        model = ProductLine

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"L{n}")
    name = factory.Sequence(lambda n: f"测试产品线{n}")


class ProductFactory(TenantOwnedFactory):
    class Meta:
        model = Product

    tenant = factory.SubFactory(TenantFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"测试产品{n}")
    category = factory.LazyAttribute(lambda o: ProductCategoryFactory(tenant=o.tenant))
    line = factory.LazyAttribute(lambda o: ProductLineFactory(tenant=o.tenant))
    list_price = Decimal("100.00")


OBJECT_FACTORIES = {
    ProductCategory: lambda tenant, viewer=None: ProductCategoryFactory(tenant=tenant),
    ProductLine: lambda tenant, viewer=None: ProductLineFactory(tenant=tenant),
    Product: lambda tenant, viewer=None: ProductFactory(tenant=tenant),
}


class ProductImportFactory(TenantOwnedFactory):
    """An uploaded catalogue workbook (the empty template by default) waiting for confirmation."""

    class Meta:
        model = ProductImport
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def workbook(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        from orders.importer import template_workbook

        with tenant_context(obj.tenant):  # the template names the tenant's lines and categories
            data = extracted if extracted is not None else template_workbook()
        attach_workbook(obj, data, "产品导入.xlsx")


OBJECT_FACTORIES[ProductImport] = lambda tenant, viewer=None: ProductImportFactory(
    tenant=tenant, **({"created_by": viewer.user} if viewer is not None else {})
)


class OrderFactory(TenantOwnedFactory):
    """A draft order of one line (a product of 100.00 × 2) for a partner of the tenant."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    number = factory.Sequence(lambda n: f"TEST-{n:06d}")  # never a number the counter gives
    partner = factory.LazyAttribute(lambda o: PartnerFactory(tenant=o.tenant))
    delivery_address = "杭州市西湖区文三路 100 号"
    placed_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        with tenant_context(obj.tenant):
            for position, (product, quantity) in enumerate(
                extracted if extracted is not None else [(ProductFactory(tenant=obj.tenant), 2)], start=1
            ):
                OrderLine.objects.create(
                    order=obj, position=position, product=product, quantity=quantity,
                    unit_price=product.list_price, amount=product.list_price * quantity,
                )  # fmt: skip
            obj.total = sum(line.amount for line in obj.lines.all())
            obj.save(update_fields=["total"])


def _viewer_partner(tenant, viewer):
    if viewer is not None and viewer.partner_id and viewer.tenant_id == tenant.pk:
        return viewer.partner
    return PartnerFactory(tenant=tenant)


def _order_for(tenant, viewer=None):
    """A confirmed order the viewer may see (a partner user's own partner's): every page of an
    order, its confirmation PDF too, has something to show."""
    from django.utils import timezone

    from orders.models import OrderStatus

    return OrderFactory(
        tenant=tenant,
        status=OrderStatus.CONFIRMED,
        confirmed_at=timezone.now(),
        partner=_viewer_partner(tenant, viewer),
    )


OBJECT_FACTORIES[Order] = _order_for


def _shipment_for(tenant, viewer=None):
    """A shipment in transit of a shipped order the viewer may see."""
    from orders.models import Shipment, ShipmentLine

    order = _order_for(tenant, viewer)
    with tenant_context(tenant):
        line = order.lines.first()
        shipment = Shipment.objects.create(
            order=order, number=f"{order.number}-1", carrier="顺丰", shipped_on=order.created_at.date(),
            shipped_by=order.placed_by,
        )  # fmt: skip
        ShipmentLine.objects.create(shipment=shipment, order_line=line, quantity=line.quantity)
    return shipment


def _register_shipment():
    from orders.models import Shipment

    OBJECT_FACTORIES[Shipment] = _shipment_for


_register_shipment()


def _report_for(tenant, viewer=None):
    """A stock report of one count, of the viewer's partner where it has one."""
    from datetime import date

    from orders.models import InventoryReport, ReportKind, ReportSource, StockCount

    partner = _viewer_partner(tenant, viewer)
    day = date(2026, 11, 30)
    with tenant_context(tenant):
        report = InventoryReport.objects.create(
            partner=partner, kind=ReportKind.STOCK, source=ReportSource.FORM, first_day=day, last_day=day,
            line_count=1, total_quantity=5, created_by=viewer.user if viewer is not None else UserFactory(),
        )  # fmt: skip
        StockCount.objects.create(
            report=report, partner=partner, product=ProductFactory(tenant=tenant), counted_on=day, quantity=5,
            book_quantity=7,
        )  # fmt: skip
    return report


def _position_for(tenant, viewer=None):
    from django.utils import timezone

    from orders.models import StockPosition, StockStatus

    with tenant_context(tenant):
        return StockPosition.objects.create(
            partner=_viewer_partner(tenant, viewer), product=ProductFactory(tenant=tenant), on_hand=3,
            in_transit=0, sold_in_window=28, avg_daily=1.0, days_of_cover=3.0, status=StockStatus.LOW,
            suggested_quantity=27, computed_on=timezone.localdate(), computed_at=timezone.now(),
            status_since=timezone.localdate(),
        )  # fmt: skip


def _inventory_import_for(tenant, viewer=None):
    """A sell-out upload (the empty template) of the viewer's partner, waiting for confirmation."""
    from orders.models import InventoryImport, ReportKind
    from orders.report_import import template_workbook

    partner = _viewer_partner(tenant, viewer)
    with tenant_context(tenant):
        data = template_workbook(ReportKind.SELL_OUT)
        upload = InventoryImport.objects.create(
            kind=ReportKind.SELL_OUT, partner=partner, created_by=viewer.user if viewer is not None else UserFactory(),
            parsed={"columns": [], "rows": []},
        )  # fmt: skip
    attach_workbook(upload, data, "销售上报.xlsx")
    return upload


def _register_inventory():
    from orders.models import InventoryImport, InventoryReport, StockPosition

    OBJECT_FACTORIES[InventoryReport] = _report_for
    OBJECT_FACTORIES[StockPosition] = _position_for
    OBJECT_FACTORIES[InventoryImport] = _inventory_import_for


_register_inventory()
