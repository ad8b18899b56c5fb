"""The officers' home: each UPT of their region (each region, for national officers) with last month's
published counts and a twelve-month trend, read from the months' final figure sets (reports.publication),
so the home page and the monthly reports say the same, withheld cells included ("<5", "×")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, Region
from reports.publication import HEADLINE, NATIONAL, headlines

MONTHS = 12
TREND = "rehabilitation.active_people"  # the line drawn beside each row
COLUMNS = (
    ("screening.screened", _("Screened")),
    ("rehabilitation.active_people", _("In rehabilitation")),
    ("sessions.held", _("Sessions held")),
    ("aftercare.done", _("Follow-ups done")),
)
assert {path for path, _label in COLUMNS} <= set(HEADLINE)


@dataclass(frozen=True)
class TrendRow:
    name: str
    url: str
    cells: tuple  # last month's count (or "<5" / "×") per COLUMNS
    trend: tuple  # TREND per month, oldest first: a count, "<5", "×", or None where no figures exist


def last_months(today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The `count` months before this one, oldest first (this month is not over: no final figures yet)."""
    months, month = [], today.replace(day=1)
    for _step in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def officer_trends(user, today: dt.date) -> tuple[list[dt.date], list[TrendRow], dict | None]:
    """(the months, a row per UPT or region, the scope's own total row or None); no rows without figures."""
    months = last_months(today)
    by_month = headlines(months)
    if not by_month:
        return months, [], None
    scope = user.scope
    if scope.is_national:
        places = [(f"region:{r.pk}", r) for r in Region.objects.order_by("name")]
        total_key = NATIONAL
    else:
        places = [
            (f"institution:{i.pk}", i)
            for i in Institution.objects.filter(region_id__in=scope.region_ids).order_by("name")
        ]
        total_key = f"region:{next(iter(scope.region_ids))}" if len(scope.region_ids) == 1 else None
    latest = by_month.get(months[-1], {})
    rows = [
        TrendRow(
            name=place.name,
            url=place.get_absolute_url(),
            cells=tuple(latest.get(key, {}).get(path) for path, _label in COLUMNS),
            trend=tuple(by_month.get(month, {}).get(key, {}).get(TREND) for month in months),
        )
        for key, place in places
    ]
    total = None
    if total_key:
        total = {
            "cells": tuple(latest.get(total_key, {}).get(path) for path, _label in COLUMNS),
            "trend": tuple(by_month.get(month, {}).get(total_key, {}).get(TREND) for month in months),
        }
    return months, rows, total
