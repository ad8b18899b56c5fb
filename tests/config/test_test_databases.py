"""The test database a run's tests use has every migration on disk applied, and no other. On PostgreSQL under
xdist with --create-db (as CI runs) each worker's database is a copy of one template database that the run
migrated (tests/conftest.py, django_db_setup), and the copy had every migration already."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from tests.conftest import COPIED_FROM_TEMPLATE


@pytest.mark.django_db
def test_every_migration_on_disk_and_no_other_is_applied():
    loader = MigrationLoader(connection)
    assert set(loader.applied_migrations) == set(loader.disk_migrations)


@pytest.mark.django_db
def test_under_xdist_the_database_is_a_copy_of_the_runs_migrated_template(request):
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if connection.vendor != "postgresql" or not worker or not request.config.getoption("create_db"):
        pytest.skip("a template is made on PostgreSQL, under xdist, with --create-db")
    template, copied_at = request.config.stash[COPIED_FROM_TEMPLATE]
    assert template == connection.settings_dict["NAME"].removesuffix(f"_{worker}") + "_template"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        assert cursor.fetchone(), f"no template database {template}"
    # Every migration was applied before the copy was made: pytest-django's migrate after it had none to do.
    applied = MigrationRecorder.Migration.objects.values_list("app", "name", "applied")
    assert len(applied) == len(MigrationLoader(connection).disk_migrations)
    assert [(app, name) for app, name, when in applied if when >= copied_at] == []
