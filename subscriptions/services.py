"""Writes of the subscriptions app: subscribing and unsubscribing, the deliveries owed when a report is
ready, sending one (each attempt recorded on its row) and queueing a failed one again."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from core import jobs
from reports.models import Report
from subscriptions.models import Delivery, Subscription
from subscriptions.rules import place_fields

logger = logging.getLogger(__name__)


@transaction.atomic
def subscription_create(*, user: User, place: str) -> Subscription:
    """The user's subscription to a place report_places offers them, made if needed (a second click, or
    two at once, find the first)."""
    fields = place_fields(place)
    existing = Subscription.objects.of_user(user).filter(**fields).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(user=user, **fields)
    except IntegrityError:
        return Subscription.objects.of_user(user).get(**fields)
    audit_record(action=AuditEvent.Action.CREATE, actor=user, obj=subscription)
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription, by: User) -> None:
    audit_record(action=AuditEvent.Action.DELETE, actor=by, obj=subscription)
    subscription.delete()


def recipients(report: Report) -> list[User]:
    """The subscribers of the report's place owed this report: active people with an email address who may
    still see it, and who get it in their own language when the month's report exists in it (that one is
    theirs), else in this one. Never for a provisional report: the final edition follows the month's end."""
    if report.provisional or report.status != Report.Status.DONE:
        return []
    subscribers = (
        User.objects.filter(
            pk__in=Subscription.objects.of_report(report).values("user"), is_active=True, is_service=False
        )
        .exclude(email="")
        .order_by("pk")
    )
    # The month's final reports of this place, in each language (NULL places compare as IS NULL here).
    languages = set(
        Report.objects.filter(
            scope=report.scope,
            # None is a lookup here (IS NULL); the stubs take only a value.
            institution_id=report.institution_id,  # type: ignore[misc]
            region_id=report.region_id,
            month=report.month,
            provisional=False,
        )
        .exclude(status=Report.Status.FAILED)
        .values_list("language", flat=True)
    )
    return [
        user
        for user in subscribers
        if (user.language == report.language or user.language not in languages)
        and Report.objects.visible_to(user).filter(pk=report.pk).exists()
    ]


@transaction.atomic
def deliveries_create(*, report_id: int) -> list[Delivery]:
    """One delivery per subscriber owed the report (see recipients), each sent by the worker once this
    commits. Safe to run twice: a subscriber with a delivery of this report gets no second one."""
    report = Report.objects.select_related("institution", "region").get(pk=report_id)
    already = set(Delivery.objects.filter(report=report).values_list("user_id", flat=True))
    created = []
    for user in recipients(report):
        if user.pk in already:
            continue
        try:
            with transaction.atomic():
                created.append(Delivery.objects.create(report=report, user=user))
        except IntegrityError:  # made at the same moment by a second run: that run sends it
            continue
    for delivery in created:
        _send_on_commit(delivery.pk)
    return created


def _send_on_commit(delivery_id: int) -> None:
    from subscriptions.tasks import send_delivery

    # A broker that cannot be reached leaves the delivery queued (the page counts it), sent once it is back
    # (core.jobs); robust: an error of the job run in-process (no broker configured) never undoes the
    # commit it follows.
    jobs.enqueue_on_commit(send_delivery, delivery_id, robust=True)


def delivery_message(delivery: Delivery, connection=None) -> EmailMessage:
    """The email, in the recipient's language as it stands now: the place, the month and a link to the
    report's page (which asks them to sign in). Never figures or anyone's data."""
    user, report = delivery.user, delivery.report
    with translation.override(user.language):
        context = {
            "user": user,
            "report": report,
            "scope_name": report.scope_name,
            "site": settings.SITE_URL.rstrip("/"),
        }
        subject = render_to_string("subscriptions/email/ready_subject.txt", context)
        body = render_to_string("subscriptions/email/ready_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email], connection=connection)


def _refusal(delivery: Delivery) -> str:
    """Why the email may no longer go, or "": checked again when it is sent, as access may have ended."""
    user = delivery.user
    if not user.is_active or not user.email:
        return "The recipient's account is inactive or has no email address."
    if not Report.objects.visible_to(user).filter(pk=delivery.report_id).exists():
        return "The recipient may no longer see this report."
    return ""


def delivery_send(*, delivery_id: int, last_attempt: bool) -> str:
    """One attempt at a queued delivery, recorded on its row (attempts, last error, status). A refusal of the
    mail server (an OSError: smtplib.SMTPException, a refused connection) is raised after the row is saved,
    for the task to retry; on the last attempt the delivery is failed. The row is locked while the email
    goes, so two workers never send it twice; one that finds it locked or no longer queued does nothing."""
    error = None
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("report__institution", "report__region", "user")
            .filter(pk=delivery_id, status=Delivery.Status.QUEUED)
            .first()
        )
        if delivery is None:
            return "not queued: sent, failed or being sent"
        delivery.attempts += 1
        if refusal := _refusal(delivery):
            delivery.status, delivery.last_error = Delivery.Status.FAILED, refusal
        else:
            try:
                delivery_message(delivery).send()
            except OSError as exc:
                error = exc
                delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                delivery.status = Delivery.Status.FAILED if last_attempt else Delivery.Status.QUEUED
            else:
                delivery.status, delivery.sent_at, delivery.last_error = (
                    Delivery.Status.SENT,
                    timezone.now(),
                    "",
                )
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if error is not None:
        raise error
    return delivery.status


@transaction.atomic
def delivery_retry(*, delivery: Delivery, by: User) -> bool:
    """Queue a failed delivery again (a fresh round of attempts); False if it was no longer failed."""
    queued = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.QUEUED
    )
    if not queued:
        return False
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=delivery, details={"retry": True})
    _send_on_commit(delivery.pk)
    return True
