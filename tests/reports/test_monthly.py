"""Monthly reports: the PDF read back as text shows figures computed independently here, small cells are
suppressed, no name or NIK appears, the work is claimed once, and the figures cost a fixed number of
queries."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from assessments import instruments
from assessments.models import Screening
from reports.figures import compute
from reports.models import Report
from reports.render import checksum, generate
from reports.tasks import claim, render_report, report_for
from tests.factories import PersonFactory, admit

MONTH = dt.date(2026, 10, 1)


def screen(person, institution, by, risk, day=dt.date(2026, 10, 5)):
    return Screening.objects.create(
        person=person,
        institution=institution,
        instrument="ASSIST",
        version=instruments.current_version("ASSIST"),
        answers={"substances": {}, "q8": "no_never"},
        risk=risk,
        screened_on=day,
        screened_by=by,
    )


@pytest.fixture
def october(institution, staff):
    people = []
    for n, risk in enumerate(["moderate"] * 7 + ["high"] * 3):
        person = PersonFactory(full_name=f"Rahasia Nama {n}", nik=f"63080000000000{n:02d}")
        admit(person, institution, on=dt.date(2026, 1, 1))
        screen(person, institution, staff, risk)
        people.append(person)
    screen(people[0], institution, staff, "high", day=dt.date(2026, 9, 30))  # September: not counted
    return people


def pdf_text(report) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)


def test_upt_report_shows_the_figures_and_no_names(october, institution):
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH, language="en")
    assert claim(report.pk)
    generate(report)
    text = pdf_text(report)
    assert "People screened (any instrument) 10" in text
    assert "ASSIST — Moderate risk 7" in text and "ASSIST — High risk 3" in text
    assert "Rahasia" not in text and "630800000000" not in text
    assert report.checksum == checksum(report.snapshot) and report.generator_version


def test_region_report_suppresses_small_cells(october, region):
    report = report_for(scope=Report.Scope.REGION, region=region, month=MONTH, language="en")
    claim(report.pk)
    generate(report)
    text = pdf_text(report)
    assert "ASSIST — High risk <5" in text and "ASSIST — Moderate risk 7" in text


def test_rerendering_from_the_snapshot_gives_the_same_figures(october, institution):
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH, language="en")
    claim(report.pk)
    generate(report)
    first = report.checksum
    report.status = Report.Status.QUEUED
    generate(report)  # the snapshot is reused: same figures, same checksum
    assert report.checksum == first
    assert compute([institution.pk], MONTH) == report.snapshot


def test_the_work_is_claimed_once_and_a_second_run_does_nothing(october, institution):
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH)
    assert report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH) == report
    assert render_report.apply(args=[report.pk]).get()
    assert render_report.apply(args=[report.pk]).get() == "already claimed or done"
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.attempts == 1
    assert Report.objects.count() == 1


def test_a_crashed_claim_is_taken_over_later(october, institution):
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH)
    assert claim(report.pk)  # a worker claimed it, then died before finishing
    assert not claim(report.pk)
    Report.objects.filter(pk=report.pk).update(started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert render_report.apply(args=[report.pk]).get()
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.attempts == 2 and report.pdf


def test_figures_cost_a_fixed_number_of_queries(institution, staff, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as small:
        compute([institution.pk], MONTH)
    for _ in range(40):
        person = PersonFactory()
        admit(person, institution, on=dt.date(2026, 1, 1))
        screen(person, institution, staff, "moderate")
    with django_assert_max_num_queries(len(small.captured_queries)):
        figures = compute([institution.pk], MONTH)
    assert figures["screening"]["screened"] == 40


def test_report_command_prints_the_pdf_path(october, institution, capsys):
    call_command("report", "--scope", f"institution:{institution.code}", "--month", "2026-10", "--lang", "en")
    path = capsys.readouterr().out.strip()
    with open(path, "rb") as pdf:
        assert path.endswith(".pdf") and pdf.read(5) == b"%PDF-"
