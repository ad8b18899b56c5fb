"""Expiry reminders: 90, 30 and 7 days before an agreement's last day, each sent once.

Run daily by Celery beat (``agreements.tasks.send_expiry_reminders``). Each reminder is claimed by inserting
an ``ExpiryReminder`` row under a unique constraint in the same transaction that sends the mail, so running
the job twice (or twice at once) sends nothing twice, and a failed send leaves the reminder due for the next
run. Agreements already renewed (with a signed renewal) or terminated on purpose get none. A job that
missed days catches up with the most urgent reminder only: nobody gets the 90-day and the
30-day mail on the same morning.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership, Role
from agreements.models import Agreement, ExpiryReminder

logger = logging.getLogger(__name__)

REMINDER_DAYS = (90, 30, 7)  # issue 3


def recipients_for(agreement: Agreement) -> list[tuple[str, str]]:
    """The regional officers of the parties' regions and the staff of the party institutions, with email:
    (address, the user's language), one per address."""
    institutions = list(agreement.institutions.all())
    memberships = Membership.objects.filter(
        Q(role=Role.UPT_STAFF, institution__in=institutions)
        | Q(role=Role.REGIONAL, region__in={institution.region_id for institution in institutions}),
        user__is_active=True,
    ).exclude(user__email="")
    return sorted(set(memberships.values_list("user__email", "user__language")))


def _due_threshold(days_left: int) -> int | None:
    """The most urgent threshold reached: 7 if 7 or fewer days are left, else 30, else 90."""
    reached = [days for days in REMINDER_DAYS if days_left <= days]
    return min(reached) if reached else None


def _message(agreement: Agreement, days_left: int, to: str, language: str, connection) -> EmailMessage:
    context = {
        "agreement": agreement,
        "days_left": days_left,
        "url": settings.SITE_URL.rstrip("/") + reverse("agreements:agreement-detail", args=[agreement.pk]),
    }
    with translation.override(language):  # each recipient's own language (accounts.User.language)
        subject = render_to_string("agreements/email/expiry_subject.txt", context).strip()
        body = render_to_string("agreements/email/expiry_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[to], connection=connection)


def send_expiry_reminders(*, today: dt.date) -> int:
    """Send the reminders due on `today`; return how many agreements were reminded about."""
    horizon = today + dt.timedelta(days=max(REMINDER_DAYS))
    # Not about agreements already renewed, nor those ended on purpose: the mail asks for a renewal.
    candidates = (
        Agreement.objects.in_force_on(today)
        .filter(valid_until__lte=horizon, terminated_on__isnull=True)
        .not_yet_renewed()
        .prefetch_related("institutions")
    )
    reminded = 0
    for agreement in candidates:
        ends_on = agreement.ends_on
        threshold = _due_threshold((ends_on - today).days)
        if threshold is None:
            continue
        try:
            with transaction.atomic():
                already = set(
                    ExpiryReminder.objects.filter(agreement=agreement, ends_on=ends_on).values_list(
                        "days_before", flat=True
                    )
                )
                if threshold in already:
                    continue
                recipients = recipients_for(agreement)
                # Claim this threshold and every earlier one it makes pointless; the unique constraint makes
                # a concurrent run fail here instead of mailing twice.
                ExpiryReminder.objects.bulk_create(
                    ExpiryReminder(
                        agreement=agreement,
                        ends_on=ends_on,
                        days_before=days,
                        recipients=len(recipients) if days == threshold else 0,
                    )
                    for days in REMINDER_DAYS
                    if days >= threshold and days not in already
                )
                with get_connection() as connection:
                    connection.send_messages(
                        [
                            _message(agreement, (ends_on - today).days, to, language, connection)
                            for to, language in recipients
                        ]
                    )
        except IntegrityError:
            logger.info("Reminder for agreement %s already claimed by another run.", agreement.pk)
            continue
        except (
            OSError
        ):  # the mail server refused or was unreachable: the claim was rolled back, retry tomorrow
            logger.exception("Could not send the expiry reminder for agreement %s.", agreement.pk)
            continue
        reminded += 1
        if not recipients:
            logger.warning(
                "Agreement %s ends on %s; nobody has an email address to remind.", agreement.pk, ends_on
            )
    return reminded
