"""The PostgreSQL side of backups: a consistent dump with the row counts of the same moment, restoring into
an empty database, and counting rows again to check it.

The command-line tools (pg_dump, pg_restore) of the server's major version or newer must be on PATH; the
password goes to them through PGPASSWORD, never on a command line that `ps` would show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
from django.db.utils import ConnectionHandler

from core.backup.crypto import BackupError

_USER_RELATIONS = """
SELECT n.nspname, c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  -- a relation an extension made (CREATE EXTENSION) belongs to the extension, not to the data
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype = 'e')
ORDER BY 1, 2
"""


def settings_for_url(url: str) -> dict:
    return dj_database_url.parse(url)


def is_postgresql(database: dict) -> bool:
    return database.get("ENGINE") == "django.db.backends.postgresql"


@contextmanager
def connection_to(database: dict) -> Iterator:
    """A connection of its own (not the application's), through Django's backend for either driver."""
    handler = ConnectionHandler({"default": {**database, "CONN_MAX_AGE": 0, "TEST": {}}})
    connection = handler["default"]
    try:
        yield connection
    finally:
        connection.close()


def _relations(cursor) -> list[tuple[str, str, str]]:
    cursor.execute(_USER_RELATIONS)
    return list(cursor.fetchall())


def _quoted(schema: str, name: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in (schema, name))


def row_counts(cursor) -> dict[str, int]:
    """Rows of every table (not views or sequences), as "schema.table": count."""
    counts = {}
    for schema, name, kind in _relations(cursor):
        if kind in ("r", "p"):
            # The names come from pg_class, quoted: no input of anyone's reaches this statement.
            cursor.execute(f"SELECT count(*) FROM {_quoted(schema, name)}")
            counts[f"{schema}.{name}"] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH: install the PostgreSQL client (postgresql-client).")
    return path


def _connection_args(database: dict) -> tuple[list[str], dict[str, str]]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return [*args, "--no-password"], env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")


def server_version(cursor) -> str:
    cursor.execute("SHOW server_version")
    return cursor.fetchone()[0]


def dump(database: dict, destination: Path) -> dict:
    """pg_dump in custom format into `destination`; returns the row counts and migrations of the very
    snapshot that was dumped (the counting transaction exports it and pg_dump reads through it)."""
    with connection_to(database) as connection:
        connection.set_autocommit(False)
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts(cursor)
            migrations = applied_migrations(cursor)
            version = server_version(cursor)
            args, env = _connection_args(database)
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={destination}",
                    *args,
                    "--dbname",
                    database["NAME"],
                ],
                env,
                "pg_dump",
            )
        connection.rollback()
    return {"tables": counts, "migrations": migrations, "server_version": version}


def check_empty(database: dict) -> None:
    with connection_to(database) as connection, connection.cursor() as cursor:
        found = _relations(cursor)
    if found:
        names = ", ".join(f"{schema}.{name}" for schema, name, _ in found[:5])
        raise BackupError(
            f"The database {database['NAME']} is not empty ({len(found)} tables, views or sequences, such as "
            f"{names}). Restore only into a newly created, empty database."
        )


def restore(database: dict, dump_file: Path, *, no_owner: bool = False) -> None:
    """pg_restore in one transaction: a failure leaves the database as empty as it was."""
    args, env = _connection_args(database)
    _run(
        [
            _tool("pg_restore"),
            "--exit-on-error",
            "--single-transaction",
            *(["--no-owner", "--no-privileges"] if no_owner else []),
            *args,
            "--dbname",
            database["NAME"],
            str(dump_file),
        ],
        env,
        "pg_restore",
    )


def counts_of(database: dict) -> dict[str, int]:
    with connection_to(database) as connection, connection.cursor() as cursor:
        return row_counts(cursor)
