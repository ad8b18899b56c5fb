"""People leave rosters on the day they leave custody, whenever that is recorded: a release or a transfer
typed weeks late takes the person off every session after its date (with what was marked for them there),
attendance can no longer be taken for them, the month's rates no longer count them, and whoever recorded the
release is told which sessions changed. (Today is 2 March 2026, 09:00 WITA: see conftest.)"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inmates import services as inmates_services
from rehab import services
from rehab.models import Attendance, Enrolment
from reports.figures import compute
from tests.rehab.conftest import plan
from tests.rehab.test_services import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def february(staff, facilitator, programme, members):
    """Group sessions on 20, 25 and 27 February (attendance taken: the first member absent at the last two)
    and one to come on 10 March."""
    sessions = []
    for day in (20, 25, 27):
        session = services.sessions_schedule(
            by=staff,
            programme=programme,
            plan=plan([facilitator], members),
            times=[(local(dt.date(2026, 2, day), 9), local(dt.date(2026, 2, day), 11))],
        )[0]
        rows = {row.enrolment_id: row.pk for row in session.attendances.all()}
        first = Attendance.Status.PRESENT if day == 20 else Attendance.Status.ABSENT
        services.attendance_record(
            by=facilitator,
            session=session,
            marks={rows[members[0].pk]: (first, ""), rows[members[1].pk]: (Attendance.Status.PRESENT, "")},
        )
        sessions.append(session)
    sessions += services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([facilitator], members),
        times=[(local(dt.date(2026, 3, 10), 9), local(dt.date(2026, 3, 10), 11))],
    )
    return sessions


def on_roster(session, enrolment) -> bool:
    return session.attendances.filter(enrolment=enrolment).exists()


def test_a_release_recorded_late_takes_the_person_off_the_sessions_after_it(
    staff, facilitator, programme, members, february, institution
):
    # February's figures with the data recorded so far (a reissue "with current data"): typed on 2 March.
    before = compute([institution.pk], dt.date(2026, 2, 1), known_at=timezone.now())["sessions"]
    leaving = members[0]
    released = inmates_services.admission_release(
        by=staff, admission=leaving.admission, on=dt.date(2026, 2, 23), release_type="parole"
    )
    assert on_roster(february[0], leaving)  # 20 February: still in custody
    assert not any(on_roster(session, leaving) for session in february[1:])  # 25, 27 Feb and 10 March
    assert any("25-02-2026 09:00, 27-02-2026 09:00" in notice for notice in released.notices)
    leaving.refresh_from_db()
    assert leaving.status == Enrolment.Status.RELEASED
    # The month's attendance no longer counts two "absent" marks for someone who was not in custody.
    after = compute([institution.pk], dt.date(2026, 2, 1), known_at=timezone.now())["sessions"]
    assert (before["recorded"], before["attended"]) == (6, 4)
    assert (after["recorded"], after["attended"]) == (4, 4)


def test_no_attendance_can_be_taken_for_someone_released_before_the_session(
    staff, facilitator, programme, members, february
):
    leaving = members[0]
    row = february[2].attendances.get(enrolment=leaving).pk
    inmates_services.admission_release(
        by=staff, admission=leaving.admission, on=dt.date(2026, 2, 23), release_type="parole"
    )
    with pytest.raises(ValidationError, match="Unknown participant"):
        services.attendance_record(
            by=facilitator, session=february[2], marks={row: (Attendance.Status.PRESENT, "")}
        )


def test_a_transfer_recorded_late_does_the_same(
    staff, facilitator, programme, members, february, sister_institution
):
    leaving = members[0]
    movement = inmates_services.admission_transfer(
        by=staff, admission=leaving.admission, to_institution=sister_institution, on=dt.date(2026, 2, 26)
    )
    assert [on_roster(session, leaving) for session in february] == [True, True, False, False]
    assert any("27-02-2026 09:00" in notice for notice in movement.notices)


def test_leaving_a_programme_with_an_earlier_date_takes_the_same_sessions_off(
    staff, facilitator, programme, members, february
):
    leaving = members[0]
    moved = services.enrolment_move(
        by=staff,
        enrolment=leaving,
        to=Enrolment.Status.DROPPED_OUT,
        on=dt.date(2026, 2, 24),
        reason="Menolak",
    )
    assert [on_roster(session, leaving) for session in february] == [True, False, False, False]
    assert moved.notices and "25-02-2026 09:00" in moved.notices[0]


def test_the_history_of_sessions_and_rosters_cannot_be_rewritten(
    staff, facilitator, programme, members, february
):
    """The rows the figures read are append-only: the ORM refuses to change them, and so does PostgreSQL."""
    from django.db import DatabaseError, connection, transaction

    from audit.models import AppendOnlyError
    from rehab.models import AttendanceMark, SessionChange

    change = SessionChange.objects.filter(session=february[0]).first()
    mark = AttendanceMark.objects.filter(session=february[0]).first()
    assert change and mark
    with pytest.raises(AppendOnlyError):
        SessionChange.objects.filter(pk=change.pk).update(status="cancelled")
    with pytest.raises(AppendOnlyError):
        AttendanceMark.objects.filter(pk=mark.pk).delete()
    if connection.vendor != "postgresql":
        return  # the trigger exists on PostgreSQL only; the ORM guard above holds everywhere
    for statement, pk in (
        ("UPDATE rehab_sessionchange SET status = 'cancelled' WHERE id = %s", change.pk),
        ("DELETE FROM rehab_attendancemark WHERE id = %s", mark.pk),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [pk])
    assert SessionChange.objects.get(pk=change.pk).status == change.status
