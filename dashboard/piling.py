"""Where work is piling up in an officer's scope: the UPT with the most overdue follow-ups and sessions
whose attendance was never recorded. Counted over the whole scope (the nation: 170,000 follow-ups, 318,000
sessions), so kept for a few minutes per scope and day; the page says as of when."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from inmates.models import held_at_key
from institutions.models import Institution
from rehab.models import FollowUp
from rehab.worklists import attendance_gaps

SHOWN = 10
KEPT_SECONDS = 10 * 60


def late_work(user, today: dt.date) -> dict:
    """{"rows": per UPT with late work, most first, "overdue" and "gaps": the scope's totals, "as_of"}."""
    key = f"dashboard:piling:{held_at_key(user)}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        rows = _counted(user, today)
        found = {
            "rows": rows[:SHOWN],
            "overdue": sum(row["overdue"] for row in rows),
            "gaps": sum(row["gaps"] for row in rows),
            "as_of": timezone.now(),
        }
        cache.set(key, found, KEPT_SECONDS)
    return found


def work_piling_up(user, today: dt.date) -> dict:
    """The UPT with the most late work ({"rows": [{"institution", "overdue", "gaps"}…], "as_of"})."""
    found = late_work(user, today)
    institutions = Institution.objects.in_bulk([row["institution"] for row in found["rows"]])
    rows = [
        {**row, "institution": institutions[row["institution"]]}
        for row in found["rows"]
        if row["institution"] in institutions
    ]
    return {"rows": rows, "as_of": found["as_of"]}


def _counted(user, today: dt.date) -> list[dict]:
    overdue = dict(
        FollowUp.objects.visible_to(user)
        .overdue(today)
        .values_list("plan__admission__institution")
        .annotate(n=Count("pk"))
        .order_by()
    )
    gaps = dict(attendance_gaps(user).values_list("institution").annotate(n=Count("pk")).order_by())
    places = set(overdue) | set(gaps)
    rows = [{"institution": pk, "overdue": overdue.get(pk, 0), "gaps": gaps.get(pk, 0)} for pk in places]
    rows.sort(key=lambda row: (-(row["overdue"] + row["gaps"]), row["institution"]))
    return rows
