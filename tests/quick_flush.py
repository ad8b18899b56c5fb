"""Emptying the test database after a transactional test: the tables that have rows only, by DELETE.

pytest-django ends every transactional test (transaction=True, the live server's) with Django's `flush`,
which on PostgreSQL TRUNCATEs every table: some 150 here, each given new files, a quarter of a second of
the database's time however little the test wrote (two seconds and more on a loaded CI machine). A test
writes a few rows to a handful of tables: here `flush` deletes those rows only, in one transaction. Every
foreign key Django creates on PostgreSQL is checked at commit (DEFERRABLE INITIALLY DEFERRED), by when
every row is gone. The append-only tables (audit trail, attendance marks, phase moves, ...) refuse DELETE
by their own triggers (audit.triggers); they are TRUNCATEd, which those triggers do not see (no table
refers to them, so none need be truncated with them). A test that wrote many rows (a demo loaded) is
flushed Django's way: each deleted row would be checked against every key referring to it.

Only what pytest-django asks for is changed: a flush without resetting sequences, on PostgreSQL. Anything
else (a sequence reset, SQLite, the `flush` command run by hand) goes Django's way.
"""

from __future__ import annotations

from django.core.management.commands import flush

MANY = 500  # rows in one table past which TRUNCATE (Django's way) is quicker than DELETE


def _tables_with_rows(connection, tables: list[str]) -> tuple[list[str], bool]:
    """The tables holding rows, and whether any holds more than MANY."""
    quote = connection.ops.quote_name
    probe = " UNION ALL ".join(
        f"SELECT %s, EXISTS (SELECT 1 FROM {quote(table)} OFFSET {MANY}) "
        f"WHERE EXISTS (SELECT 1 FROM {quote(table)})"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(probe, tables)
        rows = cursor.fetchall()
    return [table for table, _many in rows], any(many for _table, many in rows)


_TRIGGERED: dict[str, set[str]] = {}  # database name -> its tables with triggers (the migrations' own)


def _tables_with_triggers(connection) -> set[str]:
    """The tables with triggers of ours: the append-only ones, which refuse DELETE. Read once per database:
    only migrations make triggers."""
    name = connection.settings_dict["NAME"]
    if name not in _TRIGGERED:
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
            _TRIGGERED[name] = {row[0] for row in cursor.fetchall()}
    return _TRIGGERED[name]


def _deleting_sql_flush(original):
    def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
        if connection.vendor != "postgresql" or reset_sequences:
            return original(style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        filled, many = _tables_with_rows(connection, sorted(tables)) if tables else ([], False)
        if many:  # each deleted row is checked against the keys referring to it: TRUNCATE is quicker
            return original(style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        append_only = _tables_with_triggers(connection)
        quote = connection.ops.quote_name
        truncated = [quote(table) for table in filled if table in append_only]
        deleted = [f"DELETE FROM {quote(table)};" for table in filled if table not in append_only]
        return deleted + ([f"TRUNCATE {', '.join(truncated)};"] if truncated else [])

    sql_flush.original = original
    return sql_flush


def install() -> None:
    if not hasattr(flush.sql_flush, "original"):
        flush.sql_flush = _deleting_sql_flush(flush.sql_flush)
