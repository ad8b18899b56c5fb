"""Redis down: pages keep answering, and what a user asks to be done in the background is kept and done once
the broker is back. The broker here is a closed port (nothing listens): publishing fails at once, as with
Redis stopped. Views queue on commit, so these tests commit (transaction=True)."""

import datetime as dt
import time

import pytest
import time_machine
from celery.schedules import crontab
from django.urls import reverse

from core import jobs
from core.models import UnsentJob
from core.tasks import send_unsent_jobs
from exchange import services as imports
from exchange.models import ImportRun
from exchange.sdp.places import Area
from exchange.tasks import apply_import, sweep_stuck_imports
from reports.models import Report
from reports.tasks import render_report, sweep_stuck_reports
from subscriptions.models import Delivery
from subscriptions.tasks import send_delivery
from tests.exchange.test_import import line, sdp_file
from tests.subscriptions.conftest import ready_report
from tests.workers import celery_pointed_at, free_port

# The views' tests commit; the sender's test and the schedule's need no commit (nor the schedule a database),
# and a transactional test costs emptying the whole database afterwards.
commits = pytest.mark.django_db(transaction=True)

IN_NOVEMBER = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
WAITING = "The background job service cannot be reached just now."


@pytest.fixture
def broker_down(settings):
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.REDIS_URL = url  # what /healthz checks
    with celery_pointed_at(url):
        yield url


def unsent() -> list[tuple[str, list]]:
    return list(UnsentJob.objects.values_list("task", "args"))


@commits
def test_generate_now_with_the_broker_down_says_the_report_waits_and_keeps_the_job(
    broker_down, login, staff, institution
):
    client = login(staff)
    started = time.monotonic()
    with time_machine.travel(IN_NOVEMBER):
        response = client.post(
            reverse("reports:report-create"),
            {"place": f"institution:{institution.pk}", "month": "2026-10", "language": "en"},
            follow=True,
        )
    assert time.monotonic() - started < 10  # the page does not hang on the broker
    report = Report.objects.get()
    assert response.status_code == 200 and response.redirect_chain == [(report.get_absolute_url(), 302)]
    text = response.content.decode()
    assert WAITING in text and "The report is being generated." in text
    assert report.status == Report.Status.QUEUED
    assert unsent() == [(render_report.name, [report.pk])]
    # The scheduled sender finds the broker still down: the job stays for its next run.
    assert jobs.send_unsent() == 0 and unsent() == [(render_report.name, [report.pk])]


@commits
def test_applying_an_import_with_the_broker_down_says_it_waits(broker_down, login, staff, institution):
    area = Area(institution=institution)
    upload = sdp_file(line("WBP Uji", "6308011705900009", "B.I 9/2026"))
    preview = imports.import_preview(upload=upload, area=area, today=dt.date(2026, 12, 5))
    run = imports.import_record(by=staff, area=area, upload=upload, file_name="sdp.csv", preview=preview)
    response = login(staff).post(reverse("exchange:import-apply", args=[run.pk]), follow=True)
    assert response.status_code == 200 and WAITING in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED
    assert unsent() == [(apply_import.name, [run.pk])]


@commits
def test_sending_an_email_again_with_the_broker_down_says_it_waits(
    broker_down, login, regional, staff, institution
):
    report = ready_report(institution=institution)
    delivery = Delivery.objects.create(report=report, user=staff, status=Delivery.Status.FAILED, attempts=4)
    response = login(regional).post(reverse("subscriptions:delivery-retry", args=[delivery.pk]), follow=True)
    text = response.content.decode()
    assert response.status_code == 200 and "The email is queued to be sent again." in text and WAITING in text
    assert unsent() == [(send_delivery.name, [delivery.pk])]


@commits
def test_pages_that_use_the_cache_answer_while_redis_is_down(broker_down, settings, login, regional):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ForgivingRedisCache",
            "LOCATION": broker_down,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    client = login(regional)
    assert client.get(reverse("home")).status_code == 200  # counts of late work, kept in the cache
    assert client.get(reverse("reports:recidivism")).status_code == 200
    health = client.get(reverse("healthz"))
    assert health.status_code == 503 and health.json()["broker"] == "error"


@pytest.mark.django_db
def test_a_kept_job_is_sent_once_the_broker_answers(settings, monkeypatch):
    """The sender publishes what was kept, oldest first, and forgets each once the broker took it."""
    sent = []
    from config.celery import app

    monkeypatch.setattr(app, "send_task", lambda name, args, **options: sent.append((name, args)))
    UnsentJob.objects.create(task=render_report.name, args=[7])
    UnsentJob.objects.create(task=apply_import.name, args=[3])
    assert jobs.send_unsent() == 2
    assert sent == [(render_report.name, [7]), (apply_import.name, [3])] and not UnsentJob.objects.exists()


def test_the_sender_and_the_sweepers_are_scheduled(settings):
    """The kept jobs' sender every minute, the stuck reports' and imports' sweepers every 5 minutes (README,
    "Jobs that cannot get stuck"); every task of the schedule is one a worker knows by that name."""
    from config.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule[send_unsent_jobs.name] == crontab()
    assert schedule[sweep_stuck_reports.name] == schedule[sweep_stuck_imports.name] == crontab(minute="*/5")
    app.loader.import_default_modules()  # what a worker does as it starts: every app's tasks module
    assert set(schedule) <= set(app.tasks)
