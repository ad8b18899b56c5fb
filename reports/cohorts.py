"""Release cohorts and their return to custody, measured the way BJS and Recidiviz do (shared/DOMAIN.md).

A *release* is the end of a custody spell other than by death. A *return* is the person's next admission
(any UPT) on or after the release date: detected from the admissions, never typed. Every figure is computed
in the database with a fixed number of queries, whatever the cohort size:

- the cohort table: one GROUP BY over releases (period × breakdown), with conditional counts per window;
- the Kaplan–Meier input: one GROUP BY over (days followed, returned?) rows, so no person is loaded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear
from django.utils.translation import gettext_lazy as _

from inmates.models import Admission, Movement
from rehab.models import Enrolment, FollowUp, Programme
from reports.disclosure import WITHHELD, count_text, is_small
from reports.models import ReleaseOutcome
from reports.outcomes import counts_by_window, followed_counts, kept_with_outcomes
from reports.protection import protect
from reports.recidivism import KaplanMeier, kaplan_meier_from_counts

# Windows in months, and in days as the database compares them (a month = 365.25 / 12 days).
WINDOWS = (6, 12, 24, 36)


def window_days(months: int) -> int:
    return int(months * 365.25 / 12 + 0.5)  # half up: 6 → 183, 12 → 365, 24 → 731, 36 → 1096


PERIODS = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
BREAKDOWNS = {
    "none": _("All releases"),
    "institution": _("Institution"),
    "region": _("Region"),
    "programme_kind": _("Programme kind"),
    "participation": _("Participation"),
}
PARTICIPATION = {
    "completed": _("Completed a programme"),
    "dropped_out": _("Dropped out"),
    "other": _("Enrolled, left otherwise (released or transferred mid-programme)"),
    "never": _("Never enrolled"),
}


def _released_by(admissions, *, cutoff: dt.date, known_at: dt.datetime | None):
    """The releases (not by death) up to the cut-off; with `known_at`, only those recorded by then."""
    released = admissions.filter(released_on__isnull=False, released_on__lte=cutoff)
    if known_at is not None:
        recorded = Movement.objects.filter(
            admission=OuterRef("pk"), kind=Movement.Kind.RELEASE, recorded_at__lte=known_at
        )
        released = released.filter(Exists(recorded))
    return released.exclude(release_type=Admission.ReleaseType.DEATH)


def _admissions_by(*, cutoff: dt.date, known_at: dt.datetime | None):
    """Every admission that can be a return: admitted by the cut-off, registered by `known_at`."""
    admitted = Admission.objects.filter(admitted_on__lte=cutoff)
    return admitted.filter(created_at__lte=known_at) if known_at is not None else admitted


def _deaths_by(*, cutoff: dt.date, known_at: dt.datetime | None):
    """Deaths recorded at after-care follow-ups, by the cut-off (and recorded by `known_at`)."""
    died = FollowUp.objects.filter(outcome=FollowUp.Outcome.DECEASED, done_on__lte=cutoff)
    if known_at is not None:
        died = died.filter(Q(recorded_at__isnull=True) | Q(recorded_at__lte=known_at))
    return died


def releases(admissions, *, cutoff: dt.date, known_at: dt.datetime | None = None):
    """Releases up to the cut-off, each with its return date (if any, up to the cut-off) and death date.
    With `known_at`, only what had been recorded by then: a release, a return or a death typed later does not
    change a month already reported."""
    # The next spell: admitted after the release, or the same day but registered after this spell (the rule
    # outcomes.kept_with_outcomes joins by, for the month's figures).
    later = _admissions_by(cutoff=cutoff, known_at=known_at).filter(
        Q(admitted_on__gt=OuterRef("released_on"))
        | Q(admitted_on=OuterRef("released_on"), pk__gt=OuterRef("pk")),
        person=OuterRef("person"),
    )
    died = _deaths_by(cutoff=cutoff, known_at=known_at).filter(plan__admission=OuterRef("pk"))
    released = _released_by(admissions, cutoff=cutoff, known_at=known_at)
    spell = Enrolment.objects.filter(admission=OuterRef("pk"))
    return released.annotate(
        returned_on=Subquery(later.order_by("admitted_on").values("admitted_on")[:1]),
        died_on=Subquery(died.order_by("done_on").values("done_on")[:1]),
        participation=Case(
            When(Exists(spell.filter(status=Enrolment.Status.COMPLETED)), then=Value("completed")),
            When(Exists(spell.filter(status=Enrolment.Status.DROPPED_OUT)), then=Value("dropped_out")),
            When(Exists(spell), then=Value("other")),
            default=Value("never"),
            output_field=CharField(),
        ),
        programme_kind=Coalesce(
            Subquery(spell.order_by("-created_at").values("kind")[:1]),
            Value("none"),
            output_field=CharField(),
        ),
    )


def stored_releases(outcomes, *, cutoff: dt.date):
    """The same rows as releases(), counted over the release-outcome table (reports.release_outcomes): what
    happened after the cut-off is not known at the cut-off."""
    return outcomes.filter(released_on__lte=cutoff).annotate(
        returned_on=Case(When(readmitted_on__lte=cutoff, then=F("readmitted_on"))),
        died_on=Case(When(deceased_on__lte=cutoff, then=F("deceased_on"))),
    )


def _released(source, *, cutoff: dt.date, known_at: dt.datetime | None):
    """`source`: admissions (looked up live, as the monthly reports do, optionally as recorded by
    `known_at`) or release outcomes (the dashboard's table, which knows only today)."""
    if source.model is ReleaseOutcome:
        if known_at is not None:
            raise ValueError("The release-outcome table holds today's knowledge only; count admissions.")
        return stored_releases(source, cutoff=cutoff)
    return releases(source, cutoff=cutoff, known_at=known_at)


def _breakdown_fields(breakdown: str) -> dict:
    return {
        "none": {},
        "institution": {"group": F("institution__name")},
        "upt": {"group": F("institution_id")},  # for the monthly figures (reports.figures), not offered
        "region": {"group": F("institution__region__name")},
        "programme_kind": {"group": F("programme_kind")},
        "participation": {"group": F("participation")},
    }[breakdown]


@dataclass
class Cell:
    """A count, shown as "<5" when 1–4 so no one can be re-identified, or withheld ("×") where it would
    give such a count away (protect_cohorts)."""

    value: int
    mark: str = ""

    @property
    def suppressed(self) -> bool:
        return bool(self.mark) or is_small(self.value)

    def __str__(self) -> str:
        return self.mark or count_text(self.value)


@dataclass
class WindowFigures:
    months: int
    eligible: Cell
    returned: Cell

    @property
    def rate(self) -> float | None:
        """Returned / eligible; not shown when either count is suppressed, or their difference is small (38
        of 40 returned says that 2 did not)."""
        if self.eligible.value == 0 or self.eligible.suppressed or self.returned.suppressed:
            return None
        if is_small(self.eligible.value - self.returned.value):
            return None
        return self.returned.value / self.eligible.value


@dataclass
class CohortRow:
    period: dt.date
    group: str
    size: Cell
    windows: list[WindowFigures] = field(default_factory=list)


def cohort_counts(
    source,
    *,
    cutoff: dt.date,
    period: str = "quarter",
    breakdown: str = "none",
    known_at: dt.datetime | None = None,
):
    """One GROUP BY row per release period (and breakdown group): "cohort", "group", "size", and per window
    "eligible_<months>" and "returned_<months>".

    Eligible: released at least the window before the cut-off (decided by release date, never by outcome).
    Returned: of those, admitted again within the window.
    """
    inner = _release_rows(source, cutoff=cutoff, period=period, breakdown=breakdown, known_at=known_at)
    return _cohort_rows(inner, cutoff=cutoff, grouped=breakdown != "none")


def _release_rows(source, *, cutoff: dt.date, period: str, breakdown: str, known_at: dt.datetime | None):
    """One row per release: "cohort" (its period), "released_on", "returned_on", "died_on" and, broken
    down, "group"."""
    grouped = ["group"] if breakdown != "none" else []
    return (
        _by_cohort(_released(source, cutoff=cutoff, known_at=known_at), period, breakdown)
        .values("cohort", "released_on", "returned_on", "died_on", *grouped)
        .order_by()
    )


def _by_cohort(released, period: str, breakdown: str):
    """Releases with their "cohort" (the period released in) and, broken down, their "group"."""
    return released.annotate(
        cohort=PERIODS[period]("released_on", output_field=DateField()), **_breakdown_fields(breakdown)
    )


def _cohort_rows(inner, *, cutoff: dt.date, grouped: bool) -> list[dict]:
    windows = {months: window_days(months) for months in WINDOWS}
    return counts_by_window(inner, cutoff=cutoff, windows=windows, grouped=grouped)


def _followed(inner, *, cutoff: dt.date, grouped: bool) -> dict:
    """{group: {days followed: [returns, censored]}} (survival_counts)."""
    counts: dict = defaultdict(dict)
    for group, day, returns, censored in followed_counts(inner, cutoff=cutoff, grouped=grouped):
        counts[group if grouped else ""][int(day)] = [int(returns), int(censored)]
    return counts


def cohorts_and_survival(
    admissions, *, cutoff: dt.date, period: str, breakdown: str, known_at: dt.datetime | None = None
) -> tuple[list[dict], dict]:
    """cohort_counts and survival_counts of live admissions together, for the month's figures, which need
    both: the releases are kept in a temporary table with their next admission and death found by joins
    (outcomes.kept_with_outcomes), instead of two look-ups per release run one release at a time."""
    grouped = breakdown != "none"
    base = (
        _by_cohort(_released_by(admissions, cutoff=cutoff, known_at=known_at), period, breakdown)
        .values("id", "person_id", "released_on", "cohort", *(["group"] if grouped else []))
        .order_by()
    )
    later = (
        _admissions_by(cutoff=cutoff, known_at=known_at).values("id", "person_id", "admitted_on").order_by()
    )
    deaths = (
        _deaths_by(cutoff=cutoff, known_at=known_at)
        .values(admission=F("plan__admission_id"))
        .annotate(first=Min("done_on"))
        .values("admission", "first")
        .order_by()
    )
    with kept_with_outcomes(base, later=later, deaths=deaths, grouped=grouped) as rows:
        return _cohort_rows(rows, cutoff=cutoff, grouped=grouped), _followed(
            rows, cutoff=cutoff, grouped=grouped
        )


def cohort_table(
    source,
    *,
    cutoff: dt.date,
    period: str = "quarter",
    breakdown: str = "none",
    known_at: dt.datetime | None = None,
) -> list[CohortRow]:
    """One row per release period (and breakdown group): cohort size and, per window, eligible and returned
    (cohort_counts)."""
    rows = cohort_counts(source, cutoff=cutoff, period=period, breakdown=breakdown, known_at=known_at)
    return [
        CohortRow(
            period=row["cohort"],
            group=_group_label(breakdown, row.get("group")),
            size=Cell(row["size"]),
            windows=[
                WindowFigures(months, Cell(row[f"eligible_{months}"]), Cell(row[f"returned_{months}"]))
                for months in WINDOWS
            ],
        )
        for row in rows
    ]


# Above this many rows, a table's protection skips the pass that shows again cells withheld needlessly
# (reports.protection.protect's `trim`): that pass re-checks the table once per withheld cell, seconds for
# the nation by region, while a page must answer in a fraction of one. More is withheld, nothing leaks.
TRIMMED_ROWS = 150


def protect_cohorts(
    rows: list[CohortRow], totals: list[CohortRow] | None = None, sizes: dict[str, Cell] | None = None
) -> None:
    """Withhold ("×") the cells of a cohort table from which a hidden count could be worked out: inside each
    row (returned ≤ eligible ≤ released; fewer eligible for a longer window) and, for a table broken down
    into groups, against the totals the same page shows without a breakdown (`totals`, already protected
    on their own: their marks are kept), since each period's groups add up to its total; and against the
    people released per group over all periods (`sizes`, by group label), shown beside the table."""
    cells: dict[str, Cell] = {}
    sums, orders = [], []

    def add(key: str, row: CohortRow) -> dict[str, Cell]:
        added = {f"{key}|size": row.size}
        for window in row.windows:
            added[f"{key}|eligible_{window.months}"] = window.eligible
            added[f"{key}|returned_{window.months}"] = window.returned
        cells.update(added)
        orders.extend(
            row_orders(lambda kind, months=None: f"{key}|{kind}" + (f"_{months}" if months else ""))
        )
        return added

    groups = defaultdict(list)
    keyed = [(f"{row.period.isoformat()}|{index}", row) for index, row in enumerate(rows)]
    for key, row in keyed:
        add(key, row)
        groups[row.period.isoformat()].append(key)
    fixed = {}  # the totals' cells: the page without a breakdown publishes them, as they are there
    for total in totals or []:
        period = total.period.isoformat()
        added = add(period, total)
        fixed |= {key: str(cell) if cell.suppressed else "" for key, cell in added.items()}
        for column in (
            "size",
            *(f"{kind}_{months}" for months in WINDOWS for kind in ("eligible", "returned")),
        ):
            sums.append((f"{period}|{column}", [f"{key}|{column}" for key in groups[period]]))
    for label, cell in (sizes or {}).items():
        cells[f"all|{label}|released"] = cell
        sums.append((f"all|{label}|released", [f"{key}|size" for key, row in keyed if row.group == label]))
    values = {key: cell.value for key, cell in cells.items()}
    trim = len(rows) <= TRIMMED_ROWS
    for key, mark in protect(values, sums, orders, fixed=fixed, trim=trim).items():
        if mark == WITHHELD:
            cells[key].mark = WITHHELD


def row_orders(cell) -> list[tuple[str, str]]:
    """What any reader knows inside one release-cohort row, as (smaller, larger) pairs of cells named by
    `cell(kind, months=None)`: returned ≤ eligible in each window, and released ≥ eligible for 6 months ≥ …
    ≥ eligible for 36 (a longer window leaves out the latest releases)."""
    chain = [cell("size"), *(cell("eligible", months) for months in WINDOWS)]
    return [(later, earlier) for earlier, later in pairwise(chain)] + [
        (cell("returned", months), cell("eligible", months)) for months in WINDOWS
    ]


def _group_label(breakdown: str, value) -> str:
    if breakdown == "participation":
        return str(PARTICIPATION.get(value, value))
    if breakdown == "programme_kind":
        return str(dict(Programme.Kind.choices).get(value, _("No programme")))
    return str(value or "")


def survival_counts(
    source, *, cutoff: dt.date, breakdown: str = "none", known_at: dt.datetime | None = None
) -> dict:
    """Kaplan–Meier input per breakdown group (its raw value): {days followed: [returns, censored]}. A return
    is an event at its day; everyone else is censored at the cut-off, or at death (never a success)."""
    grouped_by = ["group"] if breakdown != "none" else []
    inner = (
        _released(source, cutoff=cutoff, known_at=known_at)
        .annotate(**_breakdown_fields(breakdown))
        .values("released_on", "returned_on", "died_on", *grouped_by)
        .order_by()
    )
    return _followed(inner, cutoff=cutoff, grouped=bool(grouped_by))


def survival(
    source, *, cutoff: dt.date, breakdown: str = "none", known_at: dt.datetime | None = None
) -> dict[str, KaplanMeier]:
    """Kaplan–Meier over everyone released, per breakdown group (survival_counts)."""
    counts = survival_counts(source, cutoff=cutoff, breakdown=breakdown, known_at=known_at)
    merged: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for group, by_day in counts.items():  # two raw groups may share a label (two UPTs of one name)
        label = _group_label(breakdown, group) if breakdown != "none" else ""
        for days, (events, censored) in by_day.items():
            merged[label][days][0] += events
            merged[label][days][1] += censored
    return {
        label: kaplan_meier_from_counts({time: (e, c) for time, (e, c) in by_day.items()})
        for label, by_day in merged.items()
    }


# A relapse, as a follow-up records it: said so, or a positive urine test.
RELAPSED = Q(outcome=FollowUp.Outcome.RELAPSED) | Q(urine_positive=True)


def follow_ups_done(cutoff: dt.date = dt.date.max):
    """The follow-ups done (by the cut-off) after the release of the outer admission."""
    return FollowUp.objects.filter(plan__admission=OuterRef("pk"), done_on__isnull=False, done_on__lte=cutoff)


def relapse(source, *, cutoff: dt.date) -> dict[str, Cell]:
    """From after-care follow-ups (reported apart from reincarceration): people released with at least one
    follow-up recorded, and of those, people with a relapse or a positive urine test at any follow-up."""
    if source.model is ReleaseOutcome:
        totals = source.filter(released_on__lte=cutoff).aggregate(
            followed=Count("pk", filter=Q(first_follow_up_on__lte=cutoff)),
            relapsed=Count("pk", filter=Q(first_relapse_on__lte=cutoff)),
        )
        return {"followed": Cell(totals["followed"]), "relapsed": Cell(totals["relapsed"])}
    done = follow_ups_done(cutoff)
    relapsed = done.filter(RELAPSED)
    totals = (
        _released_by(source, cutoff=cutoff, known_at=None)
        .annotate(was_followed=Exists(done), has_relapsed=Exists(relapsed))
        .aggregate(
            followed=Count("pk", filter=Q(was_followed=True)),
            relapsed=Count("pk", filter=Q(has_relapsed=True)),
        )
    )
    return {"followed": Cell(totals["followed"]), "relapsed": Cell(totals["relapsed"])}
