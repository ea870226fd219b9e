"""Paging large lists: sort and count ids only, then load the one page's rows.

Sorting whole joined rows (``select_related``) of a big tenant made PostgreSQL spill the
sort to disk; ordering the ids alone uses the table's indexes and stays in memory. One
more query per page, the same whatever the row count.
"""

from django.core.paginator import Page, Paginator
from django.db.models.query import ValuesIterable


def page_by_ids(ordered, rows, number, per_page: int) -> Page:
    """The page ``number`` of ``ordered`` (a sorted queryset), its objects loaded from
    ``rows`` (the same scope, with the joins and columns the page shows; or ``values()``
    including ``"pk"``), in page order."""
    page = Paginator(ordered.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    if issubclass(rows._iterable_class, ValuesIterable):
        loaded = {row["pk"]: row for row in rows.filter(pk__in=ids)}
    else:
        loaded = rows.in_bulk(ids)
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page
