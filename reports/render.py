"""Generating a report: figures → snapshot (with checksum) → PDF by WeasyPrint, in the report's language."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Recommendation, Screening
from rehab.models import DROP_OUT_REASONS, QOL_DOMAINS, Enrolment, LeaveReason, Programme
from rehab.phases import STAGES
from reports import indicators, publication
from reports.charts import survival_svg
from reports.definitions import definitions_for
from reports.disclosure import AT_RISK_MONTHS, MIN_CURVE_GROUP
from reports.figures import LEFT_BY_REASON, REFERENCE_ZONE
from reports.models import GENERATOR_VERSION, Report
from reports.people_treated import BREAKDOWNS
from reports.publication import published
from reports.recidivism import KaplanMeier, Step
from reports.signals import report_ready

ASSIST_RISKS = (Screening.Risk.LOWER, Screening.Risk.MODERATE, Screening.Risk.HIGH)
MOVES = (
    Enrolment.Status.ACTIVE,
    Enrolment.Status.COMPLETED,
    Enrolment.Status.DROPPED_OUT,
    Enrolment.Status.TRANSFERRED,
    Enrolment.Status.RELEASED,
)
LEAVE_REASONS = {
    Enrolment.Status.DROPPED_OUT: DROP_OUT_REASONS,
    Enrolment.Status.RELEASED: (LeaveReason.RELEASED, LeaveReason.DEATH),
}


def checksum(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _curve(snapshot: dict) -> KaplanMeier:
    data = snapshot["recidivism"]
    steps = tuple(Step(time, 0, 0, value) for time, value in data["curve"])
    # Follow-up length, so the curve stops where observation stops, not at the last return.
    return KaplanMeier(steps, data["size"], ((data.get("last_time", 0), 0, 0),))


def pdf_bytes(report: Report, snapshot: dict) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment and only rendering needs it

    return HTML(string=report_html(report, snapshot)).write_pdf()


def report_html(report: Report, snapshot: dict) -> str:
    """The report's page, each published count marked with its cell path (data-cell)."""
    # The report's language, and its zone for every date and time it prints (the template's date filter
    # shows times in the active zone).
    with translation.override(report.language), timezone.override(report_zone(report)):
        km = _curve(snapshot)
        data = snapshot["recidivism"]
        # Snapshots from before the rule kept every curve of 5 or more; they render as they were.
        publishable = data.get("publishable", km.size >= 5)
        chart = survival_svg(
            {_("All releases"): km} if publishable else {},
            title=_("Share not returned to custody, by days since release"),
            x_label=_("Days since release"),
            y_label=_("Not returned"),
            horizon=1096,
        )
        # Cell paths of the numbers at risk under the chart, and of the release-year table.
        at_risk = (
            ["recidivism.size", *(f"recidivism.followed.{months}" for months in data["windows"])]
            if publishable
            else []
        )
        shown = published(snapshot)
        years = release_years_of(snapshot, shown)
        release_years = [
            {
                "year": year,
                "size": f"recidivism.{year}.size",
                "windows": [
                    (f"recidivism.{year}.eligible.{m}", f"recidivism.{year}.returned.{m}")
                    for m in data["windows"]
                ],
            }
            for year in years
        ]
        return render_to_string(
            "reports/pdf/monthly.html",
            {
                "report": report,
                "figures": snapshot,
                "shown": shown,
                "rows": breakdown_rows(snapshot, shown),
                "release_years": release_years,
                "summary": indicators.summary(snapshot),
                "definitions": definitions_for(snapshot),
                "previous_month": indicators.previous_month(snapshot),
                "member_rows": indicators.members(snapshot),
                "member_heads": indicators.member_heads(),
                "chart": chart,
                "at_risk": at_risk,
                "curve_group": MIN_CURVE_GROUP,
                "at_risk_months": AT_RISK_MONTHS,
                "generated_at": timezone.localtime(timezone.now(), report_zone(report)),
                "data_cutoff": (
                    timezone.localtime(
                        dt.datetime.fromisoformat(snapshot["data_cutoff"]), report_zone(report)
                    )
                    if snapshot.get("data_cutoff")
                    else None
                ),
                "known_at": (
                    timezone.localtime(dt.datetime.fromisoformat(snapshot["known_at"]), report_zone(report))
                    if snapshot.get("known_at")
                    else None
                ),
                "generator_version": GENERATOR_VERSION,
                # From the snapshot being rendered: the report row may not carry it yet (first render).
                "checksum": checksum(snapshot),
            },
        )


def release_years_of(snapshot: dict, shown: dict) -> list[int]:
    """The release years the return-to-custody table lists: those with releases here, and any other year
    whose 0 the protection withheld (printed "×", never left out: a missing row says 0)."""
    return sorted(
        {row["year"] for row in snapshot["recidivism"]["rows"]}
        | {int(path.split(".")[1]) for path in shown if _release_year_cell(path)}
    )


def _release_year_cell(path: str) -> bool:
    parts = path.split(".")
    return len(parts) > 2 and parts[0] == "recidivism" and parts[1].isdigit()


def breakdown_rows(snapshot: dict, shown: dict) -> dict[str, list]:
    """The rows of each breakdown: every category, in a fixed order, whether or not this scope has anyone in
    it. A row left out says 0 as plainly as a printed 0, and a 0 the protection withheld (so that a hidden
    count elsewhere cannot be worked out) must be printed as "×" (reports.publication)."""

    def keys(fixed, prefix: str, present) -> list[str]:
        extra = {path[len(prefix) + 1 :] for path in shown if path.startswith(f"{prefix}.")}
        found = [str(key) for key in fixed]
        return found + sorted((set(present) | extra) - set(found))

    rehabilitation = snapshot["rehabilitation"]
    left = [(str(status), str(reason)) for status in LEFT_BY_REASON for reason in LEAVE_REASONS[status]]
    left += sorted(
        (status, reason)
        for status, reasons in rehabilitation.get("left", {}).items()
        for reason in reasons
        if (status, reason) not in left
    )
    has_left = "left" in rehabilitation  # a snapshot from before the reasons were recorded has none
    # PP 25/2011 Art. 18's table: (breakdown, its categories); none in a snapshot from before it existed.
    pp25 = snapshot.get("pp25")
    treated = (
        [(name, keys(categories, f"pp25.{name}", pp25[name])) for name, categories in BREAKDOWNS.items()]
        if pp25
        else []
    )
    return {
        "risks": keys(ASSIST_RISKS, "screening.assist_by_risk", snapshot["screening"]["assist_by_risk"]),
        "recommendations": keys(
            Recommendation.Kind.values,
            "assessment.recommended_by_kind",
            snapshot["assessment"]["recommended_by_kind"],
        ),
        "kinds": keys(
            Programme.Kind.values, "rehabilitation.active_by_kind", rehabilitation["active_by_kind"]
        ),
        "moves": keys(MOVES, "rehabilitation.moves", rehabilitation["moves"]),
        "left": left if has_left else [],
        "phases": list(STAGES) if rehabilitation.get("phase") else [],
        "qol_domains": list(QOL_DOMAINS) if "quality_of_life" in snapshot else [],
        "pp25": treated,
    }


def report_zone(report: Report):
    import zoneinfo

    if report.scope == Report.Scope.INSTITUTION:
        return report.institution.time_zone_info
    if report.scope == Report.Scope.REGION:
        return zoneinfo.ZoneInfo(report.region.time_zone)
    return zoneinfo.ZoneInfo(REFERENCE_ZONE)


def generate(report: Report) -> Report:
    """Take the report's figures from its month's figure set (or, rendering again, from its own snapshot)
    and render the PDF."""
    now = timezone.now()
    figures = report.snapshot or publication.snapshot(report, now=now)
    if report.data_cutoff is None:
        report.data_cutoff = dt.datetime.fromisoformat(figures.get("data_cutoff") or figures["known_at"])
    content = pdf_bytes(report, figures)
    report.snapshot, report.checksum, report.generator_version = figures, checksum(figures), GENERATOR_VERSION
    report.pdf.save(f"{report.scope_code}.pdf", ContentFile(content), save=False)
    report.status, report.error, report.finished_at = Report.Status.DONE, "", timezone.now()
    report.save()
    report_ready.send(sender=Report, report=report)
    return report
