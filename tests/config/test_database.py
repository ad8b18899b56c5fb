"""psycopg 3 and its optional connection pool (DATABASE_POOL_MAX_SIZE; README, "Running at national scale")"""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Settings only: nothing listens on port 1, and reading the settings opens no connection.
UNREACHABLE_POSTGRES = "postgres://postgres@127.0.0.1:1/rehab_settings_only"

SHOW_DATABASE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps(settings.DATABASES["default"], default=str))
"""


def database_settings(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", SHOW_DATABASE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_postgresql_keeps_persistent_connections_with_health_checks_by_default():
    result = database_settings(DATABASE_URL=UNREACHABLE_POSTGRES)
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in database["OPTIONS"]


def test_the_pool_replaces_persistent_connections_and_keeps_health_checks():
    result = database_settings(
        DATABASE_URL=UNREACHABLE_POSTGRES, DATABASE_POOL_MAX_SIZE="8", DATABASE_CONN_MAX_AGE="600"
    )
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}
    # Django refuses a pool with persistent connections; health checks are then run by the pool.
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["options"].startswith("-c jit=off")


def test_a_pool_smaller_than_its_minimum_stops_the_process():
    result = database_settings(
        DATABASE_URL=UNREACHABLE_POSTGRES, DATABASE_POOL_MAX_SIZE="2", DATABASE_POOL_MIN_SIZE="4"
    )
    assert result.returncode != 0
    assert "DATABASE_POOL_MIN_SIZE (4) must be from 0 to DATABASE_POOL_MAX_SIZE (2)" in result.stderr


def test_sqlite_takes_no_pool():
    result = database_settings(DATABASE_POOL_MAX_SIZE="8")
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "pool" not in database.get("OPTIONS", {})


@pytest.mark.django_db
def test_the_driver_is_psycopg_3():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL driver; CI runs it there")
    import psycopg

    assert isinstance(connection.connection, psycopg.Connection)


@pytest.mark.django_db
def test_a_pooled_connection_serves_queries_is_reused_and_replaced_when_dropped():
    """The pool as the settings build it, against the test database: the session options (JIT off) reach
    each pooled connection, a connection closed by Django goes back to the pool for the next request, and a
    connection the server dropped is replaced."""
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's pool is for PostgreSQL; CI runs it there")
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["CONN_MAX_AGE"] = 0
    # One connection, so that "the next request" is sure to get the one the first returned.
    settings_dict["OPTIONS"]["pool"] = {"min_size": 1, "max_size": 1, "timeout": 10}
    pooled = DatabaseWrapper(settings_dict, alias=f"pool_probe_{os.getpid()}")
    try:
        with pooled.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
            cursor.execute("SELECT pg_backend_pid()")
            first_backend = cursor.fetchone()[0]
        pooled.close()  # the end of a request
        with pooled.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] == first_backend
        pooled.close()
        assert pooled.pool.get_stats()["pool_max"] == 1

        # The server drops the idle pooled connection (a restart, a failover): with conn_health_checks the
        # pool tests a connection as it hands it out, so the next request gets a fresh one, not an error.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [first_backend])
            assert cursor.fetchone() == (True,)
        with pooled.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != first_backend
    finally:
        pooled.close()
        pooled.close_pool()
