"""Occurrences of a weekly series, in the institution's own zone. Pure Python.

Indonesia keeps no daylight saving time, but the arithmetic goes through zoneinfo anyway: local wall-clock
times are turned into UTC per date, so a series reads "09:00 WITA" on every date, whatever the zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

MAX_OCCURRENCES = 200  # one series never books more than this; a longer one is a typing slip


def occurrences(
    *,
    weekdays: set[int],
    start_time: dt.time,
    end_time: dt.time,
    first_day: dt.date,
    time_zone: str,
    until: dt.date | None = None,
    count: int | None = None,
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """(start, end) in UTC for each chosen weekday (Monday = 0) from `first_day`, up to `until` or `count`."""
    if not weekdays or (until is None and count is None):
        return
    zone = ZoneInfo(time_zone)
    day, made = first_day, 0
    # One more than the cap, so the caller can tell the user the series is too long instead of cutting it.
    limit = min(count or MAX_OCCURRENCES + 1, MAX_OCCURRENCES + 1)
    while made < limit and (until is None or day <= until):
        if day.weekday() in weekdays:
            start = dt.datetime.combine(day, start_time, tzinfo=zone)
            end = dt.datetime.combine(day, end_time, tzinfo=zone)
            yield start.astimezone(dt.UTC), end.astimezone(dt.UTC)
            made += 1
        if day == dt.date.max:
            break
        day += dt.timedelta(days=1)
