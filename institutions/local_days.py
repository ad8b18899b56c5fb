"""Days as the people of each UPT live them. A session at 00:30 WITA on 1 November belongs to November at a
WITA institution, although it is still 31 October in Jakarta and on the server. A figure that groups moments
(datetimes) by day or month asks for each institution's own local days: one UTC range per time zone, which
the database reads from its index on the moment."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db.models import Q

from institutions.models import Institution


def local_midnight(day: dt.date, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(zone))


def on_local_days(
    field: str, places: Iterable[Institution], first: dt.date, last: dt.date, *, via: str = "institution"
) -> Q:
    """Rows whose moment `field` falls between `first` and `last` (inclusive) in the local time of the
    institution they belong to (reached through `via`)."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for place in places:
        by_zone[place.time_zone].append(place.pk)
    condition = Q(pk__in=[])
    for zone, ids in by_zone.items():
        condition |= Q(
            **{
                f"{via}__in": ids,
                f"{field}__gte": local_midnight(first, zone),
                f"{field}__lt": local_midnight(last + dt.timedelta(days=1), zone),
            }
        )
    if not by_zone:
        return condition
    # The span of every zone's days together, said once more on its own: an index on `field` finds the
    # month's rows by it, where the zones' conditions, joined by OR, make the database read every row.
    earliest = min(local_midnight(first, zone) for zone in by_zone)
    latest = max(local_midnight(last + dt.timedelta(days=1), zone) for zone in by_zone)
    return Q(**{f"{field}__gte": earliest, f"{field}__lt": latest}) & condition
