"""The figures of a monthly report, computed in the database with a fixed number of queries (one GROUP BY
per section, by UPT), whatever the number of WBP, sessions, follow-ups or UPTs. Every count about people is
counted per UPT and a region's or the nation's figure is the sum of its UPTs', so the reports of all scopes
of a month come from one pass and add up exactly (reports.publication relies on it); only the agreements,
which span UPTs, are counted per scope. The result is plain JSON: the snapshot a PDF is rendered from and
can be rendered from again."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from agreements.models import Agreement, in_force_q
from assessments.models import Assessment, Recommendation, Screening
from core.parallel_reads import run_in_one_snapshot
from inmates.models import Admission, Movement
from institutions.local_days import local_midnight, on_local_days
from institutions.models import Institution
from rehab.models import (
    QOL_DOMAINS,
    Attendance,
    AttendanceMark,
    Enrolment,
    EnrolmentTransition,
    FollowUp,
    LeaveReason,
    Programme,
    Session,
    SessionChange,
)
from rehab.phases import STAGES, active_with_stage, stages_of
from rehab.quality_of_life import changes_by_upt
from reports import people_treated
from reports.cohorts import WINDOWS, cohorts_and_survival, window_days
from reports.disclosure import curve_end, publishable_curve
from reports.recidivism import kaplan_meier_from_counts
from reports.statements import named_placeholders, numbered

CURVE_HORIZON = 1096  # days: 36 months, the longest window
REFERENCE_ZONE = "Asia/Jakarta"  # WIB: the last of the three zones' midnights, the national reference
SESSION_COUNTS = ("planned", "held", "cancelled", "without_attendance", "recorded", "attended", "excused")
AFTERCARE_COUNTS = ("due", "done", "on_time", "overdue", "urine_positive", "relapsed")
# The steps out of a programme taken for more than one reason (rehab.models.LeaveReason): a drop-out names
# its reason, a release is a release or a death. A completion or a transfer is its own reason.
LEFT_BY_REASON = (Enrolment.Status.DROPPED_OUT, Enrolment.Status.RELEASED)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_end_moment(month: dt.date, zone: str) -> dt.datetime:
    """The first moment after the month, in `zone`: what a month's report knows is what was recorded by
    then."""
    return local_midnight(month_bounds(month)[1] + dt.timedelta(days=1), zone)


def _as_of(history, known_at: dt.datetime, *group: str):
    """The latest row of each `group` recorded by `known_at`: the state then, from append-only history."""
    latest = history.filter(at__lte=known_at).values(*group).annotate(last=Max("pk")).values("last")
    return history.model.objects.filter(pk__in=latest)


def compute(
    institution_ids: list[int],
    month: dt.date,
    *,
    until: dt.date | None = None,
    known_at: dt.datetime | None = None,
) -> dict:
    """The month's figures for the UPTs `institution_ids` together (compute_scopes)."""
    return compute_scopes({"": list(institution_ids)}, month, until=until, known_at=known_at)[""]


def compute_scopes(
    scopes: dict[str, list[int]],
    month: dt.date,
    *,
    until: dt.date | None = None,
    known_at: dt.datetime | None = None,
) -> dict[str, dict]:
    """The month's figures of each scope ({name: its UPTs}) from what had been recorded by `known_at` (by
    default the month's end in WIB, the national reference), so rendering a past month again gives the same
    figures whatever happened since: a session moved or cancelled later, attendance typed late, a follow-up
    called off by a later return. `until` cuts a running month at the day it is generated (a provisional
    report): nobody is counted for days that have not happened."""
    first, last = month_bounds(month)
    if until is not None:
        last = max(first, min(last, until))
    known_at = known_at or month_end_moment(month, REFERENCE_ZONE)
    every_upt = sorted(set().union(*scopes.values()))
    # One scope needs the recidivism counts of its UPT together only: counted so at once (ALL), not per UPT
    # and summed here (for the nation, 100,000 rows of days followed added up in Python, most of a second).
    single = len(scopes) == 1
    by_upt = _by_upt(every_upt, first, last, known_at, per_upt_outcomes=not single)
    agreements = _agreements(scopes, every_upt, last)
    figures = {}
    for scope, upts in scopes.items():
        total = _zero()
        for upt in upts:
            _add(total, by_upt.get(upt, {}))
        if single:
            _add(total, by_upt.get(ALL, {}))
        figures[scope] = _published(total, agreements[scope], first, known_at)
    return figures


def _zero() -> dict:
    return {
        "screening": {"screened": 0, "assist_by_risk": {}},
        "assessment": {"assessed": 0, "recommended_by_kind": {}, "approved": 0},
        "rehabilitation": {"active_by_kind": {}, "active_people": 0, "moves": {}, "left": {}, "phase": {}},
        "sessions": dict.fromkeys(SESSION_COUNTS, 0),
        "aftercare": dict.fromkeys(AFTERCARE_COUNTS, 0),
        "targets": {"target": 0, "capacity": 0},
        "population": {"narcotics": 0, "screened": 0},
        # WHOQOL-BREF at the start and the end of a programme, for those whose end was in the month: people,
        # and per domain those with both scores and the sum of their changes (rehab.quality_of_life).
        "quality_of_life": {"people": 0, "n": {}, "sums": {}},
        "pp25": people_treated.empty(),  # PP 25/2011 Art. 18: the people treated (reports.people_treated)
        "cohorts": {},  # {year: {"size": n, "eligible_6": n, "returned_6": n, …}}
        "km": {},  # {days followed: [returns, censored]}
    }


def _add(into: dict, more: dict) -> None:
    """Sum nested counts (a region's figures from its UPTs')."""
    for key, value in more.items():
        if key == "km":  # {days: [returns, censored]}, thousands of days per UPT: summed in place
            curve = into.setdefault(key, {})
            for days, (returns, censored) in value.items():
                if days in curve:
                    curve[days][0] += returns
                    curve[days][1] += censored
                else:
                    curve[days] = [returns, censored]
        elif isinstance(value, dict):
            _add(into.setdefault(key, {}), value)
        elif isinstance(value, list):
            into[key] = [a + b for a, b in zip(into.get(key, [0] * len(value)), value, strict=True)]
        else:
            into[key] = into.get(key, 0) + (value or 0)


def _rows(queryset, *group: str, **counts):
    return queryset.values(*group).annotate(**counts).order_by()


ALL = "all"  # _by_upt's key for the recidivism counts of every UPT together


def _by_upt(
    upts: list[int], first: dt.date, last: dt.date, known_at: dt.datetime, *, per_upt_outcomes: bool = True
) -> dict[int | str, dict]:
    """Every count of the month per UPT: one GROUP BY per section. The release cohorts and days followed
    (recidivism) per UPT, or with `per_upt_outcomes` off, of all of them together under ALL.

    The sections are independent: they run side by side on PARALLEL_READ_CONNECTIONS connections reading
    one snapshot (core.parallel_reads), the longest first, each into figures of its own, then merged. For
    the nation that is the longest lane's time instead of the sum (README, "National scale", for the
    times measured)."""
    places = Institution.objects.filter(pk__in=upts)
    zoned = list(places.select_related("region").only("pk", "time_zone_override", "region__time_zone"))
    month = _Month(upts, places, zoned, first, last, known_at, per_upt_outcomes)
    sections = [  # (the top-level keys it fills, the function filling them), the longest first
        (("cohorts", "km"), _recidivism),
        (("sessions",), _sessions),
        (("pp25",), _people_treated),
        (("population",), _population),
        (("rehabilitation",), _rehabilitation),
        (("aftercare",), _aftercare),
        (("screening", "assessment"), _screening_and_assessment),
        (("quality_of_life",), _quality_of_life),
        (("targets",), _targets),
    ]
    parts = run_in_one_snapshot(
        [functools.partial(_section, function, month) for _keys, function in sections], model=Institution
    )
    figures: dict[int | str, dict] = defaultdict(_zero)
    for (keys, _function), part in zip(sections, parts, strict=True):
        for upt, section in part.items():
            for key in keys:
                figures[upt][key] = section[key]
    return figures


@dataclass(frozen=True)
class _Month:
    upts: list[int]
    places: QuerySet  # the UPTs, as a queryset: a subquery in every section's statement
    zoned: list[Institution]  # with their time zones
    first: dt.date
    last: dt.date
    known_at: dt.datetime
    per_upt_outcomes: bool


def _section(function, month: _Month) -> dict:
    figures: dict[int | str, dict] = defaultdict(_zero)
    function(figures, month)
    return figures


def _screening_and_assessment(figures, month: _Month) -> None:
    places, first, last, known_at = month.places, month.first, month.last, month.known_at
    recorded = Q(created_at__lte=known_at)
    screenings = Screening.objects.filter(recorded, institution__in=places, screened_on__range=(first, last))
    # People at each UPT: someone screened at two UPTs in the month counts at each.
    for row in _rows(screenings, "institution", n=Count("person", distinct=True)):
        figures[row["institution"]]["screening"]["screened"] = row["n"]
    assist = screenings.filter(instrument=Screening.Instrument.ASSIST)
    for row in _rows(assist, "institution", "risk", n=Count("pk")):
        figures[row["institution"]]["screening"]["assist_by_risk"][row["risk"]] = row["n"]

    assessments = Assessment.objects.filter(
        recorded, institution__in=places, assessed_on__range=(first, last)
    )
    for row in _rows(assessments, "institution", n=Count("pk")):
        figures[row["institution"]]["assessment"]["assessed"] = row["n"]
    recommendations = Recommendation.objects.filter(recorded, assessment__institution__in=places)
    decided = recommendations.filter(decided_on__range=(first, last))
    for row in _rows(decided, "assessment__institution", "kind", n=Count("pk")):
        figures[row["assessment__institution"]]["assessment"]["recommended_by_kind"][row["kind"]] = row["n"]
    approved = Q(approved_on__range=(first, last)) & (
        Q(approved_at__isnull=True) | Q(approved_at__lte=known_at)
    )
    for row in _rows(recommendations.filter(approved), "assessment__institution", n=Count("pk")):
        figures[row["assessment__institution"]]["assessment"]["approved"] = row["n"]


def _rehabilitation(figures, month: _Month) -> None:
    places, first, last, known_at = month.places, month.first, month.last, month.known_at
    # Enrolment state at the month's end, read from the transition rows recorded by then, with each one's
    # phase (read once: the state at the month's end is the dear part, asked twice, twice the time).
    # Enrolments: someone in medical and social rehabilitation at once counts once in each kind. People:
    # each counted once at a UPT, whatever the number of programmes there.
    active = active_with_stage(places, last, known_at)
    people: dict[int, set[int]] = defaultdict(set)
    for upt, kind, person, *_phase in active:
        by_kind = figures[upt]["rehabilitation"]["active_by_kind"]
        by_kind[kind] = by_kind.get(kind, 0) + 1
        people[upt].add(person)
    for upt, persons in people.items():
        figures[upt]["rehabilitation"]["active_people"] = len(persons)
    for upt, by_stage in stages_of(active, month.upts).items():
        figures[upt]["rehabilitation"]["phase"] = dict(by_stage)
    moves = EnrolmentTransition.objects.filter(
        enrolment__programme__institution__in=places, on__range=(first, last), at__lte=known_at
    )
    # Each step into a status, and for the statuses left for more than one reason, by that reason.
    for row in _rows(moves, "enrolment__programme__institution", "to_status", "leave_reason", n=Count("pk")):
        rehabilitation = figures[row["enrolment__programme__institution"]]["rehabilitation"]
        status = row["to_status"]
        rehabilitation["moves"][status] = rehabilitation["moves"].get(status, 0) + row["n"]
        if status in LEFT_BY_REASON:
            by_reason = rehabilitation["left"].setdefault(status, {})
            reason = row["leave_reason"] or LeaveReason.OTHER
            by_reason[reason] = by_reason.get(reason, 0) + row["n"]


def _quality_of_life(figures, month: _Month) -> None:
    for upt, change in changes_by_upt(month.upts, month.first, month.last, month.known_at).items():
        figures[upt]["quality_of_life"] = change


def _people_treated(figures, month: _Month) -> None:
    people_treated.count(figures, month.places, month.first, month.last, month.known_at)


def _targets(figures, month: _Month) -> None:
    programmes = Programme.objects.filter(
        institution__in=month.places, starts_on__lte=month.last, ends_on__gte=month.first
    )
    for row in _rows(programmes, "institution", target=Sum("target"), capacity=Sum("capacity")):
        figures[row["institution"]]["targets"] = {
            "target": row["target"] or 0,
            "capacity": row["capacity"] or 0,
        }


def _recidivism(figures, month: _Month) -> None:
    per_upt = month.per_upt_outcomes
    releases = Admission.objects.filter(institution__in=month.places)
    cohorts, followed = cohorts_and_survival(
        releases,
        cutoff=month.last,
        period="year",
        breakdown="upt" if per_upt else "none",
        known_at=month.known_at,
    )
    for row in cohorts:
        counts = {key: value for key, value in row.items() if key not in ("cohort", "group")}
        figures[row["group"] if per_upt else ALL]["cohorts"][row["cohort"].year] = counts
    for upt, by_day in followed.items():
        figures[upt if per_upt else ALL]["km"] = dict(by_day)


def _sessions(figures, month: _Month) -> None:
    """Sessions planned, held, cancelled and left without attendance, and the attendance recorded at those
    held, per UPT, in one statement: each of the month's sessions as it stood at `known_at` (a row each,
    14,000 for the nation), the rosters of those over by then, and both counted per UPT in the database.
    Read as rows and counted here, the same took twice the time (half of it in Python, listing the
    sessions' ids for the rosters' query)."""
    places, known_at = month.places, month.known_at
    # Each session as it stood at `known_at`, in the month of its own institution's calendar (WIB, WITA or
    # WIT), never the server's.
    in_month = on_local_days("starts_at", month.zoned, month.first, month.last, via="session__institution")
    # A session whose state then starts in the month has a change row starting in the month (that state's
    # own row): looking for the latest state among those sessions only spares the rest of the country's.
    candidates = SessionChange.objects.filter(in_month, session__institution__in=places).values("session")
    states = (
        _as_of(SessionChange.objects.filter(session__in=candidates), known_at, "session")
        .filter(in_month)
        .values(sid=F("session_id"), upt=F("session__institution_id"), state=F("status"), ends=F("ends_at"))
        .order_by()
    )
    states_sql, states_params = states.query.sql_with_params()
    connection = connections[states.db]
    moment = connection.ops.adapt_datetimefield_value(known_at)
    # Over: cancelled no, held or ended by `known_at` (attendance should be on it by then).
    over = "s.state <> %(cancelled)s AND (s.state = %(held)s OR s.ends < %(known_at)s)"
    named = {
        "cancelled": Session.Status.CANCELLED,
        "held": Session.Status.HELD,
        "known_at": moment,
        "withdrawn": AttendanceMark.WITHDRAWN,
        "excused": Attendance.Status.EXCUSED,
        **{f"attended{n}": status for n, status in enumerate(Attendance.ATTENDED)},
    }
    attended = ", ".join(f"%(attended{n})s" for n in range(len(Attendance.ATTENDED)))
    # Each person's mark on a roster is their latest recorded by `known_at` ("" on the roster, unmarked;
    # "withdrawn" off it), numbered newest first in one pass over the marks (a window): a GROUP BY joined
    # back to the marks took a second for the nation.
    query = f"""
        WITH states AS ({named_placeholders(states_sql, "st", states_params, named)}),
        marks AS (
            SELECT m.session_id, s.upt, s.state, m.status, ROW_NUMBER() OVER (
                PARTITION BY m.session_id, m.enrolment_id ORDER BY m.id DESC
            ) AS newest
            FROM {AttendanceMark._meta.db_table} m JOIN states s ON s.sid = m.session_id
            WHERE {over} AND m.at <= %(known_at)s
        ),
        rosters AS (
            SELECT session_id, upt, state,
                SUM(CASE WHEN status = '' THEN 1 ELSE 0 END) AS unmarked,
                SUM(CASE WHEN status NOT IN ('', %(withdrawn)s) THEN 1 ELSE 0 END) AS recorded,
                SUM(CASE WHEN status IN ({attended}) THEN 1 ELSE 0 END) AS came,
                SUM(CASE WHEN status = %(excused)s THEN 1 ELSE 0 END) AS excused
            FROM marks WHERE newest = 1 GROUP BY session_id, upt, state
        )
        SELECT upt,
            SUM(CASE WHEN state <> %(cancelled)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN state = %(held)s THEN 1 ELSE 0 END),
            SUM(CASE WHEN state = %(cancelled)s THEN 1 ELSE 0 END),
            0, 0, 0, 0
        FROM states GROUP BY upt
        UNION ALL
        SELECT upt, 0, 0, 0,
            SUM(CASE WHEN unmarked > 0 THEN 1 ELSE 0 END),
            SUM(CASE WHEN state = %(held)s THEN recorded ELSE 0 END),
            SUM(CASE WHEN state = %(held)s THEN came ELSE 0 END),
            SUM(CASE WHEN state = %(held)s THEN excused ELSE 0 END)
        FROM rosters GROUP BY upt
    """
    # The sessions' counts and their rosters' come as two rows per UPT, added up here: joined per session in
    # the database instead, the planner (which cannot estimate the month's sessions) took seconds.
    with connection.cursor() as cursor:
        cursor.execute(query, {**named, **numbered("st", states_params)})
        for upt, *counts in cursor.fetchall():
            section = figures[upt]["sessions"]
            for name, n in zip(SESSION_COUNTS, counts, strict=True):
                section[name] += int(n or 0)


def _aftercare(figures, month: _Month) -> None:
    places, first, last, known_at = month.places, month.first, month.last, month.known_at
    called_off = Q(cancelled=True, called_off_at__isnull=True) | Q(called_off_at__lte=known_at)
    done = Q(done_on__lte=last) & (Q(recorded_at__isnull=True) | Q(recorded_at__lte=known_at))
    follow_ups = FollowUp.objects.filter(plan__admission__institution__in=places).exclude(called_off)
    rows = _rows(
        follow_ups,
        "plan__admission__institution",
        due=Count("pk", filter=Q(due_on__range=(first, last))),
        done=Count("pk", filter=done & Q(done_on__gte=first)),
        on_time=Count("pk", filter=done & Q(done_on__gte=first, done_on__lte=F("due_on"))),
        overdue=Count("pk", filter=Q(due_on__lt=last) & ~done),
        urine_positive=Count("pk", filter=done & Q(done_on__gte=first, urine_positive=True)),
        relapsed=Count("pk", filter=done & Q(done_on__gte=first, outcome=FollowUp.Outcome.RELAPSED)),
    )
    for row in rows:
        figures[row.pop("plan__admission__institution")]["aftercare"] = row


def _population(figures, month: _Month) -> None:
    """People held for narcotics at each UPT at the month's end, and those of them screened at least once in
    that custody spell: where each spell was then is its latest arrival or transfer dated by the last day,
    among the movements recorded by `known_at`; a spell released by then (as recorded by then) is not held.
    One row per spell, newest movement first in one pass (a window), counted per UPT."""
    upts, last, known_at = month.upts, month.last, month.known_at
    held = Movement.objects.filter(
        kind__in=(Movement.Kind.ADMISSION, Movement.Kind.TRANSFER),
        on__lte=last,
        recorded_at__lte=known_at,
        admission__offence__in=Admission.NARCOTICS_OFFENCES,
        admission__created_at__lte=known_at,
    )
    if len(upts) < Institution.objects.count():  # not the nation: only spells that ever came here
        held = held.filter(
            Exists(Movement.objects.filter(admission=OuterRef("admission"), to_institution__in=upts))
        )
    released = Movement.objects.filter(
        admission=OuterRef("admission"), kind=Movement.Kind.RELEASE, on__lte=last, recorded_at__lte=known_at
    )
    screened = Screening.objects.filter(
        person=OuterRef("admission__person"),
        screened_on__gte=OuterRef("admission__admitted_on"),
        screened_on__lte=last,
        created_at__lte=known_at,
    )
    latest = (
        held.exclude(Exists(released))
        .annotate(
            newest=Window(
                RowNumber(), partition_by=[F("admission_id")], order_by=[F("on").desc(), F("pk").desc()]
            ),
            screened=Exists(screened),
        )
        .filter(newest=1)
        .values("to_institution", "screened")
        .order_by()
    )
    # Counted per UPT in the database: the nation's 85,000 spells read as rows took a fifth of the section.
    sql, params = latest.query.sql_with_params()
    query = (
        "SELECT s.to_institution, COUNT(*), SUM(CASE WHEN s.screened THEN 1 ELSE 0 END)"
        f" FROM ({sql}) s GROUP BY s.to_institution"
    )
    wanted = set(upts)
    with connections[latest.db].cursor() as cursor:
        cursor.execute(query, params)
        for upt, narcotics, screened_ in cursor.fetchall():
            if upt in wanted:
                figures[upt]["population"] = {"narcotics": narcotics, "screened": int(screened_ or 0)}


def _agreements(scopes: dict[str, list[int]], upts: list[int], last: dt.date) -> dict[str, dict]:
    """Agreements in force and ending within 90 days, per scope: one agreement may cover several UPTs, so
    these are counted per scope, never summed."""
    covering = Agreement.objects.filter(institutions__in=upts)
    in_force = _covered(covering.filter(in_force_q(last)))
    ending = _covered(covering.ending_within(last))
    counts = {}
    for scope, places in scopes.items():
        places = set(places)
        counts[scope] = {
            "active": sum(1 for covered in in_force.values() if covered & places),
            "expiring": sum(1 for covered in ending.values() if covered & places),
        }
    return counts


def _covered(agreements) -> dict[int, set[int]]:
    covered: dict[int, set[int]] = defaultdict(set)
    for agreement, upt in agreements.values_list("pk", "institutions").order_by():
        covered[agreement].add(upt)
    return covered


def _published(total: dict, agreements: dict, first: dt.date, known_at: dt.datetime) -> dict:
    """A scope's summed counts in the snapshot's shape."""
    rehabilitation = total["rehabilitation"]
    figures = {
        "month": first.isoformat(),
        "known_at": known_at.isoformat(),
        "screening": {**total["screening"], "assist_by_risk": _sorted(total["screening"]["assist_by_risk"])},
        "assessment": {
            **total["assessment"],
            "recommended_by_kind": _sorted(total["assessment"]["recommended_by_kind"]),
        },
        "rehabilitation": {
            "active_by_kind": _sorted(rehabilitation["active_by_kind"]),
            "active_people": rehabilitation["active_people"],
            "moves": _sorted(rehabilitation["moves"]),
            "left": {status: _sorted(reasons) for status, reasons in sorted(rehabilitation["left"].items())},
            "phase": {stage: rehabilitation["phase"].get(stage, 0) for stage in STAGES},
        },
        "sessions": total["sessions"],
        "aftercare": total["aftercare"],
        "agreements": agreements,
        "targets": {**total["targets"], "active": sum(rehabilitation["active_by_kind"].values())},
        "population": total["population"],
        "quality_of_life": {
            "people": total["quality_of_life"]["people"],
            "n": {domain: total["quality_of_life"]["n"].get(domain, 0) for domain in QOL_DOMAINS},
            "sums": {
                domain: round(total["quality_of_life"]["sums"].get(domain, 0.0), 6) for domain in QOL_DOMAINS
            },
        },
        "pp25": {
            "treated": total["pp25"]["treated"],
            **{name: _sorted(total["pp25"][name]) for name in people_treated.BREAKDOWNS},
        },
    }
    km = kaplan_meier_from_counts({days: tuple(counts) for days, counts in total["km"].items()})
    publishable = publishable_curve(km)
    shown_until = curve_end(km, CURVE_HORIZON) if publishable else 0
    figures["recidivism"] = {
        "windows": list(WINDOWS),
        "rows": [
            {
                "year": year,
                "size": row["size"],
                "windows": [[row[f"eligible_{m}"], row[f"returned_{m}"]] for m in WINDOWS],
            }
            for year, row in sorted(total["cohorts"].items())
        ],
        "size": km.size,
        # Published only for 20 people or more, and only as far as 5 remain at risk (reports.disclosure).
        "publishable": publishable,
        "last_time": shown_until,
        "curve": [
            [step.time, round(step.survival, 6)]
            for step in km.steps
            if publishable and step.time <= shown_until
        ],
        "followed": {str(m): km.at_risk(window_days(m)) for m in WINDOWS},
        "returned_by": {str(m): km.events_by(window_days(m)) for m in WINDOWS},
    }
    return figures


def _sorted(counts: dict) -> dict:
    return dict(sorted(counts.items()))
