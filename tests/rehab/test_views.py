"""Rehab pages: who may see and do what, bad input saving nothing, notes confidentiality per role, query
bounds for the calendar and lists with 1 and 200 sessions."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from rehab import services
from rehab.models import Enrolment, Note, Programme, Session
from tests.rehab.conftest import make_enrolment, plan
from tests.rehab.test_services import local


def url(name, *args):
    return reverse(f"rehab:{name}", args=args)


def session_data(facilitator, **overrides):
    data = {
        "kind": "group",
        "topic": "Kelompok dukungan",
        "room": "Aula",
        "facilitators": [facilitator.pk],
        "day": "2026-03-02",
        "start_time": "09:00",
        "end_time": "11:00",
        "weekdays": ["0", "3"],
        "count": "6",
    }
    data.update(overrides)
    return data


@pytest.fixture
def booked(staff, facilitator, programme, members):
    session = services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([facilitator], members),
        times=[(local(dt.date(2026, 2, 27), 9), local(dt.date(2026, 2, 27), 11))],
    )[0]
    services.note_add(
        by=facilitator, session=session, text="Sangat tertutup hari ini", person=members[0].person
    )
    return session


@pytest.mark.parametrize(
    ("user_fixture", "programme_page", "session_page", "notes_shown", "may_edit"),
    [
        ("staff", 200, 200, False, 200),
        ("facilitator", 200, 200, True, 200),
        ("regional", 200, 200, False, 403),
        ("national", 200, 200, False, 403),
        ("outsider", 404, 404, False, 404),
        ("sister_staff", 404, 404, False, 404),
    ],
)
def test_pages_for_every_role(
    login, request, booked, programme, user_fixture, programme_page, session_page, notes_shown, may_edit
):
    user = request.getfixturevalue(user_fixture)
    client = login(user)
    assert client.get(programme.get_absolute_url()).status_code == programme_page
    response = client.get(booked.get_absolute_url())
    assert response.status_code == session_page
    if session_page == 200:
        assert ("Sangat tertutup hari ini" in response.content.decode()) is notes_shown
    assert client.get(url("session-edit", booked.pk)).status_code == may_edit
    assert client.get(url("session-cancel", booked.pk)).status_code == may_edit


def test_counsellor_of_another_agency_sees_nothing(login, booked, programme):
    from accounts.models import Role
    from tests.factories import AgencyFactory, UserFactory, make_agreement, membership

    other = AgencyFactory(code="ipwl-lain")
    make_agreement(institutions=[programme.institution], agencies=[other], scopes=["social_rehabilitation"])
    stranger = membership(UserFactory(username="konselor.ipwl"), Role.COUNSELLOR, other)
    client = login(stranger)
    assert client.get(programme.get_absolute_url()).status_code == 404
    assert client.get(booked.get_absolute_url()).status_code == 404
    assert not Note.objects.visible_to(stranger).exists()


def test_every_read_of_a_note_is_audited(login, facilitator, booked):
    login(facilitator).get(booked.get_absolute_url())
    note = Note.objects.get()
    assert AuditEvent.objects.filter(action="view", actor=facilitator, object_id=str(note.pk)).count() == 1


def test_staff_cannot_post_a_note(login, staff, booked):
    login(staff).post(url("note-create", booked.pk), {"text": "Coba"})
    assert Note.objects.count() == 1


def test_counsellor_schedules_a_twice_weekly_series(login, facilitator, programme, members):
    response = login(facilitator).post(url("session-create", programme.pk), session_data(facilitator))
    sessions = list(Session.objects.order_by("starts_at"))
    assert response.status_code == 302 and len(sessions) == 6
    assert [
        s.starts_at.astimezone(programme.institution.time_zone_info).strftime("%a %H:%M")
        for s in sessions[:2]
    ] == [
        "Mon 09:00",
        "Thu 09:00",
    ]
    assert sessions[0].attendances.count() == len(members)  # every active member invited


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "08:00"}, "The session must end after it starts."),
        ({"count": "", "until": ""}, "give the last date or the number of sessions"),
        ({"facilitators": []}, "This field is required."),
        ({"day": "2026-09-01", "weekdays": []}, "fall within the programme"),
        ({"kind": "individual", "weekdays": []}, "exactly one participant"),
    ],
)
def test_session_bad_input_saves_nothing(login, facilitator, programme, members, overrides, message):
    response = login(facilitator).post(
        url("session-create", programme.pk), session_data(facilitator, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_a_conflict_names_the_session_in_the_way(login, facilitator, staff, booked, programme):
    data = session_data(
        facilitator, day="2026-02-27", weekdays=[], room="Ruang 2", start_time="10:00", end_time="12:00"
    )
    response = login(facilitator).post(url("session-create", programme.pk), data)
    assert "A facilitator is already in “Kelompok”" in response.content.decode()
    assert Session.objects.count() == 1


def test_attendance_for_the_group_and_the_dose_on_the_programme_page(
    login, facilitator, booked, programme, members
):
    rows = {row.enrolment_id: row.pk for row in booked.attendances.all()}
    data = {
        f"status-{rows[members[0].pk]}": "present",
        f"status-{rows[members[1].pk]}": "excused",
        f"reason-{rows[members[1].pk]}": "court",
    }
    client = login(facilitator)
    assert client.post(url("session-attendance", booked.pk), data).status_code == 302
    booked.refresh_from_db()
    assert booked.status == Session.Status.HELD
    page = client.get(programme.get_absolute_url())
    doses = {enrolment.pk: (sessions, hours) for enrolment, sessions, hours in page.context["enrolments"]}
    assert doses[members[0].pk] == (1, 2.0) and doses[members[1].pk] == (0, 0)


def test_enrolment_transitions_from_the_programme_page(login, staff, programme):
    enrolment = make_enrolment(programme, status="waiting")
    client = login(staff)
    client.post(url("enrolment-move", enrolment.pk), {"to": "active", "on": "2026-03-02"})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    response = client.post(
        url("enrolment-move", enrolment.pk), {"to": "completed", "on": "2026-03-02"}, follow=True
    )
    assert "The requirement is not met yet" in response.content.decode()


def test_the_status_changer_starts_unchosen_and_explains_the_override(login, staff, programme):
    enrolment = make_enrolment(programme, status="active")
    client = login(staff)
    page = client.get(programme.get_absolute_url()).content.decode()
    changer = page[page.index(f'id="to-{enrolment.pk}"') :]
    assert changer.index('<option value="">') < changer.index('value="completed"')  # nothing pre-set
    assert "complete although the required sessions or hours are not reached" in page
    response = client.post(url("enrolment-move", enrolment.pk), {"to": "", "on": "2026-03-02"}, follow=True)
    assert "Nothing was saved: choose a status" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_programme_create_and_its_bad_input(login, staff, counsellor, institution, agency, rehab_agreement):
    data = {
        "institution": institution.pk,
        "kind": "aftercare_prep",
        "name": "Persiapan pascarehabilitasi",
        "agency": agency.pk,
        "agreement": rehab_agreement.pk,
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "capacity": "15",
        "target": "15",
        "required_sessions": "10",
    }
    client = login(staff)
    response = client.post(url("programme-create"), data)
    assert "does not cover this kind of programme" in response.content.decode()
    assert not Programme.objects.exists()
    assert client.post(url("programme-create"), {**data, "kind": "social"}).status_code == 302
    assert login(counsellor).get(url("programme-create")).status_code == 403


def test_calendar_and_lists_keep_their_query_count(
    login, staff, facilitator, programme, members, django_assert_max_num_queries
):
    client = login(staff)
    services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([facilitator], members),
        times=[(local(dt.date(2026, 3, 10), 20), local(dt.date(2026, 3, 10), 21))],
    )
    pages = [
        url("calendar") + "?date=2026-03-10",
        url("calendar") + "?view=month&date=2026-03-10",
        url("programme-list"),
        programme.get_absolute_url(),
    ]
    counts = {}
    for page in pages:
        with django_assert_max_num_queries(40) as one:
            assert client.get(page).status_code == 200
        counts[page] = len(one.captured_queries)
    # 200 sessions in the week shown (9–15 March): 29 short ones a day from 07:00.
    times = [
        (
            local(dt.date(2026, 3, 9 + d), 7) + dt.timedelta(minutes=20 * n),
            local(dt.date(2026, 3, 9 + d), 7) + dt.timedelta(minutes=20 * n + 15),
        )
        for d in range(7)
        for n in range(29)
    ][:200]
    services.sessions_schedule(
        by=staff, programme=programme, plan=plan([facilitator], members, room="Aula 2"), times=times
    )
    for page in pages:
        with django_assert_max_num_queries(counts[page], info=page):
            client.get(page)
    facilitator_client = login(facilitator)
    with django_assert_max_num_queries(20):
        response = facilitator_client.get(url("my-week") + "?date=2026-03-10")
    assert sum(len(sessions) for _day, sessions in response.context["days"]) == 201


def test_home_flags_sessions_without_attendance(login, staff, facilitator, booked):
    for user in (staff, facilitator):
        client = login(user)
        response = client.get(reverse("home"))
        [gaps] = [
            item
            for group in response.context["todo_groups"]
            for item in group.items
            if item.key == "attendance-gaps"
        ]
        assert gaps.count == 1
        listed = client.get(gaps.url)
        assert list(listed.context["page_obj"].object_list) == [booked]
        assert "Attendance not recorded" in listed.content.decode()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_far_dates_never_break_the_calendar_or_the_forms(login, facilitator, programme, members, day):
    client = login(facilitator)
    assert client.get(url("calendar") + f"?date={day}").status_code == 200
    assert client.get(url("calendar") + f"?date={day}&view=month").status_code == 200
    assert client.get(url("my-week") + f"?date={day}").status_code == 200
    response = client.post(
        url("session-create", programme.pk), session_data(facilitator, day=day, weekdays=[])
    )
    assert "Check the year" in response.content.decode()
    assert not Session.objects.exists()


def test_attendance_rows_not_sent_keep_their_marks(login, facilitator, booked, members):
    rows = {row.enrolment_id: row.pk for row in booked.attendances.all()}
    client = login(facilitator)
    client.post(url("session-attendance", booked.pk), {f"status-{rows[members[0].pk]}": "present"})
    client.post(url("session-attendance", booked.pk), {f"status-{rows[members[1].pk]}": "late"})
    assert dict(booked.attendances.values_list("enrolment_id", "status")) == {
        members[0].pk: "present",
        members[1].pk: "late",
    }


@pytest.mark.parametrize(
    ("query", "earlier", "later", "shown_first"),
    [
        ("date=2026-03-10", "2026-03-08", "2026-03-16", dt.date(2026, 3, 2)),  # week of 9 March
        ("view=month&date=2026-03-10", "2026-02-28", "2026-04-06", dt.date(2026, 1, 26)),  # February
    ],
    ids=["week", "month"],
)
def test_calendar_earlier_and_later_links_move_to_the_neighbouring_period(
    login, facilitator, programme, query, earlier, later, shown_first
):
    client = login(facilitator)
    response = client.get(url("calendar") + "?" + query)
    page = response.content.decode()
    assert response.status_code == 200
    assert "??" not in page
    view = "view=month&amp;" if "month" in query else ""
    assert f'href="?{view}date={earlier}"' in page and f'href="?{view}date={later}"' in page
    # Following "Earlier" really leaves the period shown.
    previous = client.get(url("calendar") + "?" + query.replace("2026-03-10", earlier))
    assert previous.context["weeks"][0][0][0] == shown_first


def _release(staff, person, on):
    from inmates import services as inmates_services

    admission = person.admissions.get(released_on__isnull=True)
    inmates_services.admission_release(by=staff, admission=admission, on=on, release_type="sentence_expiry")


def test_a_released_participant_is_not_named_on_the_counsellors_programme_page(
    login, staff, facilitator, programme, members, booked
):
    person = members[0].person
    _release(staff, person, dt.date(2026, 3, 1))  # the agreement has no after-care scope: access ends
    page = login(facilitator).get(url("programme-detail", programme.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert person.full_name not in text and person.get_absolute_url() not in text
    assert "1 earlier participant is no longer within your reach" in text
    assert members[1].person.full_name in text  # still in custody: named, with a link
    staff_page = login(staff).get(url("programme-detail", programme.pk)).content.decode()
    assert person.full_name in staff_page and person.get_absolute_url() in staff_page


def test_a_past_session_keeps_a_former_participants_name_without_a_link(
    login, staff, facilitator, members, booked
):
    person = members[0].person
    _release(staff, person, dt.date(2026, 3, 1))
    response = login(facilitator).get(booked.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert person.full_name in text  # the record of the counsellor's own work
    assert person.get_absolute_url() not in text
    # A note can no longer be written about them.
    assert person.pk not in {p.pk for p in response.context["note_form"].fields["person"].queryset}


def test_a_session_to_come_does_not_name_someone_out_of_reach(login, staff, facilitator, programme, members):
    future = services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([facilitator], members),
        times=[(local(dt.date(2026, 3, 5), 9), local(dt.date(2026, 3, 5), 11))],
    )[0]
    person = members[0].person
    # Released in the register without the roster being touched (as an import of a late release would).
    person.admissions.update(released_on=dt.date(2026, 3, 1), release_type="sentence_expiry")
    response = login(facilitator).get(future.get_absolute_url())
    assert response.status_code == 200
    assert person.full_name not in response.content.decode()
    assert members[1].person.full_name in response.content.decode()
    assert person.full_name in login(staff).get(future.get_absolute_url()).content.decode()
    refused = login(facilitator).post(url("note-create", future.pk), {"person": person.pk, "text": "x"})
    assert refused.status_code == 302
    assert not Note.objects.filter(person=person, session=future).exists()


def test_a_counsellor_awaiting_a_second_administrator_cannot_facilitate(login, staff, programme, agency):
    from accounts.models import Membership, Role
    from tests.factories import UserFactory

    pending = UserFactory(username="konselor.menunggu")
    Membership.objects.create(user=pending, role=Role.COUNSELLOR, agency=agency, awaiting_confirmation=True)
    client = login(staff)
    form = client.get(url("session-create", programme.pk)).context["form"]
    assert pending not in form.fields["facilitators"].queryset
    response = client.post(url("session-create", programme.pk), session_data(pending, weekdays=[]))
    assert response.status_code == 200
    assert not Session.objects.filter(programme=programme).exists()


def test_a_crowded_calendar_counts_sessions_per_upt(
    login, staff, national, facilitator, programme, members, institution, monkeypatch
):
    """Above the limit, a calendar counts sessions per UPT and day (per week in a month) instead of drawing
    every one; each UPT links to its own calendar, which draws them again."""
    from rehab import calendar_views

    times = [(local(dt.date(2026, 3, 10 + d), 9), local(dt.date(2026, 3, 10 + d), 10)) for d in range(3)]
    services.sessions_schedule(by=staff, programme=programme, plan=plan([facilitator], members), times=times)
    monkeypatch.setattr(calendar_views, "CALENDAR_SESSION_LIMIT", 2)
    client = login(national)
    week = client.get(url("calendar") + "?date=2026-03-10")
    assert week.status_code == 200
    [(upt, counts, total)] = week.context["per_upt"]["rows"]
    assert upt == institution and counts == [0, 1, 1, 1, 0, 0, 0] and total == 3  # Mon 9 … Sun 15 March
    page = week.content.decode()
    assert "3 sessions in this period" in page and "Kelompok" not in page  # counted, not drawn
    assert f"institution={institution.pk}" in page
    month = client.get(url("calendar") + "?date=2026-03-10&view=month")
    [(_upt, weeks, total)] = month.context["per_upt"]["rows"]
    assert weeks == [0, 0, 3, 0, 0, 0] and total == 3  # the week of 9 March, of six weeks shown
    monkeypatch.setattr(calendar_views, "CALENDAR_SESSION_LIMIT", 200)
    drawn = client.get(url("calendar") + f"?date=2026-03-10&institution={institution.pk}")
    assert drawn.context["per_upt"] is None and drawn.content.decode().count("Kelompok") >= 3


def test_programme_and_counsellor_filters_wait_for_a_upt_when_the_scope_is_large(
    login, national, programme, institution, monkeypatch
):
    from rehab.forms import CalendarFilterForm

    monkeypatch.setattr(CalendarFilterForm, "UPTS_LISTED_WITHOUT_CHOICE", 0)
    client = login(national)
    response = client.get(url("calendar"))
    assert response.context["choose_upt_first"]
    assert not response.context["form"].fields["programme"].queryset.exists()
    chosen = client.get(url("calendar") + f"?institution={institution.pk}")
    assert not chosen.context["choose_upt_first"]
    assert list(chosen.context["form"].fields["programme"].queryset) == [programme]
