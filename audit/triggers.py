"""The PostgreSQL trigger that makes a table append-only in the database itself (UPDATE and DELETE refused),
for migrations of tables that record history. SQLite relies on the ORM guards (audit.models.AppendOnlyModel).

TRUNCATE is deliberately not trapped: it needs the table owner's rights, which the application's database role
should not have in production, and Django's test runner empties tables with it between tests.
"""

from django.db import migrations


def append_only(table: str) -> migrations.RunPython:
    create = f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {table}_no_update_delete
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards)
