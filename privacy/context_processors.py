"""The break-glass banner: on every page while an emergency access of the session runs."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from inmates.models import Person


def emergency_access(request) -> dict:
    grants = getattr(request, "emergency_access", [])
    if not grants:
        return {"emergency_banner": []}

    def rows():
        names = dict(Person.objects.filter(pk__in=[p for _g, p, _u in grants]).values_list("pk", "full_name"))
        return [{"person_id": p, "name": names.get(p, ""), "until": until} for _g, p, until in grants]

    return {"emergency_banner": SimpleLazyObject(rows)}
