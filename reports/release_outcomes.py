"""The release-outcome table behind the recidivism dashboard (reports.models.ReleaseOutcome).

Looking up each release's next admission and death on every request took seconds for the whole country;
the dashboard now counts over this table, rebuilt whole by a scheduled job (every RELEASE_OUTCOMES_EVERY
minutes) from the same query the live figures use (reports.cohorts.releases), and says how old it is. The
monthly reports do not read it: they count what had been recorded by their cut-off, which a table of today's
knowledge cannot tell.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Subquery
from django.utils import timezone

from inmates.models import Admission
from reports.models import ReleaseOutcome, ReleaseOutcomeRefresh

COLUMNS = (
    "admission_id",
    "institution_id",
    "released_on",
    "readmitted_on",
    "deceased_on",
    "participation",
    "programme_kind",
    "first_follow_up_on",
    "first_relapse_on",
)


def _outcomes_now():
    """Every release with its outcomes as known now, in COLUMNS order (one row per release)."""
    # cohorts counts over this table, so it is imported late
    from reports.cohorts import RELAPSED, follow_ups_done, releases

    done = follow_ups_done().order_by("done_on")
    relapsed = done.filter(RELAPSED)
    return (
        releases(Admission.objects.all(), cutoff=dt.date.max)
        .annotate(
            first_follow_up_on=Subquery(done.values("done_on")[:1]),
            first_relapse_on=Subquery(relapsed.values("done_on")[:1]),
        )
        .values_list(
            "pk",
            "institution_id",
            "released_on",
            "returned_on",
            "died_on",
            "participation",
            "programme_kind",
            "first_follow_up_on",
            "first_relapse_on",
        )
        .order_by()
    )


def refresh(using: str = DEFAULT_DB_ALIAS) -> ReleaseOutcomeRefresh:
    """Rebuild the table in one transaction: readers see the old table until the new one is complete. Two
    refreshes at once take turns on the refresh row."""
    started = time.perf_counter()
    refreshes = ReleaseOutcomeRefresh.objects.using(using)
    connection = connections[using]
    with transaction.atomic(using=using):
        refreshes.get_or_create(pk=1, defaults={"refreshed_at": timezone.now()})
        record = refreshes.select_for_update().get(pk=1)
        as_of = timezone.now()
        ReleaseOutcome.objects.using(using).all().delete()
        sql, params = _outcomes_now().using(using).query.sql_with_params()
        table = connection.ops.quote_name(ReleaseOutcome._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
            record.releases = cursor.rowcount
        record.refreshed_at = as_of
        record.generation = uuid.uuid4()
        record.seconds = round(time.perf_counter() - started, 3)
        record.save(using=using)
    return record


def as_of() -> dt.datetime | None:
    """When the table was last rebuilt, or None if never."""
    record = current()
    return record.refreshed_at if record else None


def current() -> ReleaseOutcomeRefresh | None:
    """The last rebuild (when, which generation), or None if never built."""
    return ReleaseOutcomeRefresh.objects.filter(pk=1).first()
