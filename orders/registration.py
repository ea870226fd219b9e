"""What the orders module plugs into the shared mechanisms (channelhub.modules), registered
once from ``OrdersConfig.ready()``: timeline words, state labels, home tiles, the sidebar and
the demo loader. The catalogue comes first; orders, stock and monitoring follow (issue 11)."""

from django.utils.translation import gettext_lazy as _

from channelhub import modules

VERBS = {
    "category.created": _("Added the category"),
    "category.changed": _("Changed the category"),
    "product_line.created": _("Added the product line"),
    "product_line.changed": _("Changed the product line"),
    "product.created": _("Added the product"),
    "product.changed": _("Changed the product"),
    "product.discontinued": _("Discontinued the product"),
    "product.reinstated": _("Put the product back in the catalogue"),
    "order.created": _("Created the order"),
    "order.edited": _("Edited the draft"),
    "order.submitted": _("Submitted the order"),
    "order.credit_hold": _("Over the credit limit: credit hold"),
    "order.credit_released": _("Credit approved: order confirmed"),
    "order.confirmed": _("Confirmed the order"),
    "order.lines_changed": _("Changed the quantities"),
    "order.rejected": _("Rejected the order"),
    "order.cancelled": _("Cancelled the order"),
    "order.shipped": _("Shipped"),
    "order.receipt_short": _("Received less than shipped"),
    "order.received": _("Everything received: order complete"),
    "shipment.shipped": _("Shipped"),
    "shipment.received": _("Receipt confirmed"),
    "inventory.stock_reported": _("Reported stock"),
    "inventory.sell_out_reported": _("Reported sell-out"),
    "order_settings.changed": _("Changed the order and reporting settings"),
    "total": _("Total"),
}


def _load_demo(context):
    from orders.demo import load_catalogue_demo, load_inventory_demo, load_orders_demo

    load_catalogue_demo(context)
    load_orders_demo(context)
    load_inventory_demo(context)


def register() -> None:
    from celery.schedules import crontab

    from channelhub.approvals import ApprovalAction
    from orders import services
    from orders.access import can_view_import_files, can_view_report_files
    from orders.models import (
        InventoryImport,
        InventoryReport,
        Order,
        OrderStatus,
        Product,
        ProductImport,
        ProductStatus,
        Shipment,
        ShipmentStatus,
    )

    modules.register(
        "orders",
        approval_actions=[
            ApprovalAction(
                key=services.CREDIT_HOLD,
                on_approved=services.on_credit_approved,
                on_rejected=services.on_credit_rejected,
                describe=services.describe_credit_hold,
                subject_url=services.order_url,
            )
        ],
        state_labels=[(Product, ProductStatus), (Order, OrderStatus), (Shipment, ShipmentStatus)],
        file_owners=[(ProductImport, can_view_import_files), (InventoryImport, can_view_report_files)],
        labels=VERBS,
        tiles=[
            modules.Tile(
                key="catalogue",
                title=_("Product catalogue"),
                icon="grid-3x3-gap",
                permission="catalogue.manage",  # everyone else finds it in the sidebar
                text=_("Categories, product lines and SKUs: what partners can order."),
                url_name="orders:product-list",
                order=39,
            ),
            modules.Tile(
                key="orders",
                title=_("Orders and inventory"),
                icon="box-seam",
                permission="orders.manage",
                text=_("Confirm, allocate and ship partner orders; watch stock levels."),
                url_name="orders:order-list",
                order=40,
            ),
            modules.Tile(
                key="orders_partner",
                title=_("My orders"),
                icon="cart",
                permission="orders.place",
                text=_("Place orders, confirm receipt and report inventory."),
                url_name="orders:order-list",
                order=41,
            ),
        ],
        nav=[
            modules.NavEntry(
                key="orders",
                label=_("Orders"),
                icon="cart",
                url_name="orders:order-list",
                permission="orders.view",
                order=74,
                section=_("Orders and inventory"),
                active=("orders:order-*",),
                testid="nav-orders",
            ),
            modules.NavEntry(
                key="catalogue",
                label=_("Product catalogue"),
                icon="grid-3x3-gap",
                url_name="orders:product-list",
                permission="catalogue.view",
                order=75,
                section=_("Orders and inventory"),
                active=("orders:product-*", "orders:category-*", "orders:line-*"),
                testid="nav-catalogue",
            ),
            modules.NavEntry(
                key="receivables",
                label=_("Receivables"),
                icon="cash-coin",
                url_name="orders:receivable-list",
                permission="orders.manage",
                order=78,
                section=_("Orders and inventory"),
                active=("orders:receivable-*", "orders:partner-ledger"),
                testid="nav-receivables",
            ),
            modules.NavEntry(
                key="stock",
                label=_("Stock monitoring"),
                icon="boxes",
                url_name="orders:stock",
                permission="inventory.view",
                order=76,
                section=_("Orders and inventory"),
                active=("orders:stock*", "orders:demand*"),
                inactive=("orders:stock-report*",),
                testid="nav-stock",
            ),
            modules.NavEntry(
                key="inventory_reports",
                label=_("Stock and sell-out reports"),
                icon="clipboard-data",
                url_name="orders:report-list",
                permission="inventory.view",
                order=77,
                section=_("Orders and inventory"),
                active=("orders:report-*", "orders:sell-out-*", "orders:stock-report*"),
                testid="nav-inventory-reports",
            ),
        ],
        beat={"orders-daily": {"task": "orders.daily", "schedule": crontab(hour=1, minute=45)}},
        partner_business=services.partner_business,
        demo=_load_demo,
        demo_order=40,
        demo_counts={
            "products": lambda: Product.all_tenants.count(),
            "orders": lambda: Order.all_tenants.count(),
            "inventory reports": lambda: InventoryReport.all_tenants.count(),
        },
    )
