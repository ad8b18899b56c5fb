"""The main indicators as a report lays them out: a summary with the month before and the year to date, and
a row per UPT (in a region's report) or per region (in the nation's). Built from a report's snapshot alone,
so the PDF and the XLSX of one report print the same cells (reports.render, reports.xlsx)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from reports.disclosure import rate_text
from reports.publication import FLOWS, MAIN, published

LABELS = {
    "screening.screened": _("People screened"),
    "assessment.assessed": _("Assessments"),
    "rehabilitation.active_by_kind.medical": _("Active in medical rehabilitation"),
    "rehabilitation.active_by_kind.social": _("Active in social rehabilitation"),
    "rehabilitation.moves.completed": _("Completed a programme"),
    "rehabilitation.moves.dropped_out": _("Dropped out"),
    "sessions.held": _("Sessions held"),
    "aftercare.done": _("Follow-ups done"),
    "aftercare.overdue": _("Follow-ups overdue"),
}
# Column heads of the table with a row per UPT or region (ten columns on an A4 page).
SHORT = {
    "screening.screened": _("Screened"),
    "assessment.assessed": _("Assessed"),
    "rehabilitation.active_by_kind.medical": _("Medical"),
    "rehabilitation.active_by_kind.social": _("Social"),
    "rehabilitation.moves.completed": _("Completed"),
    "rehabilitation.moves.dropped_out": _("Dropped out"),
    "sessions.held": _("Sessions"),
    "aftercare.done": _("Follow-ups"),
    "aftercare.overdue": _("Overdue"),
}
ATTENDANCE_RATE = "attendance_rate"
NOT_PEOPLE = {"sessions.held"}  # counts of sessions, published as they are


@dataclass(frozen=True)
class SummaryRow:
    path: str  # the cell path of this month's count ("attendance_rate" for the rate)
    label: str
    this_month: str
    previous: str
    change: str
    year_to_date: str  # "—" for a state at the month's end, which does not add up over months


def _text(value) -> str:
    return "—" if value is None else str(value)


def change_text(now, before) -> str:
    """This month's count less the month before's, where both are published as numbers."""
    if now is None or before is None:
        return "—"
    if not (isinstance(now, int) and isinstance(before, int)):
        return "×"
    return f"+{now - before}" if now > before else str(now - before).replace("-", "−")


def _rate(cells: dict) -> str:
    return rate_text(cells.get("sessions.attended"), cells.get("sessions.expected"))


def _points(now: str, before: str) -> str:
    """The change of a rate in percentage points, where both are published."""
    if not (now.endswith("%") and before.endswith("%")):
        return "—"
    difference = int(now[:-1]) - int(before[:-1])
    return (f"+{difference}" if difference > 0 else str(difference).replace("-", "−")) + " pp"


def this_month(snapshot: dict) -> dict:
    """This month's main counts as printed (people counts as published, sessions as they are)."""
    shown = published(snapshot)
    sessions = snapshot.get("sessions", {})
    cells = {path: shown.get(path, "0") for path in MAIN if path not in NOT_PEOPLE}
    cells["sessions.held"] = sessions.get("held", 0)
    cells["sessions.attended"] = sessions.get("attended") or 0
    cells["sessions.expected"] = (sessions.get("recorded") or 0) - (sessions.get("excused") or 0)
    return cells


def summary(snapshot: dict) -> list[SummaryRow]:
    """One row per main indicator and one for the attendance rate; empty for a snapshot from before the
    trend was kept."""
    trend = snapshot.get("trend")
    if trend is None:
        return []
    now = this_month(snapshot)
    before, year = trend["previous"], trend["year_to_date"]
    rows = []
    for path in MAIN:
        current = now[path]
        value = int(current) if isinstance(current, str) and current.isdigit() else current
        rows.append(
            SummaryRow(
                path=path,
                label=str(LABELS[path]),
                this_month=str(current),
                previous=_text(before.get(path)),
                change=change_text(value, before.get(path)),
                year_to_date=_text(year.get(path)) if path in FLOWS else "—",
            )
        )
    rate_now, rate_before = _rate(now), _rate(before) if before.get("sessions.expected") is not None else "—"
    rows.append(
        SummaryRow(
            path=ATTENDANCE_RATE,
            label=str(_("Attendance rate")),
            this_month=rate_now,
            previous=rate_before,
            change=_points(rate_now, rate_before),
            year_to_date=_rate(year),
        )
    )
    return rows


def previous_month(snapshot: dict) -> dt.date | None:
    trend = snapshot.get("trend")
    return dt.date.fromisoformat(trend["previous_month"]) if trend else None


@dataclass(frozen=True)
class MemberRow:
    scope: str
    name: str
    cells: list[tuple[str, str]]  # (data-cell path, text) per MAIN, then the attendance rate


def member_heads() -> list[str]:
    return [str(SHORT[path]) for path in MAIN] + [str(_("Attendance"))]


def members(snapshot: dict) -> list[MemberRow]:
    """A row per UPT of a region (per region of the nation), as their own reports print them."""
    rows = []
    for member in snapshot.get("members", []):
        cells = [(f"members.{member['scope']}.{path}", _text(member["cells"].get(path))) for path in MAIN]
        cells.append((f"members.{member['scope']}.{ATTENDANCE_RATE}", _rate(member["cells"])))
        rows.append(MemberRow(scope=member["scope"], name=member["name"], cells=cells))
    return rows
