"""Scheduled work of the UU 27/2022 duties. Thin: the rules live in privacy.services."""

from celery import shared_task
from django.db import OperationalError

from privacy import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5, acks_late=True)
def delete_expired_hand_overs() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): delete the files whose 24-hour link has expired. Safe to rerun."""
    return services.delete_expired_files()
