"""Sortable list columns: ?sort=<key> ascending, ?sort=-<key> descending, among the columns a list offers.
Anything else (an unknown key, garbage) keeps the list's own order, never an error."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet


@dataclass(frozen=True)
class Sorting:
    columns: dict[str, tuple[str, ...]]  # key → the fields it orders by, in order
    key: str | None = None  # None: the list's own order
    descending: bool = False
    query: str = ""  # the other parameters of the page (filters), kept by the column links

    @classmethod
    def from_request(cls, request, columns: dict[str, tuple[str, ...]]) -> Sorting:
        raw = (request.GET.get("sort") or "")[:40]
        descending = raw.startswith("-")
        key = raw.lstrip("-")
        others = request.GET.copy()
        for name in ("sort", "page"):
            others.pop(name, None)
        if key not in columns:
            return cls(columns, query=others.urlencode())
        return cls(columns, key, descending, others.urlencode())

    def apply(self, rows: QuerySet) -> QuerySet:
        """The rows in the chosen order (empty values last either way), ties broken by id; or as they were."""
        if self.key is None:
            return rows
        order = [
            F(field).desc(nulls_last=True) if self.descending else F(field).asc(nulls_last=True)
            for field in self.columns[self.key]
        ]
        return rows.order_by(*order, "-pk" if self.descending else "pk")

    def link(self, key: str) -> dict:
        """What a column header needs: the address that sorts by it (the other way if it is the current one),
        and its state for aria-sort."""
        active = key == self.key
        descending = active and not self.descending
        sort = f"-{key}" if descending else key
        query = f"{self.query}&sort={sort}" if self.query else f"sort={sort}"
        state = ("descending" if self.descending else "ascending") if active else "none"
        return {"href": f"?{query}", "active": active, "state": state}
