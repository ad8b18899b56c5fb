"""A report's figures as an XLSX workbook: one sheet per table of the PDF and a sheet of definitions, made
from the report's own snapshot (the PDF's), so the two always say the same, "<5" and "×" included. Counts are
written as numbers (an officer can add them up), the quality of life's mean changes as signed numbers,
withheld ones as their mark."""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from audit.exports import xlsx_cell
from reports import indicators
from reports.definitions import definitions_for
from reports.models import GENERATOR_VERSION, Report
from reports.publication import published
from reports.render import breakdown_rows, checksum, release_years_of, report_zone
from reports.templatetags.report_tags import (
    attendance_rate,
    coverage,
    enrolment_label,
    leave_reason_label,
    mean_change,
    pp25_heading,
    pp25_label,
    programme_label,
    qol_domain_label,
    recommendation_label,
    risk_label,
    share_of_target,
    stage_label,
)

SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet's name
BOLD = Font(bold=True)


def sheet_name(title) -> str:
    """A table's title as a sheet's name: Excel refuses : \\ / ? * [ ] and more than 31 characters."""
    name = str(title)
    for character in ":\\/?*[]":
        name = name.replace(character, " -" if character == ":" else "-")
    return name[:SHEET_NAME_LIMIT].strip()


def _value(text):
    """A printed count as a spreadsheet value: a number where it is one, its mark ("<5", "×", "—") if not."""
    if isinstance(text, int):
        return text
    return int(text) if isinstance(text, str) and text.isdigit() else text


def _signed(text: str) -> str:
    """A printed signed number ("+3", "−2.3") as Python reads one."""
    return text.replace("−", "-").removeprefix("+")


class MeanChange(float):
    """A mean change written as a number, shown signed with one decimal as the PDF prints it."""

    FORMAT = "+0.0;-0.0;+0.0"


def _mean(text: str):
    """A mean change as printed ("+17.9", "−2.3") as a number; "×" and "—" as printed."""
    try:
        return MeanChange(_signed(text))
    except ValueError:
        return text


def _change(text: str):
    """A change as a signed number ("+3" → 3, "−2" → -2); "×", "—" and percentage points as printed."""
    number = _signed(text)
    return int(number) if number.lstrip("-").isdigit() else text


def _number_or_text(sheet, value):
    cell = xlsx_cell(sheet, value)
    if isinstance(value, MeanChange):
        cell.number_format = MeanChange.FORMAT
    return cell


def tables(report: Report, snapshot: dict) -> list[tuple[str, list[str], list[list]]]:
    """(sheet name, column heads, rows) for each table of the report, in the PDF's order and words."""
    shown = published(snapshot)
    rows = breakdown_rows(snapshot, shown)

    def count(path: str):
        return _value(shown.get(path, "0"))

    sheets = []
    summary = indicators.summary(snapshot)
    if summary:
        previous = indicators.previous_month(snapshot)
        sheets.append(
            (
                _("Main indicators"),
                [
                    _("Indicator"),
                    f"{report.month:%Y-%m}",
                    f"{previous:%Y-%m}",
                    _("Month on month"),
                    _("Year to date %(year)s") % {"year": report.month.year},
                ],
                [
                    [
                        row.label,
                        _value(row.this_month),
                        _value(row.previous),
                        _change(row.change),
                        _value(row.year_to_date),
                    ]
                    for row in summary
                ],
            )
        )
    members = indicators.members(snapshot)
    if members:
        national = report.scope == Report.Scope.NATIONAL
        sheets.append(
            (
                _("By region") if national else _("By UPT"),
                [_("Region") if national else _("UPT"), *indicators.member_heads()],
                [[row.name, *(_value(text) for _path, text in row.cells)] for row in members],
            )
        )
    screening = [
        [_("People screened (any instrument)"), count("screening.screened")],
        *[
            [f"ASSIST — {risk_label(risk)}", count(f"screening.assist_by_risk.{risk}")]
            for risk in rows["risks"]
        ],
        [_("Assessments"), count("assessment.assessed")],
        *[
            [
                f"{_('Recommended')}: {recommendation_label(kind)}",
                count(f"assessment.recommended_by_kind.{kind}"),
            ]
            for kind in rows["recommendations"]
        ],
        [_("Recommendations approved"), count("assessment.approved")],
    ]
    if "population" in snapshot:
        screening += [
            [_("People held for narcotics at the month's end"), count("population.narcotics")],
            [_("Of them, screened at least once in this custody"), count("population.screened")],
            [_("Screening coverage"), coverage(shown, snapshot["population"])],
        ]
    sheets.append((_("Screening and assessment"), [_("Figure"), _("Count")], screening))
    rehabilitation = [
        [
            _("Active at the month's end") + f": {programme_label(kind)}",
            count(f"rehabilitation.active_by_kind.{kind}"),
        ]
        for kind in rows["kinds"]
    ]
    if snapshot["rehabilitation"].get("active_people") is not None:
        rehabilitation.append(
            [_("People active at the month's end (each counted once)"), count("rehabilitation.active_people")]
        )
    rehabilitation += [
        [
            f"{_('In phase')}: {stage_label(stage)}",
            count(f"rehabilitation.phase.{stage}"),
        ]
        for stage in rows["phases"]
    ]
    rehabilitation += [
        [f"{_('Moved to')}: {enrolment_label(status)}", count(f"rehabilitation.moves.{status}")]
        for status in rows["moves"]
    ]
    rehabilitation += [
        [
            f"{enrolment_label(status)} — {leave_reason_label(reason)}",
            count(f"rehabilitation.left.{status}.{reason}"),
        ]
        for status, reason in rows["left"]
    ]
    sheets.append((_("Rehabilitation"), [_("Figure"), _("Count")], rehabilitation))
    if "quality_of_life" in snapshot:
        quality = snapshot["quality_of_life"]
        sheets.append(
            (
                _("Quality of life (WHOQOL-BREF)"),
                [_("Figure"), _("Count")],
                [
                    [
                        _("People assessed at the start and the end of a programme that ended in the month"),
                        count("quality_of_life.people"),
                    ],
                    *[
                        [
                            f"{_('Mean change')}: {qol_domain_label(domain)}",
                            _mean(mean_change(shown, quality, domain)),
                        ]
                        for domain in rows["qol_domains"]
                    ],
                ],
            )
        )
    if rows.get("pp25"):
        treated = [
            [_("People treated in the month (medical or social rehabilitation)"), count("pp25.treated")]
        ]
        for name, categories in rows["pp25"]:
            if name == "route":
                treated.append([_("Duration of use"), _("not recorded")])
            treated += [
                [f"{pp25_heading(name)} — {pp25_label(category, name)}", count(f"pp25.{name}.{category}")]
                for category in categories
            ]
        sheets.append((_("PP 25/2011 Art. 18"), [_("Figure"), _("Count")], treated))
    sessions = snapshot["sessions"]
    session_rows = [
        [_("Sessions planned"), sessions["planned"]],
        [_("Sessions held"), sessions["held"]],
        [_("Sessions cancelled"), sessions["cancelled"]],
        [_("Sessions with attendance not recorded"), sessions["without_attendance"]],
    ]
    if sessions.get("excused") is not None:
        session_rows.append(
            [_("Absences with an acceptable reason (outside the rate)"), count("sessions.excused")]
        )
    session_rows.append([_("Attendance rate (attended ÷ expected)"), attendance_rate(sessions)])
    sheets.append((_("Sessions and attendance"), [_("Figure"), _("Count")], session_rows))
    aftercare = [
        [_("Follow-ups due"), count("aftercare.due")],
        [_("Follow-ups done"), count("aftercare.done")],
    ]
    if snapshot["aftercare"].get("on_time") is not None:
        aftercare.append([_("Of them, done by their due date"), count("aftercare.on_time")])
    aftercare += [
        [_("Follow-ups overdue at the month's end"), count("aftercare.overdue")],
        [_("Urine tests positive"), count("aftercare.urine_positive")],
        [_("Relapses reported"), count("aftercare.relapsed")],
    ]
    sheets.append((_("After-care"), [_("Figure"), _("Count")], aftercare))
    targets = snapshot["targets"]
    sheets.append(
        (
            _("Agreements and targets"),
            [_("Figure"), _("Count")],
            [
                [_("Agreements in force"), snapshot["agreements"]["active"]],
                [_("Agreements ending within 90 days"), snapshot["agreements"]["expiring"]],
                [_("Programme targets (participants)"), targets.get("target") or 0],
                [_("Active participants"), count("targets.active")],
                [
                    _("Achievement against target"),
                    share_of_target(shown, targets["active"], targets.get("target")),
                ],
            ],
        )
    )
    windows = snapshot["recidivism"]["windows"]
    heads = [_("Released in"), _("Released")]
    for months in windows:
        heads += [
            _("%(months)s mo.: eligible") % {"months": months},
            _("%(months)s mo.: returned") % {"months": months},
        ]
    years = []
    for year in release_years_of(snapshot, shown):
        line = [year, count(f"recidivism.{year}.size")]
        for months in windows:
            line += [
                count(f"recidivism.{year}.eligible.{months}"),
                count(f"recidivism.{year}.returned.{months}"),
            ]
        years.append(line)
    sheets.append((_("Return to custody"), heads, years))
    return sheets


def workbook_bytes(report: Report, snapshot: dict) -> bytes:
    """The workbook, in the report's language and zone."""
    with translation.override(report.language), timezone.override(report_zone(report)):
        workbook = Workbook()
        cover = workbook.active
        cover.title = sheet_name(_("Report"))
        known_at = snapshot.get("data_cutoff") or snapshot.get("known_at") or ""
        for line in (
            [_("Drug rehabilitation — monthly report: %(place)s") % {"place": report.scope_name}],
            [_("Period"), f"{report.month:%Y-%m}"],
            [_("Data recorded up to"), known_at],
            [_("Edition"), report.edition],
            [_("Provisional"), _("yes") if report.provisional else _("no")],
            [_("Generator version"), report.generator_version or GENERATOR_VERSION],
            [_("Figures checksum (SHA-256)"), checksum(snapshot)],
            *(
                [[signatory["heading"], f"{signatory['position']}: {signatory['name']}"]]
                + ([["NIP", signatory["nip"]]] if signatory["nip"] else [])
                if (signatory := snapshot.get("signatory"))
                else []
            ),
            [
                _(
                    "Counts of 1 to 4 people are shown as <5, and a percentage that would reveal one as ×, "
                    "so that no one can be recognised (see the appendix)."
                )
            ],
        ):
            cover.append([xlsx_cell(cover, value) for value in line])
        cover["A1"].font = BOLD
        cover.column_dimensions["A"].width = 34
        cover.column_dimensions["B"].width = 70
        for name, heads, rows in tables(report, snapshot):
            sheet = workbook.create_sheet(sheet_name(name))
            sheet.append([xlsx_cell(sheet, str(head)) for head in heads])
            for cell in sheet[1]:
                cell.font = BOLD
            for row in rows:
                # Text as text, never a formula: a place's name starting with "=" stays a name.
                sheet.append([_number_or_text(sheet, value) for value in row])
            sheet.column_dimensions["A"].width = 60
            sheet.freeze_panes = "B2"
        definitions = workbook.create_sheet(sheet_name(_("Definitions")))
        definitions.append([xlsx_cell(definitions, _("Figure")), xlsx_cell(definitions, _("Definition"))])
        for cell in definitions[1]:
            cell.font = BOLD
        for term, text in definitions_for(snapshot):
            definitions.append([xlsx_cell(definitions, str(term)), xlsx_cell(definitions, str(text))])
        definitions.column_dimensions["A"].width = 34
        definitions.column_dimensions["B"].width = 120
        for row in definitions.iter_rows(min_row=2):
            row[1].alignment = Alignment(wrap_text=True, vertical="top")
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
