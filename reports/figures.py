"""The figures of a monthly report, computed in the database with a fixed number of queries (one aggregate
per section), whatever the number of WBP, sessions or follow-ups. The result is plain JSON: the snapshot a
PDF is rendered from and can be rendered from again."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, Sum

from agreements.models import Agreement, in_force_q
from assessments.models import Assessment, Recommendation, Screening
from inmates.models import Admission
from institutions.local_days import on_local_days
from institutions.models import Institution
from rehab.models import Attendance, Enrolment, EnrolmentTransition, FollowUp, Programme, Session
from reports.cohorts import WINDOWS, cohort_table, survival, window_days
from reports.recidivism import kaplan_meier


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _by(queryset, field: str) -> dict[str, int]:
    return {row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("pk")).order_by(field)}


def compute(institution_ids: list[int], month: dt.date, *, until: dt.date | None = None) -> dict:
    """The month's figures; `until` cuts a running month at the day it is generated (a provisional report):
    nobody is counted for days that have not happened."""
    first, last = month_bounds(month)
    if until is not None:
        last = max(first, min(last, until))
    places = Institution.objects.filter(pk__in=institution_ids)
    zoned = list(places.select_related("region").only("pk", "time_zone_override", "region__time_zone"))

    screenings = Screening.objects.filter(institution__in=places, screened_on__range=(first, last))
    assessments = Assessment.objects.filter(institution__in=places, assessed_on__range=(first, last))
    recommendations = Recommendation.objects.filter(assessment__institution__in=places)

    # Enrolment state at the month's end, read from the transition rows (never from today's status).
    enrolments = Enrolment.objects.filter(programme__institution__in=places)
    steps = EnrolmentTransition.objects.filter(enrolment=OuterRef("pk"), on__lte=last)
    started = steps.filter(to_status=Enrolment.Status.ACTIVE)
    ended = steps.exclude(to_status__in=Enrolment.OPEN)
    moves = EnrolmentTransition.objects.filter(
        enrolment__programme__institution__in=places, on__range=(first, last)
    )

    # Each session in the month of its own institution's calendar (WIB, WITA or WIT), never the server's.
    sessions = Session.objects.filter(on_local_days("starts_at", zoned, first, last))
    attendance = Attendance.objects.filter(session__in=sessions.filter(status=Session.Status.HELD))

    follow_ups = FollowUp.objects.filter(plan__admission__institution__in=places)
    agreements = Agreement.objects.filter(institutions__in=places).distinct()
    programmes = Programme.objects.filter(institution__in=places, starts_on__lte=last, ends_on__gte=first)

    active_at_end = enrolments.filter(Exists(started)).exclude(Exists(ended))
    figures = {
        "month": first.isoformat(),
        "screening": {
            "assist_by_risk": _by(screenings.filter(instrument=Screening.Instrument.ASSIST), "risk"),
            "screened": screenings.values("person").distinct().count(),
        },
        "assessment": {
            "assessed": assessments.count(),
            "recommended_by_kind": _by(recommendations.filter(decided_on__range=(first, last)), "kind"),
            "approved": recommendations.filter(approved_on__range=(first, last)).count(),
        },
        "rehabilitation": {
            "active_by_kind": _by(active_at_end, "kind"),
            "moves": _by(moves, "to_status"),
        },
        "sessions": {
            **sessions.aggregate(
                planned=Count("pk", filter=~Q(status=Session.Status.CANCELLED)),
                held=Count("pk", filter=Q(status=Session.Status.HELD)),
                cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
            ),
            "without_attendance": sessions.with_attendance_gap().count(),
            **attendance.aggregate(
                recorded=Count("pk", filter=~Q(status=Attendance.Status.NOT_RECORDED)),
                attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED)),
            ),
        },
        "aftercare": follow_ups.aggregate(
            due=Count("pk", filter=Q(due_on__range=(first, last), cancelled=False)),
            done=Count("pk", filter=Q(done_on__range=(first, last))),
            overdue=Count(
                "pk",
                filter=Q(due_on__lt=last, cancelled=False) & (Q(done_on__isnull=True) | Q(done_on__gt=last)),
            ),
            urine_positive=Count("pk", filter=Q(done_on__range=(first, last), urine_positive=True)),
            relapsed=Count("pk", filter=Q(done_on__range=(first, last), outcome=FollowUp.Outcome.RELAPSED)),
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
    rows = cohort_table(releases, cutoff=last, period="year")
    km = survival(releases, cutoff=last).get("") or kaplan_meier([], [])
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
        "last_time": km.last_time,
        "curve": [[step.time, round(step.survival, 6)] for step in km.steps],
        "followed": {str(m): km.at_risk(window_days(m)) for m in WINDOWS},
        "returned_by": {str(m): km.events_by(window_days(m)) for m in WINDOWS},
    }
    return figures
