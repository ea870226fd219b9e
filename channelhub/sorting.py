"""Sortable list columns: the ``?sort=`` parameter, its ORDER BY and the header links.

A list declares its columns once, ``key -> (label, fields of the ascending order)``; the last
fields break ties (the primary key last, so paging is stable). ``?sort=key`` sorts ascending,
``?sort=-key`` descending; an unknown key is the default, never an error.
"""

from dataclasses import dataclass

from django.db.models import F


@dataclass(frozen=True)
class Sorts:
    columns: dict  # key -> (label, ascending fields)
    default: str
    end: tuple[str, ...] = ()  # keys of right-aligned (amount) columns

    def order_by(self, sort: str | None) -> tuple[str, tuple]:
        """The validated sort key and its order_by; empty values last both ways, on every
        database (PostgreSQL and SQLite differ by default)."""
        sort = sort or self.default
        key = sort.lstrip("-")
        if key not in self.columns:
            sort = self.default  # may be descending itself ("-created": the newest first)
            key = sort.lstrip("-")
        descending = sort.startswith("-")
        fields = tuple(
            F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
            for field in self.columns[key][1]
        )
        return sort, fields

    def headers(self, sort: str, base_query: str, keys=None) -> list[dict]:
        """The header cells of ``keys`` (default: every column): label, the query string that
        sorts by it (the other way round if it is the current sort), and whether it is current.
        ``base_query`` is the list's query string without ``sort`` and ``page``."""
        headers = []
        for key in keys or self.columns:
            current = sort.lstrip("-") == key
            descending = current and sort.startswith("-")
            target = key if not current or descending else f"-{key}"
            headers.append(
                {
                    "key": key,
                    "label": self.columns[key][0],
                    "query": f"{base_query}&sort={target}" if base_query else f"sort={target}",
                    "current": current,
                    "descending": descending,
                    "end": key in self.end,
                }
            )
        return headers
