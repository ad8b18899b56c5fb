"""Scheduled work of the dashboard. Thin: the rules live in dashboard.digest."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from dashboard.digest import send_digests


# Retried when the database or the mail server cannot be reached (every 1, 2, 4… minutes, five times): sent
# digests are claimed, so a retry sends only the ones still due.
@shared_task(
    autoretry_for=(OperationalError, OSError),
    retry_backoff=60,
    max_retries=5,
    acks_late=True,
    time_limit=3600,
)
def send_daily_digests() -> int:
    """Daily (see CELERY_BEAT_SCHEDULE): each user's to-do email. Safe to rerun: each day's is claimed."""
    return send_digests(now=timezone.now())
