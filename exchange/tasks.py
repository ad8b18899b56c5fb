"""The import on Celery. Thin: it claims the run with a conditional update (so a second delivery does
nothing), applies it in one transaction, and reports progress through the cache for the status page."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from exchange import services
from exchange.models import ImportRun

PROGRESS_EVERY = 200  # rows between two progress updates


@shared_task(
    acks_late=True,
    soft_time_limit=settings.SDP_IMPORT_TIME_LIMIT,
    time_limit=settings.SDP_IMPORT_TIME_LIMIT + 60,
)
def apply_import(run_id: int) -> str:
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "already claimed or done"
    run = ImportRun.objects.select_related("institution", "confirmed_by").get(pk=run_id)
    key = services.PROGRESS_KEY.format(pk=run.pk)
    started = time.monotonic()

    def progress(done: int, todo: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == todo:
            cache.set(key, (done, todo, time.monotonic() - started), timeout=24 * 3600)

    try:
        cache.set(key, (0, sum(run.counts.get(k, 0) for k in ("new_people", "returns", "changed")), 0.0))
        services.import_apply(by=run.confirmed_by, run=run, progress=progress)
    except Exception as exc:  # everything was rolled back: say why on the status page
        messages = getattr(exc, "messages", None) or [repr(exc)]
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), error="; ".join(messages)[:2000]
        )
        return "failed"
    finally:
        cache.delete(key)
    return "done"


@shared_task
def delete_expired_files() -> int:
    """Daily: delete kept SDP files older than SDP_IMPORT_KEEP_DAYS (not those of an import still running)."""
    return services.files_expired_delete(now=timezone.now())


@shared_task
def sweep_stuck_imports() -> int:
    """Every few minutes: an import left "running" by a worker that died (killed, restarted, out of memory) is
    queued once more, or marked failed after its second attempt; its own transaction was rolled back."""
    return services.stuck_imports_sweep(now=timezone.now())
