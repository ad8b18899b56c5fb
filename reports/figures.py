"""The figures of a monthly report, computed in the database with a fixed number of queries (one aggregate
per section), whatever the number of WBP, sessions or follow-ups. The result is plain JSON: the snapshot a
PDF is rendered from and can be rendered from again."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum

from agreements.models import Agreement, in_force_q
from assessments.models import Assessment, Recommendation, Screening
from inmates.models import Admission
from institutions.local_days import local_midnight, on_local_days
from institutions.models import Institution
from rehab.models import (
    Attendance,
    AttendanceMark,
    Enrolment,
    EnrolmentTransition,
    FollowUp,
    Programme,
    Session,
    SessionChange,
)
from reports.cohorts import WINDOWS, cohort_table, survival, window_days
from reports.disclosure import curve_end, publishable_curve
from reports.recidivism import kaplan_meier

CURVE_HORIZON = 1096  # days: 36 months, the longest window


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _by(queryset, field: str) -> dict[str, int]:
    return {row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("pk")).order_by(field)}


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
    """The month's figures from what had been recorded by `known_at` (by default the month's end in WIB,
    the national reference; a report passes its own), so rendering a past month again gives the same
    figures whatever happened since: a session moved or cancelled later, attendance typed late, a follow-up
    called off by a later return. `until` cuts a running month at the day it is generated (a provisional
    report): nobody is counted for days that have not happened."""
    first, last = month_bounds(month)
    if until is not None:
        last = max(first, min(last, until))
    known_at = known_at or month_end_moment(month, "Asia/Jakarta")
    places = Institution.objects.filter(pk__in=institution_ids)
    zoned = list(places.select_related("region").only("pk", "time_zone_override", "region__time_zone"))

    recorded = Q(created_at__lte=known_at)
    screenings = Screening.objects.filter(recorded, institution__in=places, screened_on__range=(first, last))
    assessments = Assessment.objects.filter(
        recorded, institution__in=places, assessed_on__range=(first, last)
    )
    recommendations = Recommendation.objects.filter(recorded, assessment__institution__in=places)
    approved = Q(approved_on__range=(first, last)) & (
        Q(approved_at__isnull=True) | Q(approved_at__lte=known_at)
    )

    # Enrolment state at the month's end, read from the transition rows recorded by then.
    enrolments = Enrolment.objects.filter(programme__institution__in=places)
    steps = EnrolmentTransition.objects.filter(enrolment=OuterRef("pk"), on__lte=last, at__lte=known_at)
    started = steps.filter(to_status=Enrolment.Status.ACTIVE)
    ended = steps.exclude(to_status__in=Enrolment.OPEN)
    moves = EnrolmentTransition.objects.filter(
        enrolment__programme__institution__in=places, on__range=(first, last), at__lte=known_at
    )

    # Each session as it stood at `known_at`, in the month of its own institution's calendar (WIB, WITA or
    # WIT), never the server's.
    session_states = _as_of(
        SessionChange.objects.filter(session__institution__in=places), known_at, "session"
    ).filter(on_local_days("starts_at", zoned, first, last, via="session__institution"))
    held = session_states.filter(status=Session.Status.HELD).values("session")
    # Each person's mark on each roster as it stood then: "" on the roster, unmarked; "withdrawn" off it.
    marks = _as_of(
        AttendanceMark.objects.filter(session__in=session_states.values("session")),
        known_at,
        "session",
        "enrolment",
    )
    over = Q(status=Session.Status.HELD) | Q(status=Session.Status.PLANNED, ends_at__lt=known_at)
    unmarked = marks.filter(status="").values("session")

    called_off = Q(cancelled=True, called_off_at__isnull=True) | Q(called_off_at__lte=known_at)
    done = Q(done_on__lte=last) & (Q(recorded_at__isnull=True) | Q(recorded_at__lte=known_at))
    follow_ups = FollowUp.objects.filter(plan__admission__institution__in=places).exclude(called_off)
    agreements = Agreement.objects.filter(institutions__in=places).distinct()
    programmes = Programme.objects.filter(institution__in=places, starts_on__lte=last, ends_on__gte=first)

    active_at_end = enrolments.filter(Exists(started)).exclude(Exists(ended))
    figures = {
        "month": first.isoformat(),
        "known_at": known_at.isoformat(),
        "screening": {
            "assist_by_risk": _by(screenings.filter(instrument=Screening.Instrument.ASSIST), "risk"),
            # People at each UPT: someone screened at two UPTs in the month counts at each, so a region's
            # figure is the sum of its UPTs' (reports.publication relies on every count adding up).
            "screened": screenings.values("person", "institution").distinct().count(),
        },
        "assessment": {
            "assessed": assessments.count(),
            "recommended_by_kind": _by(recommendations.filter(decided_on__range=(first, last)), "kind"),
            "approved": recommendations.filter(approved).count(),
        },
        "rehabilitation": {
            # Enrolments: someone in medical and social rehabilitation at once counts once in each kind.
            "active_by_kind": _by(active_at_end, "kind"),
            # People: each counted once at a UPT, whatever the number of programmes there.
            "active_people": active_at_end.values("person", "programme__institution").distinct().count(),
            "moves": _by(moves, "to_status"),
        },
        "sessions": {
            **session_states.aggregate(
                planned=Count("pk", filter=~Q(status=Session.Status.CANCELLED)),
                held=Count("pk", filter=Q(status=Session.Status.HELD)),
                cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
            ),
            "without_attendance": session_states.filter(over, session__in=unmarked).count(),
            **marks.filter(session__in=held).aggregate(
                recorded=Count("pk", filter=~Q(status__in=["", AttendanceMark.WITHDRAWN])),
                attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED)),
                # Absent with an acceptable reason (court, illness…): outside the rate's denominator.
                excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
            ),
        },
        "aftercare": follow_ups.aggregate(
            due=Count("pk", filter=Q(due_on__range=(first, last))),
            done=Count("pk", filter=done & Q(done_on__gte=first)),
            overdue=Count("pk", filter=Q(due_on__lt=last) & ~done),
            urine_positive=Count("pk", filter=done & Q(done_on__gte=first, urine_positive=True)),
            relapsed=Count("pk", filter=done & Q(done_on__gte=first, outcome=FollowUp.Outcome.RELAPSED)),
        ),
        "agreements": {
            "active": agreements.filter(in_force_q(last)).count(),
            "expiring": agreements.ending_within(last).count(),
        },
        "targets": {
            **programmes.aggregate(target=Sum("target"), capacity=Sum("capacity")),
            "active": active_at_end.count(),
        },
    }
    releases = Admission.objects.filter(institution__in=places)
    rows = cohort_table(releases, cutoff=last, period="year", known_at=known_at)
    km = survival(releases, cutoff=last, known_at=known_at).get("") or kaplan_meier([], [])
    publishable = publishable_curve(km)
    shown_until = curve_end(km, CURVE_HORIZON) if publishable else 0
    figures["recidivism"] = {
        "windows": list(WINDOWS),
        "rows": [
            {
                "year": row.period.year,
                "size": row.size.value,
                "windows": [[w.eligible.value, w.returned.value] for w in row.windows],
            }
            for row in rows
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
