"""Orders and inventory (seed 000 §4.3): the catalogue first; orders, shipments, stock and
sell-out reports and monitoring hang on its products.

Every table is tenant-owned (``TenantOwnedModel``); changes go through ``orders.services``;
workflow states are django-fsm-2 machines run through ``channelhub.workflow.transition()``.
"""

from orders.models.catalogue import (
    CATEGORY_DEPTH,
    Product,
    ProductCategory,
    ProductImport,
    ProductLine,
    ProductStatus,
    Unit,
)
from orders.models.inventory import (
    InventoryImport,
    InventoryReport,
    ReportDue,
    ReportKind,
    ReportSource,
    SellOutLine,
    StockCount,
    StockPosition,
    StockStatus,
)
from orders.models.orders import (
    COMMITTED,
    OPEN,
    EntryKind,
    Order,
    OrderCounter,
    OrderLine,
    OrderSettings,
    OrderStatus,
    ReceivableEntry,
    ReportCycle,
)
from orders.models.shipments import (
    MovementKind,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    StockMovement,
)

__all__ = [
    "CATEGORY_DEPTH",
    "COMMITTED",
    "OPEN",
    "EntryKind",
    "InventoryImport",
    "InventoryReport",
    "MovementKind",
    "Order",
    "OrderCounter",
    "OrderLine",
    "OrderSettings",
    "OrderStatus",
    "Product",
    "ProductCategory",
    "ProductImport",
    "ProductLine",
    "ProductStatus",
    "ReceivableEntry",
    "ReportCycle",
    "ReportDue",
    "ReportKind",
    "ReportSource",
    "SellOutLine",
    "Shipment",
    "ShipmentLine",
    "ShipmentStatus",
    "StockCount",
    "StockMovement",
    "StockPosition",
    "StockStatus",
    "Unit",
]
