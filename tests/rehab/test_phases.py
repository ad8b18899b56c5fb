"""Programme phases (issue 20, the stages of the Therapeutic Community): defining them, moving participants
along them, the programme page, and the count per stage the monthly report reads as recorded by a moment."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AppendOnlyError, AuditEvent
from rehab import phases
from rehab.models import Enrolment, EnrolmentTransition, PhaseMove, Programme, ProgrammePhase
from reports.figures import compute
from tests.factories import InstitutionFactory, PersonFactory
from tests.rehab.conftest import make_enrolment

INDUCTION, PRIMARY, REENTRY, OTHER = ProgrammePhase.Stage.values


def utc(day: int, hour: int = 3, month: int = 2) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def tc(staff, programme):
    """The programme's three phases: induction, primary, re-entry."""
    return [
        phases.phase_create(by=staff, programme=programme, stage=stage, name=name, planned_weeks=weeks)
        for stage, name, weeks in (
            (INDUCTION, "Induksi", 4),
            (PRIMARY, "Younger Member", 12),
            (REENTRY, "Re-entry", None),
        )
    ]


def started(enrolment, on: dt.date, at: dt.datetime | None = None, by=None):
    """The step into "active" on `on`, recorded at `at`."""
    step = EnrolmentTransition.objects.create(
        enrolment=enrolment, from_status="waiting", to_status="active", on=on, by=by or _anyone()
    )
    if at is not None:
        EnrolmentTransition.objects.filter(pk=step.pk).update(at=at)
    return enrolment


def _anyone():
    from accounts.models import User

    return User.objects.order_by("pk").first()


# --- Defining phases ------------------------------------------------------------------------------------


def test_phases_are_numbered_in_order_and_audited(staff, programme, tc):
    assert [(p.position, p.stage, p.name) for p in programme.phases.all()] == [
        (1, INDUCTION, "Induksi"),
        (2, PRIMARY, "Younger Member"),
        (3, REENTRY, "Re-entry"),
    ]
    assert AuditEvent.objects.filter(object_type="rehab.programmephase", action="create").count() == 3


def test_only_the_institutions_staff_define_phases(programme, counsellor, regional, staff):
    for user in (counsellor, regional):  # the delivering counsellor runs the programme, does not define it
        with pytest.raises(PermissionDenied):
            phases.phase_create(by=user, programme=programme, stage=INDUCTION, name="Induksi")
    assert not programme.phases.exists()


def test_an_unknown_stage_or_a_blank_name_is_refused(staff, programme):
    with pytest.raises(ValidationError) as error:
        phases.phase_create(by=staff, programme=programme, stage="detox", name="  ")
    assert set(error.value.message_dict) == {"stage", "name"}


def test_reorder_and_move_to_a_position(staff, programme, tc):
    induction, primary, reentry = tc
    phases.phases_reorder(by=staff, programme=programme, order=[reentry.pk, induction.pk, primary.pk])
    assert list(programme.phases.values_list("name", flat=True)) == ["Re-entry", "Induksi", "Younger Member"]
    with pytest.raises(ValidationError, match="exactly once"):
        phases.phases_reorder(by=staff, programme=programme, order=[reentry.pk, induction.pk])
    reentry.name = "Re-entry (persiapan bebas)"
    phases.phase_update(by=staff, phase=reentry, position=3)
    assert list(programme.phases.values_list("name", flat=True)) == [
        "Induksi",
        "Younger Member",
        "Re-entry (persiapan bebas)",
    ]
    with pytest.raises(ValidationError) as error:
        phases.phase_update(by=staff, phase=induction, position=9)
    assert "position" in error.value.message_dict


def test_a_phase_someone_has_been_in_keeps_its_stage_and_cannot_be_removed(staff, programme, tc):
    induction, primary, _reentry = tc
    phases.phase_move(by=staff, enrolment=make_enrolment(programme), phase=induction, on=dt.date(2026, 3, 1))
    induction.stage = OTHER
    with pytest.raises(ValidationError, match="stage cannot change"):
        phases.phase_update(by=staff, phase=induction)
    induction.stage, induction.name = INDUCTION, "Orientasi"
    phases.phase_update(by=staff, phase=induction)  # its name may change
    with pytest.raises(ValidationError, match="cannot be removed"):
        phases.phase_delete(by=staff, phase=induction)
    phases.phase_delete(by=staff, phase=primary)  # nobody was in it: removed, the rest close up
    assert list(programme.phases.values_list("position", "name")) == [(1, "Orientasi"), (2, "Re-entry")]


# --- Moving participants --------------------------------------------------------------------------------


def test_a_move_is_recorded_audited_and_never_changed(counsellor, programme, tc):
    enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2))
    move = phases.phase_move(by=counsellor, enrolment=enrolment, phase=tc[0], on=dt.date(2026, 2, 2))
    assert (move.by, move.on, move.phase) == (counsellor, dt.date(2026, 2, 2), tc[0])
    event = AuditEvent.objects.get(object_type="rehab.enrolment", details__phase=tc[0].pk)
    assert event.person_id == enrolment.person_id
    with pytest.raises(AppendOnlyError):
        move.save()
    with pytest.raises(AppendOnlyError):
        PhaseMove.objects.filter(pk=move.pk).update(on=dt.date(2026, 2, 3))


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other_programme", "another programme"),
        ("waiting", "Only an active participant"),
        ("future", "in the future"),
        ("before_start", "before the participant started"),
        ("same_phase", "already in this phase"),
        ("before_present_phase", "before the participant's present phase began"),
    ],
)
def test_a_move_is_checked(staff, programme, tc, institution, rehab_agreement, agency, case, message):
    enrolment = started(make_enrolment(programme), dt.date(2026, 2, 10))
    phases.phase_move(by=staff, enrolment=enrolment, phase=tc[0], on=dt.date(2026, 2, 20))
    phase, on = tc[1], dt.date(2026, 3, 1)
    if case == "other_programme":
        other = Programme.objects.create(
            institution=institution,
            kind=Programme.Kind.MEDICAL,
            name="Rehabilitasi Medis",
            agency=agency,
            agreement=rehab_agreement,
            starts_on=dt.date(2026, 2, 1),
            ends_on=dt.date(2026, 7, 31),
            capacity=5,
            target=5,
        )
        phase = phases.phase_create(by=staff, programme=other, stage=PRIMARY, name="Detoks")
    elif case == "waiting":
        enrolment = make_enrolment(programme, status=Enrolment.Status.WAITING)
    elif case == "future":
        on = dt.date(2026, 3, 3)
    elif case == "before_start":
        enrolment, on = started(make_enrolment(programme), dt.date(2026, 2, 10)), dt.date(2026, 2, 9)
    elif case == "same_phase":
        phase = tc[0]
    elif case == "before_present_phase":
        on = dt.date(2026, 2, 19)
    before = PhaseMove.objects.count()
    with pytest.raises(ValidationError, match=message):
        phases.phase_move(by=staff, enrolment=enrolment, phase=phase, on=on)
    assert PhaseMove.objects.count() == before


def test_today_is_the_institutions_today(staff, programme, tc):
    """23:30 WIB on 1 March (the server's zone) is 00:30 WITA on 2 March at Amuntai: 2 March is no future."""
    enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2))
    with time_machine.travel(dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC), tick=False):
        move = phases.phase_move(by=staff, enrolment=enrolment, phase=tc[0])
        assert move.on == dt.date(2026, 3, 2)
        with pytest.raises(ValidationError, match="in the future"):
            phases.phase_move(by=staff, enrolment=enrolment, phase=tc[1], on=dt.date(2026, 3, 3))


def test_read_only_users_move_nobody(regional, programme, tc):
    enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2))
    with pytest.raises(PermissionDenied):
        phases.phase_move(by=regional, enrolment=enrolment, phase=tc[0], on=dt.date(2026, 2, 2))


def test_the_phase_on_a_day_is_the_latest_move_by_then_ties_by_recording(staff, programme, tc):
    enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2))
    phases.phase_move(by=staff, enrolment=enrolment, phase=tc[0], on=dt.date(2026, 2, 2))
    phases.phase_move(by=staff, enrolment=enrolment, phase=tc[1], on=dt.date(2026, 2, 20))
    phases.phase_move(by=staff, enrolment=enrolment, phase=tc[2], on=dt.date(2026, 2, 20))  # same day, later
    assert phases.phases_on([enrolment.pk], dt.date(2026, 2, 19)) == {enrolment.pk: tc[0]}
    assert phases.phases_on([enrolment.pk], dt.date(2026, 2, 20)) == {enrolment.pk: tc[2]}
    assert phases.phases_on([enrolment.pk], dt.date(2026, 2, 1)) == {}


# --- Counting for the monthly report --------------------------------------------------------------------

LAST = dt.date(2026, 2, 28)
KNOWN_AT = dt.datetime(2026, 2, 28, 17, tzinfo=dt.UTC)  # midnight WIB after February


def _moved(enrolment, phase, on: dt.date, at: dt.datetime) -> PhaseMove:
    return PhaseMove.objects.create(enrolment=enrolment, phase=phase, on=on, at=at, by=_anyone())


def test_people_by_stage_reads_each_upt_as_recorded(
    staff, programme, tc, institution, sister_institution, agency, rehab_agreement
):
    induction, primary, reentry = tc
    counted = {}
    for name in "ABCDEF":
        counted[name] = started(make_enrolment(programme, PersonFactory(full_name=name)), dt.date(2026, 2, 2))
    a, _b, c, d, e, f = counted.values()  # B: active, in no phase
    _moved(a, induction, dt.date(2026, 2, 5), utc(5))
    _moved(a, primary, dt.date(2026, 2, 20), utc(20))  # A: primary
    _moved(c, induction, dt.date(2026, 2, 10), utc(10))  # C: induction ...
    _moved(c, primary, dt.date(2026, 2, 25), utc(2, month=3))  # ... its move dated back, typed in March
    EnrolmentTransition.objects.create(
        enrolment=d,
        from_status="active",
        to_status="dropped_out",
        on=dt.date(2026, 2, 15),
        by=staff,
        leave_reason="voluntary",
    )
    _moved(d, induction, dt.date(2026, 2, 5), utc(5))  # D left in February: not counted
    _moved(e, induction, dt.date(2026, 2, 3), utc(3))
    _moved(e, primary, dt.date(2026, 3, 1), utc(1, month=3))  # E: induction on the last day
    # F is also in a medical programme at the same UPT, which has no phases: counted once, under re-entry.
    medical = Programme.objects.create(
        institution=institution,
        kind=Programme.Kind.MEDICAL,
        name="Rehabilitasi Medis",
        agency=agency,
        agreement=rehab_agreement,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 7, 31),
        capacity=5,
        target=5,
    )
    started(make_enrolment(medical, f.person), dt.date(2026, 2, 2))
    _moved(f, reentry, dt.date(2026, 2, 10), utc(10))
    # Another UPT: one person in a phase of the "other" stage; a third with nobody active.
    sister = Programme.objects.create(
        institution=sister_institution,
        kind=Programme.Kind.SOCIAL,
        name="TC Barabai",
        agency=agency,
        agreement=rehab_agreement,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 7, 31),
        capacity=5,
        target=5,
    )
    orientation = ProgrammePhase.objects.create(programme=sister, position=1, stage=OTHER, name="Orientasi")
    _moved(started(make_enrolment(sister), dt.date(2026, 2, 2)), orientation, dt.date(2026, 2, 2), utc(2))
    empty = InstitutionFactory(code="lapas-kosong", region=institution.region)
    EnrolmentTransition.objects.update(at=utc(2))  # every step typed on its day, before the month's end
    EnrolmentTransition.objects.filter(enrolment=d, to_status="dropped_out").update(at=utc(15))

    places = [institution.pk, sister_institution.pk, empty.pk]
    counts = phases.people_by_stage(places, LAST, KNOWN_AT)
    assert counts == {
        institution.pk: {"induction": 2, "primary": 1, "reentry": 1, "other": 0, "none": 1},
        sister_institution.pk: {"induction": 0, "primary": 0, "reentry": 0, "other": 1, "none": 0},
        empty.pk: dict.fromkeys(phases.STAGES, 0),
    }
    # Read now, C's move typed in March counts; read as known at February's end it did not.
    assert phases.people_by_stage(places, LAST, utc(2, 12, month=3))[institution.pk]["primary"] == 2
    # The stages add up to the report's active people, UPT by UPT.
    for upt in places:
        figures = compute([upt], dt.date(2026, 2, 1), known_at=KNOWN_AT)
        assert sum(counts[upt].values()) == figures["rehabilitation"]["active_people"], upt


def test_a_move_recorded_after_the_moment_does_not_change_its_count(staff, programme, tc):
    enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2), at=utc(2))
    _moved(enrolment, tc[0], dt.date(2026, 2, 2), utc(2))
    before = phases.people_by_stage([programme.institution_id], LAST, KNOWN_AT)
    # Recorded after KNOWN_AT, though dated in the middle of February.
    _moved(enrolment, tc[2], dt.date(2026, 2, 14), KNOWN_AT + dt.timedelta(seconds=1))
    assert phases.people_by_stage([programme.institution_id], LAST, KNOWN_AT) == before
    assert before[programme.institution_id]["induction"] == 1
    later = phases.people_by_stage([programme.institution_id], LAST, KNOWN_AT + dt.timedelta(seconds=1))
    assert (later[programme.institution_id]["induction"], later[programme.institution_id]["reentry"]) == (
        0,
        1,
    )


@pytest.mark.parametrize("upts", [1, 6])
def test_people_by_stage_takes_a_fixed_number_of_queries(
    staff, region, agency, rehab_agreement, upts, django_assert_max_num_queries
):
    from institutions.models import Institution

    for n in range(upts):
        upt = InstitutionFactory(code=f"upt-{n}", region=region)
        programme = Programme.objects.create(
            institution=upt,
            kind=Programme.Kind.SOCIAL,
            name=f"TC {n}",
            agency=agency,
            agreement=rehab_agreement,
            starts_on=dt.date(2026, 2, 1),
            ends_on=dt.date(2026, 7, 31),
            capacity=20,
            target=20,
        )
        stages = [
            ProgrammePhase.objects.create(programme=programme, position=i + 1, stage=stage, name=stage)
            for i, stage in enumerate((INDUCTION, PRIMARY, REENTRY))
        ]
        for i in range(4):
            enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2))
            if i < 3:
                _moved(enrolment, stages[i], dt.date(2026, 2, 3), utc(3))
    EnrolmentTransition.objects.update(at=utc(2))
    places = Institution.objects.filter(code__startswith="upt-")
    with django_assert_max_num_queries(3):
        counts = phases.people_by_stage(places, LAST, KNOWN_AT)
    assert len(counts) == upts
    assert all(
        row == {"induction": 1, "primary": 1, "reentry": 1, "other": 0, "none": 1} for row in counts.values()
    )


# --- Pages ----------------------------------------------------------------------------------------------


def test_the_programme_page_shows_phases_and_each_participants_phase(
    login, staff, counsellor, programme, tc, django_assert_max_num_queries
):
    enrolments = [
        started(make_enrolment(programme, PersonFactory(full_name=f"P{n}")), dt.date(2026, 2, 2))
        for n in range(3)
    ]
    phases.phase_move(by=staff, enrolment=enrolments[0], phase=tc[1], on=dt.date(2026, 2, 20))
    for user in (staff, counsellor):
        response = login(user).get(programme.get_absolute_url())
        assert [(phase.name, n) for phase, n in response.context["phase_counts"]] == [
            ("Induksi", 0),
            ("Younger Member", 1),
            ("Re-entry", 0),
        ]
        assert response.context["in_no_phase"] == 2
        page = response.content.decode()
        assert reverse("rehab:phase-move", args=[enrolments[0].pk]) in page
        assert (reverse("rehab:phase-edit", args=[tc[0].pk]) in page) is (user == staff)
    # The page's queries do not grow with the participants in phases.
    client = login(staff)
    with django_assert_max_num_queries(60) as few:
        client.get(programme.get_absolute_url())
    programme.capacity = 30
    programme.save()
    for n in range(20):
        enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2))
        phases.phase_move(by=staff, enrolment=enrolment, phase=tc[n % 3], on=dt.date(2026, 2, 3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(programme.get_absolute_url())


def test_read_only_users_see_phases_without_forms(login, regional, programme, tc):
    enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2))
    response = login(regional).get(programme.get_absolute_url())
    assert response.status_code == 200
    assert response.context["phase_counts"] and not response.context["may_move_phase"]
    assert reverse("rehab:phase-move", args=[enrolment.pk]) not in response.content.decode()


def test_staff_add_and_change_a_phase(login, staff, programme):
    client = login(staff)
    response = client.post(
        reverse("rehab:phase-create", args=[programme.pk]),
        {"name": "Induksi", "stage": "induction", "planned_weeks": "4"},
    )
    assert response.status_code == 302
    phase = programme.phases.get()
    response = client.post(
        reverse("rehab:phase-edit", args=[phase.pk]),
        {"name": "Orientasi", "stage": "induction", "planned_weeks": "", "position": "1"},
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert (phase.name, phase.planned_weeks) == ("Orientasi", None)
    response = client.post(reverse("rehab:phase-delete", args=[phase.pk]))
    assert response.status_code == 302 and not programme.phases.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "stage": "induction"},
        {"name": "Induksi", "stage": "detox"},
        {"name": "Induksi", "stage": "induction", "planned_weeks": "99999999999999999999"},
    ],
)
def test_a_bad_phase_is_refused_with_a_message(login, staff, programme, data):
    response = login(staff).post(reverse("rehab:phase-create", args=[programme.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not programme.phases.exists()


def test_phase_pages_refuse_read_only_users_and_outsiders(
    login, regional, counsellor, outsider, programme, tc
):
    create = reverse("rehab:phase-create", args=[programme.pk])
    edit = reverse("rehab:phase-edit", args=[tc[0].pk])
    for user, status in ((regional, 403), (counsellor, 403), (outsider, 404)):
        client = login(user)
        assert client.get(create).status_code == status
        assert client.get(edit).status_code == status
        assert client.post(create, {"name": "X", "stage": "other"}).status_code == status
    assert programme.phases.count() == 3


def test_a_counsellor_moves_a_participant_from_the_page(login, counsellor, programme, tc):
    enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2))
    response = login(counsellor).post(
        reverse("rehab:phase-move", args=[enrolment.pk]), {"phase": tc[0].pk, "on": "2026-02-02"}, follow=True
    )
    assert enrolment.phase_moves.get().phase == tc[0]
    assert "in the phase “Induksi”" in response.content.decode()


def test_phase_move_refuses_read_only_users_outsiders_and_bad_input(
    login, staff, regional, outsider, programme, tc
):
    enrolment = started(make_enrolment(programme), dt.date(2026, 2, 2))
    move = reverse("rehab:phase-move", args=[enrolment.pk])
    assert login(regional).post(move, {"phase": tc[0].pk, "on": "2026-02-02"}).status_code == 403
    assert login(outsider).post(move, {"phase": tc[0].pk, "on": "2026-02-02"}).status_code == 404
    client = login(staff)
    for data in (
        {"phase": "99999999999999999999999", "on": "2026-02-02"},
        {"phase": tc[0].pk, "on": "0026-02-02"},
        {"phase": tc[0].pk, "on": "2026-01-02"},  # before the participant started
    ):
        response = client.post(move, data, follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"], data
    assert not enrolment.phase_moves.exists()
