"""A page of a long list read as ids in one pass, up to a cap: the rows of the page are then fetched by id.

For lists whose filter is dear to evaluate (a region's share of a million audit events, a name search with
tolerant matching over 300,000 people): Django's paginator asks the database twice — a count of every
match, then the page — and each time the whole filter runs again. Reading the matching ids in order once
gives the page and whether more match than the cap; nobody pages past a thousand rows, they narrow the
filters, and the page says so."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

CAP = 1000  # rows listed at most; the page says when more match


def capped_page(rows: QuerySet, number, fetch: QuerySet) -> tuple[Page, bool]:
    """(the page `number` of `rows`, whether more than CAP match). `rows` must be ordered; the page's rows
    come from `fetch` (select_related and the like) by id, in the order of `rows`."""
    cap = CAP
    ids = list(rows.values_list("pk", flat=True)[: cap + 1])
    page = Paginator(ids[:cap], settings.PAGE_SIZE).get_page(number)
    found = fetch.in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page, len(ids) > cap
