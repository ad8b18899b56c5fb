"""Who signs a scope's reports: each office sets its own block ("Mengetahui," position, name, NIP), and a
report keeps the block it was made with (reports.publication.snapshot)."""

from __future__ import annotations

from django.db.models import Q

from institutions.models import Institution, Region
from reports.models import Report, Signatory, place_fields, place_key


def signatory_places(user) -> list[tuple[str, str]]:
    """The scopes whose signature block the user's own office sets: the nation for national officers, their
    region for regional officers, their UPT for its staff. Never another office's."""
    scope = user.scope
    places = []
    if scope.is_national:
        places.append(("national", Report.Scope.NATIONAL.label))
    places += [
        (f"region:{pk}", name)
        for pk, name in Region.objects.filter(pk__in=scope.region_ids)
        .order_by("name")
        .values_list("pk", "name")
    ]
    places += [
        (f"institution:{pk}", name)
        for pk, name in Institution.objects.filter(pk__in=scope.staff_institution_ids)
        .order_by("name")
        .values_list("pk", "name")
    ]
    return [(key, str(name)) for key, name in places]


def signatories_of(keys: list[str]) -> dict[str, Signatory]:
    """The blocks set for these places, by place key, in one query."""
    condition = Q(pk__in=[])
    for key in keys:
        condition |= Q(**place_fields(key))
    return {place_key(signatory): signatory for signatory in Signatory.objects.filter(condition)}


def block_for(report: Report) -> dict[str, str] | None:
    """The signature block of the report's place as set now, or None."""
    signatory = signatories_of([place_key(report)]).get(place_key(report))
    return signatory.as_block() if signatory else None
