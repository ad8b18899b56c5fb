"""Data migrations run against whichever database is being migrated (`migrate --database`, as
generate_national does for its own database): a data migration that read or wrote through the default
connection failed there with "no such table" on the default SQLite file."""

import ast
import importlib
import inspect

import pytest
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader


def _data_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if not app.startswith(("django", "auth", "contenttypes", "sessions", "admin")):
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    yield pytest.param(operation.code, id=f"{app}.{name}.{operation.code.__name__}")


def _uses_managers_without_alias(function) -> list[str]:
    """Calls of `X.objects.<method>` not preceded by `.using(...)` in the function's source."""
    tree = ast.parse(inspect.getsource(importlib.import_module(function.__module__)))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function.__name__:
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Attribute)
                    and isinstance(call.value, ast.Attribute)
                    and call.value.attr == "objects"
                    and call.attr != "using"
                ):
                    found.append(f"line {call.lineno}: ….objects.{call.attr}")
    return found


@pytest.mark.parametrize("function", list(_data_migrations()))
def test_data_migrations_use_the_database_being_migrated(function):
    assert _uses_managers_without_alias(function) == []


def test_the_check_finds_a_manager_used_without_an_alias():
    [found] = _uses_managers_without_alias(_bad_example)
    assert found.endswith("….objects.filter")


def _bad_example(apps, schema_editor):
    apps.get_model("inmates", "Admission").objects.filter(pk=1).update(register_number="")
