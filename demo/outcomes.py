"""Demo WHOQOL-BREF records (issue 20), so the monthly report's change in quality of life has something to
show: a rolling short-course programme at Lapas Banyuwangi whose first intake did its 30 days and finished
ten weeks before the load date, questioned on their first and last days; and the baseline of everyone in
the running programmes (plus the end of the two who left on parole). Made through the same services users
go through; a fixed seed keeps the answers the same on every load."""

from __future__ import annotations

import datetime as dt
import random

from inmates.models import Admission
from rehab import services
from rehab.models import Enrolment, Programme, QualityOfLife
from rehab.quality_of_life import quality_of_life_record

SHORT_COURSE = "Rehabilitasi Sosial Jangka Pendek 30 Hari (bergulir)"
ITEMS = [f"q{n}" for n in range(1, 27)]
REVERSED = {"q3", "q4", "q26"}


def _answers(rng: random.Random, level: float) -> dict:
    """Answers around `level` (1–5, the better life the higher), one item in five left unanswered at most."""
    answers = {}
    for code in ITEMS:
        value = min(5, max(1, round(rng.gauss(level, 0.8))))
        answers[code] = 6 - value if code in REVERSED else value
    for code in rng.sample(ITEMS[2:], rng.choice([0, 0, 0, 1, 2])):
        answers[code] = None
    return answers


def load(*, today: dt.date, institutions: dict, agencies: dict, staff_by_institution: dict) -> int:
    if QualityOfLife.objects.exists():
        return 0
    rng = random.Random(2027)
    made = 0
    # Everyone in the running programmes at their start; the two released on parole also at their leaving.
    for programme in (
        Programme.objects.exclude(name=SHORT_COURSE).select_related("institution").order_by("pk")
    ):
        staff = staff_by_institution[programme.institution_id]
        for enrolment in programme.enrolments.order_by("pk"):
            quality_of_life_record(
                by=staff,
                enrolment=enrolment,
                timing=QualityOfLife.Timing.START,
                taken_on=programme.starts_on,
                answers=_answers(rng, 2.6),
            )
            made += 1
            left = enrolment.transitions.filter(to_status=Enrolment.Status.RELEASED).first()
            if left:
                quality_of_life_record(
                    by=staff,
                    enrolment=enrolment,
                    timing=QualityOfLife.Timing.END,
                    taken_on=left.on,
                    answers=_answers(rng, 3.0),
                )
                made += 1
    return made + _short_course(
        rng, today=today, institutions=institutions, agencies=agencies, by=staff_by_institution
    )


def _short_course(rng: random.Random, *, today: dt.date, institutions: dict, agencies: dict, by: dict) -> int:
    """Eight WBP through 30 days of a rolling programme (still open to new intakes, so it can be enrolled in
    today), done ten weeks ago, each questioned on their first and last days."""
    institution, agency = institutions["lapas-banyuwangi"], agencies["lrppn-bi-banyuwangi"]
    staff = by[institution.pk]
    starts_on = today - dt.timedelta(days=100)
    done_on = starts_on + dt.timedelta(days=29)
    agreement = agency.agreements.filter(institutions=institution).order_by("-valid_from").first()
    if agreement is None or not agreement.is_in_force_on(starts_on):
        return 0
    programme = services.programme_create(
        by=staff,
        programme=Programme(
            institution=institution,
            kind=Programme.Kind.SOCIAL,
            name=SHORT_COURSE,
            agency=agency,
            agreement=agreement,
            starts_on=starts_on,
            ends_on=today,
            capacity=10,
            target=8,
        ),
    )
    admissions = (
        Admission.objects.open()
        .narcotics()
        .filter(institution=institution, admitted_on__lt=starts_on)
        .exclude(person__enrolments__status=Enrolment.Status.ACTIVE)
        .select_related("person")
        .order_by("pk")[:8]
    )
    made = 0
    for admission in admissions:
        enrolment = services.enrolment_create(
            by=staff, programme=programme, person=admission.person, reason="Hasil sidang TPP", on=starts_on
        )
        services.enrolment_move(by=staff, enrolment=enrolment, to=Enrolment.Status.ACTIVE, on=starts_on)
        services.enrolment_move(by=staff, enrolment=enrolment, to=Enrolment.Status.COMPLETED, on=done_on)
        level = rng.uniform(2.2, 3.0)
        for timing, day, shift in (
            (QualityOfLife.Timing.START, starts_on, 0.0),
            (QualityOfLife.Timing.END, done_on, 0.6),
        ):
            quality_of_life_record(
                by=staff,
                enrolment=enrolment,
                timing=timing,
                taken_on=day,
                answers=_answers(rng, level + shift),
            )
            made += 1
    return made
