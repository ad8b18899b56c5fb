"""Demo programmes with their participants, a twice-weekly group series and attendance, made through the
same services users go through (so every rule holds). Dates follow the load date; a fixed seed keeps the
picture the same on every load."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import Membership, Role
from inmates import services as inmate_services
from inmates.models import Admission
from rehab import phases, services
from rehab.models import Enrolment, Programme, ProgrammePhase, Session, SessionSeries
from rehab.recurrence import occurrences

PROGRAMMES = [
    # institution, agency, name, kind
    ("rutan-barabai", "bnnk-balangan", "Rehabilitasi Sosial {year} Tahap I (TC)", Programme.Kind.SOCIAL),
    ("lapas-amuntai", "bnnk-hsu", "Rehabilitasi Sosial {year} Tahap I (TC)", Programme.Kind.SOCIAL),
]

# The Therapeutic Community's phases over the 26-week cohort (issue 20): name, stage, planned weeks.
TC_PHASES = [
    ("Induksi / Orientasi", ProgrammePhase.Stage.INDUCTION, 4),
    ("Primary (Younger–Older Member)", ProgrammePhase.Stage.PRIMARY, 16),
    ("Re-entry", ProgrammePhase.Stage.REENTRY, 6),
]


def load(*, today: dt.date, institutions: dict, agencies: dict, staff_by_institution: dict) -> int:
    if Programme.objects.exists():
        return 0
    rng = random.Random(2026)
    made = 0
    for institution_code, agency_code, name, kind in PROGRAMMES:
        institution, agency = institutions[institution_code], agencies[agency_code]
        staff = staff_by_institution[institution.pk]
        counsellor = Membership.objects.filter(role=Role.COUNSELLOR, agency=agency).first().user
        agreement = agency.agreements.filter(institutions=institution).order_by("-valid_from").first()
        starts_on = today - dt.timedelta(days=42)
        # Amuntai's MoU ends 60 days after the load date and is not renewed yet (demo/agreements.py): its
        # programme and series run past it, as staff do once warned; the programme page keeps saying so.
        programme = services.programme_create(
            by=staff,
            beyond_agreement=True,
            programme=Programme(
                institution=institution,
                kind=kind,
                name=name.format(year=starts_on.year),
                agency=agency,
                agreement=agreement,
                starts_on=starts_on,
                ends_on=starts_on + dt.timedelta(days=182),
                capacity=15,
                target=12,
                required_sessions=24,
            ),
        )
        made += 1
        approved = list(services.waiting_list(programme))[:10]
        for recommendation in approved:
            enrolment = services.enrolment_create(
                by=staff,
                programme=programme,
                person=recommendation.assessment.person,
                recommendation=recommendation,
                on=starts_on,
            )
            services.enrolment_move(by=staff, enrolment=enrolment, to=Enrolment.Status.ACTIVE, on=starts_on)
        # Topped up with direct enrolments decided by the TPP (the UPT's observation team).
        others = (
            Admission.objects.open()
            .narcotics()
            .filter(institution=institution)
            .exclude(person__enrolments__programme=programme)
            .select_related("person")
            .order_by("pk")[: max(0, 8 - len(approved))]
        )
        for admission in others:
            enrolment = services.enrolment_create(
                by=staff,
                programme=programme,
                person=admission.person,
                reason="Hasil sidang TPP",
                on=starts_on,
            )
            services.enrolment_move(by=staff, enrolment=enrolment, to=Enrolment.Status.ACTIVE, on=starts_on)
        members = list(programme.enrolments.filter(status=Enrolment.Status.ACTIVE))
        if not members:
            continue
        _move_through_phases(programme, members, staff=staff, starts_on=starts_on)
        times = list(
            occurrences(
                weekdays={0, 3},
                start_time=dt.time(9),
                end_time=dt.time(11),
                first_day=starts_on,
                until=programme.ends_on,
                time_zone=institution.time_zone,
            )
        )
        series = SessionSeries(
            weekdays=[0, 3],
            start_time=dt.time(9),
            end_time=dt.time(11),
            first_day=starts_on,
            until=programme.ends_on,
        )
        sessions = services.sessions_schedule(
            by=counsellor,
            programme=programme,
            plan=services.SessionPlan(
                Session.Kind.GROUP, "Kelompok dukungan sebaya", "Aula Pembinaan", [counsellor], members
            ),
            times=times,
            series=series,
            beyond_agreement=True,
        )
        # Over by now, today's included: one that ended this morning is past too, and counts as a session
        # whose attendance is still to record (Session.objects.with_attendance_gap) as the latest one should.
        now = timezone.now()
        past = [s for s in sessions if s.ends_at <= now]
        for session in past[:-1]:  # the latest one is left for the counsellor: "attendance not recorded"
            marks = {
                row.pk: rng.choices(
                    [("present", ""), ("late", ""), ("excused", "court"), ("absent", "")], [80, 8, 6, 6]
                )[0]
                for row in session.attendances.all()
            }
            services.attendance_record(by=counsellor, session=session, marks=marks)
        if past:
            services.note_add(
                by=counsellor, session=past[0], text="Kelompok mulai saling terbuka; dua peserta masih pasif."
            )
        _release_two_on_parole(members, staff=staff, on=today - dt.timedelta(days=35))
    return made


def _move_through_phases(
    programme: Programme, members: list[Enrolment], *, staff, starts_on: dt.date
) -> None:
    """Everyone starts in induction on the first day; after its four weeks all but the last three move on to
    primary (the last two leave on parole before then, one stays behind in induction), so the programme page
    and the month's counts per stage show more than one stage. Made before the releases, while all are
    active."""
    induction, primary, _reentry = (
        phases.phase_create(by=staff, programme=programme, stage=stage, name=name, planned_weeks=weeks)
        for name, stage, weeks in TC_PHASES
    )
    for enrolment in members:
        phases.phase_move(by=staff, enrolment=enrolment, phase=induction, on=starts_on)
    for enrolment in members[:-3]:
        phases.phase_move(by=staff, enrolment=enrolment, phase=primary, on=starts_on + dt.timedelta(weeks=4))


def _release_two_on_parole(members: list[Enrolment], *, staff, on: dt.date) -> None:
    """Two participants leave on parole (PB) five weeks ago, through the release service, so the after-care
    plans open as in real life and the one-month follow-ups are overdue on the after-care list."""
    for enrolment in members[-2:]:
        inmate_services.admission_release(
            by=staff,
            admission=enrolment.admission,
            on=on,
            release_type=Admission.ReleaseType.PAROLE,
            note="Pembebasan bersyarat",
        )
