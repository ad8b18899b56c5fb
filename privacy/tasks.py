"""Scheduled work of the UU 27/2022 duties. Thin: the rules live in privacy.services."""

from celery import shared_task
from django.db import OperationalError

from privacy import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5, acks_late=True)
def delete_expired_hand_overs() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): delete the files whose 24-hour link has expired. Safe to rerun."""
    return services.delete_expired_files()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5, acks_late=True)
def plan_retention() -> int:
    """Monthly (CELERY_BEAT_SCHEDULE): the dry run of the retention schedule, for the DPO to approve; the
    national data-protection officers are told when something is due."""
    from privacy import notify, retention

    run = retention.plan()
    if any(run.counts().values()):
        notify.retention_planned(run)
    return run.pk


@shared_task(acks_late=True)
def carry_out_retention(run_id: int, user_id: int | None) -> dict:
    """An approved retention plan, carried out by the worker (privacy.retention.carry_out)."""
    from accounts.models import User
    from privacy import retention
    from privacy.models import RetentionRun

    run = RetentionRun.objects.get(pk=run_id)
    if run.status != RetentionRun.Status.APPROVED:
        return run.result  # carried out already: safe to run twice
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    return retention.carry_out(run, actor=actor)
