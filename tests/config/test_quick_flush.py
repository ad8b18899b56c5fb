"""The flush that ends a transactional test (tests/quick_flush.py) leaves every table empty: the tables
written to by DELETE, the append-only ones by TRUNCATE, and a table holding many rows Django's way."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEvent
from inmates.models import Person
from tests import quick_flush
from tests.factories import PersonFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the quick flush is PostgreSQL's only"),
]


def _flush() -> None:
    # As pytest-django's transactional teardown calls it.
    call_command(
        "flush", interactive=False, reset_sequences=False, allow_cascade=False, inhibit_post_migrate=True
    )


def _statements() -> list[str]:
    """What the quick flush would run now, with Django's own flush standing as "TRUNCATE everything"."""
    return quick_flush._deleting_sql_flush(lambda *a, **k: ["TRUNCATE everything"])(
        None, connection, reset_sequences=False
    )


def _rows_left() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return {table: n for table, n in counts.items() if n}


def test_written_and_append_only_tables_are_emptied(staff):
    person = PersonFactory()
    AuditEvent.objects.create(actor=staff, action="view", object_type="person", person_id=person.pk)
    statements = _statements()
    assert any(s.startswith('DELETE FROM "inmates_person"') for s in statements)
    assert statements[-1].startswith("TRUNCATE") and '"audit_auditevent"' in statements[-1]
    assert "TRUNCATE everything" not in statements  # Django's way not taken for a few rows
    _flush()
    assert _rows_left() == {}


def test_a_table_with_many_rows_is_flushed_djangos_way(institution):
    Person.objects.bulk_create(PersonFactory.build() for _ in range(quick_flush.MANY + 1))
    statements = _statements()
    assert statements == ["TRUNCATE everything"]
    _flush()
    assert _rows_left() == {}
