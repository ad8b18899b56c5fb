"""On PostgreSQL, refuse double booking in the database itself, so two concurrent bookings cannot both win.

- a counsellor cannot facilitate two overlapping sessions (rows of rehab_facilitation that are active);
- a room of an institution cannot hold two overlapping sessions that are not cancelled.
Ranges are half-open ([start, end)), so a session may start when the previous one ends. The same rules are
checked in Python first (rehab.services.conflicts), which is what users see on every database.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE rehab_facilitation ADD CONSTRAINT rehab_facilitation_no_double_booking
    EXCLUDE USING gist (user_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (active);
ALTER TABLE rehab_session ADD CONSTRAINT rehab_session_room_free
    EXCLUDE USING gist (institution_id WITH =, (lower(room)) WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled');
"""

DROP = """
ALTER TABLE rehab_facilitation DROP CONSTRAINT IF EXISTS rehab_facilitation_no_double_booking;
ALTER TABLE rehab_session DROP CONSTRAINT IF EXISTS rehab_session_room_free;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("rehab", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
