"""A real Celery worker on Redis sends the email the report-ready hook queued, and a second run of the task
finds it sent. Runs wherever REDIS_URL is set (CI sets it), as tests/reports/test_worker.py."""

import pytest
from django.conf import settings
from django.core import mail

from subscriptions.models import Delivery
from subscriptions.tasks import send_delivery
from tests.subscriptions.conftest import announce, ready_report, subscribe, with_email

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the worker thread must see committed rows
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL); CI runs it with one"
    ),
]


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as running:
        yield running


def test_the_email_is_sent_by_a_real_worker_through_redis_once(worker, staff, institution, settings):
    settings.SITE_URL = "https://rehab.example"
    subscribe(with_email(staff), institution=institution)
    report = ready_report(institution=institution)
    announce(report)  # no transaction open: the deliveries are made and queued at once
    delivery = Delivery.objects.get()
    # The solo worker takes tasks in turn: by the time this second run answers, the hook's has finished.
    assert send_delivery.delay(delivery.pk).get(timeout=60) == "not queued: sent, failed or being sent"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    [message] = mail.outbox
    assert (
        message.to == [staff.email] and f"https://rehab.example/laporan/bulanan/{report.pk}/" in message.body
    )
