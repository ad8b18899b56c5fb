"""The monthly report's phase and quality-of-life tables (issue 20), read back from the PDF and the XLSX and
compared with what the test counts and scores itself: people per stage of the Therapeutic Community at the
month's end, as recorded by then; and the mean WHOQOL-BREF change per domain, worked out here from the
instrument's published scoring, shown for the region and withheld ("×") for a UPT whose mean would give its
sister's small group away."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from fractions import Fraction

import pytest
import time_machine
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import Role
from rehab.models import PhaseMove, Programme, ProgrammePhase
from reports.models import Report
from reports.render import generate
from reports.tasks import claim, report_for
from reports.templatetags.report_tags import qol_domain_label, stage_label
from reports.xlsx import workbook_bytes
from tests.factories import UserFactory, membership
from tests.rehab.conftest import make_enrolment
from tests.rehab.test_phases import started
from tests.rehab.test_quality_of_life import answers
from tests.rehab.test_quality_of_life import record as record_quality_of_life
from tests.reports.test_breakdowns import tc_programme_at
from tests.reports.test_publication import IN_OCTOBER, MONTH, ON_THE_3RD, pdf_text

pytestmark = pytest.mark.django_db

INDUCTION, PRIMARY, REENTRY, _OTHER = ProgrammePhase.Stage.values
STARTED_ON = dt.date(2026, 9, 1)
MONTH_END_KNOWN = dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC)  # 1 November 00:00 WIB: the month's cut-off

# WHOQOL-BREF (WHO, 1996, "WHOQOL-BREF: Introduction, administration, scoring"): a domain's score is the mean
# of its items times 4 (4–20), then (score − 4) × 100 / 16 (0–100); items 3, 4 and 26 are reversed (6 − x).
DOMAIN_ITEMS = {
    "physical": (3, 4, 10, 15, 16, 17, 18),
    "psychological": (5, 6, 7, 11, 19, 26),
    "social": (20, 21, 22),
    "environment": (8, 9, 12, 13, 14, 23, 24, 25),
}
REVERSED = {3, 4, 26}


def domain_score(domain: str, answer: int) -> Fraction:
    """The 0–100 score of a domain when every item was answered `answer`."""
    items = DOMAIN_ITEMS[domain]
    mean = Fraction(sum(6 - answer if item in REVERSED else answer for item in items), len(items))
    return (mean * 4 - 4) * Fraction(100, 16)


def printed_change(value: Fraction) -> str:
    return f"{float(value):+.1f}".replace("-", "−")


def tc_programme(upt) -> tuple[Programme, dict[str, ProgrammePhase]]:
    programme = tc_programme_at(upt, name=f"TC {upt.name}")
    phases = {
        stage: ProgrammePhase.objects.create(programme=programme, position=n, stage=stage, name=stage)
        for n, stage in enumerate((INDUCTION, PRIMARY, REENTRY), start=1)
    }
    return programme, phases


def participants(programme, phases, path: list[tuple[str, dt.date, dt.datetime]], by):
    """One participant active since September, moved along `path`: (stage, dated, recorded at) by `by`."""
    enrolment = started(make_enrolment(programme), STARTED_ON, at=IN_OCTOBER - dt.timedelta(days=40), by=by)
    for stage, on, at in path:
        PhaseMove.objects.create(enrolment=enrolment, phase=phases[stage], on=on, at=at, by=by)
    return enrolment


def quality_of_life(enrolment, start: int, end: int, by) -> None:
    """A start record in March and an end record on 15 October, every item answered alike, typed in time."""
    for timing, answer, day in (("start", start, dt.date(2026, 3, 5)), ("end", end, dt.date(2026, 10, 15))):
        record_quality_of_life(enrolment, timing, day, answers(answer), by, at=IN_OCTOBER)


@pytest.fixture
def world(region, institution, sister_institution):
    """At Lapas Amuntai 9 people active in the TC, at Rutan Barabai 6; some moved along its phases, one move
    dated in October but typed after the month's end; 6 and 3 of them scored at the start and the end."""
    staff = membership(UserFactory(), Role.UPT_STAFF, institution)
    here, here_phases = tc_programme(institution)
    there, there_phases = tc_programme(sister_institution)
    early, late = dt.datetime(2026, 10, 10, 3, tzinfo=dt.UTC), dt.datetime(2026, 11, 2, 3, tzinfo=dt.UTC)
    stages = {institution.pk: Counter(), sister_institution.pk: Counter()}
    amuntai = []
    with time_machine.travel(IN_OCTOBER, tick=False):
        for path, stage in (
            ([(INDUCTION, dt.date(2026, 9, 2), early)], INDUCTION),
            ([(INDUCTION, dt.date(2026, 9, 2), early)], INDUCTION),
            ([(INDUCTION, dt.date(2026, 9, 2), early), (PRIMARY, dt.date(2026, 10, 1), early)], PRIMARY),
            ([(PRIMARY, dt.date(2026, 9, 2), early)], PRIMARY),
            ([(PRIMARY, dt.date(2026, 9, 2), early)], PRIMARY),
            ([(PRIMARY, dt.date(2026, 9, 2), early)], PRIMARY),
            # Dated 30 October, typed on 2 November: as recorded at the month's end, still in primary.
            ([(PRIMARY, dt.date(2026, 9, 2), early), (REENTRY, dt.date(2026, 10, 30), late)], PRIMARY),
            ([(REENTRY, dt.date(2026, 10, 20), early)], REENTRY),
            ([], "none"),
        ):
            amuntai.append(participants(here, here_phases, path, staff))
            stages[institution.pk][stage] += 1
        barabai = []
        for _ in range(6):
            barabai.append(participants(there, there_phases, [(PRIMARY, dt.date(2026, 9, 2), early)], staff))
            stages[sister_institution.pk][PRIMARY] += 1
    scored = {institution.pk: [(3, 4)] * 4 + [(3, 5)] * 2, sister_institution.pk: [(3, 5), (3, 5), (3, 2)]}
    for enrolment, (start, end) in zip(amuntai, scored[institution.pk], strict=False):
        quality_of_life(enrolment, start, end, staff)
    for enrolment, (start, end) in zip(barabai, scored[sister_institution.pk], strict=False):
        quality_of_life(enrolment, start, end, staff)
    return stages, scored


def made(**place) -> Report:
    with time_machine.travel(ON_THE_3RD, tick=False):
        report = report_for(month=MONTH, language="en", **place)
        assert claim(report.pk)
        return generate(report)


def xlsx_rows(report: Report, sheet: str) -> dict[str, object]:
    workbook = load_workbook(io.BytesIO(workbook_bytes(report, report.snapshot)))
    return {row[0].value: row[1] for row in workbook[sheet].iter_rows(min_row=2)}


def test_people_per_phase_are_read_back_from_the_pdf_and_the_workbook(world, region, institution):
    stages, _scored = world
    expected = stages[institution.pk] + Counter(
        {stage: n for upt, counts in stages.items() if upt != institution.pk for stage, n in counts.items()}
    )
    assert expected == {PRIMARY: 11, INDUCTION: 2, REENTRY: 1, "none": 1}  # the region: both UPTs
    report = made(scope=Report.Scope.REGION, region=region)
    pdf = pdf_text(report)
    cells = xlsx_rows(report, "Rehabilitation")
    with translation.override("en"):
        for stage, printed in ((PRIMARY, "11"), (INDUCTION, "<5"), (REENTRY, "<5")):
            label = f"In phase: {stage_label(stage)}"
            assert f"{label} {printed}" in pdf, label
            assert cells[label].value == (int(printed) if printed.isdigit() else printed)
    assert "People active at the month's end, by phase of the Therapeutic Community" in pdf
    # Lapas Amuntai's own report: 5 in primary as recorded at the month's end (the move typed later is not).
    own = made(scope=Report.Scope.INSTITUTION, institution=institution)
    with translation.override("en"):
        assert f"In phase: {stage_label(PRIMARY)} 5" in pdf_text(own)
        assert xlsx_rows(own, "Rehabilitation")[f"In phase: {stage_label(PRIMARY)}"].value == 5


def test_mean_changes_are_read_back_and_a_mean_that_gives_a_small_group_away_is_withheld(
    world, region, institution
):
    _stages, scored = world
    people = [pair for pairs in scored.values() for pair in pairs]
    report = made(scope=Report.Scope.REGION, region=region)
    pdf = pdf_text(report)
    cells = xlsx_rows(report, "Quality of life (WHOQOL-BREF)")
    assert "People assessed at the start and the end of a programme that ended in the month 9" in pdf
    with translation.override("en"):
        for domain in DOMAIN_ITEMS:
            mean = sum(domain_score(domain, end) - domain_score(domain, start) for start, end in people) / 9
            label = f"Mean change: {qol_domain_label(domain)}"
            assert f"{label} {printed_change(mean)}" in pdf, (label, float(mean))
            cell = cells[label]
            assert cell.data_type == "n" and cell.value == pytest.approx(float(mean), abs=0.05)
            assert cell.number_format == "+0.0;-0.0;+0.0"  # shown signed, as in the PDF, never as text
    # The reference scoring checked by hand for one domain: physical, 4 × 75/7 + 4 × 150/7 − 75/7 over 9.
    assert sum(
        domain_score("physical", end) - domain_score("physical", start) for start, end in people
    ) == Fraction(825, 7)
    # Lapas Amuntai alone has 6, but with the region's 9 published its mean would give Rutan Barabai's 3
    # away (9 − 6): withheld, in the PDF and the workbook alike.
    own = made(scope=Report.Scope.INSTITUTION, institution=institution)
    own_pdf, own_cells = pdf_text(own), xlsx_rows(own, "Quality of life (WHOQOL-BREF)")
    with translation.override("en"):
        for domain in DOMAIN_ITEMS:
            label = f"Mean change: {qol_domain_label(domain)}"
            assert f"{label} ×" in own_pdf
            assert own_cells[label].value == "×"
