"""Report jobs on Celery. Thin: they claim the work with a conditional update, so running one twice (or a
retry after a crash) renders into the same record, never a duplicate."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import OperationalError
from django.db.models import F, Q
from django.utils import timezone

from core import jobs
from institutions.models import Institution, Region
from reports import release_outcomes
from reports.models import Report
from reports.publication import figure_set_for, final_cutoff, trend_months
from reports.render import generate
from reports.services import current_month

# A claim older than the hard time limit belongs to a worker that died: it may be taken over (once).
STALE_AFTER = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
# Claims of one report before it is given up as failed (reports.services.stuck_reports_sweep): a report whose
# render kills its worker (out of memory) must not take down worker after worker. Asking for it again
# (reports.services.report_request) starts the count afresh.
MAX_ATTEMPTS = 2


def claim(report_id: int) -> bool:
    """Take the report for rendering: one conditional update, so of two workers (a redelivery, a re-run
    queued by the sweeper) only one gets it. A failed report is not taken: only asking for it again
    queues it, so a late redelivery never runs a report the sweeper gave up on."""
    now = timezone.now()
    claimable = Q(status=Report.Status.QUEUED) | Q(
        status=Report.Status.RUNNING, started_at__lt=now - STALE_AFTER, attempts__lt=MAX_ATTEMPTS
    )
    return bool(
        Report.objects.filter(claimable, pk=report_id).update(
            status=Report.Status.RUNNING, started_at=now, attempts=F("attempts") + 1
        )
    )


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=5,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def render_report(self, report_id: int) -> str:
    if not claim(report_id):
        return "already claimed or done"
    report = Report.objects.select_related("institution__region", "region").get(pk=report_id)
    if report.month > current_month():  # queued by hand or by a bad clock: refuse
        Report.objects.filter(pk=report_id).update(
            status=Report.Status.FAILED, error="A month that has not begun has no report."
        )
        return "refused: future month"
    try:
        generate(report)
    except OperationalError as exc:  # the database went away for a moment: let another attempt take it
        Report.objects.filter(pk=report_id).update(status=Report.Status.QUEUED)
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc
    except Exception as exc:
        Report.objects.filter(pk=report_id).update(status=Report.Status.FAILED, error=repr(exc)[:2000])
        raise
    return report.pdf.name


def report_for(*, scope: str, month: dt.date, language: str = "id", institution=None, region=None) -> Report:
    """The month's current report for this place, made if needed (reports.services.report_request, not
    queued: the caller renders it)."""
    from reports.services import report_request

    return report_request(
        by=None,
        scope=scope,
        month=month,
        language=language,
        institution=institution,
        region=region,
        queue=False,
    )


@shared_task(
    acks_late=True,
    soft_time_limit=settings.REPORT_MONTH_TIME_LIMIT,
    time_limit=settings.REPORT_MONTH_TIME_LIMIT + 60,
)
def monthly_reports() -> int:
    """1st of the month, 02:00 WIB: last month's final report for every UPT, every region and the nation
    (replacing a provisional edition made during the month). The month's figure set is computed first, here
    (minutes for the whole country), after those of the months its reports compare it with (kept: normally
    only the month just over is new), so the renders find it ready instead of waiting for it. Asking twice
    finds the same records, and each render claims its own."""
    month = (timezone.localdate() - relativedelta(months=1)).replace(day=1)
    for each in [*trend_months(month), month]:  # the months its reports read beside their own first
        figure_set_for(each, cutoff=final_cutoff(each))
    reports = [report_for(scope=Report.Scope.NATIONAL, month=month)]
    reports += [
        report_for(scope=Report.Scope.REGION, region=region, month=month) for region in Region.objects.all()
    ]
    reports += [
        report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=month)
        for institution in Institution.objects.all()
    ]
    for report in reports:
        if report.status != Report.Status.DONE:
            jobs.enqueue(render_report, report.pk)
    return len(reports)


@shared_task(acks_late=True, soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT)
def refresh_release_outcomes() -> int:
    """Rebuild the recidivism dashboard's release-outcome table (reports.release_outcomes)."""
    return release_outcomes.refresh().releases


@shared_task(acks_late=True)
def sweep_stuck_reports() -> int:
    """Every few minutes: a report left "running" by a worker that died (killed, restarted, out of memory)
    past the hard time limit is queued once more, or marked failed after its second attempt."""
    from reports.services import stuck_reports_sweep

    return stuck_reports_sweep(now=timezone.now())
