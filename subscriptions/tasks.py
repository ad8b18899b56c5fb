"""Sending a report-ready email on Celery. Thin: the rules and the record of each attempt live in
subscriptions.services."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from subscriptions import services

# Attempts per delivery before it is failed (the first and three retries, after about 1, 2 and 4 minutes).
MAX_ATTEMPTS = 4


# OSError covers smtplib.SMTPException and a mail server that cannot be reached.
@shared_task(
    bind=True,
    autoretry_for=(OSError, OperationalError),
    retry_backoff=60,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS - 1,
    acks_late=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def send_delivery(self, delivery_id: int) -> str:
    return services.delivery_send(
        delivery_id=delivery_id, last_attempt=self.request.retries >= self.max_retries
    )
