"""A worker's child process is replaced after CELERY_WORKER_MAX_TASKS_PER_CHILD tasks (WeasyPrint and
matplotlib keep memory a long-lived process never gives back), and a task whose child dies is put back
(task_reject_on_worker_lost with acks_late; tests/reports/test_worker_killed.py kills a child mid-render).

The configuration is read as the worker reads it: the `config` Celery app in a process of its own, with the
production environment and no CELERY_ variable set. The replacement is watched on a real prefork worker on
Redis with one child, started as docker-compose.yml starts it: its child ends itself after the configured
number of tasks (tiny ones: 50 take well under a second), not before. (Celery starts the next child at its
pool's next check, up to 5 s later; tests/reports/test_worker_killed.py waits for one.)

The number is not given to this worker through the environment: `celery` reads any CELERY_<COMMAND>_<OPTION>
variable as a command-line option (click's auto_envvar_prefix), so CELERY_WORKER_MAX_TASKS_PER_CHILD would
reach the worker as --max-tasks-per-child even with the setting gone, and the test would prove nothing about
the settings."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.reports.test_worker_killed import children_of
from tests.workers import ROOT, celery_pointed_at, stop, wait_for, worker_process

WORKER_SETTINGS = {
    "worker_max_tasks_per_child": 50,
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
    "worker_prefetch_multiplier": 1,
}
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-for-the-check-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "rehab.example.org",
    "REDIS_URL": "redis://redis:6379/0",  # docker-compose.yml's; the app is only read, nothing is sent
}
READ_CONFIGURATION = (
    "import json, sys; from config.celery import app; "
    "print(json.dumps({key: app.conf[key] for key in sys.argv[1:]}))"
)


def worker_configuration(**environment: str) -> dict:
    """WORKER_SETTINGS' keys as the worker's Celery app has them."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "REDIS_URL", "DATABASE_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", READ_CONFIGURATION, *WORKER_SETTINGS],
        cwd=ROOT,
        env={**inherited, **PRODUCTION, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_worker_is_configured_to_replace_its_children_and_put_back_a_lost_childs_task():
    assert worker_configuration() == WORKER_SETTINGS
    # 0: never replaced (Celery's None); any other number as given.
    assert worker_configuration(CELERY_WORKER_MAX_TASKS_PER_CHILD="0")["worker_max_tasks_per_child"] is None
    assert worker_configuration(CELERY_WORKER_MAX_TASKS_PER_CHILD="7")["worker_max_tasks_per_child"] == 7


def ended(pid: int) -> bool:
    """The process has exited: reaped, or a zombie its parent has not reaped yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.django_db  # the worker is given the test database (it reads nothing from it)
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL); CI runs it with one")
def test_a_real_workers_child_ends_after_its_number_of_tasks():
    if "CELERY_WORKER_MAX_TASKS_PER_CHILD" in os.environ:
        pytest.skip("CELERY_WORKER_MAX_TASKS_PER_CHILD is set: the worker would take it as an option too")
    tasks_per_child = settings.CELERY_WORKER_MAX_TASKS_PER_CHILD
    assert tasks_per_child and tasks_per_child <= 100, "the test runs this many tasks one after another"
    queue = f"test-children-{uuid.uuid4().hex}"
    with celery_pointed_at(settings.REDIS_URL, queue=queue) as app:

        def run_one(number: int) -> None:
            result = app.send_task("celery.accumulate", args=[number])  # Celery's own: no database
            try:
                assert result.get(timeout=30) == [number]
            finally:
                result.forget()

        worker = worker_process(
            settings.PRIVATE_MEDIA_ROOT,
            pool="prefork",  # docker-compose.yml's (Celery's default)
            concurrency=1,
            queue=queue,
        )
        try:
            (child,) = wait_for(lambda: children_of(worker.pid), seconds=30, what="the worker's child")
            for number in range(1, tasks_per_child):
                run_one(number)
            # Still there 2 s on: a child that ended after these would have done so well before (0.1 s,
            # measured), even on a loaded machine.
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                assert not ended(child) and children_of(worker.pid) == [child]
                time.sleep(0.1)
            run_one(tasks_per_child)  # its last
            wait_for(lambda: ended(child), seconds=10, what="the child to end after its last task")
        finally:
            worker.send_signal(signal.SIGQUIT)  # a cold shutdown: nothing is running
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                stop(worker)
