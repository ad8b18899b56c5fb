"""On PostgreSQL, refuse UPDATE and DELETE on the record of access changes in the database itself, as for the
audit trail (audit/migrations/0002). SQLite relies on the ORM guards (audit.models.AppendOnlyModel)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_accesschange_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_accesschange is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_accesschange_no_update_delete
    BEFORE UPDATE OR DELETE ON accounts_accesschange
    FOR EACH ROW EXECUTE FUNCTION accounts_accesschange_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_accesschange_no_update_delete ON accounts_accesschange;
DROP FUNCTION IF EXISTS accounts_accesschange_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_access_changes_dpo_confirmation")]

    operations = [migrations.RunPython(forwards, backwards)]
