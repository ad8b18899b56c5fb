"""Imports left "running" by a worker that died: found by the sweeper once no one applies them (on PostgreSQL,
nobody holds their UPTs) or once past the apply's hard time limit (anywhere), queued again once with the
reason on the import's page, then failed for good with the reason after the second attempt; a late
redelivery of either message takes nothing, and an import applied again after failing has its retry again.

The worker's death is the real task's: apply_import claims the run (status, start, attempts), then the apply
raises what no `except Exception` catches, as a process killed there never reaches its own error handling.
(tests/exchange/test_worker.py kills a real worker on Redis mid-apply; these are the sweeper's rules.)"""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from core import jobs
from exchange import services
from exchange.models import ImportRun
from exchange.sdp.places import Area
from exchange.tasks import apply_import
from inmates.models import Person
from tests.exchange.test_import import line, sdp_file

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC)
# Past this, a run still "running" is stuck on any database (exchange.services.stuck_imports_sweep).
PAST_THE_HARD_LIMIT = dt.timedelta(seconds=settings.SDP_IMPORT_TIME_LIMIT + 120 + 1)
STOPPED_EN = "The worker stopped before the import finished; nothing was changed."


class WorkerDied(BaseException):
    """A worker process killed mid-apply: nothing of the task after this point runs."""


@pytest.fixture
def confirmed(institution, staff, django_capture_on_commit_callbacks):
    area = Area(institution=institution)
    upload = sdp_file(line("WBP Uji", "6308011705900009", "B.I 9/2026"))
    with time_machine.travel(NOW, tick=False):
        preview = services.import_preview(upload=upload, area=area, today=NOW.date())
        run = services.import_record(by=staff, area=area, upload=upload, file_name="sdp.csv", preview=preview)
        with django_capture_on_commit_callbacks():  # its apply is queued on commit: not sent here
            services.import_confirm(by=staff, run=run)
    return run


def attempt_dies(run: ImportRun, at: dt.datetime, monkeypatch) -> None:
    """A worker takes the run, as the delivered task does, and dies in the middle of applying it."""

    def dies(**kwargs):
        raise WorkerDied

    with monkeypatch.context() as patch, time_machine.travel(at, tick=False), pytest.raises(WorkerDied):
        patch.setattr(services, "import_apply", dies)
        apply_import(run.pk)


def sweep(at: dt.datetime, capture, monkeypatch) -> tuple[int, list]:
    """The sweeper's count, and the jobs it queued on commit: (task name, args) each."""
    sent = []
    with capture() as queued:
        swept = services.stuck_imports_sweep(now=at)
    with monkeypatch.context() as patch:
        patch.setattr(jobs, "enqueue", lambda task, *args: sent.append((task.name, list(args))))
        for callback in queued:
            callback()
    return swept, sent


def state(run: ImportRun) -> tuple[str, int, str]:
    run.refresh_from_db()
    return run.status, run.attempts, run.error


def test_a_run_just_claimed_is_left_to_its_worker(confirmed, monkeypatch, django_capture_on_commit_callbacks):
    attempt_dies(confirmed, NOW, monkeypatch)
    assert sweep(NOW + services.STUCK_AFTER, django_capture_on_commit_callbacks, monkeypatch) == (0, [])
    assert state(confirmed) == (ImportRun.Status.RUNNING, 1, "")


def test_a_stuck_import_is_queued_again_once_then_failed_for_good_with_the_reason(
    confirmed, monkeypatch, django_capture_on_commit_callbacks, login, staff
):
    page = confirmed.get_absolute_url()
    attempt_dies(confirmed, NOW, monkeypatch)
    assert state(confirmed) == (ImportRun.Status.RUNNING, 1, "")

    later = NOW + PAST_THE_HARD_LIMIT
    swept, sent = sweep(later, django_capture_on_commit_callbacks, monkeypatch)
    assert swept == 1 and sent == [(apply_import.name, [confirmed.pk])]  # queued once more
    assert state(confirmed) == (ImportRun.Status.QUEUED, 1, services.WORKER_STOPPED)
    assert STOPPED_EN in login(staff).get(page).content.decode()

    attempt_dies(confirmed, later, monkeypatch)  # the second attempt's worker dies too
    swept, sent = sweep(later + PAST_THE_HARD_LIMIT, django_capture_on_commit_callbacks, monkeypatch)
    assert swept == 1 and sent == []  # not queued a third time
    assert state(confirmed) == (ImportRun.Status.FAILED, 2, services.WORKER_STOPPED)
    assert confirmed.finished_at == later + PAST_THE_HARD_LIMIT
    text = login(staff).get(page).content.decode()
    assert "The import failed and nothing was changed:" in text and STOPPED_EN in text

    # A late redelivery of either message finds nothing to take; nor does the next sweep.
    assert apply_import(confirmed.pk) == "already claimed or done"
    assert state(confirmed) == (ImportRun.Status.FAILED, 2, services.WORKER_STOPPED)
    assert not Person.objects.exists()
    next_day = later + PAST_THE_HARD_LIMIT + dt.timedelta(days=1)
    assert sweep(next_day, django_capture_on_commit_callbacks, monkeypatch) == (0, [])


def test_an_import_applied_again_after_failing_for_good_has_its_retry_again(
    confirmed, monkeypatch, django_capture_on_commit_callbacks, login, staff
):
    attempt_dies(confirmed, NOW, monkeypatch)
    sweep(NOW + PAST_THE_HARD_LIMIT, django_capture_on_commit_callbacks, monkeypatch)
    attempt_dies(confirmed, NOW + PAST_THE_HARD_LIMIT, monkeypatch)
    sweep(NOW + 2 * PAST_THE_HARD_LIMIT, django_capture_on_commit_callbacks, monkeypatch)
    assert state(confirmed) == (ImportRun.Status.FAILED, 2, services.WORKER_STOPPED)

    # The user applies it again from its page ("You may ... apply it again"): a fresh start.
    response = login(staff).post(reverse("exchange:import-apply", args=[confirmed.pk]))
    assert response.status_code == 302
    assert state(confirmed) == (ImportRun.Status.QUEUED, 0, "")

    again = NOW + dt.timedelta(days=1)
    attempt_dies(confirmed, again, monkeypatch)  # its first attempt's worker dies
    swept, sent = sweep(again + PAST_THE_HARD_LIMIT, django_capture_on_commit_callbacks, monkeypatch)
    assert swept == 1 and sent == [(apply_import.name, [confirmed.pk])]  # queued once more, not failed
    assert state(confirmed) == (ImportRun.Status.QUEUED, 1, services.WORKER_STOPPED)
