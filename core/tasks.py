"""Scheduled housekeeping of the job queue itself (core.jobs)."""

from celery import shared_task

from core import jobs


@shared_task(acks_late=True)
def send_unsent_jobs() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): publish the jobs that could not be queued while the broker was
    down. It runs only once beat reaches the broker again, which is when they can be sent."""
    return jobs.send_unsent()
