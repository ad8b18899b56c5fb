"""The demo's sample SDP export: what a newcomer imports from the README, with each kind of difference."""

import pytest
from django.core.management import call_command

from inmates.models import Admission, Person
from tests.demo_once import demo_for_the_module

pytestmark = pytest.mark.django_db


# Loaded once for both formats: each test's import is rolled back with its transaction.
_demo_loaded = demo_for_the_module("demo-password-for-sdp-1")


@pytest.fixture
def demo(_demo_loaded, db, settings):
    settings.PRIVATE_MEDIA_ROOT = _demo_loaded


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_sample_previews_every_kind_of_difference_and_imports_once(demo, tmp_path, capsys, kind):
    path = tmp_path / f"sdp.{kind}"
    call_command("sdp_sample", "--institution", "lapas-amuntai", "--format", kind, "--out", str(path))
    args = [str(path), "--institution", "lapas-amuntai", "--user", "staf.amuntai"]
    capsys.readouterr()
    call_command("import_sdp", *args, "--dry-run")
    preview = capsys.readouterr().out
    counts = {
        line.split()[0]: int(line.split()[1]) for line in preview.splitlines() if line.startswith("  ") and
        len(line.split()) == 2 and line.split()[1].isdigit()
    }  # fmt: skip
    assert counts["new_people"] == 5 and counts["changed"] == 1 and counts["left"] == 2
    assert counts["rejected"] == 2 and counts["review"] == 0 and counts["transfers_in"] == 0
    assert "line" in preview and "NIK" in preview  # the rejected rows, with line and column

    people = Person.objects.count()
    call_command("import_sdp", *args)
    assert Person.objects.count() == people + 5
    assert Admission.objects.filter(register_number__startswith="A.II 70").count() == 5

    capsys.readouterr()
    call_command("import_sdp", *args, "--dry-run")  # the same file again: nothing left to do
    again = capsys.readouterr().out
    assert "new_people     0" in again and "changed        0" in again and "returns        0" in again
