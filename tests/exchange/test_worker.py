"""Imports against real concurrency. A worker killed in the middle of an import leaves nothing behind: a real
Celery worker process on Redis applies a file of several chunks into PostgreSQL, is killed with SIGKILL
mid-apply, and the database holds none of its rows. The sweeper leaves a run alone while its worker applies
it, finds it stuck once the worker is gone, and queues it again; a new worker then applies it whole, once.
Two imports of one UPT run one after the other. Runs where CI runs it: PostgreSQL (and Redis for the worker).

Mid-apply is made certain, not timed: the test holds a lock that lets the apply write every person and
admission of the file but not its bookkeeping after the last chunk (its first write to the import items), and
kills the worker once PostgreSQL shows it waiting there: all of the file written, nothing committed."""

import datetime as dt
import os
import signal
import uuid

import pytest
from django.conf import settings
from django.db import connection

from exchange import services
from exchange.models import ImportItem, ImportRun
from exchange.sdp.places import Area
from inmates.models import Admission, Person
from tests.exchange.test_import import line, sdp_file
from tests.workers import celery_pointed_at, wait_for, worker_process

pytestmark = pytest.mark.django_db(transaction=True)  # other processes and threads see committed rows
needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL); CI runs it with one"
)

ROWS = 2_500  # three chunks of the plan (exchange.sdp.plan.CHUNK), the last one short


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL's row locks and its ending of a dead client's transaction; CI runs it there"
        )


@pytest.fixture
def queue(settings):
    """A queue of the test's own on the Redis broker: no other test's messages, nor it theirs."""
    name = f"test-import-{uuid.uuid4().hex}"
    with celery_pointed_at(settings.REDIS_URL, queue=name):
        yield name


def backends_waiting_on_import_items() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND query LIKE %s",
            [f"%{ImportItem._meta.db_table}%"],
        )
        return [pid for (pid,) in cursor.fetchall()]


@needs_redis
def test_a_worker_killed_mid_apply_leaves_nothing_and_the_retry_applies_it_once(
    postgres, institution, staff, settings, queue
):
    rows = [line(f"WBP Uji {i}", f"6308011705{i:06d}", f"B.I {i}/2026") for i in range(ROWS)]
    upload = sdp_file(*rows)
    area = Area(institution=institution)
    preview = services.import_preview(upload=upload, area=area, today=dt.date(2026, 12, 5))
    run = services.import_record(by=staff, area=area, upload=upload, file_name="besar.csv", preview=preview)
    # A second session lets the apply read the import items but not write them (SHARE blocks only writers):
    # its first write there comes after the file's last chunk (nothing in this file is left for the staff).
    blocker = connection.copy()
    try:
        blocker.set_autocommit(False)
        with blocker.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {ImportItem._meta.db_table} IN SHARE MODE")
        services.import_confirm(by=staff, run=run)  # queued on commit (this test commits)
        worker = worker_process(settings.PRIVATE_MEDIA_ROOT, queue=queue)
        try:
            wait_for(
                lambda: backends_waiting_on_import_items() or ImportRun.objects.get(pk=run.pk).error,
                seconds=180,
                what="the apply to finish its chunks",
            )
            assert backends_waiting_on_import_items(), ImportRun.objects.get(pk=run.pk).error  # not failed
            done, todo, _seconds = services.progress_of(run)
            assert done == todo == ROWS  # every person of the file written, in a transaction not committed
            # Mid-apply its worker holds the UPT: the sweeper leaves the run alone, however late it looks.
            # (The real clock here: the worker is another process, whose time a test cannot freeze; the
            # sweep's "now" is only ever compared with the run's own timestamps, which that clock wrote.)
            assert services.stuck_imports_sweep(now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == 0
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
        blocker.rollback()  # the dead worker's session ends once its write is let through
    finally:
        blocker.close()

    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING and run.attempts == 1
    assert not Person.objects.exists() and not Admission.objects.exists()  # rolled back with the connection

    # The sweeper finds it stuck (nobody holds its UPT) and queues it again; a new worker applies it whole.
    swept = wait_for(
        lambda: services.stuck_imports_sweep(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)),
        seconds=30,
        what="PostgreSQL to end the dead worker's transaction",
    )
    assert swept == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED
    worker = worker_process(settings.PRIVATE_MEDIA_ROOT, queue=queue)
    try:
        wait_for(
            lambda: ImportRun.objects.get(pk=run.pk).status in ("done", "failed"),
            seconds=300,
            what="the retry",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE, run.error
    assert run.attempts == 2 and run.counts["new_people"] == ROWS
    assert Person.objects.count() == ROWS and Admission.objects.count() == ROWS


def test_two_imports_of_one_upt_run_one_after_the_other(postgres, institution, staff):
    """The second waits for the first to commit (the UPT's row is locked), then finds nothing left to do."""
    import threading

    rows = [line(f"WBP Uji {i}", f"6308011705{i:06d}", f"B.I {i}/2026") for i in range(3)]
    area = Area(institution=institution)
    runs = []
    for _ in range(2):
        upload = sdp_file(*rows)
        preview = services.import_preview(upload=upload, area=area, today=dt.date(2026, 12, 5))
        runs.append(
            services.import_record(by=staff, area=area, upload=upload, file_name="x", preview=preview)
        )
    first_wrote, let_first_commit = threading.Event(), threading.Event()

    def pause(done, todo):
        first_wrote.set()
        let_first_commit.wait(30)

    def apply(run, progress=None):
        try:
            services.import_apply(by=staff, run=run, progress=progress, today=dt.date(2026, 12, 5))
        finally:
            connection.close()

    first = threading.Thread(target=apply, args=(runs[0], pause))
    first.start()
    assert first_wrote.wait(30)
    second = threading.Thread(target=apply, args=(runs[1],))
    second.start()
    second.join(timeout=1)
    assert second.is_alive()  # waiting for the first to commit
    let_first_commit.set()
    first.join(30)
    second.join(30)
    for run in runs:
        run.refresh_from_db()
    assert runs[0].counts["new_people"] == 3
    assert runs[1].counts["new_people"] == 0 and runs[1].counts["unchanged"] == 3
    assert Person.objects.count() == 3 and Admission.objects.count() == 3
