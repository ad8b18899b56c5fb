"""Taking attendance: a refused form keeps every mark and names the row, nothing marked is refused, "mark
everyone present" fills the form without saving. The form on its own, then through the session page."""

import datetime as dt
import re

import pytest

from rehab import services
from rehab.forms import AttendanceForm
from rehab.models import Attendance, AttendanceMark, Session
from tests.rehab.conftest import plan
from tests.rehab.test_services import local
from tests.rehab.test_views import url


@pytest.fixture
def held_today(staff, facilitator, programme, members):
    """A group session that started this morning (09:00 WITA, now), nobody marked yet."""
    return services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([facilitator], members),
        times=[(local(dt.date(2026, 3, 2), 8), local(dt.date(2026, 3, 2), 10))],
    )[0]


def roster(session):
    return list(
        session.attendances.select_related("enrolment__person").order_by("enrolment__person__full_name")
    )


def checked(page: str, row: Attendance) -> str | None:
    """The answer whose radio button is checked on the row, as the browser would send it."""
    for tag in re.findall(rf'<input type="radio" name="status-{row.pk}"[^>]*>', page):
        if " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


# --- The form -------------------------------------------------------------------------------------------


def test_form_names_the_participant_whose_excused_absence_has_no_reason(held_today):
    first, second = roster(held_today)
    form = AttendanceForm(
        {f"status-{first.pk}": "present", f"status-{second.pk}": "excused"}, rows=[first, second]
    )
    assert not form.is_valid()
    assert form.row_errors() == [
        f"{second.enrolment.person.full_name}: give the reason for the excused absence."
    ]
    assert not form.non_field_errors()


def test_form_names_the_participant_whose_answer_is_not_one_of_the_choices(held_today):
    first, second = roster(held_today)
    form = AttendanceForm(
        {f"status-{first.pk}": "present", f"status-{second.pk}": "asleep\x00"}, rows=[first, second]
    )
    assert not form.is_valid()
    assert form.row_errors() == [f"{second.enrolment.person.full_name}: choose one of the listed answers."]


@pytest.mark.parametrize(
    "sent",
    [{}, {"status": ""}, {"status": "", "reason": "court"}],
    ids=["nothing sent", "every answer empty", "a reason but no answer"],
)
def test_form_refuses_nothing_marked(held_today, sent):
    rows = roster(held_today)
    data = {f"{field}-{row.pk}": value for row in rows for field, value in sent.items()}
    form = AttendanceForm(data, rows=rows)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Nothing was saved: mark the attendance of at least one participant."]


def test_form_with_one_mark_is_enough_and_sends_only_that_row(held_today):
    first, second = roster(held_today)
    form = AttendanceForm({f"status-{first.pk}": "late"}, rows=[first, second])
    assert form.is_valid()
    assert form.marks() == {first.pk: ("late", "")}


def test_form_all_present_starts_every_row_present_without_reasons(held_today, members):
    rows = roster(held_today)
    rows[1].status, rows[1].reason = "excused", "court"  # as saved earlier
    form = AttendanceForm(rows=rows, all_present=True)
    assert not form.is_bound
    for _row, status, reason in form.lines:
        assert status.value() == "present" and reason.value() == ""


# --- Through the session page ---------------------------------------------------------------------------


def test_a_refused_attendance_keeps_every_mark_and_names_the_row(login, facilitator, held_today):
    first, second = roster(held_today)
    marks_before = AttendanceMark.objects.count()
    response = login(facilitator).post(
        url("session-attendance", held_today.pk),
        {f"status-{first.pk}": "late", f"status-{second.pk}": "excused", f"reason-{second.pk}": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{second.enrolment.person.full_name}: give the reason for the excused absence." in page
    assert "Every mark you entered is kept below" in page
    assert checked(page, first) == "late" and checked(page, second) == "excused"
    # Nothing saved: no mark, the session not held.
    assert set(held_today.attendances.values_list("status", flat=True)) == {""}
    assert AttendanceMark.objects.count() == marks_before
    held_today.refresh_from_db()
    assert held_today.status == Session.Status.PLANNED


def test_saving_with_nothing_marked_is_refused(login, facilitator, held_today):
    response = login(facilitator).post(url("session-attendance", held_today.pk), {})
    assert response.status_code == 200
    assert "Nothing was saved: mark the attendance of at least one participant." in response.content.decode()
    held_today.refresh_from_db()
    assert held_today.status == Session.Status.PLANNED


def test_mark_everyone_present_fills_the_form_saves_nothing_and_stays_editable(
    login, facilitator, held_today
):
    first, second = roster(held_today)
    client = login(facilitator)
    marks_before = AttendanceMark.objects.count()
    response = client.post(url("session-attendance", held_today.pk), {"all_present": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved yet." in page
    assert checked(page, first) == "present" and checked(page, second) == "present"
    assert set(held_today.attendances.values_list("status", flat=True)) == {""}
    assert AttendanceMark.objects.count() == marks_before
    # The counsellor changes one row before saving: what is saved is what the form then says.
    saved = client.post(
        url("session-attendance", held_today.pk),
        {f"status-{first.pk}": "present", f"status-{second.pk}": "absent"},
    )
    assert saved.status_code == 302
    assert dict(held_today.attendances.values_list("pk", "status")) == {
        first.pk: "present",
        second.pk: "absent",
    }


def test_a_service_refusal_is_shown_on_the_page_with_the_marks(login, facilitator, held_today):
    first = roster(held_today)[0]
    Session.objects.filter(pk=held_today.pk).update(status=Session.Status.CANCELLED, cancel_reason="Razia")
    response = login(facilitator).post(
        url("session-attendance", held_today.pk), {f"status-{first.pk}": "present"}
    )
    assert response.status_code == 200
    assert "A cancelled session has no attendance." in response.content.decode()
    assert not held_today.attendances.exclude(status="").exists()


@pytest.mark.parametrize(("user_fixture", "expected"), [("regional", 403), ("outsider", 404)])
def test_read_only_users_and_outsiders_cannot_fill_or_save(
    login, request, held_today, user_fixture, expected
):
    client = login(request.getfixturevalue(user_fixture))
    first = roster(held_today)[0]
    assert client.post(url("session-attendance", held_today.pk), {"all_present": "1"}).status_code == expected
    assert client.post(
        url("session-attendance", held_today.pk), {f"status-{first.pk}": "present"}
    ).status_code == (expected)
    assert not held_today.attendances.exclude(status="").exists()


def test_the_service_also_refuses_nothing_marked_and_names_the_row(staff, held_today):
    first, second = roster(held_today)
    with pytest.raises(Exception, match="mark the attendance of at least one participant"):
        services.attendance_record(by=staff, session=held_today, marks={first.pk: ("", "")})
    with pytest.raises(Exception, match=f"{second.enrolment.person.full_name}: give the reason"):
        services.attendance_record(
            by=staff, session=held_today, marks={first.pk: ("present", ""), second.pk: ("excused", "")}
        )
