"""Generating a report: figures → snapshot (with checksum) → PDF by WeasyPrint, in the report's language."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from institutions.models import Institution
from reports.charts import survival_svg
from reports.disclosure import AT_RISK_MONTHS, MIN_CURVE_GROUP, at_risk_cells
from reports.figures import compute, month_end_moment
from reports.models import GENERATOR_VERSION, Report
from reports.recidivism import KaplanMeier, Step


def institution_ids(report: Report) -> list[int]:
    if report.scope == Report.Scope.INSTITUTION:
        return [report.institution_id]
    places = (
        Institution.objects.all()
        if report.scope == Report.Scope.NATIONAL
        else Institution.objects.filter(region_id=report.region_id)
    )
    return list(places.values_list("pk", flat=True))


def checksum(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def snapshot_for(report: Report, *, now=None) -> dict:
    """The figures from what had been recorded by the report's data cut-off: the month's end in the report's
    zone for a month's report, the moment of a reissue "with current data", and for the running month
    (provisional) the moment it is generated, which also ends the days it counts."""
    now = now or timezone.now()
    if report.provisional:
        until = timezone.localtime(now, _zone(report)).date()
        snapshot = compute(institution_ids(report), report.month, until=until, known_at=now)
        snapshot["data_cutoff"] = now.isoformat()
        return snapshot
    known_at = report.data_cutoff or month_end_moment(report.month, str(_zone(report)))
    return compute(institution_ids(report), report.month, known_at=known_at)


def _curve(snapshot: dict) -> KaplanMeier:
    data = snapshot["recidivism"]
    steps = tuple(Step(time, 0, 0, value) for time, value in data["curve"])
    # Follow-up length, so the curve stops where observation stops, not at the last return.
    return KaplanMeier(steps, data["size"], ((data.get("last_time", 0), 0, 0),))


def pdf_bytes(report: Report, snapshot: dict) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment and only rendering needs it

    # The report's language, and its zone for every date and time it prints (the template's date filter
    # shows times in the active zone).
    with translation.override(report.language), timezone.override(_zone(report)):
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
        at_risk = (
            at_risk_cells([data["size"], *(data["followed"][str(months)] for months in data["windows"])])
            if publishable
            else []
        )
        html = render_to_string(
            "reports/pdf/monthly.html",
            {
                "report": report,
                "figures": snapshot,
                "chart": chart,
                "at_risk": at_risk,
                "curve_group": MIN_CURVE_GROUP,
                "at_risk_months": AT_RISK_MONTHS,
                "generated_at": timezone.localtime(timezone.now(), _zone(report)),
                "data_cutoff": (
                    timezone.localtime(dt.datetime.fromisoformat(snapshot["data_cutoff"]), _zone(report))
                    if snapshot.get("data_cutoff")
                    else None
                ),
                "known_at": (
                    timezone.localtime(dt.datetime.fromisoformat(snapshot["known_at"]), _zone(report))
                    if snapshot.get("known_at")
                    else None
                ),
                "generator_version": GENERATOR_VERSION,
                # From the snapshot being rendered: the report row may not carry it yet (first render).
                "checksum": checksum(snapshot),
            },
        )
    return HTML(string=html).write_pdf()


def _zone(report: Report):
    import zoneinfo

    if report.scope == Report.Scope.INSTITUTION:
        return report.institution.time_zone_info
    if report.scope == Report.Scope.REGION:
        return zoneinfo.ZoneInfo(report.region.time_zone)
    return zoneinfo.ZoneInfo("Asia/Jakarta")


def generate(report: Report) -> Report:
    """Compute (or, for a reissue from an existing snapshot, reuse) the figures and render the PDF."""
    now = timezone.now()
    snapshot = report.snapshot or snapshot_for(report, now=now)
    if report.data_cutoff is None:
        report.data_cutoff = dt.datetime.fromisoformat(snapshot.get("data_cutoff") or snapshot["known_at"])
    content = pdf_bytes(report, snapshot)
    report.snapshot, report.checksum, report.generator_version = (
        snapshot,
        checksum(snapshot),
        GENERATOR_VERSION,
    )
    report.pdf.save(f"{report.scope_code}.pdf", ContentFile(content), save=False)
    report.status, report.error, report.finished_at = Report.Status.DONE, "", timezone.now()
    report.save()
    return report
