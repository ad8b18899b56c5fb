"""Writes in the reports app: asking for a month's report and reissuing one. The views, the `report`
command and the scheduled fan-out all come through here, so the rules hold everywhere: no report of a month
that has not begun; the running month is provisional (its data cut-off is the moment it is generated) and is
replaced by the final edition once the month is over; editions are numbered under a row lock, so two
reissues at once make one new edition and a clear message, never a 500."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from core import jobs
from reports.models import WORKER_STOPPED, WORKER_STOPPED_AGAIN, Report

EARLIEST_YEAR = 2000


def current_month(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()).replace(day=1)


def month_check(month: dt.date, *, today: dt.date | None = None) -> dt.date:
    """The first day of `month`, or ValidationError for a month that has not begun (or is implausibly old)."""
    month = month.replace(day=1)
    if month > current_month(today):
        raise ValidationError(
            _("%(month)s has not begun: a report covers a month that has begun.")
            % {"month": f"{month:%Y-%m}"}
        )
    if month.year < EARLIEST_YEAR:
        raise ValidationError(_("Choose a month from %(year)s on.") % {"year": EARLIEST_YEAR})
    return month


def _place_of(report: Report) -> dict:
    """What makes editions one report: the place, the month and the language."""
    return {
        "scope": report.scope,
        "institution": report.institution,
        "region": report.region,
        "month": report.month,
        "language": report.language,
    }


@transaction.atomic
def report_request(
    *,
    by,
    scope: str,
    month: dt.date,
    language: str = "id",
    institution=None,
    region=None,
    queue: bool = True,
    today: dt.date | None = None,
) -> Report:
    """The month's current report for this place, made if needed. A past month whose only edition was
    provisional gets its final edition; the running month gets a provisional one. `queue`: render it on the
    worker once this commits (the command renders it itself)."""
    month = month_check(month, today=today)
    running = month == current_month(today)
    place = {
        "scope": scope,
        "institution": institution,
        "region": region,
        "month": month,
        "language": language,
    }
    family = Report.objects.filter(**place)
    latest = family.select_for_update().order_by("-edition").first()
    if latest is not None and (running or not latest.provisional):
        report = latest
    else:
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    **place,
                    edition=latest.edition + 1 if latest else 1,
                    provisional=running,
                    reissue_reason=_("Final report of the month") if latest else "",
                    created_by=by,
                )
        except IntegrityError:  # made at the same moment by another request: theirs is ours
            report = family.order_by("-edition").first()
        else:
            audit_record(
                action=AuditEvent.Action.CREATE, actor=by, obj=report, details={"provisional": running}
            )
    if report.status == Report.Status.FAILED:  # asked for again: a fresh start, its attempts counted anew
        Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
            status=Report.Status.QUEUED, error="", attempts=0
        )
        report.refresh_from_db()
    if queue and report.status != Report.Status.DONE:
        _render_on_commit(report)
    return report


@transaction.atomic
def report_reissue(*, by, report: Report, reason: str) -> Report:
    """A new edition of a report with the reason; earlier editions stay in the archive as they were."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for reissuing the report."))
    month_check(report.month)
    place = _place_of(report)
    # The latest edition, locked: a second reissue waits here, then finds its number taken.
    latest = Report.objects.filter(**place).select_for_update().order_by("-edition").first()
    # Reissued meanwhile (or a page left open): a newer edition is the current one.
    if latest is None or latest.pk != report.pk:
        raise ValidationError(
            _("A newer edition of this report exists: reissue the latest edition, in the archive, if needed.")
        )
    try:
        with transaction.atomic():
            reissued = Report.objects.create(
                **place,
                edition=latest.edition + 1,
                provisional=report.month == current_month(),
                # "With current data": what has been recorded by now, fixed so the edition renders alike.
                data_cutoff=timezone.now(),
                reissue_reason=reason[:2000],
                created_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Someone reissued this report at the same moment: see its latest edition in the archive.")
        ) from exc
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=reissued, details={"reissue_of": report.pk})
    _render_on_commit(reissued)
    return reissued


def _render_on_commit(report: Report) -> None:
    from reports.tasks import render_report

    jobs.enqueue_on_commit(render_report, report.pk)


def stuck_reports_sweep(*, now: dt.datetime) -> int:
    """Reports left "running" past the render's hard time limit: their worker died (a render past its limit
    is killed by the worker, so nothing still renders them). Each is queued once more with the reason, or,
    after MAX_ATTEMPTS claims, marked failed with the reason; a late redelivery of its message then finds
    nothing to claim (reports.tasks.claim). Returns how many were swept."""
    from reports.tasks import MAX_ATTEMPTS, STALE_AFTER, render_report

    swept = 0
    stuck = Report.objects.filter(status=Report.Status.RUNNING, started_at__lt=now - STALE_AFTER)
    for report in stuck.select_related("institution", "region"):
        again = report.attempts < MAX_ATTEMPTS
        with transaction.atomic():
            # The same claim still stuck: not one a worker took over meanwhile.
            changed = Report.objects.filter(
                pk=report.pk, status=Report.Status.RUNNING, started_at=report.started_at
            ).update(
                status=Report.Status.QUEUED if again else Report.Status.FAILED,
                error=WORKER_STOPPED if again else WORKER_STOPPED_AGAIN,
                finished_at=None if again else now,
            )
            if not changed:
                continue
            swept += 1
            audit_record(
                action=AuditEvent.Action.CHANGE,
                obj=report,
                details={"stuck": "requeued" if again else "failed", "attempts": report.attempts},
            )
            if again:
                jobs.enqueue_on_commit(render_report, report.pk)
    return swept
