"""Who may read which audit events: the rule behind `AuditEvent.objects.visible_to(user)`, used by the audit
trail page, the "who looked at this record" panel and the access bundle of a rights request.

- National officers and the national data-protection officer: every event.
- Regional officers and a region's data-protection officer: events about people held in the region at some
  time, and events by people who work there.
- The head of a UPT: events about people the UPT has held (who looked at their records).
- Everyone else: none.

Where people were held is custody data (inmates), above the audit trail in the layout: inmates provides the
look-up when the apps are ready (`provide_people_held`), so this module imports nothing from above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet

from accounts.models import Membership

# (regions=…, institutions=…) → a values() queryset of the ids of the people held there at some time.
PeopleHeld = Callable[..., QuerySet]
_people_held: PeopleHeld | None = None


def provide_people_held(function: PeopleHeld) -> None:
    global _people_held
    _people_held = function


def people_held(*, regions: Iterable[int] = (), institutions: Iterable[int] = ()) -> QuerySet:
    if _people_held is None:
        raise RuntimeError("inmates has not provided where people were held (is it in INSTALLED_APPS?)")
    return _people_held(regions=frozenset(regions), institutions=frozenset(institutions))


def people_in_scope(user) -> QuerySet | None:
    """The ids of the people whose events the user may read (a values() queryset), or None for all of them."""
    scope = user.scope
    if scope.is_national or scope.is_national_dpo:
        return None
    regions = scope.region_ids | scope.dpo_region_ids
    return people_held(regions=regions, institutions=scope.head_institution_ids)


def condition(user) -> Q | None:
    """The filter on events the user may read, None for all of them (national), Q(pk__in=[]) for none."""
    scope = user.scope
    if scope.is_national or scope.is_national_dpo:
        return None
    regions = scope.region_ids | scope.dpo_region_ids
    heads = scope.head_institution_ids
    if not (regions or heads):
        return Q(pk__in=[])
    readable = Q(person_id__in=people_in_scope(user))
    if regions:
        workers = Membership.objects.filter(Q(institution__region_id__in=regions) | Q(region_id__in=regions))
        readable |= Q(actor__in=workers.values("user"))
    return readable
