"""Rehabilitation work waiting for someone, as querysets: the lists show them, the home page and the daily
digest count them (dashboard), from one definition each."""

from __future__ import annotations

from rehab.models import Session


def attendance_gaps(user):
    """Sessions over (held, or past their end and never marked) with someone's attendance not recorded.

    A counsellor sees those they facilitate; staff and officers every one in their scope. Such a session
    is flagged, never counted as full attendance (reports.figures)."""
    gaps = Session.objects.visible_to(user).with_attendance_gap()
    scope = user.scope
    if scope.is_counsellor and not (scope.is_upt_staff or scope.region_ids or scope.is_national):
        gaps = gaps.filter(facilitations__user=user)
    return gaps
