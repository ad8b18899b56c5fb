"""What the reports of a month may publish, decided for every scope at once.

Every report at one data cut-off (each UPT, each region, the nation) is rendered from one figure set: the
figures of every scope computed at that cut-off, and the cells each must not show. Counts of 1–4 people are
"<5"; then reports.protection withholds more ("×") until no hidden count can be worked out from the other
cells of its table or from the reports of other scopes (a region is the sum of its UPTs, the nation the sum
of its regions). For that to hold, every count a report publishes about people adds up across scopes: a
person screened at two UPTs in a month counts at each (reports.figures), and all scopes share one cut-off —
the month's end in WIB, the last of the three zones' midnights, for a month that is over.

Cell paths name each published count: "screening.screened", "screening.assist_by_risk.high",
"recidivism.2025.eligible.12", "recidivism.followed.6"…
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections import defaultdict
from itertools import pairwise

from django.db import transaction
from django.utils import timezone

from core.replica import reads_from_replica
from institutions.models import Institution, Region
from rehab.models import QOL_DOMAINS, Programme
from reports.cohorts import WINDOWS, row_orders
from reports.disclosure import HIDDEN, WITHHELD, count_text
from reports.figures import REFERENCE_ZONE, compute_scopes, month_end_moment
from reports.models import FigureSet, Report, place_key
from reports.outcome_disclosure import publishable_means
from reports.people_treated import BREAKDOWNS, TREATED_KINDS
from reports.protection import protect
from reports.signatories import block_for

logger = logging.getLogger(__name__)

NATIONAL = "national"
# The main indicators of every report: a summary table with the month before and the year to date, a row
# per UPT in a region's report and per region in the nation's. Flows (what happened in the month) add up over
# a year; stocks (the state at the month's end) do not.
FLOWS = (
    "screening.screened",
    "assessment.assessed",
    "rehabilitation.moves.completed",
    "rehabilitation.moves.dropped_out",
    "sessions.held",
    "aftercare.done",
)
STOCKS = (
    "rehabilitation.active_by_kind.medical",
    "rehabilitation.active_by_kind.social",
    "aftercare.overdue",
)
MAIN = (
    "screening.screened",
    "assessment.assessed",
    "rehabilitation.active_by_kind.medical",
    "rehabilitation.active_by_kind.social",
    "rehabilitation.moves.completed",
    "rehabilitation.moves.dropped_out",
    "sessions.held",
    "aftercare.done",
    "aftercare.overdue",
)
ATTENDANCE = ("sessions.attended", "sessions.expected")  # the attendance rate's parts (records, not people)
# The counts kept per scope for each month, as published (FigureSet.headline), for the officers' home page
# (dashboard.trends), the participation dashboard and the month before / year to date in the reports: the
# number, "<5" or "×"; None where the month's figures predate the count. The attendance counts and the
# programmes' targets and capacity are not counts of people: kept as they are, shown only as rates.
HEADLINE = (
    *MAIN,
    "rehabilitation.active_people",
    "targets.active",
    "targets.target",
    "targets.capacity",
    "population.narcotics",
    "population.screened",
    "aftercare.on_time",
    *ATTENDANCE,
)


def scope_of(report: Report) -> str:
    """The report's scope as its figure set names it (NATIONAL, "region:<pk>", "institution:<pk>")."""
    return place_key(report)


def final_cutoff(month: dt.date) -> dt.datetime:
    """The cut-off every final report of a month shares: the month's end in WIB."""
    return month_end_moment(month, REFERENCE_ZONE)


def cutoff_of(report: Report, *, now: dt.datetime) -> tuple[dt.datetime, dt.date | None]:
    """The report's data cut-off, and for the running month the last day it counts: a month that is over
    is cut at its end in WIB (every scope alike); a reissue at the moment it was asked for; the running
    month at the moment of generation."""
    if report.provisional:
        cutoff = report.data_cutoff or now
        return cutoff, timezone.localtime(cutoff, zoneinfo.ZoneInfo(REFERENCE_ZONE)).date()
    return report.data_cutoff or final_cutoff(report.month), None


def snapshot(report: Report, *, now: dt.datetime) -> dict:
    """The report's figures and the cells it withholds, from the figure set of its month and cut-off."""
    cutoff, until = cutoff_of(report, now=now)
    figure_set = figure_set_for(report.month, cutoff=cutoff, until=until)
    scope = scope_of(report)
    figures = dict(figure_set.figures[scope])
    figures["withheld"] = figure_set.withheld.get(scope, {})
    if report.provisional:
        figures["data_cutoff"] = cutoff.isoformat()
    figures["members"] = members_of(figure_set, scope)
    figures["signatory"] = block_for(report)  # as the office has set it now: kept with the report
    figures["trend"] = trend_of(report.month, scope, shown_cells(figures, figures["withheld"], HEADLINE))
    return figures


def members_of(figure_set: FigureSet, scope: str) -> list[dict]:
    """The main indicators of each UPT of a region, or each region of the nation, as their own reports of
    the same figure set print them (so a row says what that UPT's report says, "<5" and "×" included), with
    the name each had when the report was made; a UPT's report has none."""
    if scope.startswith("institution:"):
        return []
    if scope == NATIONAL:
        places = Region.objects.order_by("name").values_list("pk", "name")
        prefix = "region"
    else:
        region = int(scope.split(":", 1)[1])
        places = Institution.objects.filter(region_id=region).order_by("name").values_list("pk", "name")
        prefix = "institution"
    rows = []
    for pk, name in places:
        member = f"{prefix}:{pk}"
        if member in figure_set.figures:
            cells = shown_cells(
                figure_set.figures[member], figure_set.withheld.get(member, {}), (*MAIN, *ATTENDANCE)
            )
            rows.append({"scope": member, "name": name, "cells": cells})
    return rows


def trend_of(month: dt.date, scope: str, this_month: dict) -> dict:
    """The main indicators of the month before and the year to date, from the final figure sets of those
    months (computed now where a month has none yet) as their reports published them: a change or a sum is
    only ever worked out from published counts, so it reveals nothing the reports did not. A sum over months
    with a "<5" or "×" is a lower bound ("≥ n": each "<5" counted as 1)."""
    previous, earlier = _previous(month), _earlier_in_year(month)
    for each in trend_months(month):
        figure_set_for(each, cutoff=final_cutoff(each))
    found = headlines(trend_months(month))
    shown = {each: found.get(each, {}).get(scope, {}) for each in trend_months(month)}
    year = [*(shown[each] for each in earlier), this_month]
    year_to_date = {path: _sum_text([cells.get(path) for cells in year]) for path in (*FLOWS, *ATTENDANCE)}
    return {
        "previous_month": previous.isoformat(),
        "previous": {path: shown[previous].get(path) for path in (*MAIN, *ATTENDANCE)},
        "year_to_date": year_to_date,
        "year_months": len(year),
    }


def trend_months(month: dt.date) -> list[dt.date]:
    """The months a report of `month` reads beside its own: the month before and the year's earlier ones."""
    return sorted({_previous(month), *_earlier_in_year(month)})


def _previous(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def _earlier_in_year(month: dt.date) -> list[dt.date]:
    return [month.replace(month=number) for number in range(1, month.month)]


def _sum_text(values: list) -> int | str | None:
    """Published counts added up: a number where every month shows one; "≥ n" where some say "<5" (at least
    1) or "×" (at least 0); None where a month has no such count."""
    if any(value is None for value in values):
        return None
    known = sum(value for value in values if isinstance(value, int))
    at_least = known + sum(1 for value in values if value == HIDDEN)
    return known if all(isinstance(value, int) for value in values) else f"≥ {at_least}"


def figure_set_for(month: dt.date, *, cutoff: dt.datetime, until: dt.date | None = None) -> FigureSet:
    """The month's figure set at this cut-off. The month's end, shared by every final report of the month,
    is computed once and kept: a second report waits for the first to finish computing it (row lock) and
    then reads it. Any other cut-off (a provisional report, a reissue) is the moment that report was
    asked for, shared by no other: computed for it alone, not kept."""
    if cutoff != final_cutoff(month):
        return _computed(FigureSet(month=month, data_cutoff=cutoff), until=until)
    figure_set, _created = FigureSet.objects.get_or_create(month=month, data_cutoff=cutoff)
    if figure_set.ready:
        return figure_set
    with transaction.atomic():
        figure_set = FigureSet.objects.select_for_update().get(pk=figure_set.pk)
        if not figure_set.ready:
            _computed(figure_set).save(update_fields=["figures", "withheld", "headline", "ready"])
    return figure_set


def _computed(figure_set: FigureSet, *, until: dt.date | None = None) -> FigureSet:
    # Every scope's figures, read from the replica when there is one (also under figure_set_for's row lock:
    # the records counted are none this transaction wrote). The figure set itself is kept on the primary.
    with reads_from_replica():
        tree, places = scopes()
        figure_set.figures = compute_scopes(
            places, figure_set.month, until=until, known_at=figure_set.data_cutoff
        )
    figure_set.withheld = withheld_cells(figure_set.figures, tree)
    _withhold_small_means(figure_set.figures, tree, figure_set.withheld)
    figure_set.headline = headline(figure_set)
    figure_set.ready = True
    return figure_set


def _withhold_small_means(figures: dict[str, dict], tree: dict[str, list[str]], withheld: dict) -> None:
    """Mark "×" every mean change in quality of life a scope may not publish (reports.outcome_disclosure: a
    mean times its n is a sum, and sums of nested scopes subtract), domain by domain.

    A scope whose number of people is not shown ("<5" or "×") shows no mean, and "×" even where nobody has
    the domain at both ends: a mean printed there says at least 5 people, "—" says none and "×" (otherwise)
    someone, each a bound on the count the protection withheld (a region of 6 shown with UPTs of × and "<5":
    a mean at the × UPT makes it 5 and the "<5" 1; a "—" at a UPT whose 0 was withheld for two "<5" making a
    shown 8 gives them away as 4 and 4)."""
    unpublished = {scope for scope in figures if "quality_of_life.people" in withheld.get(scope, {})}
    for domain in QOL_DOMAINS:
        n = {scope: f.get("quality_of_life", {}).get("n", {}).get(domain, 0) for scope, f in figures.items()}
        shown = publishable_means(tree, n, hidden=unpublished)
        for scope, people in n.items():
            if (people or scope in unpublished) and scope not in shown:
                withheld.setdefault(scope, {})[f"quality_of_life.mean.{domain}"] = WITHHELD


def headline(figure_set: FigureSet) -> dict[str, dict[str, int | str]]:
    """Each scope's HEADLINE counts as its report prints them: the number, or "<5" / "×" where withheld."""
    return {
        scope: shown_cells(figures, figure_set.withheld.get(scope, {}), HEADLINE)
        for scope, figures in figure_set.figures.items()
    }


def shown_cells(figures: dict, withheld: dict, paths) -> dict[str, int | str | None]:
    """Each path's count as the report prints it: the number, or "<5" / "×" where withheld; None where the
    figures have no such section (a month computed before the count existed)."""
    return {path: withheld.get(path) or _value(figures, path) for path in paths}


def _value(figures: dict, path: str) -> int | None:
    if path == "sessions.expected":  # attendance recorded less the absences with an acceptable reason
        sessions = figures.get("sessions", {})
        return (sessions.get("recorded") or 0) - (sessions.get("excused") or 0) if sessions else None
    section, *keys = path.split(".")
    value = figures.get(section)
    if value is None:
        return None
    for key in keys:
        value = value.get(key, 0) if isinstance(value, dict) else 0
    return value or 0


def headlines(months: list[dt.date]) -> dict[dt.date, dict]:
    """The HEADLINE counts of each month's final figure set that is ready, by month; a set made before
    headlines were kept, or before a count joined them, gets them now, once."""
    sets = FigureSet.objects.filter(
        month__in=months, data_cutoff__in=[final_cutoff(month) for month in months], ready=True
    ).only("month", "data_cutoff", "headline")
    found = {}
    for figure_set in sets:
        if figure_set.data_cutoff != final_cutoff(figure_set.month):
            continue  # another month's cut-off that happens to match: never, but not ours to show
        if not figure_set.headline or not set(HEADLINE) <= set(next(iter(figure_set.headline.values()))):
            figure_set = FigureSet.objects.get(pk=figure_set.pk)
            figure_set.headline = headline(figure_set)
            figure_set.save(update_fields=["headline"])
        found[figure_set.month] = figure_set.headline
    return found


def scopes() -> tuple[dict[str, list[str]], dict[str, list[int]]]:
    """Each total and the scopes it is the sum of (the nation of its regions, each region of its UPTs), and
    each scope's UPTs (the nation all, a region its own, a UPT itself)."""
    regions = [f"region:{pk}" for pk in Region.objects.order_by("pk").values_list("pk", flat=True)]
    tree: dict[str, list[str]] = {NATIONAL: regions, **{region: [] for region in regions}}
    places: dict[str, list[int]] = {NATIONAL: [], **{region: [] for region in regions}}
    for pk, region_id in Institution.objects.order_by("pk").values_list("pk", "region_id"):
        upt, region = f"institution:{pk}", f"region:{region_id}"
        tree[region].append(upt)
        places[upt] = [pk]
        places[region].append(pk)
        places[NATIONAL].append(pk)
    return tree, places


def people_cells(figures: dict) -> dict[str, int]:
    """Every count of people (or of their records) a report publishes, by cell path."""
    cells = {"screening.screened": figures["screening"]["screened"]}
    _prefixed(cells, "screening.assist_by_risk", figures["screening"]["assist_by_risk"])
    cells["assessment.assessed"] = figures["assessment"]["assessed"]
    _prefixed(cells, "assessment.recommended_by_kind", figures["assessment"]["recommended_by_kind"])
    cells["assessment.approved"] = figures["assessment"]["approved"]
    rehabilitation = figures["rehabilitation"]
    _prefixed(cells, "rehabilitation.active_by_kind", rehabilitation["active_by_kind"])
    if rehabilitation.get("active_people") is not None:
        cells["rehabilitation.active_people"] = rehabilitation["active_people"]
    _prefixed(cells, "rehabilitation.moves", rehabilitation["moves"])
    for status, reasons in rehabilitation.get("left", {}).items():  # snapshots before issue 20 have none
        _prefixed(cells, f"rehabilitation.left.{status}", reasons)
    _prefixed(cells, "rehabilitation.phase", rehabilitation.get("phase", {}))
    if "quality_of_life" in figures:
        cells["quality_of_life.people"] = figures["quality_of_life"]["people"]
    if figures["sessions"].get("excused") is not None:
        cells["sessions.excused"] = figures["sessions"]["excused"]
    _prefixed(cells, "aftercare", figures["aftercare"])
    cells["targets.active"] = figures["targets"]["active"]
    if "population" in figures:  # figures from before issue 20 have none
        _prefixed(cells, "population", figures["population"])
    if "pp25" in figures:  # figures from before issue 20's PP 25/2011 table have none
        cells["pp25.treated"] = figures["pp25"]["treated"]
        for name in BREAKDOWNS:
            _prefixed(cells, f"pp25.{name}", figures["pp25"][name])
    recidivism = figures["recidivism"]
    cells["recidivism.size"] = recidivism["size"]
    _prefixed(cells, "recidivism.followed", recidivism["followed"])
    for row in recidivism["rows"]:
        year = f"recidivism.{row['year']}"
        cells[f"{year}.size"] = row["size"]
        for months, (eligible, returned) in zip(recidivism["windows"], row["windows"], strict=True):
            cells[f"{year}.eligible.{months}"] = eligible
            cells[f"{year}.returned.{months}"] = returned
    return cells


def _prefixed(cells: dict, prefix: str, values: dict) -> None:
    cells.update({f"{prefix}.{key}": value or 0 for key, value in values.items()})


def table_of(path: str) -> str:
    """Cells tied to each other within one report belong to one table: they are protected together. The
    people treated in the month (PP 25/2011) and the people active at its end are one table: someone active
    in medical or social rehabilitation at the month's end was treated in it (relations_within)."""
    if (
        path.startswith(("rehabilitation.active", "rehabilitation.phase.", "pp25."))
        or path == "targets.active"
    ):
        return "active"
    if path.startswith(("rehabilitation.moves.", "rehabilitation.left.")):
        return "moves"  # the steps out of a programme and their reasons
    for table in ("aftercare", "recidivism", "population", "quality_of_life"):
        if path.startswith(f"{table}."):
            return table
    return path


def relations_within(paths: set[str], windows=WINDOWS) -> tuple[list, list]:
    """The sums and orders any reader knows between the cells of one report: the steps out of programmes
    into a status are those of each reason (the drop-outs are the disciplinary, voluntary, health, death and
    other ones); the active participants are the enrolments of each kind, the people active those in each
    phase of the Therapeutic Community (or none); people active at most the enrolments, and at least those of
    any one kind (one person is active in at most one programme of a kind); each of medical and social
    rehabilitation's participants at most the people treated in the month (PP 25/2011), and the people
    active at most those treated and those in after-care preparation together; positive tests,
    relapses and the follow-ups done on time at most the follow-ups done; the narcotics WBP screened at most
    those held; in each release year, returns at most those eligible, eligible at most those released, fewer
    eligible for a longer window; the people released are the sum of the years, and fewer of them are still
    followed at each later window; the people treated (PP 25/2011) are the sum of each of their breakdowns
    (by sex, by age group, by substance…)."""
    sums, orders = [], []
    left: dict[str, list[str]] = defaultdict(list)
    for path in sorted(paths):
        if path.startswith("rehabilitation.left."):
            left[path.split(".")[2]].append(path)
    sums += [(f"rehabilitation.moves.{status}", reasons) for status, reasons in sorted(left.items())]
    kinds = sorted(path for path in paths if path.startswith("rehabilitation.active_by_kind."))
    phases = sorted(path for path in paths if path.startswith("rehabilitation.phase."))
    if phases and "rehabilitation.active_people" in paths:
        sums.append(("rehabilitation.active_people", phases))
    if "rehabilitation.active_people" in paths:
        # One person is active in at most one programme of a kind (rehab.models, one_active_per_kind).
        orders += [(kind, "rehabilitation.active_people") for kind in kinds]
    if "pp25.treated" in paths:
        # Active at the month's end in medical or social rehabilitation: treated in the month, at that UPT.
        orders += [(kind, "pp25.treated") for kind in kinds if kind.rsplit(".", 1)[1] in TREATED_KINDS]
        if "rehabilitation.active_people" in paths:
            orders.append(("rehabilitation.active_people", TREATED_OR_PREPARED))
    if "targets.active" in paths:
        sums.append(("targets.active", kinds))
        if "rehabilitation.active_people" in paths:
            orders.append(("rehabilitation.active_people", "targets.active"))
    for part in ("aftercare.urine_positive", "aftercare.relapsed", "aftercare.on_time"):
        if part in paths and "aftercare.done" in paths:
            orders.append((part, "aftercare.done"))
    if {"population.screened", "population.narcotics"} <= paths:
        orders.append(("population.screened", "population.narcotics"))
    if "pp25.treated" in paths:
        for name in BREAKDOWNS:
            parts = sorted(path for path in paths if path.startswith(f"pp25.{name}."))
            if parts:
                sums.append(("pp25.treated", parts))
    years = sorted(
        {
            path.split(".")[1]
            for path in paths
            if path.startswith("recidivism.") and path.endswith(".size") and path != "recidivism.size"
        }
    )
    if "recidivism.size" in paths:
        sums.append(("recidivism.size", [f"recidivism.{year}.size" for year in years]))
        followed = ["recidivism.size", *(f"recidivism.followed.{m}" for m in windows)]
        orders += [(later, earlier) for earlier, later in pairwise(followed) if later in paths]
    for year in years:
        orders += row_orders(lambda kind, months=None, year=year: _year_cell(year, kind, months))
    return sums, orders


REST = "rest:"  # a total less one of its parts, within a report: never published (reports.protection)
JOINED = "sum:"  # a sum of cells of one report that no report prints: never published either
TREATED_OR_PREPARED = f"{JOINED}treated_or_prepared"  # the people treated + after-care preparation's


def joined_within(paths: set[str]) -> dict[str, list[str]]:
    """{node: its parts}: sums of a report's cells that no page prints but that a relation needs, because
    protection's orders tie two counts only: the people active at the month's end are at most the people
    treated in the month plus the participants in after-care preparation (the only kind not treated)."""
    if "pp25.treated" not in paths or "rehabilitation.active_people" not in paths:
        return {}
    prepared = f"rehabilitation.active_by_kind.{Programme.Kind.AFTERCARE_PREPARATION}"
    return {TREATED_OR_PREPARED: ["pp25.treated", *([prepared] if prepared in paths else [])]}


def rests_within(paths: set[str]) -> dict[str, tuple[str, str, list[str]]]:
    """{rest: (total, part, the other parts)} for the tables whose parts come in several breakdowns of one
    total (the people treated by sex, by age group, by substance…): each category's rest, the total less it,
    which is also the sum of the breakdown's other categories. A reader can form any of them from the
    published cells; protecting them as counts in their own right, summed across scopes like the cells, is
    what lets interval propagation see a chain through one breakdown's rest at a region and its UPTs."""
    if "pp25.treated" not in paths:
        return {}
    rests = {}
    for name in BREAKDOWNS:
        parts = sorted(path for path in paths if path.startswith(f"pp25.{name}."))
        for part in parts:
            rests[f"{REST}{part}"] = ("pp25.treated", part, [other for other in parts if other != part])
    return rests


def _year_cell(year: str, kind: str, months: int | None = None) -> str:
    """A release year's cell path: "recidivism.2025.size", "recidivism.2025.eligible.12"…"""
    return f"recidivism.{year}.{kind}" + (f".{months}" if months else "")


def withheld_cells(figures: dict[str, dict], tree: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """{scope: {path: "<5" or "×"}}: protection over every table of every scope together.

    Table by table, the nation with its regions first, then each region with its UPTs (the region's cells
    as decided above, kept), as τ-ARGUS's modular method does: each part is small, so the whole country is
    quick. Then the whole table is checked at once and any count still pinned down (through a chain the
    parts did not see) gets more withheld."""
    cells = {scope: people_cells(snapshot) for scope, snapshot in figures.items()}
    tables: dict[str, set[str]] = defaultdict(set)
    for scope_cells in cells.values():
        for path in scope_cells:
            tables[table_of(path)].add(path)
    withheld: dict[str, dict[str, str]] = defaultdict(dict)
    for paths in tables.values():
        for cell, mark in protect_table(cells, paths, tree).items():
            scope, path = cell.split("|", 1)
            withheld[scope][path] = mark
    return dict(withheld)


def protect_table(cells: dict[str, dict[str, int]], paths: set[str], tree: dict[str, list[str]]) -> dict:
    """{"<scope>|<path>": mark} for one table (`paths`) at every scope of `cells`."""
    within = relations_within(paths)
    marks: dict[str, str] = {}
    decided: set[str] = set()  # scopes whose cells a part above has decided
    for total in sorted(tree, key=lambda scope: scope != NATIONAL):
        values, sums, orders, rests = _table(
            cells, paths, within, [total, *tree[total]], {total: tree[total]}
        )
        kept = {
            cell: marks.get(cell, "") for cell in values if cell.startswith(f"{total}|") and cell not in rests
        }
        fixed = kept if total in decided else {}
        marks.update(protect(values, sums, orders, first=_upts_first, fixed=fixed, unpublished=rests))
        decided.update(tree[total])
    # The whole table's check tries each small count's values where the table's relations chain (rests):
    # dearer, so only here, where nothing is shown again afterwards (trim off) that it would have kept.
    values, sums, orders, rests = _table(cells, paths, within, list(cells), tree)
    return protect(
        values, sums, orders, first=_upts_first, start=marks, trim=False, unpublished=rests, probe=bool(rests)
    )


def _table(cells: dict, paths: set[str], within: tuple, scopes: list[str], totals: dict[str, list[str]]):
    """One table's cells at `scopes` ("<scope>|<path>"), its sums (each total of `totals` over its
    members, and the table's own sums at each scope), its orders, and the nodes of its sums that are never
    published (rests_within, joined_within), for reports.protection."""
    rests, joined = rests_within(paths), joined_within(paths)
    values = {f"{scope}|{path}": cells[scope].get(path, 0) for scope in scopes for path in paths}
    for rest, (total, part, _others) in rests.items():
        for scope in scopes:
            values[f"{scope}|{rest}"] = cells[scope].get(total, 0) - cells[scope].get(part, 0)
    for node, parts in joined.items():
        for scope in scopes:
            values[f"{scope}|{node}"] = sum(cells[scope].get(part, 0) for part in parts)
    sums = [
        (f"{total}|{path}", [f"{member}|{path}" for member in members])
        for total, members in totals.items()
        for path in (*sorted(paths), *rests, *joined)
    ]
    for rest, (total, part, others) in rests.items():
        for scope in scopes:
            sums.append((f"{scope}|{total}", [f"{scope}|{part}", f"{scope}|{rest}"]))
            sums.append((f"{scope}|{rest}", [f"{scope}|{other}" for other in others]))
    for node, parts in joined.items():
        sums += [(f"{scope}|{node}", [f"{scope}|{part}" for part in parts]) for scope in scopes]
    sums += [
        (f"{scope}|{total}", [f"{scope}|{member}" for member in members])
        for scope in scopes
        for total, members in within[0]
    ]
    orders = [(f"{scope}|{small}", f"{scope}|{large}") for scope in scopes for small, large in within[1]]
    # An order that rests on a rule of the records can be broken by records dated back (a second enrolment
    # of one kind made active on a day an earlier one was still active): a reader who assumes it then reasons
    # from something false and pins nothing true, while protection given an impossible order would withhold
    # whole tables. Such orders are left out.
    broken = [(small, large) for small, large in orders if values.get(small, 0) > values.get(large, 0)]
    if broken:
        logger.warning("Orders the figures break, left out of the protection: %s", broken[:5])
        orders = [order for order in orders if order not in broken]
    return values, sums, orders, {f"{scope}|{node}" for scope in scopes for node in (*rests, *joined)}


def _upts_first(cell: str) -> tuple:
    scope = cell.split("|", 1)[0]
    return (scope.startswith("region:"), scope == NATIONAL, cell)


def published(figures: dict) -> dict[str, str]:
    """What a report prints for each count: the number, "<5" or "×". A snapshot from before figure sets
    (no "withheld") is protected within its own tables."""
    cells = people_cells(figures)
    withheld = figures.get("withheld")
    if withheld is None:
        withheld = withheld_cells({NATIONAL: figures}, {}).get(NATIONAL, {})
    shown = {path: withheld.get(path) or count_text(value) for path, value in cells.items()}
    # A count of 0 has no entry in the figures, but may be withheld so that another cannot be worked out.
    shown.update({path: mark for path, mark in withheld.items() if path not in shown})
    return shown
