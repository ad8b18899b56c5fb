"""Which agency may do which work at which institution, now: the one rule every counsellor query uses.

An agency works at an institution while an agreement that has both as parties is in force there and its
scope covers the work. "In force" is judged on the institution's own calendar day, so an agreement whose
last day is 31 March stops giving access at midnight in that institution's zone (WIB, WITA or WIT), with
no job having to run. A renewal that starts the day after the old one ends keeps access unbroken.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from agreements.models import Agreement, in_force_q
from institutions.models import Institution, TimeZones

Scope = Agreement.Scope


class Work(enum.Enum):
    """Kinds of work a counsellor does with a WBP, and the agreement scopes that allow each."""

    ANY = "any"
    ASSESSMENT = "assessment"
    REHABILITATION = "rehabilitation"
    AFTERCARE = "aftercare"

    @property
    def scopes(self) -> frozenset[str]:
        return WORK_SCOPES[self]


WORK_SCOPES: dict[Work, frozenset[str]] = {
    Work.ASSESSMENT: frozenset({Scope.SCREENING_ASSESSMENT}),
    # Programmes and their sessions: every kind of rehabilitation work done with people inside.
    Work.REHABILITATION: frozenset(
        {
            Scope.MEDICAL_REHABILITATION,
            Scope.SOCIAL_REHABILITATION,
            Scope.COUNSELLING,
            Scope.EDUCATION,
            Scope.SKILLS_TRAINING,
        }
    ),
    Work.AFTERCARE: frozenset({Scope.AFTERCARE}),
    Work.ANY: frozenset(Scope.values),
}


def local_days() -> dict[dt.date, list[str]]:
    """Today's date in each of Indonesia's zones: {date: [zones]}, one key except around midnight."""
    now = timezone.now()
    days: dict[dt.date, list[str]] = defaultdict(list)
    for zone in TimeZones.values:
        days[now.astimezone(ZoneInfo(zone)).date()].append(zone)
    return dict(days)


def _institution_in_zones(zones: list[str]) -> Q:
    return Q(institution__time_zone_override__in=zones) | Q(
        institution__time_zone_override="", institution__region__time_zone__in=zones
    )


def institution_ids_open_to(agency_ids: Iterable[int], work: Work = Work.ANY) -> QuerySet:
    """Ids of institutions where one of these agencies may do `work` now: a subquery, not run here."""
    parties = Agreement.institutions.through.objects
    agency_ids = list(agency_ids)
    if not agency_ids:
        return parties.none().values("institution_id")
    days = local_days()
    in_force = Q()
    for day, zones in days.items():
        on_that_day = in_force_q(day, prefix="agreement__")
        in_force |= on_that_day if len(days) == 1 else _institution_in_zones(zones) & on_that_day
    return parties.filter(
        in_force,
        agreement__agencies__in=agency_ids,
        agreement__scope_items__scope__in=work.scopes,
    ).values("institution_id")


def institutions_reached(user, work: Work = Work.ANY) -> QuerySet:
    """Where the user's people are held, by name: their UPT, their region's, or those their agency's
    agreements open for `work` (the choices of a list's UPT filter)."""
    return Institution.objects.filter(
        Q(pk__in=Institution.objects.visible_to(user).values("pk"))
        | Q(pk__in=institution_ids_open_to(user.scope.agency_ids, work))
    ).order_by("name")
