"""Queueing background jobs so that a broker that is down never fails a page, and the job still runs.

Every job the application queues goes through `enqueue` (or `enqueue_on_commit`, the usual case: the job
names rows that must be committed before a worker looks for them). Publishing waits a couple of seconds at
most (CELERY_BROKER_CONNECTION_TIMEOUT, CELERY_TASK_PUBLISH_RETRY_POLICY); when the broker cannot be
reached, the job is written to the database instead (core.models.UnsentJob) and the scheduled
`send_unsent` publishes it once the broker answers again. The job's own record (a report, an import, an
email) stays "queued" meanwhile, which is what its page says; a view that wants to tell the user that the
job is waiting for the broker wraps its service call in `watch()` and calls `tell_if_waiting`.

Jobs are published without a result (ignore_result): nothing that queues from a page reads one, and asking
for one makes Celery subscribe to the result store first, which, with Redis down, takes twenty seconds to
fail.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from celery import current_app
from django.contrib import messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

from core.models import UnsentJob

logger = logging.getLogger(__name__)

WAITING_FOR_BROKER = _(
    "The background job service cannot be reached just now. Your request is saved and waits in the "
    "queue: it will be carried out by itself as soon as the service is back."
)


@dataclass
class Watched:
    """What became of the jobs queued while watching."""

    queued: int = 0
    waiting: int = 0  # kept in the database until the broker is back


_watched: contextvars.ContextVar[Watched | None] = contextvars.ContextVar("jobs_watched", default=None)


def enqueue(task, *args) -> bool:
    """Queue `task(*args)` now. False when the broker could not be reached: the job is kept to be sent by
    `send_unsent` (and logged), and the caller may say so."""
    watched = _watched.get()
    try:
        task.apply_async(args=args, ignore_result=True)  # in-process, when no broker is configured
    except BrokerError as exc:
        logger.warning("Broker unreachable; %s%r kept to be sent later: %s", task.name, args, exc)
        UnsentJob.objects.create(task=task.name, args=list(args), error=str(exc)[:2000])
        if watched is not None:
            watched.waiting += 1
        return False
    if watched is not None:
        watched.queued += 1
    return True


def enqueue_on_commit(task, *args, robust: bool = False) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one). `robust`: an error of
    the job itself (run in-process when no broker is configured) is logged, never raised to the caller."""
    transaction.on_commit(lambda: enqueue(task, *args), robust=robust)


@contextlib.contextmanager
def watch() -> Iterator[Watched]:
    """Count the jobs queued inside the block, published or kept for later (those queued on commit count
    when their transaction commits inside the block: a service's own, as in a view)."""
    watched = Watched()
    token = _watched.set(watched)
    try:
        yield watched
    finally:
        _watched.reset(token)


def tell_if_waiting(request, watched: Watched) -> None:
    """Tell the user that what they asked for waits for the broker (it still happens, later)."""
    if watched.waiting:
        messages.warning(request, WAITING_FOR_BROKER)


def send_unsent(limit: int = 500) -> int:
    """Publish the jobs kept while the broker was down, oldest first; stops at the first failure (the
    broker is still down: they wait for the next run). Returns how many were sent."""
    sent = 0
    with transaction.atomic():
        # Locked (skipping any another run holds), so two runs at once do not send a job twice.
        for job in UnsentJob.objects.select_for_update(skip_locked=True).order_by("pk")[:limit]:
            try:
                current_app.send_task(job.task, args=job.args, ignore_result=True)
            except BrokerError as exc:
                logger.warning("Broker still unreachable; the unsent jobs wait for the next run: %s", exc)
                break
            job.delete()
            sent += 1
    return sent
