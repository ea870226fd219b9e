"""Paging large lists: sort and count ids only, then load the one page's rows.

Sorting whole joined rows (``select_related``) of a big tenant made PostgreSQL spill the
sort to disk; ordering the ids alone uses the table's indexes and stays in memory. One
more query per page, the same whatever the row count.
"""

from django.core.paginator import Page, Paginator


def page_by_ids(ordered, rows, number, per_page: int) -> Page:
    """The page ``number`` of ``ordered`` (a sorted queryset), its objects loaded from
    ``rows`` (the same scope, with the joins and columns the page shows), in page order."""
    page = Paginator(ordered.values_list("pk", flat=True), per_page).get_page(number)
    loaded = rows.in_bulk(list(page.object_list))
    page.object_list = [loaded[pk] for pk in page.object_list if pk in loaded]
    return page
