"""Read-only pieces side by side on connections of their own, all reading the caller's snapshot
(core.parallel_reads), on PostgreSQL with committed rows (transaction=True): other connections see nothing
of a test's open transaction."""

from __future__ import annotations

import datetime as dt
import threading

import psycopg
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from core.parallel_reads import run_in_one_snapshot
from institutions.models import Institution, Region
from reports.figures import compute

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="snapshots are PostgreSQL's"),
]


@pytest.fixture
def lanes(settings):
    settings.PARALLEL_READ_CONNECTIONS = 2


def _backend() -> tuple[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return threading.current_thread().name, cursor.fetchone()[0]


def test_the_pieces_run_on_other_connections_and_return_in_order(lanes):
    caller = _backend()
    # The first two pieces wait for each other, so each lane must take one: a quick lane would otherwise
    # take every piece before the other lane has started.
    both_lanes = threading.Barrier(2, timeout=30)

    def piece(n):
        if n < 2:
            both_lanes.wait()
        return n, _backend()

    results = run_in_one_snapshot([lambda n=n: piece(n) for n in range(5)], model=Region)
    assert [n for n, _where in results] == [0, 1, 2, 3, 4]
    where = {backend for _n, backend in results}
    assert caller not in where
    assert {thread for thread, _pid in where} <= {"parallel-read-0", "parallel-read-1"}
    assert len({pid for _thread, pid in where}) == 2  # a connection per lane, kept for its pieces
    assert caller[1] not in {pid for _thread, pid in where}


def test_every_piece_reads_the_snapshot_the_caller_had(lanes, region):
    """A row committed by someone else while the pieces run is seen by none of them, though it is there."""
    committed = threading.Event()
    dsn = connection.get_connection_params()

    def someone_else_writes():
        with psycopg.connect(
            **{k: v for k, v in dsn.items() if k != "cursor_factory"}, autocommit=True
        ) as other:
            other.execute(
                "INSERT INTO institutions_region (code, name, province, time_zone) "
                "VALUES ('papua', 'Kanwil Papua', 'Papua', 'Asia/Jayapura')"
            )
        committed.set()
        return Region.objects.count()

    def reads_after_it():
        assert committed.wait(10)
        return Region.objects.count()

    assert run_in_one_snapshot([someone_else_writes, reads_after_it], model=Region) == [1, 1]
    assert Region.objects.count() == 2  # the caller, in a new transaction, sees it


def test_a_pieces_error_is_raised_in_the_caller(lanes):
    def fails():
        raise ZeroDivisionError("piece")

    with pytest.raises(ZeroDivisionError, match="piece"):
        run_in_one_snapshot([fails, Region.objects.count, Region.objects.count], model=Region)


def test_inside_a_savepoint_the_pieces_run_in_the_callers_transaction(lanes, region):
    """No snapshot is exported from a savepoint: the pieces run here and see this transaction's rows."""
    with transaction.atomic(), transaction.atomic():
        Region.objects.create(code="papua", name="Kanwil Papua", province="Papua", time_zone="Asia/Jayapura")
        caller = _backend()
        assert run_in_one_snapshot([_backend, Region.objects.count], model=Region) == [caller, 2]


def test_one_connection_set_runs_the_pieces_here(settings):
    settings.PARALLEL_READ_CONNECTIONS = 1
    assert run_in_one_snapshot([_backend, _backend], model=Region) == [_backend(), _backend()]


def test_the_months_figures_are_the_same_side_by_side_as_one_after_another(settings):
    """The demo (every section has something to count), the nation's October figures both ways."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC), tick=True):
        call_command("load_demo", "--password", "parallel-reads-demo-1", verbosity=0)
    upts = list(Institution.objects.values_list("pk", flat=True))
    october = dt.date(2026, 10, 1)
    settings.PARALLEL_READ_CONNECTIONS = 1
    one_after_another = compute(upts, october)
    settings.PARALLEL_READ_CONNECTIONS = 3
    side_by_side = compute(upts, october)
    assert side_by_side == one_after_another
    assert one_after_another["sessions"]["held"] > 0
    assert one_after_another["pp25"]["treated"] > 0
    assert one_after_another["recidivism"]["rows"]
