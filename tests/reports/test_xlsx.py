"""The report's figures as XLSX (issue 20): one sheet per table plus the definitions, from the snapshot the
PDF was rendered from. Read back with openpyxl and compared with counts the test keeps itself and with the
PDF's text, row by row."""

from __future__ import annotations

import io
from collections import Counter

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from reports.definitions import definitions_for
from reports.models import Report
from reports.render import generate
from reports.tasks import claim, report_for
from reports.xlsx import workbook_bytes
from tests.reports.test_breakdowns import drop_outs
from tests.reports.test_publication import MONTH, ON_THE_3RD, pdf_text, screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_report(region, institution, sister_institution):
    drop_outs(institution, ["health"] * 6 + ["voluntary"] * 7)
    drop_outs(sister_institution, ["disciplinary"] * 8 + ["health"] * 5)
    screen(institution, ["moderate"] * 9 + ["high"] * 2)
    screen(sister_institution, ["moderate"] * 6)
    with time_machine.travel(ON_THE_3RD, tick=False):
        report = report_for(scope=Report.Scope.REGION, region=region, month=MONTH, language="en")
        assert claim(report.pk)
        generate(report)
    return report


def sheets_of(content: bytes) -> dict[str, list[list]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def test_the_workbook_says_what_the_pdf_says(login, regional, region_report, institution, sister_institution):
    response = login(regional).get(reverse("reports:report-xlsx", args=[region_report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "laporan-kalsel-2026-10-en.xlsx" in response["Content-Disposition"]
    sheets = sheets_of(b"".join(response.streaming_content) if response.streaming else response.content)
    assert list(sheets) == [
        "Report",
        "Main indicators",
        "By UPT",
        "Screening and assessment",
        "Rehabilitation",
        "Quality of life (WHOQOL-BREF)",
        "PP 25-2011 Art. 18",  # Excel refuses a slash in a sheet name
        "Sessions and attendance",
        "After-care",
        "Agreements and targets",
        "Return to custody",
        "Definitions",
    ]
    # Counted by the test: the region's drop-outs by reason, as numbers.
    expected = Counter(["health"] * 11 + ["voluntary"] * 7 + ["disciplinary"] * 8)
    rehabilitation = {row[0]: row[1] for row in sheets["Rehabilitation"][1:]}
    assert rehabilitation["Dropped out — Health"] == expected["health"] == 11
    assert rehabilitation["Dropped out — Voluntary withdrawal"] == 7
    assert rehabilitation["Dropped out — Disciplinary"] == 8
    assert rehabilitation["Dropped out — Death"] == 0
    assert rehabilitation["Moved to: Dropped out"] == sum(expected.values())
    screening = {row[0]: row[1] for row in sheets["Screening and assessment"][1:]}
    assert screening["People screened (any instrument)"] == 17
    assert screening["ASSIST — High risk"] == "<5"  # 2 people: withheld in the workbook as in the PDF
    # Each UPT's row as the PDF prints it.
    pdf = pdf_text(region_report)
    heads, *upts = sheets["By UPT"]
    assert heads[:3] == ["UPT", "Screened", "Assessed"]
    for row in upts:
        assert " ".join(str(value) for value in row) in pdf
    assert {row[0] for row in upts} == {institution.name, sister_institution.name}
    # Every figure row of every table is in the PDF with the same value.
    for name in (
        "Screening and assessment",
        "Rehabilitation",
        "After-care",
        "Sessions and attendance",
        "PP 25-2011 Art. 18",  # Excel refuses a slash in a sheet name
    ):
        for label, value in sheets[name][1:]:
            assert f"{label} {value}" in pdf, (name, label, value)
    summary = {row[0]: row[1:] for row in sheets["Main indicators"][1:]}
    assert summary["People screened"] == [17, 0, 17, 17]  # October, September, change, year to date
    assert summary["Follow-ups overdue"][-1] == "—"  # a state at the month's end: no sum over the year
    definitions = sheets["Definitions"]
    assert definitions[0] == ["Figure", "Definition"] and len(definitions) == 1 + len(
        definitions_for(region_report.snapshot)
    )
    cover = {row[0]: row[1] if len(row) > 1 else None for row in sheets["Report"]}
    assert cover["Figures checksum (SHA-256)"] == region_report.checksum
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).latest("pk")
    assert event.actor == regional


def test_in_indonesian_by_default(login, regional, region, institution):
    drop_outs(institution, ["health"] * 5)
    with time_machine.travel(ON_THE_3RD, tick=False):
        report = report_for(scope=Report.Scope.REGION, region=region, month=MONTH)
        assert claim(report.pk)
        generate(report)
    sheets = sheets_of(login(regional).get(reverse("reports:report-xlsx", args=[report.pk])).content)
    assert sheets["Definisi"][0] == ["Angka", "Definisi"]
    assert {row[0]: row[1] for row in sheets["Rehabilitasi"][1:]}["Keluar (drop out) — Kesehatan"] == 5


def test_a_report_not_ready_has_no_workbook(login, regional, region):
    report = report_for(scope=Report.Scope.REGION, region=region, month=MONTH)
    assert login(regional).get(reverse("reports:report-xlsx", args=[report.pk])).status_code == 404


def test_the_report_command_writes_the_workbook(tmp_path, region_report):
    target = tmp_path / "kalsel.xlsx"
    with time_machine.travel(ON_THE_3RD, tick=False):
        call_command(
            "report",
            scope="region:kalsel",
            month="2026-10",
            lang="en",
            output_format="xlsx",
            output=str(target),
        )
    sheets = sheets_of(target.read_bytes())
    rehabilitation = {row[0]: row[1] for row in sheets["Rehabilitation"][1:]}
    assert rehabilitation["Dropped out — Health"] == 11


def test_the_report_command_copies_the_pdf_where_it_is_told(tmp_path, region_report, capsys):
    target = tmp_path / "kalsel.pdf"
    with time_machine.travel(ON_THE_3RD, tick=False):
        call_command("report", scope="region:kalsel", month="2026-10", lang="en", output=str(target))
    assert capsys.readouterr().out.strip() == str(target.resolve())
    with region_report.pdf.open("rb") as archived:
        assert target.read_bytes() == archived.read() and target.read_bytes().startswith(b"%PDF")
    # A file named for the other format is refused before anything is written.
    with pytest.raises(CommandError, match=r"names a \.xlsx file, but --format is pdf"):
        call_command("report", scope="region:kalsel", month="2026-10", output=str(tmp_path / "kalsel.xlsx"))
    assert not (tmp_path / "kalsel.xlsx").exists()


def test_a_place_named_like_a_formula_stays_text(request, sister_institution):
    sister_institution.name = '=HYPERLINK("http://evil.example","klik")'
    sister_institution.save()
    report = request.getfixturevalue("region_report")
    workbook = load_workbook(io.BytesIO(workbook_bytes(report, report.snapshot)))
    [cell] = [
        row[0] for row in workbook["By UPT"].iter_rows(min_row=2) if row[0].value == sister_institution.name
    ]
    assert cell.data_type == "s" and cell.quotePrefix  # text, shown without an apostrophe, never run
