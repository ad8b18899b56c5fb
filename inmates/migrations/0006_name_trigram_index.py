"""Trigram indexes on people's names, on PostgreSQL: the WBP search looks for every word of the query inside
names (Django's icontains: UPPER(name) LIKE '%HASIBUAN%'), which a B-tree cannot serve and pg_trgm's GIN index
on UPPER(name) can. Other databases (SQLite for the
embedded default) search without it. Not declared in the model's Meta: Django's GinIndex would be created on
SQLite too, which has no GIN."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS inmates_person_name_trgm ON inmates_person"
    " USING gin (UPPER(full_name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS inmates_person_other_trgm ON inmates_person"
    " USING gin (UPPER(other_names) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS inmates_person_name_trgm", "DROP INDEX IF EXISTS inmates_person_other_trgm"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("inmates", "0005_person_birth_date_index")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
