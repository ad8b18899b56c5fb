"""Lockout after repeated failed logins, per username and per client address.

The failures are read from the audit trail (every failed login is already an append-only event with the
name typed and the client's address), so the count is shared by every web process and survives a restart
without a table or cache of its own. A successful login clears the count for that username; the count for
an address only ages out, because one address trying many names is the pattern to stop.

While a name or address is locked the password is not checked at all, so guessing goes no further, and the
attempt is recorded as a blocked login, which does not extend the lockout: an attacker cannot keep a real
user locked out for longer than the window by hammering the form.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEvent


@dataclass(frozen=True)
class Lockout:
    until: dt.datetime

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _lockout_from(failures, limit: int) -> Lockout | None:
    """Locked while `limit` failures lie inside the window; it ends when the oldest of them ages out.

    Only the latest `limit` failures are read, however many an attack left behind.
    """
    if limit <= 0:
        return None
    latest = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    if len(latest) < limit:
        return None
    until = latest[-1] + _window()
    return Lockout(until=until) if until > timezone.now() else None


def lockout_for(*, username: str, ip_address: str | None) -> Lockout | None:
    """The lockout in force for this name or this address, if either has failed too often lately."""
    since = timezone.now() - _window()
    recent_failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, at__gte=since)
    lockouts = []
    if username:
        last_success = AuditEvent.objects.filter(
            action=AuditEvent.Action.LOGIN, username__iexact=username, at__gte=since
        ).aggregate(last=Max("at"))["last"]
        by_name = recent_failures.filter(username__iexact=username)
        if last_success:
            by_name = by_name.filter(at__gt=last_success)
        lockouts.append(_lockout_from(by_name, settings.LOGIN_FAILURE_LIMIT))
    if ip_address:
        by_address = recent_failures.filter(ip_address=ip_address)
        lockouts.append(_lockout_from(by_address, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS))
    active = [lockout for lockout in lockouts if lockout is not None]
    return max(active, key=lambda lockout: lockout.until) if active else None
