import datetime as dt

import pytest

from reports.models import Report
from reports.signals import report_ready
from subscriptions.models import Subscription

MONTH = dt.date(2026, 10, 1)


@pytest.fixture
def eager(monkeypatch):
    """Tasks run here, even where a broker is configured (the worker itself: test_worker.py). Errors are
    kept in the task's result, as on a worker: propagated, an eager task's retry would be raised instead of
    run (celery.app.task.Task.apply)."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://rehab.example/"


def with_email(user, language="id"):
    user.email, user.language = f"{user.username}@example.go.id", language
    user.save(update_fields=["email", "language"])
    return user


def subscribe(user, *, institution=None, region=None):
    scope = "institution" if institution else "region" if region else "national"
    return Subscription.objects.create(user=user, scope=scope, institution=institution, region=region)


def ready_report(*, institution=None, region=None, language="id", provisional=False, edition=1, **fields):
    scope = "institution" if institution else "region" if region else "national"
    return Report.objects.create(
        scope=scope,
        institution=institution,
        region=region,
        month=MONTH,
        language=language,
        edition=edition,
        provisional=provisional,
        status=Report.Status.DONE,
        **fields,
    )


def announce(report):
    """What reports.render.generate says once the report is marked ready."""
    report_ready.send(sender=Report, report=report)
