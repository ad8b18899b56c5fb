"""Heavy read-only work on the read replica (DATABASE_REPLICA_URL), everything else on the primary.

Only what is wrapped in `reads_from_replica()` (a context manager, or a decorator) reads from the replica:
the dashboards' figures, the report figures and the list exports. Every other read stays on the primary, so
a page shown after a change always shows that change (a replica is a moment behind). Writes always go to the
primary, inside the context too: Django sends get_or_create, update_or_create, select_for_update, update()
and delete() to the database for writes, and so does this router.

A transaction begun inside the context reads from the primary: what it writes, it must be able to read
back before it commits. A transaction already open when the context is entered (a figure set computed under
its row lock, say) keeps reading the replica: the caller asked for it there, for data it has not written.

Without a replica configured (settings.READ_REPLICA empty) the context changes nothing. With one that cannot
be reached when the context is entered, it changes nothing either (a warning is logged): the dashboards and
reports read from the primary, slower but there, rather than failing while the replica is down.
"""

from __future__ import annotations

import logging
from contextlib import ContextDecorator
from contextvars import ContextVar, Token

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

# The primary's transaction depth when the context was entered, or None outside the context; UNREACHABLE
# where the replica could not be reached on entering it (every read then stays on the primary).
_entered_at_depth: ContextVar[int | None] = ContextVar("reads_from_replica", default=None)
UNREACHABLE = -1


def _depth() -> int:
    return len(connections[DEFAULT_DB_ALIAS].atomic_blocks)


class reads_from_replica(ContextDecorator):  # lower case: used like contextlib's managers
    """Reads inside go to the replica when one is configured. Nests; safe in threads and async tasks (a
    context variable, not a global)."""

    _token: Token[int | None] | None = None

    def _recreate_cm(self) -> reads_from_replica:
        return type(self)()  # a decorated view runs in many threads at once: a context of its own each time

    def __enter__(self) -> reads_from_replica:
        depth = _entered_at_depth.get()
        if depth is None:
            depth = _depth() if _reachable(settings.READ_REPLICA) else UNREACHABLE
        self._token = _entered_at_depth.set(depth)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _entered_at_depth.reset(self._token)
            self._token = None


def _reachable(alias: str) -> bool:
    """Whether the replica (if one is configured) answers: connected already, or connecting now (within
    the replica's connect_timeout)."""
    if not alias or alias not in connections.settings:
        return True  # nothing to reach: replica_alias() sends nothing there anyway
    try:
        connections[alias].ensure_connection()
    except DatabaseError:
        logger.warning("The read replica cannot be reached: reading from the primary instead.")
        return False
    return True


def replica_alias() -> str | None:
    """The database alias reads go to here and now: the replica inside the context, else None."""
    alias = settings.READ_REPLICA
    depth = _entered_at_depth.get()
    if not alias or depth is None or alias not in connections.settings:
        return None
    return alias if _depth() <= depth else None


REPLICA_ALIAS = "replica"  # config.settings names the replica's connection so (and the tests' read-only one)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads inside `reads_from_replica()` to the replica; writes and everything
    else to the primary. Migrations run on any database named (`migrate --database`: generate_national's,
    a restore target) except the replica, which is a copy of the primary and gets its schema from it."""

    def db_for_read(self, model: type, **hints: object) -> str | None:
        return replica_alias() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: object) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: object, obj2: object, **hints: object) -> bool | None:
        # A row read from the replica is the primary's row: it may be linked to one written there.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return db != REPLICA_ALIAS
