"""Monthly reports: the PDF read back as text shows figures computed independently here, small cells are
suppressed, no name or NIK appears, the work is claimed once, and the figures cost a fixed number of
queries."""

import datetime as dt
import io

import pytest
import time_machine
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


IN_OCTOBER = dt.datetime(2026, 10, 25, 3, 0, tzinfo=dt.UTC)  # when the month's data is typed in


@pytest.fixture
def october(institution, staff):
    people = []
    with time_machine.travel(IN_OCTOBER, tick=False):
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
    # A UPT's report protects small counts too: 3 people at high risk at one UPT are 3 recognisable people.
    assert "ASSIST — Moderate risk 7" in text and "ASSIST — High risk <5" in text
    assert "Rahasia" not in text and "630800000000" not in text
    assert report.checksum == checksum(report.snapshot) and report.generator_version
    # The PDF carries the checksum of its own figures, so a printed copy can be checked against the record.
    assert report.checksum in text.replace("\n", "")


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
    snapshot = dict(report.snapshot)
    assert snapshot.pop("withheld") == {"screening.assist_by_risk.high": "<5"}
    assert snapshot.pop("members") == []  # a UPT's report has no rows of places under it
    assert snapshot.pop("trend")["previous_month"] == "2026-09-01"
    assert snapshot.pop("signatory") is None  # no signature block set for this UPT
    assert compute([institution.pk], MONTH, known_at=report.data_cutoff) == snapshot


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
    with time_machine.travel(IN_OCTOBER, tick=False):
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


# --- Pages -----------------------------------------------------------------------------------------------


def test_generate_now_and_download_in_scope_only(
    login,
    regional,
    staff,
    outsider,
    counsellor,
    october,
    region,
    institution,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from django.urls import reverse

    from audit.models import AuditEvent
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)  # the worker itself is tested in test_worker.py
    client = login(regional)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report-create"),
            {"place": f"region:{region.pk}", "month": "2026-10", "language": "id"},
        )
    report = Report.objects.get()
    assert response.url == report.get_absolute_url()
    report.refresh_from_db()
    assert report.status == Report.Status.DONE  # the task ran as the request committed
    download = client.get(reverse("reports:report-download", args=[report.pk]))
    assert download.status_code == 200
    assert "no-store" in download.headers["Cache-Control"]  # never left in a shared PC's browser cache
    assert AuditEvent.objects.filter(action="download", actor=regional, object_id=str(report.pk)).exists()
    assert (
        login(staff).get(reverse("reports:report-download", args=[report.pk])).status_code == 404
    )  # a UPT user
    assert login(outsider).get(report.get_absolute_url()).status_code == 404
    assert (
        login(counsellor)
        .post(reverse("reports:report-create"), {"place": "national", "month": "2026-10"})
        .status_code
        == 403
    )


def test_generate_refuses_places_outside_scope_and_future_months(login, staff, region):
    from django.urls import reverse

    client = login(staff)
    for data in (
        {"place": f"region:{region.pk}", "month": "2026-10", "language": "id"},
        {"place": "national", "month": "2026-10", "language": "id"},
    ):
        client.post(reverse("reports:report-create"), data)
    assert not Report.objects.exists()


def test_archive_lists_reports_with_a_fixed_number_of_queries(
    login, national, institution, django_assert_max_num_queries
):
    from django.urls import reverse

    client = login(national)
    report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("reports:report-list"))
    for month in range(1, 10):
        report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=dt.date(2026, month, 1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("reports:report-list"))


def test_benchmark_command_runs_and_rolls_back(db, capsys):
    call_command("benchmark_reports", "--wbp", "200", "--rehab", "30", "--sessions", "300")
    out = capsys.readouterr().out
    assert "Figures:" in out and "queries" in out and "Rolled back" in out
    assert not Report.objects.exists() and not Screening.objects.exists()


def test_a_past_report_is_reissued_with_a_reason_and_keeps_its_history(
    login, regional, region, october, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    first = report_for(scope=Report.Scope.REGION, region=region, month=MONTH)
    claim(first.pk)
    generate(first)
    client = login(regional)
    assert client.post(reverse("reports:report-reissue", args=[first.pk]), {"reason": ""}).status_code == 302
    assert Report.objects.count() == 1  # no reason, no reissue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:report-reissue", args=[first.pk]),
            {"reason": "Data pembebasan terlambat diinput"},
        )
    second = Report.objects.get(edition=2)
    assert (
        second.reissue_reason == "Data pembebasan terlambat diinput" and second.status == Report.Status.DONE
    )
    first.refresh_from_db()
    assert first.status == Report.Status.DONE and first.pdf  # the first edition stays as it was
