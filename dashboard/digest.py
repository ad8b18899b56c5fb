"""The daily to-do email: each user with the digest on and an email address gets, in their own language,
the same counts their home page shows (dashboard.todo), with a link to each list, only on days when
something is waiting. Each day's mail is claimed in the database before it is sent (DigestSent), so a job
run twice mails nobody twice, and a mail server that refuses leaves it due for the next run."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Membership, User
from dashboard.models import DigestSent
from dashboard.todo import todo_groups

logger = logging.getLogger(__name__)


def recipients():
    """Active users with an email, the digest on, and a confirmed role (without one there is no work)."""
    with_role = Membership.objects.filter(awaiting_confirmation=False).values("user")
    return (
        User.objects.filter(is_active=True, is_service=False, daily_digest=True, pk__in=with_role)
        .exclude(email="")
        .order_by("pk")
    )


def local_today(user: User, now: dt.datetime) -> dt.date:
    """The day in the zone the user works in (their first place's), else the site's."""
    return timezone.localtime(now, zoneinfo.ZoneInfo(user.scope.time_zone or settings.TIME_ZONE)).date()


def digest_message(user: User, today: dt.date, connection=None) -> EmailMessage | None:
    """The user's digest for `today`, or None when nothing is waiting."""
    with translation.override(user.language):
        groups = [(group, [item for item in group.items if item.count]) for group in todo_groups(user, today)]
        groups = [(group, items) for group, items in groups if items]
        if not groups:
            return None
        context = {
            "user": user,
            "today": today,
            "groups": groups,
            "site": settings.SITE_URL.rstrip("/"),
        }
        subject = render_to_string("dashboard/email/digest_subject.txt", context).strip()
        body = render_to_string("dashboard/email/digest_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[user.email], connection=connection)
    message.items_waiting = sum(len(items) for _group, items in groups)
    return message


def send_digests(*, now: dt.datetime) -> int:
    """Send today's digests not sent yet; return how many went out. One user's failure is logged and the
    others still get theirs; a mail server that cannot be reached at all fails the job, which is retried."""
    sent = 0
    with get_connection() as connection:
        for user in recipients().iterator(chunk_size=200):
            try:
                sent += _send_one(user, now, connection)
            except Exception:
                logger.exception("Could not send the daily digest to user %s.", user.pk)
    return sent


def _send_one(user: User, now: dt.datetime, connection) -> int:
    today = local_today(user, now)
    if DigestSent.objects.filter(user=user, day=today).exists():
        return 0
    message = digest_message(user, today, connection)
    if message is None:
        return 0
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, day=today, items=message.items_waiting)
            message.send()
    except IntegrityError:
        return 0  # another run claimed it first
    except OSError:  # the mail server refused or was unreachable: unclaimed, due next run
        logger.exception("Could not send the daily digest to user %s.", user.pk)
        return 0
    return 1
