"""The partner list's search and credit-limit sort stay fast on large tenants (PostgreSQL only).

Search: the trigram indexes of 0003 were built with GIN's default ``fastupdate``, which
parks new rows in a pending list that every search then reads row by row until a vacuum
merges it. After a bulk load (an Excel import, the 20,000 partners of
benchmarks/partner_registry.py) the list held them all: the planner priced the indexes
above a sequential scan and the Chinese-name search read every row (15 ms per query, the
count and the page each, instead of 0.1 ms). Partners are written one form or one import
at a time, so the indexes are now updated on write (``fastupdate = off``) and the list is
merged once here.

Sort: the list orders by the column, then the name, then the id, with empty values last
both ways (partners.filters.order_by); two composite indexes, one per direction, give the
credit-limit sort its page without sorting the tenant's rows (a deep page, ``?sort=-credit
&page=200``, read and sorted all 20,000 ids for 25).

SQLite (the embedded default) skips this migration's SQL.
"""

from django.db import migrations

TRIGRAM_INDEXES = ("partner_name_trgm_idx", "partner_credit_code_trgm_idx", "partner_legal_rep_trgm_idx")

SORT_INDEXES = {
    "partner_credit_sort_idx": "tenant_id, credit_limit ASC NULLS LAST, name ASC NULLS LAST, id ASC NULLS LAST",
    "partner_credit_desc_sort_idx": (
        "tenant_id, credit_limit DESC NULLS LAST, name DESC NULLS LAST, id DESC NULLS LAST"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} SET (fastupdate = off)")
        schema_editor.execute(
            "SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.relname = %s AND c.relkind = 'i'",
            params=[name],
        )
    for name, columns in SORT_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON partners_partner ({columns})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SORT_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("partners", "0007_contact_mobile_e164")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
