"""Programmes, enrolment lifecycle, recurrence, conflicts (across institutions and zones, and on PostgreSQL
under two concurrent bookings), attendance, dose and confidential notes."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from assessments.models import Assessment, Recommendation
from inmates.services import admission_release, admission_transfer
from rehab import services
from rehab.models import Attendance, Enrolment, Facilitation, Note, Programme, Session, SessionSeries
from rehab.recurrence import occurrences
from tests.factories import InstitutionFactory, PersonFactory, admit, make_agreement
from tests.rehab.conftest import make_enrolment, plan

WITA, WIB, WIT = ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")


def local(day, hour, zone=WITA, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


# --- Recurrence ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "utc_hour"), [("Asia/Jakarta", 2), ("Asia/Makassar", 1), ("Asia/Jayapura", 0)]
)
def test_series_occurrences_keep_local_time_in_each_zone(zone, utc_hour):
    times = list(
        occurrences(
            weekdays={0, 3},
            start_time=dt.time(9),
            end_time=dt.time(11),
            first_day=dt.date(2026, 3, 2),
            until=dt.date(2026, 3, 15),
            time_zone=zone,
        )
    )
    assert [start.date() for start, _end in times] == [dt.date(2026, 3, d) for d in (2, 5, 9, 12)]
    assert {(start.hour, end.hour) for start, end in times} == {(utc_hour, utc_hour + 2)}
    assert all(start.tzinfo == dt.UTC for start, _end in times)


def test_series_by_count():
    times = list(
        occurrences(
            weekdays={1},
            start_time=dt.time(8),
            end_time=dt.time(9),
            first_day=dt.date(2026, 3, 2),
            count=3,
            time_zone="Asia/Makassar",
        )
    )
    assert [start.date() for start, _end in times] == [
        dt.date(2026, 3, 3),
        dt.date(2026, 3, 10),
        dt.date(2026, 3, 17),
    ]


# --- Programmes ------------------------------------------------------------------------------------------


def test_programme_needs_an_agreement_in_force_on_its_start_that_covers_its_kind(
    staff, institution, agency, rehab_agreement
):
    def attempt(**overrides):
        values = {
            "institution": institution,
            "kind": "social",
            "name": "TC",
            "agency": agency,
            "agreement": rehab_agreement,
            "starts_on": dt.date(2026, 4, 1),
            "ends_on": dt.date(2026, 9, 30),
            "capacity": 20,
            "target": 20,
        }
        values.update(overrides)
        return services.programme_create(by=staff, programme=Programme(**values))

    with pytest.raises(ValidationError, match="not in force"):
        attempt(starts_on=dt.date(2028, 1, 2), ends_on=dt.date(2028, 6, 1))
    with pytest.raises(ValidationError, match="does not cover"):
        attempt(kind="aftercare_prep")
    with pytest.raises(ValidationError, match="cannot end before"):
        attempt(ends_on=dt.date(2026, 3, 1))
    assert attempt().pk


def test_only_the_institutions_staff_set_up_programmes(
    counsellor, regional, institution, agency, rehab_agreement
):
    programme = Programme(
        institution=institution,
        kind="social",
        name="TC",
        agency=agency,
        agreement=rehab_agreement,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 9, 30),
        capacity=20,
        target=20,
    )
    for user in (counsellor, regional):
        with pytest.raises(PermissionDenied):
            services.programme_create(by=user, programme=programme)


# --- Enrolment lifecycle ----------------------------------------------------------------------------------


def test_enrolment_from_the_waiting_list_or_directly_with_a_reason(staff, programme, person):
    assessment = Assessment.objects.create(
        person=person,
        institution=programme.institution,
        assessed_on=dt.date(2026, 2, 1),
        interviewer=staff,
        team="Tim",
        version="5-lite",
        answers={},
    )
    recommendation = Recommendation.objects.create(
        assessment=assessment,
        kind="social",
        reasons="x",
        decided_on=dt.date(2026, 2, 1),
        decided_by=staff,
        decree_number="SK 1",
        approved_on=dt.date(2026, 2, 2),
        approved_by=staff,
    )
    assert list(services.waiting_list(programme)) == [recommendation]
    enrolment = services.enrolment_create(
        by=staff, programme=programme, person=person, recommendation=recommendation
    )
    assert enrolment.status == Enrolment.Status.WAITING
    assert list(services.waiting_list(programme)) == []
    other = PersonFactory()
    admit(other, programme.institution)
    with pytest.raises(ValidationError, match="give the reason"):
        services.enrolment_create(by=staff, programme=programme, person=other)
    assert services.enrolment_create(
        by=staff, programme=programme, person=other, reason="Permintaan dokter"
    ).pk


def test_capacity_is_enforced(staff, programme):
    enrolments = [make_enrolment(programme, status=Enrolment.Status.WAITING) for _ in range(4)]
    for enrolment in enrolments[:3]:
        services.enrolment_move(by=staff, enrolment=enrolment, to="active")
    with pytest.raises(ValidationError, match="full"):
        services.enrolment_move(by=staff, enrolment=enrolments[3], to="active")
    assert Enrolment.objects.filter(status="active").count() == 3


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("waiting", "completed"),
        ("completed", "active"),
        ("dropped_out", "active"),
        ("released", "waiting"),
        ("active", "waiting"),
    ],
)
def test_illegal_transitions_are_refused(staff, programme, start, to):
    enrolment = make_enrolment(programme, status=start)
    with pytest.raises(ValidationError, match="cannot go from"):
        services.enrolment_move(by=staff, enrolment=enrolment, to=to, reason="x", override=True)
    enrolment.refresh_from_db()
    assert enrolment.status == start and not enrolment.transitions.exists()


def test_every_transition_is_a_row_and_dropping_out_needs_a_reason(staff, programme):
    enrolment = make_enrolment(programme, status="waiting")
    services.enrolment_move(by=staff, enrolment=enrolment, to="active")
    with pytest.raises(ValidationError):
        services.enrolment_move(by=staff, enrolment=enrolment, to="dropped_out")
    services.enrolment_move(by=staff, enrolment=enrolment, to="dropped_out", reason="Menolak ikut")
    assert list(enrolment.transitions.values_list("from_status", "to_status", "reason")) == [
        ("waiting", "active", ""),
        ("active", "dropped_out", "Menolak ikut"),
    ]


def test_one_active_enrolment_per_person_per_kind(staff, programme, person):
    make_enrolment(programme, person)
    other = Programme.objects.create(
        institution=programme.institution,
        kind="social",
        name="TC 2",
        agency=programme.agency,
        agreement=programme.agreement,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        capacity=5,
        target=5,
    )
    second = Enrolment.objects.create(
        programme=other, person=person, admission=person.admissions.get(), kind="social", direct_reason="x"
    )
    with pytest.raises(ValidationError, match="already active"):
        services.enrolment_move(by=staff, enrolment=second, to="active")


# --- Sessions: conflicts ----------------------------------------------------------------------------------


def book(by, programme, start, end, **plan_kwargs):
    return services.sessions_schedule(
        by=by, programme=programme, plan=plan(**plan_kwargs), times=[(start, end)]
    )


def test_counsellor_cannot_be_in_two_places_at_once_across_institutions_and_zones(
    staff, facilitator, programme, agency, other_region
):
    day = dt.date(2026, 3, 3)
    book(
        staff, programme, local(day, 9), local(day, 11), facilitators=[facilitator]
    )  # 09–11 WITA = 01–03 UTC
    java = InstitutionFactory(code="lapas-jawa", region=other_region)  # WIB
    make_agreement(institutions=[java], agencies=[agency], scopes=["social_rehabilitation"])
    elsewhere = Programme.objects.create(
        institution=java,
        kind="social",
        name="TC Jawa",
        agency=agency,
        agreement=programme.agreement,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        capacity=5,
        target=5,
    )
    with pytest.raises(ValidationError) as caught:
        # 09:30 WIB is 10:30 WITA: inside the first session
        book(
            facilitator,
            elsewhere,
            local(day, 9, WIB, 30),
            local(day, 10, WIB, 30),
            facilitators=[facilitator],
            room="Ruang 2",
        )
    assert "Kelompok" in str(caught.value) and "Lapas Kelas IIB Amuntai" in str(caught.value)
    # 08:00–09:00 WIB is 09:00–10:00 WITA... also overlapping; 07:00–08:00 WIB (08–09 WITA) is free.
    assert book(
        facilitator,
        elsewhere,
        local(day, 7, WIB),
        local(day, 8, WIB),
        facilitators=[facilitator],
        room="Ruang 2",
    )


def test_room_and_participant_conflicts_and_cancelled_sessions_never_conflict(
    staff, facilitator, second_counsellor, programme, members
):
    day = dt.date(2026, 3, 4)
    first = book(
        staff, programme, local(day, 9), local(day, 11), facilitators=[facilitator], participants=members[:1]
    )[0]
    with pytest.raises(ValidationError, match="already booked"):
        book(staff, programme, local(day, 10), local(day, 12), facilitators=[second_counsellor], room="aula ")
    with pytest.raises(ValidationError, match="participant"):
        book(
            staff,
            programme,
            local(day, 10),
            local(day, 12),
            facilitators=[second_counsellor],
            room="Ruang 3",
            participants=members[:1],
        )
    assert book(
        staff, programme, local(day, 11), local(day, 12), facilitators=[facilitator]
    )  # back to back is fine
    services.sessions_cancel(by=staff, session=first, reason="Lockdown")
    assert book(
        staff,
        programme,
        local(day, 9),
        local(day, 10),
        facilitators=[second_counsellor],
        participants=members[:1],
    )


# --- Series ----------------------------------------------------------------------------------------------


@pytest.fixture
def series(staff, facilitator, programme, members):
    times = list(
        occurrences(
            weekdays={0, 3},
            start_time=dt.time(9),
            end_time=dt.time(11),
            first_day=dt.date(2026, 3, 2),
            count=6,
            time_zone="Asia/Makassar",
        )
    )
    series = SessionSeries(
        weekdays=[0, 3], start_time=dt.time(9), end_time=dt.time(11), first_day=dt.date(2026, 3, 2), count=6
    )
    return services.sessions_schedule(
        by=staff, programme=programme, plan=plan([facilitator], members), times=times, series=series
    )


def test_series_edit_one_occurrence_or_this_and_the_following(staff, facilitator, series):
    assert len(series) == 6
    services.sessions_update(
        by=staff,
        session=series[1],
        plan=plan([facilitator], topic="Dipindah"),
        start_time=dt.time(13),
        end_time=dt.time(15),
        day=dt.date(2026, 3, 6),
    )
    moved = Session.objects.get(pk=series[1].pk)
    assert moved.starts_at == local(dt.date(2026, 3, 6), 13) and moved.topic == "Dipindah"
    services.sessions_update(
        by=staff,
        session=series[3],
        plan=plan([facilitator], topic="Sore"),
        start_time=dt.time(14),
        end_time=dt.time(16),
        following=True,
    )
    sessions = list(Session.objects.order_by("pk"))
    assert [s.topic for s in sessions] == ["Kelompok", "Dipindah", "Kelompok", "Sore", "Sore", "Sore"]
    assert all(s.starts_at.astimezone(WITA).hour == 14 for s in sessions[3:])
    assert (
        sessions[4].starts_at.astimezone(WITA).date() == series[4].starts_at.astimezone(WITA).date()
    )  # same days
    assert set(Facilitation.objects.filter(session__in=sessions[3:]).values_list("starts_at", flat=True)) == {
        s.starts_at for s in sessions[3:]
    }


def test_series_cancel_one_or_the_rest(staff, series):
    assert services.sessions_cancel(by=staff, session=series[2], reason="Kunjungan keluarga") == 1
    assert (
        services.sessions_cancel(by=staff, session=series[4], reason="Program dihentikan", following=True)
        == 2
    )
    statuses = list(Session.objects.order_by("starts_at").values_list("status", flat=True))
    assert statuses == ["planned", "planned", "cancelled", "planned", "cancelled", "cancelled"]
    assert not Facilitation.objects.filter(session__status="cancelled", active=True).exists()


def test_a_series_with_one_conflict_books_nothing(staff, facilitator, programme):
    book(
        staff,
        programme,
        local(dt.date(2026, 3, 12), 9),
        local(dt.date(2026, 3, 12), 10),
        facilitators=[facilitator],
        room="Klinik",
    )
    times = list(
        occurrences(
            weekdays={0, 3},
            start_time=dt.time(9),
            end_time=dt.time(11),
            first_day=dt.date(2026, 3, 2),
            count=4,
            time_zone="Asia/Makassar",
        )
    )
    with pytest.raises(ValidationError):
        services.sessions_schedule(by=staff, programme=programme, plan=plan([facilitator]), times=times)
    assert Session.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraints exist on PostgreSQL only"
)
def test_two_concurrent_bookings_of_one_counsellor_only_one_succeeds(
    staff, facilitator, programme, monkeypatch
):
    # Both requests pass the Python check before either commits: the database must refuse the second.
    monkeypatch.setattr(services, "conflicts", lambda **kwargs: [])
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(room):
        from django.db import connections

        try:
            barrier.wait()
            book(
                staff,
                programme,
                local(dt.date(2026, 3, 5), 9),
                local(dt.date(2026, 3, 5), 11),
                facilitators=[facilitator],
                room=room,
            )
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(room,)) for room in ("Aula", "Ruang 2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "refused"]
    assert Session.objects.count() == 1


def test_a_deadlock_between_two_bookings_reads_as_the_slot_taken():
    """When each insert saw the other's row first PostgreSQL aborts one as a deadlock (SQLSTATE 40P01), which
    Django raises as its OperationalError caused by the driver's error; any other operational error is not."""
    from django.db import OperationalError
    from psycopg import errors

    def raised_by_django(driver_error):
        try:
            try:
                raise driver_error
            except errors.Error as exc:
                raise OperationalError(str(exc)) from exc
        except OperationalError as wrapped:
            return wrapped

    assert services._booked_meanwhile(raised_by_django(errors.DeadlockDetected("deadlock detected")))
    assert not services._booked_meanwhile(raised_by_django(errors.QueryCanceled("statement timeout")))


# --- Attendance and dose ---------------------------------------------------------------------------------


def held(staff, programme, members, day, marks):
    session = book(
        staff,
        programme,
        local(day, 9),
        local(day, 11),
        facilitators=[programme.agency.memberships.first().user],
        participants=members,
        room=f"Ruang {day.day}",
    )[0]
    rows = {row.enrolment_id: row.pk for row in session.attendances.all()}
    services.attendance_record(
        by=staff, session=session, marks={rows[e.pk]: mark for e, mark in zip(members, marks, strict=True)}
    )
    return session


def test_dose_counts_attended_sessions_and_completion_needs_it(staff, facilitator, programme, members):
    held(staff, programme, members, dt.date(2026, 2, 23), [("present", ""), ("excused", "sick")])
    first = members[0]
    assert services.dose(first).sessions == 1 and services.dose(first).hours == 2
    with pytest.raises(ValidationError, match="not met"):
        services.enrolment_move(by=staff, enrolment=first, to="completed")
    held(staff, programme, members, dt.date(2026, 2, 24), [("late", ""), ("absent", "")])
    assert services.dose(first).met
    services.enrolment_move(by=staff, enrolment=first, to="completed")
    second = members[1]
    assert services.dose(second).sessions == 0
    services.enrolment_move(
        by=staff, enrolment=second, to="completed", override=True, reason="Dipindah ke rumah sakit"
    )
    assert second.transitions.get(to_status="completed").reason == "Dipindah ke rumah sakit"


def test_attendance_rules(staff, facilitator, programme, members):
    future = book(
        staff,
        programme,
        local(dt.date(2026, 3, 20), 9),
        local(dt.date(2026, 3, 20), 11),
        facilitators=[facilitator],
        participants=members,
    )[0]
    with pytest.raises(ValidationError, match="once the session has started"):
        services.attendance_record(by=staff, session=future, marks={})
    past = book(
        staff,
        programme,
        local(dt.date(2026, 2, 26), 9),
        local(dt.date(2026, 2, 26), 11),
        facilitators=[facilitator],
        participants=members,
        room="Ruang 9",
    )[0]
    rows = list(past.attendances.order_by("pk"))
    with pytest.raises(ValidationError, match="reason"):
        services.attendance_record(by=staff, session=past, marks={rows[0].pk: ("excused", "")})
    services.attendance_record(by=staff, session=past, marks={rows[0].pk: ("present", "")})
    assert list(Session.objects.with_attendance_gap()) == [past]  # one participant never marked: flagged
    services.attendance_record(by=staff, session=past, marks={rows[1].pk: ("excused", "court")})
    assert not Session.objects.with_attendance_gap().exists()


# --- Notes -----------------------------------------------------------------------------------------------


def test_notes_are_for_the_delivering_agencys_counsellors_only(
    staff, facilitator, regional, national, programme, members, person
):
    from accounts.models import Role
    from tests.factories import AgencyFactory, UserFactory, membership

    session = book(
        staff,
        programme,
        local(dt.date(2026, 2, 25), 9),
        local(dt.date(2026, 2, 25), 11),
        facilitators=[facilitator],
        participants=members,
    )[0]
    with pytest.raises(PermissionDenied):
        services.note_add(by=staff, session=session, text="Catatan")
    note = services.note_add(by=facilitator, session=session, text="Mulai terbuka", person=person)
    other_agency = membership(
        UserFactory(username="konselor.lain"), Role.COUNSELLOR, AgencyFactory(code="lain")
    )
    for user in (staff, regional, national, other_agency):
        user.__dict__.pop("scope", None)
        assert not Note.objects.visible_to(user).exists(), user
    assert list(Note.objects.visible_to(facilitator)) == [note]


# --- Custody changes -------------------------------------------------------------------------------------


def test_transfer_and_release_close_open_enrolments_and_say_so(staff, programme, members, sister_institution):
    transferred = members[0]
    movement = admission_transfer(
        by=staff, admission=transferred.admission, to_institution=sister_institution, on=dt.date(2026, 3, 1)
    )
    transferred.refresh_from_db()
    assert transferred.status == Enrolment.Status.TRANSFERRED
    assert movement.notices == [
        "The enrolment in “Rehabilitasi Sosial 2026 Tahap I” was closed as “Transferred”."
    ]
    released = admission_release(
        by=staff, admission=members[1].admission, on=dt.date(2026, 3, 1), release_type="parole"
    )
    assert Enrolment.objects.get(pk=members[1].pk).status == Enrolment.Status.RELEASED
    assert len(released.notices) == 2 and "after-care plan has been opened" in released.notices[1]
    assert not Attendance.objects.filter(
        enrolment__in=members, session__starts_at__gt=dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    ).exists()


# --- Review fixes ----------------------------------------------------------------------------------------


def test_a_member_who_starts_later_joins_the_group_sessions_to_come(staff, facilitator, programme, members):
    future = book(
        staff,
        programme,
        local(dt.date(2026, 3, 9), 9),
        local(dt.date(2026, 3, 9), 11),
        facilitators=[facilitator],
    )[0]
    newcomer = make_enrolment(programme, status="waiting")
    services.enrolment_move(by=staff, enrolment=newcomer, to="active")
    assert future.attendances.filter(enrolment=newcomer).exists()


def test_waiting_list_is_one_entry_per_person_and_skips_people_who_completed_the_kind(
    staff, programme, person
):
    def approve(on):
        assessment = Assessment.objects.create(
            person=person,
            institution=programme.institution,
            assessed_on=on,
            interviewer=staff,
            team="Tim",
            version="5-lite",
            answers={},
        )
        return Recommendation.objects.create(
            assessment=assessment,
            kind="medical_then_social",
            reasons="x",
            decided_on=on,
            decided_by=staff,
            decree_number="SK",
            approved_on=on,
            approved_by=staff,
        )

    approve(dt.date(2026, 1, 5))
    latest = approve(dt.date(2026, 2, 5))
    assert services.waiting_list(programme) == [latest]
    Enrolment.objects.create(
        programme=programme,
        person=person,
        admission=person.admissions.get(),
        kind="social",
        status="completed",
        direct_reason="x",
    )
    assert services.waiting_list(programme) == []


def test_edit_following_leaves_held_sessions_alone(staff, facilitator, series):
    first_held = series[0]
    someone = first_held.attendances.first()
    services.attendance_record(by=staff, session=first_held, marks={someone.pk: ("present", "")})
    services.sessions_update(
        by=staff,
        session=Session.objects.get(pk=series[1].pk),
        plan=plan([facilitator]),
        start_time=dt.time(13),
        end_time=dt.time(15),
        following=True,
    )
    first_held.refresh_from_db()
    assert first_held.starts_at == series[0].starts_at


def test_a_series_longer_than_the_cap_is_refused(staff, facilitator, programme):
    programme.ends_on = dt.date(2026, 12, 31)
    programme.save()
    times = list(
        occurrences(
            weekdays={0, 1, 2, 3, 4, 5, 6},
            start_time=dt.time(6),
            end_time=dt.time(7),
            first_day=dt.date(2026, 2, 1),
            until=dt.date(2026, 12, 31),
            time_zone="Asia/Makassar",
        )
    )
    assert len(times) == 201
    with pytest.raises(ValidationError, match="at most 200 sessions"):
        services.sessions_schedule(by=staff, programme=programme, plan=plan([facilitator]), times=times)


def test_conflict_with_another_agencys_session_does_not_name_it(
    staff, facilitator, programme, members, agency
):
    from accounts.models import Role
    from tests.factories import AgencyFactory, UserFactory, membership

    other = AgencyFactory(code="ipwl-lain")
    others = make_agreement(
        institutions=[programme.institution],
        agencies=[other],
        scopes=["social_rehabilitation", "medical_rehabilitation"],
    )
    other_counsellor = membership(UserFactory(username="konselor.lain"), Role.COUNSELLOR, other)
    other_programme = Programme.objects.create(
        institution=programme.institution,
        kind="medical",
        name="Medis",
        agency=other,
        agreement=others,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        capacity=5,
        target=5,
    )
    enrolment = make_enrolment(other_programme, members[0].person)
    services.sessions_schedule(
        by=other_counsellor,
        programme=other_programme,
        plan=plan(
            [other_counsellor], [enrolment], kind="individual", topic="Konseling kambuh sabu", room="Klinik"
        ),
        times=[(local(dt.date(2026, 3, 10), 9), local(dt.date(2026, 3, 10), 10))],
    )
    with pytest.raises(ValidationError) as caught:
        book(
            facilitator,
            programme,
            local(dt.date(2026, 3, 10), 9),
            local(dt.date(2026, 3, 10), 10),
            facilitators=[facilitator],
            participants=members[:1],
        )
    assert "another session" in str(caught.value) and "kambuh" not in str(caught.value)


def test_enrolment_steps_cannot_go_back_in_time_or_start_after_the_programme(staff, programme):
    enrolment = make_enrolment(programme, status="waiting")
    enrolment.transitions.create(to_status="waiting", on=dt.date(2026, 2, 10), by=staff)
    with pytest.raises(ValidationError, match="previous step"):
        services.enrolment_move(by=staff, enrolment=enrolment, to="active", on=dt.date(2026, 2, 1))


def test_notes_pair_each_agency_with_its_own_agreement(staff, facilitator, programme, members, institution):
    """A counsellor of two agencies reads notes only where that note's agency still has an agreement."""
    from accounts.models import Role
    from tests.factories import AgencyFactory, membership

    expired_agency = AgencyFactory(code="bnnk-lama")
    make_agreement(
        institutions=[institution],
        agencies=[expired_agency],
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2021, 1, 1),
        scopes=["social_rehabilitation"],
    )
    old_programme = Programme.objects.create(
        institution=institution,
        kind="medical",
        name="Lama",
        agency=expired_agency,
        agreement=programme.agreement,
        starts_on=dt.date(2020, 2, 1),
        ends_on=dt.date(2020, 6, 1),
        capacity=5,
        target=5,
    )
    session = Session.objects.create(
        programme=old_programme,
        institution=institution,
        kind="group",
        topic="Lama",
        room="Aula",
        starts_at=local(dt.date(2020, 3, 2), 9),
        ends_at=local(dt.date(2020, 3, 2), 11),
    )
    Note.objects.create(session=session, text="Rahasia lama", author=staff)
    membership(facilitator, Role.COUNSELLOR, expired_agency)
    assert not Note.objects.visible_to(facilitator).filter(text="Rahasia lama").exists()
