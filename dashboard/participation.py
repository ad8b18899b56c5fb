"""The participation dashboard's figures: screening coverage, people in rehabilitation against the programmes'
targets and capacity, attendance and follow-ups done on time, for twelve months and per UPT (of a region) or
per region (of the nation). Read only from the months' published headline counts (reports.publication), so
the dashboard says what the monthly reports say, withheld cells included; nothing is counted here from the
records. A rate is shown only where both its counts are published numbers: beside a "<5" or "×" it could give
the hidden count back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dashboard.trends import last_months
from institutions.models import Institution, Region
from reports.disclosure import HIDDEN, WITHHELD, rate_text
from reports.publication import HEADLINE, NATIONAL, headlines

NO_FIGURE = "—"  # a month without figures, or a rate over nothing


@dataclass(frozen=True)
class Rate:
    text: str  # "57%", "×" (withheld) or "—" (nothing to divide by, or no figures)
    value: float | None  # the fraction, only where the text shows it

    def __str__(self) -> str:
        return self.text


def rate(numerator, denominator, *, people_denominator: bool = True) -> Rate:
    """numerator ÷ denominator from published cells (an int, "<5", "×" or None), as reports.disclosure
    allows it to be printed."""
    if numerator is None or denominator is None:
        return Rate(NO_FIGURE, None)  # the month's figures predate one of the counts
    if not isinstance(numerator, int) or not isinstance(denominator, int):
        return Rate(WITHHELD, None)
    text = rate_text(numerator, denominator, people_denominator=people_denominator)
    return Rate(text, numerator / denominator if text.endswith("%") else None)


@dataclass(frozen=True)
class Column:
    key: str  # the ?sort= value
    label: str  # in a chart's legend and for screen readers
    short: str  # in a column head, under its group's
    group: str
    count: str | None = None  # a published count's path, shown as published
    # A rate: (numerator path, denominator path, whether the denominator counts people).
    ratio: tuple[str, str, bool] | None = None

    def cell(self, cells: dict):
        if self.count:
            return cells.get(self.count)
        numerator, denominator, people = self.ratio
        return rate(cells.get(numerator), cells.get(denominator), people_denominator=people)


SCREENING, REHABILITATION, SESSIONS, AFTERCARE = (
    _("Screening of narcotics WBP"),
    _("In rehabilitation"),
    _("Sessions"),
    _("After-care follow-ups"),
)
# The comparison table's columns after the place's name. Sessions attended and expected, and the programmes'
# targets and capacity, are not counts of people: they are published as rates only (reports.publication). The
# short heads of rates name no "%" in the source (xgettext reads "% o…" as a printf directive); the Indonesian
# ones may ("% dari target").
COLUMNS = (
    Column("narcotics", _("Narcotics WBP held"), _("In custody"), SCREENING, count="population.narcotics"),
    Column("screened", _("Screened in custody"), _("Screened"), SCREENING, count="population.screened"),
    Column(
        "coverage",
        _("Screening coverage"),
        _("Coverage"),
        SCREENING,
        ratio=("population.screened", "population.narcotics", True),
    ),
    Column(
        "people",
        _("People in rehabilitation"),
        _("People"),
        REHABILITATION,
        count="rehabilitation.active_people",
    ),
    Column("enrolments", _("Active enrolments"), _("Enrolments"), REHABILITATION, count="targets.active"),
    Column(
        "of_target",
        _("Enrolments of target"),
        _("Of target"),
        REHABILITATION,
        ratio=("targets.active", "targets.target", False),
    ),
    Column(
        "of_capacity",
        _("Enrolments of capacity"),
        _("Of capacity"),
        REHABILITATION,
        ratio=("targets.active", "targets.capacity", False),
    ),
    Column(
        "attendance",
        _("Attendance rate"),
        _("Attendance"),
        SESSIONS,
        # Attendance records are each a person at a session: the report's own rule (reports.disclosure).
        ratio=("sessions.attended", "sessions.expected", True),
    ),
    Column("followups", _("Follow-ups done"), _("Done"), AFTERCARE, count="aftercare.done"),
    Column("on_time", _("Done on time"), _("On time"), AFTERCARE, count="aftercare.on_time"),
    Column(
        "on_time_rate",
        _("On-time rate"),
        _("Rate on time"),
        AFTERCARE,
        ratio=("aftercare.on_time", "aftercare.done", True),
    ),
)
# The heads over the columns, each with how many it spans (compared by identity: a lazy string is not
# translated at import).
GROUPS = [
    (group, sum(1 for column in COLUMNS if column.group is group))
    for group in (SCREENING, REHABILITATION, SESSIONS, AFTERCARE)
]
assert sum(span for _group, span in GROUPS) == len(COLUMNS)
NAME = "name"
SORT_KEYS = (NAME, *(column.key for column in COLUMNS))
assert {column.count for column in COLUMNS if column.count} <= set(HEADLINE)
assert {path for column in COLUMNS if column.ratio for path in column.ratio[:2]} <= set(HEADLINE)

# The twelve-month charts: each a title and its lines (a column each), with whether they are rates.
CHARTS = (
    ("coverage", _("Screening coverage"), ("coverage",), True),
    ("people", _("People in rehabilitation"), ("people", "enrolments"), False),
    ("targets", _("Active enrolments against target and capacity"), ("of_target", "of_capacity"), True),
    ("attendance", _("Attendance rate"), ("attendance",), True),
    ("on_time", _("Follow-ups done on time"), ("on_time_rate",), True),
)


@dataclass(frozen=True)
class Row:
    pk: int
    name: str
    url: str
    cells: tuple  # per COLUMNS: a count (int, "<5", "×" or None) or a Rate


@dataclass(frozen=True)
class Participation:
    months: list[dt.date]  # the twelve, oldest first
    month: dt.date | None  # the latest month with figures: the table's
    rows: list[Row]
    total: tuple | None  # the scope's own cells for `month`, per COLUMNS
    trend: list[tuple[dt.date, tuple | None]]  # the scope's cells per month; None: no figures that month

    def series(self, key: str) -> list[float | int | None]:
        """A column's values over the months for a chart: a count or a rate's fraction, else None."""
        index = [column.key for column in COLUMNS].index(key)
        values = []
        for _month, cells in self.trend:
            cell = cells[index] if cells else None
            values.append(cell.value if isinstance(cell, Rate) else cell if isinstance(cell, int) else None)
        return values


def cells_of(published: dict) -> tuple:
    return tuple(column.cell(published) for column in COLUMNS)


def participation(
    today: dt.date, *, region: Region | None, places: list[Region] | list[Institution]
) -> Participation:
    """The nation's figures with a row per region of `places` (region None), or `region`'s with a row per
    UPT of `places`. One query, whatever the number of places."""
    months = last_months(today)
    by_month = headlines(months)
    total_key = f"region:{region.pk}" if region else NATIONAL
    prefix = "institution" if region else "region"
    month = max(by_month, default=None)
    latest = by_month.get(month, {})
    rows = [
        Row(
            pk=place.pk,
            name=place.name,
            url=place.get_absolute_url() if region else f"?region={place.pk}",
            cells=cells_of(latest.get(f"{prefix}:{place.pk}", {})),
        )
        for place in places
    ]
    trend = [
        (each, cells_of(by_month[each].get(total_key, {})) if each in by_month else None) for each in months
    ]
    total = cells_of(latest.get(total_key, {})) if month else None
    return Participation(months=months, month=month, rows=rows, total=total, trend=trend)


# --- Sorting ---------------------------------------------------------------------------------------------

# Where a cell sorts: numbers by their value ("<5" as one of 1–4: between 0 and 5), then "×", then "—" or no
# figures, in either direction: a withheld or missing value is not the smallest or the largest.
SMALL_RANK = 2.5


def _rank(cell, descending: bool) -> tuple:
    if isinstance(cell, Rate):
        value, text = cell.value, cell.text
    else:
        value = cell if isinstance(cell, int) else SMALL_RANK if cell == HIDDEN else None
        text = cell
    if value is not None:
        return (0, -value if descending else value)
    return (1 if text == WITHHELD else 2, 0)


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """The rows by `key` (NAME or a column's key), ties by name then id: the same order on every load."""
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.pk))
    if key == NAME:
        return by_name[::-1] if descending else by_name
    index = [column.key for column in COLUMNS].index(key)
    return sorted(by_name, key=lambda row: _rank(row.cells[index], descending))  # stable: names stay in order
