"""Read-only work split over several database connections at once, all reading one snapshot.

The month's figures for the nation are a dozen independent counts, each one statement that keeps one
PostgreSQL backend (one core) busy for a fraction of a second; one after another they take the sum of their
times, side by side about the longest lane's. Each piece runs in a thread of its own, on that thread's own
connection, in a REPEATABLE READ transaction that imports the snapshot the caller's connection exported
(`pg_export_snapshot()`), so every piece counts the same database state, as one connection would have.

Run one after another, in the caller's thread and transaction, where that is not possible or not wanted:
- settings.PARALLEL_READ_CONNECTIONS is 1 or less (the tests' default: their rows are in a transaction
  that other connections cannot see);
- the database is not PostgreSQL (SQLite has no snapshots to share and one writer at a time anyway);
- the caller is inside a savepoint (an atomic block within another), where PostgreSQL exports no snapshot;
- the snapshot cannot be exported otherwise (a standby that refuses it, say), in a transaction of ours.
A piece's exception is raised in the caller once every lane has stopped (no lane takes a new piece after
one has failed).
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")


class SnapshotRefused(Exception):
    """The database would not export the caller's snapshot."""


def run_in_one_snapshot(pieces: Sequence[Callable[[], T]], *, model: type) -> list[T]:
    """Each of `pieces` (functions of no argument that only read) called, their results in order. `model`
    names the database they read (the router's choice for it, the replica inside `reads_from_replica()`).
    Give the longest pieces first: the lanes take them in order."""
    lanes = min(settings.PARALLEL_READ_CONNECTIONS, len(pieces))
    alias = router.db_for_read(model)
    connection = connections[alias]
    # PostgreSQL exports no snapshot from inside a savepoint (an atomic block nested in another).
    if lanes <= 1 or connection.vendor != "postgresql" or connection.savepoint_ids:
        return _one_after_another(pieces)
    opened = not connection.in_atomic_block
    try:
        # The caller's transaction, or one of ours: the snapshot lives as long as it does.
        with transaction.atomic(using=alias, savepoint=False):
            snapshot = _exported(connection)
            return _in_lanes(pieces, lanes, alias, snapshot)
    except SnapshotRefused:
        if not opened:
            raise  # the caller's transaction is spoilt: theirs to roll back
    logger.warning("No snapshot to share: the figures are read on one connection.")
    return _one_after_another(pieces)


def _one_after_another(pieces: Sequence[Callable[[], T]]) -> list[T]:
    """In the caller's thread and transaction."""
    return [piece() for piece in pieces]


def _exported(connection) -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            return cursor.fetchone()[0]
    except DatabaseError as error:
        raise SnapshotRefused(str(error)) from error


def _in_lanes(pieces: Sequence[Callable[[], T]], lanes: int, alias: str, snapshot: str) -> list[T]:
    """`lanes` threads, each on a connection of its own, taking the pieces in order until none is left."""
    waiting = deque(enumerate(pieces))
    results: list = [None] * len(pieces)
    errors: list[BaseException] = []

    def lane() -> None:
        try:
            while not errors:
                try:
                    index, piece = waiting.popleft()  # thread-safe
                except IndexError:
                    return
                results[index] = _in_snapshot(piece, alias, snapshot)
        except BaseException as error:  # raised in the caller's thread, below
            errors.append(error)
        finally:
            connections[alias].close()  # this thread's own connection

    # The caller's context (the replica's context variable among it) goes with each lane.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(lane,), name=f"parallel-read-{n}")
        for n in range(lanes)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def _in_snapshot(piece: Callable[[], T], alias: str, snapshot: str) -> T:
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            # The transaction's first statements: its isolation, then the snapshot it reads. (Not READ
            # ONLY: a piece may keep rows in a temporary table, reports.outcomes.)
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        return piece()
