"""A real Celery worker on Redis renders a report end to end through the broker, and a crash after the
claim is completed by the retry with exactly one PDF. Runs wherever REDIS_URL is set (CI sets it)."""

import datetime as dt

import pytest
from django.conf import settings

from reports.models import Report
from reports.tasks import claim, render_report, report_for

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the worker thread must see committed rows
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL); CI runs it with one"
    ),
]

MONTH = dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def worker():
    """One worker for the module's tests (starting and stopping one takes seconds): between tests it waits
    on the queue, and each test's rows are committed before it queues a task."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as running:
        yield running


def test_a_report_is_rendered_by_a_real_worker_through_redis(worker, institution):
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH)
    assert render_report.delay(report.pk).get(timeout=120)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.pdf.read(5) == b"%PDF-"


def test_a_crash_after_the_claim_is_completed_by_the_retry_with_one_pdf(worker, institution):
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH)
    assert claim(report.pk)  # a worker took it and died without finishing
    Report.objects.filter(pk=report.pk).update(started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    first, second = render_report.delay(report.pk), render_report.delay(report.pk)  # the redelivery, twice
    outcomes = {first.get(timeout=120), second.get(timeout=120)}
    assert "already claimed or done" in outcomes
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.attempts == 2
    assert Report.objects.count() == 1
