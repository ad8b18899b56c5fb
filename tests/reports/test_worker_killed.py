"""A worker killed mid-render: a real prefork worker (one child) on Redis renders a report into this test's
PostgreSQL database and its child is killed with SIGKILL in the middle (as the kernel's out-of-memory
killer would); the sweeper finds the report left running, queues it again once, and the worker's fresh child
renders it: one finished report, nothing left "running".

Mid-render is made certain, not timed: the test locks the table of signature blocks, which a render reads
after its claim and its figures and before its PDF, and waits until PostgreSQL shows the worker waiting on
that lock. Runs where CI runs it: PostgreSQL and Redis."""

import datetime as dt
import os
import signal
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core import jobs
from reports.models import WORKER_STOPPED, Report
from reports.services import stuck_reports_sweep
from reports.tasks import STALE_AFTER, render_report, report_for
from tests.workers import celery_pointed_at, stop, wait_for, worker_process

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the worker process must see committed rows
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL); CI runs it with one"
    ),
]

# A month over for good: the worker is another process, whose clock no test can freeze, so the report is
# final (not provisional) on any day this runs. The sweeper is given its "now" explicitly.
MONTH = dt.date(2026, 10, 1)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database another process can reach, and PostgreSQL's locks; CI runs it there")


@pytest.fixture
def queue():
    """A queue of the test's own on the shared Redis: no other test's messages, nor it theirs."""
    name = f"test-render-{uuid.uuid4().hex}"
    with celery_pointed_at(settings.REDIS_URL, queue=name):
        yield name


def children_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def backends_waiting_on_signatories() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND query LIKE %s",
            ["%reports_signatory%"],
        )
        return [pid for (pid,) in cursor.fetchall()]


def test_a_worker_killed_mid_render_ends_with_one_finished_report(postgres, queue, institution, tmp_path):
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH)
    log = tmp_path / "worker.log"
    worker = worker_process(settings.PRIVATE_MEDIA_ROOT, pool="prefork", concurrency=1, queue=queue, log=log)
    blocker = connection.copy()  # a second session, holding the lock the render will wait for
    try:
        blocker.set_autocommit(False)
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE reports_signatory IN ACCESS EXCLUSIVE MODE")
        assert jobs.enqueue(render_report, report.pk)
        wait_for(backends_waiting_on_signatories, seconds=180, what="the render to reach the signature block")
        report.refresh_from_db()
        assert report.status == Report.Status.RUNNING and report.attempts == 1 and not report.pdf

        (child,) = children_of(worker.pid)
        os.kill(child, signal.SIGKILL)
        # The worker puts the task back (task_reject_on_worker_lost) and starts a fresh child, which finds
        # the claim still live and leaves it: a claim is only taken over once it is past the time limit.
        wait_for(lambda: children_of(worker.pid) not in ([], [child]), seconds=60, what="a fresh child")
        blocker.rollback()  # the dead child's session ends once its read is let through

        report.refresh_from_db()
        assert report.status == Report.Status.RUNNING and not report.pdf  # left behind by the dead child

        # The sweeper, once the hard time limit has passed (the worker's clock: the run's own timestamps).
        assert stuck_reports_sweep(now=timezone.now()) == 0  # not yet: it may still be rendering
        assert stuck_reports_sweep(now=timezone.now() + STALE_AFTER + dt.timedelta(minutes=1)) == 1
        # Queued again with the reason, unless the fresh child, idle on the queue, has already claimed it for
        # its second attempt (seen on a loaded machine: the sweep's job is sent as its transaction commits).
        report.refresh_from_db()
        assert (report.status, report.error) == (Report.Status.QUEUED, WORKER_STOPPED) or (
            report.attempts == 2 and report.status != Report.Status.FAILED
        ), (report.status, report.attempts, report.error)

        wait_for(
            lambda: Report.objects.get(pk=report.pk).status in (Report.Status.DONE, Report.Status.FAILED),
            seconds=180,
            what="the render queued again",
        )
    finally:
        blocker.close()
        stop(worker)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, (report.error, log.read_text()[-3000:])
    assert report.attempts == 2 and report.error == "" and report.pdf.read(5) == b"%PDF-"
    assert Report.objects.count() == 1
    assert not Report.objects.filter(status=Report.Status.RUNNING).exists()
