"""Every change of the orders module's state (orders.models), one function per verb."""

from orders.services.catalogue import (
    PRODUCT_FIELDS,
    create_product,
    discontinue_product,
    history_values,
    product_url,
    reinstate_product,
    save_category,
    save_line,
    update_product,
)

__all__ = [
    "PRODUCT_FIELDS",
    "create_product",
    "discontinue_product",
    "history_values",
    "product_url",
    "reinstate_product",
    "save_category",
    "save_line",
    "update_product",
]
