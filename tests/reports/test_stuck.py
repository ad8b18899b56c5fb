"""Reports left "running" by a worker that died: found by the sweeper once past the render's hard time
limit, queued again once with the reason on the report's page, then failed with the reason; a failed report
is never taken by a late redelivery, and asking for it again starts afresh."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from reports import services
from reports.models import WORKER_STOPPED, WORKER_STOPPED_AGAIN, Report
from reports.tasks import STALE_AFTER, claim, report_for

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 10, 1)
NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def claimed(institution):
    with time_machine.travel(NOW, tick=False):
        report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH)
        assert claim(report.pk)  # and its worker died
    return report


def sweep(at: dt.datetime, capture) -> tuple[int, list]:
    with capture() as queued:
        swept = services.stuck_reports_sweep(now=at)
    return swept, queued


def test_a_report_still_within_its_time_limit_is_left_to_its_worker(
    claimed, django_capture_on_commit_callbacks
):
    assert sweep(NOW + STALE_AFTER - dt.timedelta(seconds=1), django_capture_on_commit_callbacks) == (0, [])
    claimed.refresh_from_db()
    assert claimed.status == Report.Status.RUNNING


def test_a_stuck_report_is_queued_again_once_then_failed_with_the_reason(
    claimed, django_capture_on_commit_callbacks, login, staff
):
    later = NOW + STALE_AFTER + dt.timedelta(seconds=1)
    swept, queued = sweep(later, django_capture_on_commit_callbacks)
    assert swept == 1 and len(queued) == 1  # the render, queued once this commits
    claimed.refresh_from_db()
    assert claimed.status == Report.Status.QUEUED and claimed.error == WORKER_STOPPED
    page = login(staff).get(claimed.get_absolute_url()).content.decode()
    assert "The first attempt stopped before the report was finished" in page

    with time_machine.travel(later, tick=False):
        assert claim(claimed.pk)  # the second attempt; its worker dies too
    swept, queued = sweep(later + STALE_AFTER + dt.timedelta(seconds=1), django_capture_on_commit_callbacks)
    assert swept == 1 and queued == []  # not queued a third time
    claimed.refresh_from_db()
    assert claimed.status == Report.Status.FAILED and claimed.error == WORKER_STOPPED_AGAIN
    assert claimed.attempts == 2 and claimed.finished_at is not None
    page = login(staff).get(claimed.get_absolute_url()).content.decode()
    assert "Generating this report stopped twice" in page

    assert not claim(claimed.pk)  # a late redelivery of either message finds nothing to take
    assert sweep(timezone.now() + dt.timedelta(days=1), django_capture_on_commit_callbacks) == (0, [])


def test_a_report_whose_claim_was_taken_over_twice_is_not_taken_a_third_time(claimed):
    with time_machine.travel(NOW + STALE_AFTER + dt.timedelta(seconds=1), tick=False):
        assert claim(claimed.pk)  # a redelivery takes the stale claim over: the second attempt
    with time_machine.travel(NOW + 2 * STALE_AFTER + dt.timedelta(seconds=2), tick=False):
        assert not claim(claimed.pk)  # stale again, but its attempts are spent: the sweeper fails it


def test_asking_again_for_a_failed_report_starts_it_afresh(
    claimed, staff, django_capture_on_commit_callbacks
):
    Report.objects.filter(pk=claimed.pk).update(
        status=Report.Status.FAILED, error=WORKER_STOPPED_AGAIN, attempts=2
    )
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks() as queued:
        again = services.report_request(
            by=staff, scope=Report.Scope.INSTITUTION, institution=claimed.institution, month=MONTH
        )
    assert again.pk == claimed.pk and len(queued) == 1
    assert (again.status, again.error, again.attempts) == (Report.Status.QUEUED, "", 0)
    assert claim(again.pk)
