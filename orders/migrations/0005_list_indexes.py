"""The order list and the monitoring page stay fast on a large tenant (PostgreSQL only;
measured by benchmarks/orders.py: 400,000 orders, 250,000 stock positions).

Sort: lists order by their column with empty values last both ways (channelhub.sorting), and
the newest orders first by default; without an index of that exact order PostgreSQL sorted the
tenant's 400,000 orders for each page of 25 (410 ms; 630 ms at page 400). The monitoring page
sorts by days of cover (352 ms over 250,000 positions). One composite index per sort that
pages; each answers its page in well under a millisecond.

Search: the order search is ``icontains`` on the order number and the partner's PO number,
which Django writes as ``UPPER(col::text) LIKE …``: trigram GIN indexes on those expressions
(updated on write, as the partner search's, migration partners/0008).

SQLite (the embedded default) skips this migration's SQL.
"""

from django.db import migrations

SORT_INDEXES = {
    "orders_order": {
        "order_created_desc_idx": "tenant_id, created_at DESC NULLS LAST, id DESC NULLS LAST",
        "order_status_created_desc_idx": "tenant_id, status, created_at DESC NULLS LAST, id DESC NULLS LAST",
        "order_total_desc_idx": "tenant_id, total DESC NULLS LAST, number DESC NULLS LAST, id DESC NULLS LAST",
        "order_status_sort_idx": "tenant_id, status, number, id",
    },
    "orders_stockposition": {
        "stock_position_cover_sort_idx": "tenant_id, days_of_cover, id",
        "stock_position_status_cover_idx": "tenant_id, status, days_of_cover, id",
        "stock_position_suggested_idx": "tenant_id, suggested_quantity DESC NULLS LAST, id DESC NULLS LAST",
    },
}
TRIGRAM_INDEXES = {"order_number_trgm_idx": "number", "order_po_number_trgm_idx": "po_number"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, indexes in SORT_INDEXES.items():
        for name, columns in indexes.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON orders_order "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops) WITH (fastupdate = off)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for indexes in SORT_INDEXES.values():
        for name in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_inventory")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
