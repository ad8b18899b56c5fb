"""A past month's figures never change when later events happen. February 2026 is built through the services
as it was lived (each step typed on its day), its figures are computed, then March brings what the issue saw
change reports: a return to custody and a death calling follow-ups off, a February session cancelled after the
fact, another moved to March, attendance typed late, a release typed late. February computed again: the same
figures. With the data recorded by now (a reissue "with current data") they do change."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from inmates import services as inmates_services
from inmates.models import Admission
from rehab import aftercare, services
from rehab.models import Attendance, FollowUp
from reports.figures import compute
from tests.factories import PersonFactory, admit
from tests.rehab.conftest import make_enrolment, plan
from tests.rehab.test_services import local

pytestmark = pytest.mark.django_db
FEBRUARY = dt.date(2026, 2, 1)


def on(day: dt.date, hour: int = 12):
    """Travel to `day` at `hour` WITA (the UPT's zone), when that step was typed."""
    return time_machine.travel(local(day, hour), tick=False)


def test_february_reads_the_same_after_march_happened(staff, facilitator, programme, institution):
    with on(dt.date(2026, 1, 5)):
        members = [make_enrolment(programme) for _ in range(3)]
        # Two earlier participants released on 10 January: their first follow-ups fall due on 10 February.
        leavers = [make_enrolment(programme) for _ in range(2)]
    with on(dt.date(2026, 1, 10)):
        for enrolment in leavers:
            inmates_services.admission_release(
                by=staff, admission=enrolment.admission, on=dt.date(2026, 1, 10), release_type="parole"
            )
    with on(dt.date(2026, 2, 2)):
        sessions = {
            day: services.sessions_schedule(
                by=staff,
                programme=programme,
                plan=plan([facilitator], members),
                times=[(local(dt.date(2026, 2, day), 9), local(dt.date(2026, 2, day), 11))],
            )[0]
            for day in (20, 24, 25, 26)
        }
    with on(dt.date(2026, 2, 20), 14):
        rows = {row.enrolment_id: row.pk for row in sessions[20].attendances.all()}
        services.attendance_record(
            by=facilitator,
            session=sessions[20],
            marks={
                rows[members[0].pk]: (Attendance.Status.PRESENT, ""),
                rows[members[1].pk]: (Attendance.Status.ABSENT, ""),
                rows[members[2].pk]: (Attendance.Status.PRESENT, ""),
            },
        )
    ids = [institution.pk]
    with on(dt.date(2026, 3, 2)):
        february = compute(ids, FEBRUARY)

    # March: everything that used to rewrite February.
    with on(dt.date(2026, 3, 3)):
        # A return to custody calls off the first leaver's follow-ups.
        admit(leavers[0].person, institution, on=dt.date(2026, 3, 3), number="B.I 99/2026")
        readmitted = Admission.objects.get(register_number="B.I 99/2026")
        aftercare.on_custody_change(
            admission=readmitted, change="admission", on=dt.date(2026, 3, 3), by=staff
        )
        # The second leaver died: the follow-up typed late, the rest called off.
        overdue = FollowUp.objects.filter(plan__person=leavers[1].person).order_by("due_on").first()
        aftercare.follow_up_record(
            by=staff,
            follow_up=overdue,
            done_on=dt.date(2026, 3, 1),
            method=FollowUp.Method.PHONE,
            outcome=FollowUp.Outcome.DECEASED,
        )
        # A February session cancelled after the fact, another moved to March.
        services.sessions_cancel(by=staff, session=sessions[24], reason="Tidak jadi: aula dipakai")
        services.sessions_update(
            by=staff,
            session=sessions[26],
            plan=plan([facilitator]),
            start_time=dt.time(9),
            end_time=dt.time(11),
            day=dt.date(2026, 3, 12),
        )
        # Attendance for 25 February typed a week late.
        rows = {row.enrolment_id: row.pk for row in sessions[25].attendances.all()}
        services.attendance_record(
            by=facilitator,
            session=sessions[25],
            marks=dict.fromkeys(rows.values(), (Attendance.Status.PRESENT, "")),
        )
        # A release on 21 February typed on 3 March: off the rosters after it (and its marks withdrawn).
        inmates_services.admission_release(
            by=staff, admission=members[1].admission, on=dt.date(2026, 2, 21), release_type="parole"
        )
        later = compute(ids, FEBRUARY)
        current = compute(ids, FEBRUARY, known_at=timezone.now())

    assert later == february
    assert february["sessions"]["without_attendance"] == 3  # 24, 25, 26 Feb: over, nobody marked yet
    assert february["sessions"]["planned"] == 4 and february["sessions"]["held"] == 1
    assert (february["sessions"]["recorded"], february["sessions"]["attended"]) == (3, 2)
    assert february["aftercare"]["due"] == 2 and february["aftercare"]["overdue"] == 2
    # With what is known now, February looks different: that is a reissue's business, not a re-render's.
    assert current["sessions"]["planned"] == 2 and current["sessions"]["cancelled"] == 1
    assert current["sessions"]["held"] == 2 and current["aftercare"]["due"] == 1


def test_late_typed_screenings_and_steps_wait_for_a_reissue(staff, institution, programme):
    """Facts dated in February but typed in March count with the data recorded by March, not in February's
    own report."""
    with on(dt.date(2026, 3, 1)):
        enrolment = make_enrolment(programme, PersonFactory())
        services.enrolment_move(
            by=staff, enrolment=enrolment, to="dropped_out", on=dt.date(2026, 2, 15), reason="Menolak"
        )
    with on(dt.date(2026, 3, 2)):
        february = compute([institution.pk], FEBRUARY)
        current = compute([institution.pk], FEBRUARY, known_at=timezone.now())
    assert february["rehabilitation"]["moves"] == {}
    assert current["rehabilitation"]["moves"] == {"dropped_out": 1}
