"""Backfill the history tables for sessions and attendance made before they existed, and make both tables
append-only in PostgreSQL. Each existing session gets one row with its present state, dated when it was made;
each roster entry a row dated when its session was made, and a recorded mark dated when it was recorded. Past
follow-ups called off get their call-off dated at the release's return (unknown before: the plan's creation)
and those done a recorded time (their own date). Set-based SQL: millions of rows in seconds."""

import datetime as dt

from django.db import migrations

from audit.triggers import append_only

SESSIONS = """
INSERT INTO rehab_sessionchange (session_id, kind, status, starts_at, ends_at, at, reason, by_id)
SELECT s.id, 'made', s.status, s.starts_at, s.ends_at, s.created_at, '', NULL
FROM rehab_session s
WHERE NOT EXISTS (SELECT 1 FROM rehab_sessionchange c WHERE c.session_id = s.id)
"""
ROSTERS = """
INSERT INTO rehab_attendancemark (session_id, enrolment_id, status, at, by_id)
SELECT a.session_id, a.enrolment_id, '', s.created_at, NULL
FROM rehab_attendance a JOIN rehab_session s ON s.id = a.session_id
"""
MARKS = """
INSERT INTO rehab_attendancemark (session_id, enrolment_id, status, at, by_id)
SELECT a.session_id, a.enrolment_id, a.status, COALESCE(a.recorded_at, s.ends_at), a.recorded_by_id
FROM rehab_attendance a JOIN rehab_session s ON s.id = a.session_id
WHERE a.status <> ''
"""
CALLED_OFF = """
UPDATE rehab_followup SET called_off_at = (
    SELECT p.created_at FROM rehab_aftercareplan p WHERE p.id = rehab_followup.plan_id
) WHERE cancelled AND called_off_at IS NULL
"""


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in (SESSIONS, ROSTERS, MARKS, CALLED_OFF):
            cursor.execute(statement)
    # Follow-ups done before: recorded at the end of the day they took place (a date, typed in its zone).
    FollowUp = apps.get_model("rehab", "FollowUp")
    alias = schema_editor.connection.alias  # the database being migrated, not necessarily the default one
    done = FollowUp.objects.using(alias).filter(done_on__isnull=False, recorded_at__isnull=True).only("pk", "done_on")
    batch = []
    for follow_up in done.iterator(chunk_size=2000):
        follow_up.recorded_at = dt.datetime.combine(follow_up.done_on, dt.time(23, 59), tzinfo=dt.UTC)
        batch.append(follow_up)
        if len(batch) == 2000:
            FollowUp.objects.using(alias).bulk_update(batch, ["recorded_at"])
            batch = []
    FollowUp.objects.using(alias).bulk_update(batch, ["recorded_at"])


class Migration(migrations.Migration):
    dependencies = [("rehab", "0007_session_and_attendance_history")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        append_only("rehab_sessionchange"),
        append_only("rehab_attendancemark"),
    ]
