"""Scheduled work on agreements. Thin: the rules live in agreements.reminders."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from agreements.reminders import send_expiry_reminders as send_due_reminders


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5, acks_late=True)
def send_expiry_reminders() -> int:
    """Daily (see CELERY_BEAT_SCHEDULE): remind of agreements ending in 90, 30 and 7 days. Safe to rerun."""
    return send_due_reminders(today=timezone.localdate())
