"""Paging large lists: sort and count ids only, then load the one page's rows.

Sorting whole joined rows (``select_related``) of a big tenant made PostgreSQL spill the
sort to disk; ordering the ids alone uses the table's indexes and stays in memory. One
more query per page, the same whatever the row count.

Counting is the one cost that grows with the tenant (20,000 partners: 3.4 ms of the database
for each list page, more than the rest of the page's queries together). A caller that names the
scopes its rows come from (``count_scopes``) has the count kept in the shared cache
(channelhub.caching) under the count query's own SQL and parameters — so each filter, each
user's visibility and each tenant has its own — until one of those scopes changes.
"""

import hashlib

from django.core.paginator import Page, Paginator
from django.db.models.query import ValuesIterable
from django.utils.functional import cached_property

from channelhub import caching


class KeptCountPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count_scopes: tuple[str, ...] = (), count_of=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_scopes = count_scopes
        self.count_of = count_of  # the same rows without what only the ordering needs (a join)

    @cached_property
    def count(self):
        if self.count_of is not None and not self.count_scopes:
            return self.count_of.count()
        if not self.count_scopes or not caching.enabled():
            return super().count
        sql, params = self.object_list.order_by().query.sql_with_params()
        digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:32]
        return caching.kept(
            f"count:{digest}", self.count_scopes, lambda: super(KeptCountPaginator, self).count
        )


def page_by_ids(
    ordered, rows, number, per_page: int, count_scopes: tuple[str, ...] = (), count_of=None
) -> Page:
    """The page ``number`` of ``ordered`` (a sorted queryset), its objects loaded from
    ``rows`` (the same scope, with the joins and columns the page shows; or ``values()``
    including ``"pk"``), in page order. With ``count_scopes`` (every scope a change of which
    can change what ``ordered`` holds), the count is kept until one of them changes;
    ``count_of`` counts the same rows without a join only the ordering needs."""
    paginator = KeptCountPaginator(
        ordered.values_list("pk", flat=True), per_page, count_scopes=count_scopes, count_of=count_of
    )
    page = paginator.get_page(number)
    ids = list(page.object_list)
    if issubclass(rows._iterable_class, ValuesIterable):
        loaded = {row["pk"]: row for row in rows.filter(pk__in=ids)}
    else:
        loaded = rows.in_bulk(ids)
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page
