"""On PostgreSQL, refuse UPDATE and DELETE on the record of access changes in the database itself, as for the
audit trail."""

from django.db import migrations

from audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_access_changes_dpo_confirmation"), ("audit", "0002_append_only_trigger")]

    operations = [append_only("accounts_accesschange")]
