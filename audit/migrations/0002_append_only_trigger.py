"""On PostgreSQL, refuse UPDATE and DELETE on the audit table in the database itself (audit.triggers)."""

from django.db import migrations

from audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [append_only("audit_auditevent")]
