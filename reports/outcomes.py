"""Counting release outcomes with each release's next admission and death looked up once.

The ORM would write the figures of reports.cohorts as one GROUP BY whose every window filter repeats the
correlated look-ups of the next admission and of a death (48 sub-plans per release for four windows), which
took seconds on national data. Here the ORM builds the inner query — one row per release with its return
and death dates, each looked up once — and a small outer query counts over it. The inner query is fenced
(OFFSET 0) so the database cannot fold it into the outer one and repeat the look-ups again.

Only dates cross the boundary; the few expressions that differ between PostgreSQL and SQLite (days between
two dates, the smaller of two dates) are chosen here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction


def _dialect(alias: str) -> tuple[str, callable, callable]:
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        return " OFFSET 0", (lambda a, b: f"({a} - {b})"), (lambda a, b: f"LEAST({a}, {b})")
    return (
        " LIMIT -1 OFFSET 0",
        (lambda a, b: f"CAST(julianday({a}) - julianday({b}) AS INTEGER)"),
        (lambda a, b: f"MIN({a}, {b})"),
    )


def _param(alias: str, day: dt.date):
    return day if connections[alias].vendor == "postgresql" else day.isoformat()


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class KeptRows:
    """Rows kept in a temporary table, or made by a query (kept_with_outcomes), counted like a queryset."""

    db: str
    sql: str
    params: tuple = ()


@contextmanager
def kept_with_outcomes(base, *, later, deaths, grouped: bool) -> Iterator[KeptRows]:
    """The releases of `base` (values: "id", "person_id", "released_on", "cohort" and, when `grouped`,
    "group") kept in a temporary table for the length of the block with "returned_on" — the first of the
    admissions `later` ("id", "person_id", "admitted_on") after the release, or the same day and registered
    after it (reports.cohorts.releases' rule) — and "died_on" — from `deaths` ("admission", "first").

    Found by joins and GROUP BY over every release at once: the correlated look-ups of releases() run one
    release at a time, serially, a second for the nation. The table serves several counts (the month's
    cohort table and Kaplan–Meier).

    On a read replica (any database but the primary) nothing can be created, temporary tables included (a
    hot standby refuses them): there the rows are the same joins as materialised CTEs, worked out again by
    each count that reads them."""
    alias = base.db
    base_sql, base_params = base.query.sql_with_params()
    later_sql, later_params = later.query.sql_with_params()
    deaths_sql, deaths_params = deaths.query.sql_with_params()
    suffix = uuid.uuid4().hex[:12]
    releases, table = f"kept_base_{suffix}", f"kept_releases_{suffix}"
    group = ', k."group"' if grouped else ""
    joined = (
        f"SELECT k.cohort{group}, k.released_on, n.first AS returned_on, d.first AS died_on"
        f" FROM {releases} k"
        " LEFT JOIN (SELECT r.id, MIN(a.admitted_on) AS first"
        f" FROM {releases} r JOIN ({later_sql}) a ON a.person_id = r.person_id"
        " AND (a.admitted_on > r.released_on OR (a.admitted_on = r.released_on AND a.id > r.id))"
        " GROUP BY r.id) n ON n.id = k.id"
        f" LEFT JOIN ({deaths_sql}) d ON d.admission = k.id"
    )
    if alias != DEFAULT_DB_ALIAS:
        materialized = " MATERIALIZED" if connections[alias].vendor == "postgresql" else ""
        yield KeptRows(
            alias,
            f"WITH {releases} AS{materialized} ({base_sql}), {table} AS{materialized} ({joined})"
            f" SELECT * FROM {table}",
            (*base_params, *later_params, *deaths_params),
        )
        return
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {releases} AS {base_sql}", base_params)
            cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {joined}", [*later_params, *deaths_params])
        try:
            yield KeptRows(alias, f"SELECT * FROM {table}")
        finally:
            with connections[alias].cursor() as cursor:
                cursor.execute(f"DROP TABLE {table}")
                cursor.execute(f"DROP TABLE {releases}")


def _select(inner) -> tuple[str, str, list]:
    """(database alias, SQL, parameters) of a values() queryset or of kept rows."""
    if isinstance(inner, KeptRows):
        return inner.db, inner.sql, list(inner.params)
    sql, params = inner.query.sql_with_params()
    return inner.db, sql, list(params)


def counts_by_window(inner, *, cutoff: dt.date, windows: dict[int, int], grouped: bool) -> list[dict]:
    """`inner`: a values() queryset of releases with "cohort", "released_on", "returned_on", "died_on" (and
    "group" when `grouped`). One row per cohort (and group): "size", and per window in months (`windows`:
    months → days) "eligible_<months>" and "returned_<months>"."""
    alias, sql, params = _select(inner)
    fence, days, _least = _dialect(alias)
    gap, death_gap = days("r.returned_on", "r.released_on"), days("r.died_on", "r.released_on")
    columns, values = ["COUNT(*)"], []
    for span in windows.values():
        # Someone who died within the window without having returned was not observed for it: not eligible.
        eligible = (
            f"r.released_on <= %s AND (r.died_on IS NULL OR {death_gap} >= %s"
            f" OR (r.returned_on IS NOT NULL AND {gap} <= {death_gap}))"
        )
        columns.append(f"SUM(CASE WHEN {eligible} THEN 1 ELSE 0 END)")
        columns.append(
            f"SUM(CASE WHEN {eligible} AND r.returned_on IS NOT NULL AND {gap} <= %s THEN 1 ELSE 0 END)"
        )
        first_day = _param(alias, cutoff - dt.timedelta(days=span))
        values += [first_day, span, first_day, span, span]
    group = ', r."group"' if grouped else ""
    query = (
        f"SELECT r.cohort{group}, {', '.join(columns)} FROM ({sql}{fence}) r"
        f" GROUP BY r.cohort{group} ORDER BY r.cohort{group}"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(query, [*values, *params])  # the outer columns' placeholders come first
        rows = cursor.fetchall()
    result = []
    for row in rows:
        row = list(row)
        item = {"cohort": _date(row.pop(0))}
        if grouped:
            item["group"] = row.pop(0)
        item["size"] = row.pop(0)
        for months in windows:
            item[f"eligible_{months}"] = int(row.pop(0) or 0)
            item[f"returned_{months}"] = int(row.pop(0) or 0)
        result.append(item)
    return result


def followed_counts(inner, *, cutoff: dt.date, grouped: bool) -> list[tuple]:
    """`inner`: a values() queryset of releases with "released_on", "returned_on", "died_on" (and "group").
    Rows of (group or "", days followed, returns, others): a return is an event at its day; everyone else
    is followed to the cut-off, or to death. A return recorded before its release (bad data) counts at day
    0. One row per group and day, returns and others side by side: the nation's UPT give 100,000 rows, and
    Python adding up twice as many took a good part of the month's figures."""
    alias, sql, params = _select(inner)
    fence, days, least = _dialect(alias)
    end = least("%s", "COALESCE(r.died_on, %s)")
    followed = (
        f"CASE WHEN r.returned_on IS NOT NULL THEN {days('r.returned_on', 'r.released_on')}"
        f" ELSE {days(end, 'r.released_on')} END"
    )
    greatest = "GREATEST" if connections[alias].vendor == "postgresql" else "MAX"
    group = 'r."group"' if grouped else "''"
    query = (
        f"SELECT {group}, {greatest}({followed}, 0),"
        " SUM(CASE WHEN r.returned_on IS NOT NULL THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN r.returned_on IS NULL THEN 1 ELSE 0 END)"
        f" FROM ({sql}{fence}) r GROUP BY 1, 2"
    )
    day = _param(alias, cutoff)
    with connections[alias].cursor() as cursor:
        cursor.execute(query, [day, day, *params])  # the outer columns' placeholders come first
        return cursor.fetchall()
