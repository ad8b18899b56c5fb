"""The demo is typed in one go today, but tells months of history. Reports count what had been recorded by a
month's end (reports.figures), so a demo whose every record is dated today would show empty past months.
This step dates the demo's records as if each had been typed on the day it happened: a screening on its day,
attendance just after its session, a release on its date. Only the demo does this, right after loading; the
application never rewrites when something was recorded.

The history tables are append-only (a PostgreSQL trigger refuses UPDATE); here the trigger is set aside for
the length of this transaction, which only the tables' owner can do: a development or demo database."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

TYPED_AT = dt.time(3, 0)  # 10:00 WIB, 11:00 WITA, 12:00 WIT: office hours everywhere
HISTORY_TABLES = ("rehab_sessionchange", "rehab_attendancemark", "rehab_phasemove", "rehab_qualityoflife")


def _on(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, TYPED_AT, tzinfo=dt.UTC) if day else None


def _update(cursor, table: str, column: str, rows) -> None:
    """Set `column` to each row's moment, never later than now (a session to come was scheduled today)."""
    now = timezone.now()
    cursor.executemany(
        f"UPDATE {table} SET {column} = %s WHERE id = %s", [(min(at, now), pk) for pk, at in rows if at]
    )


def backdate() -> None:
    from assessments.models import Assessment, Recommendation, Screening
    from inmates.models import Admission, Movement
    from rehab.models import (
        AftercarePlan,
        Attendance,
        AttendanceMark,
        EnrolmentTransition,
        FollowUp,
        PhaseMove,
        QualityOfLife,
        SessionChange,
    )

    hour = dt.timedelta(hours=1)
    week = dt.timedelta(days=7)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
            for table in HISTORY_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_delete")
        # Typed on the day they happened: (model, the day's field, the moment's column).
        for model, day, column in (
            (Admission, "admitted_on", "created_at"),
            (Movement, "on", "recorded_at"),
            (Screening, "screened_on", "created_at"),
            (Assessment, "assessed_on", "created_at"),
            (Recommendation, "decided_on", "created_at"),
            (Recommendation, "approved_on", "approved_at"),
            (EnrolmentTransition, "on", "at"),
            (PhaseMove, "on", "at"),
            (AftercarePlan, "released_on", "created_at"),
            (QualityOfLife, "taken_on", "created_at"),
        ):
            rows = model.objects.values_list("pk", day)
            _update(cursor, model._meta.db_table, column, ((pk, _on(date)) for pk, date in rows))
        follow_ups = FollowUp.objects.select_related("called_off_by").only(
            "done_on", "called_off_at", "called_off_by__admitted_on"
        )
        _update(cursor, "rehab_followup", "recorded_at", ((f.pk, _on(f.done_on)) for f in follow_ups))
        _update(
            cursor,
            "rehab_followup",
            "called_off_at",
            (
                (f.pk, _on(f.called_off_by.admitted_on))
                for f in follow_ups
                if f.called_off_at and f.called_off_by
            ),
        )
        # A session scheduled a week before it, held (attendance taken) an hour after it ended.
        changes = SessionChange.objects.select_related("session").only(
            "kind", "session__starts_at", "session__ends_at"
        )
        _update(
            cursor,
            "rehab_sessionchange",
            "at",
            (
                (
                    c.pk,
                    c.session.starts_at - week if c.kind in ("made", "changed") else c.session.ends_at + hour,
                )
                for c in changes
            ),
        )
        _update(
            cursor,
            "rehab_attendance",
            "recorded_at",
            (
                (a.pk, a.session.ends_at + hour)
                for a in Attendance.objects.select_related("session").exclude(status="")
            ),
        )
        # Put on a roster when the session was scheduled, marked after it; taken off on the day they left.
        left_on = dict(
            EnrolmentTransition.objects.exclude(to_status__in=["waiting", "active"])
            .order_by("enrolment", "on")
            .values_list("enrolment_id", "on")
        )
        marks = AttendanceMark.objects.select_related("session").only(
            "status", "enrolment_id", "session__starts_at", "session__ends_at"
        )
        _update(
            cursor,
            "rehab_attendancemark",
            "at",
            (
                (
                    m.pk,
                    m.session.starts_at - week
                    if m.status == ""
                    else (
                        _on(left_on.get(m.enrolment_id))
                        if m.status == AttendanceMark.WITHDRAWN
                        else m.session.ends_at + hour
                    ),
                )
                for m in marks
            ),
        )
        if connection.vendor == "postgresql":
            for table in HISTORY_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_update_delete")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
