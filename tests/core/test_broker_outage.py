"""Redis stopped and started again: "generate now" while it is down says the report waits, /healthz says the
broker is in error, and once Redis is back (empty: a restarted broker may have lost its memory) the kept job
is sent by the scheduled sender and a real worker renders the report. The test runs a Redis of its own on a
free port, so stopping it disturbs no other test. PostgreSQL: the worker is another process."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from core import jobs
from core.models import UnsentJob
from reports.models import Report
from tests.workers import RedisServer, celery_pointed_at, stop, wait_for, worker_process

pytestmark = pytest.mark.django_db(transaction=True)  # the worker process must see committed rows

IN_NOVEMBER = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database the worker process can reach (PostgreSQL); CI runs it there")


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_generate_now_while_redis_is_stopped_runs_once_it_is_started_again(
    postgres, redis_server, settings, login, staff, institution, tmp_path
):
    settings.REDIS_URL = redis_server.url  # what /healthz checks
    queue = f"test-outage-{uuid.uuid4().hex}"
    with celery_pointed_at(redis_server.url, queue=queue):
        client = login(staff)
        assert client.get(reverse("healthz")).json()["broker"] == "ok"

        redis_server.stop()
        health = client.get(reverse("healthz"))
        assert health.status_code == 503 and health.json()["broker"] == "error"
        with time_machine.travel(IN_NOVEMBER):
            response = client.post(
                reverse("reports:report-create"),
                {"place": f"institution:{institution.pk}", "month": "2026-10", "language": "en"},
                follow=True,
            )
        assert response.status_code == 200
        assert "The background job service cannot be reached just now." in response.content.decode()
        report = Report.objects.get()
        assert report.status == Report.Status.QUEUED and UnsentJob.objects.count() == 1
        assert jobs.send_unsent() == 0  # still down

        redis_server.start()
        assert client.get(reverse("healthz")).status_code == 200
        log = tmp_path / "worker.log"
        worker = worker_process(settings.PRIVATE_MEDIA_ROOT, queue=queue, redis_url=redis_server.url, log=log)
        try:
            assert jobs.send_unsent() == 1  # what beat's every-minute core.tasks.send_unsent_jobs does
            wait_for(
                lambda: Report.objects.get(pk=report.pk).status in (Report.Status.DONE, Report.Status.FAILED),
                seconds=180,
                what="the worker to render the report",
            )
        finally:
            stop(worker)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, (report.error, log.read_text()[-3000:])
    assert report.pdf.read(5) == b"%PDF-" and not UnsentJob.objects.exists()
