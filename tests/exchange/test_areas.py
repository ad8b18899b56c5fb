"""A region's or the country's SDP file names each row's UPT: every row goes to its UPT, rows of a UPT the
import does not cover are rejected with the reason, and only the UPTs the file lists are reconciled."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from exchange import services
from exchange.models import ImportItem
from exchange.sdp.places import Area
from inmates.models import Admission, Person
from tests.exchange.test_import import line
from tests.exchange.test_reading import HEADER, csv_bytes
from tests.factories import PersonFactory, admit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)
UPT_HEADER = ["Kode UPT", *HEADER]


@pytest.fixture(autouse=True)
def _today_in_english():
    """Frozen on 5 December 2026, and reading English so messages read like the source strings."""
    with (
        time_machine.travel(dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), tick=False),
        translation.override("en"),
    ):
        yield


def region_file(*rows):
    return csv_bytes([UPT_HEADER, *rows])


def test_a_regions_file_puts_each_row_at_its_upt_and_rejects_the_others(
    region, institution, sister_institution, other_institution, regional
):
    upload = region_file(
        [institution.code, *line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")],
        [sister_institution.name.upper(), *line("Budi Santoso", "6308011705900002", "B.I 1/2025")],
        [other_institution.code, *line("Candra Wijaya", "6308011705900003", "B.I 3/2025")],
        ["lapas-tidak-ada", *line("Dedi Kurniawan", "6308011705900004", "B.I 4/2025")],
        ["", *line("Eko Prasetyo", "6308011705900005", "B.I 5/2025")],
    )
    area = Area(region=region)
    preview = services.import_preview(upload=upload, area=area, today=TODAY)
    reasons = {problem.line: str(problem.reason) for row in preview.rejected for problem in row.problems}
    assert reasons == {
        4: f"Belongs to {other_institution.name}, which this import does not cover.",
        5: "No UPT with this code or name.",
        6: "The UPT is empty.",
    }
    run = services.import_record(by=regional, area=area, upload=upload, file_name="x", preview=preview)
    services.import_apply(by=regional, run=run, today=TODAY)
    placed = dict(Admission.objects.values_list("person__full_name", "institution__code"))
    assert placed == {"Ahmad Fauzan": institution.code, "Budi Santoso": sister_institution.code}
    # The same register number at two UPTs is two people: the rule is "at the same UPT".
    assert Admission.objects.filter(register_number="B.I 1/2025").count() == 2


def test_a_file_of_several_upts_needs_its_upt_column(region, regional):
    with pytest.raises(services.MissingColumns) as missing:
        services.import_preview(
            upload=csv_bytes([HEADER, line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")]),
            area=Area(region=region),
            today=TODAY,
        )
    assert missing.value.missing == ["institution"]


def test_a_one_upt_list_with_a_upt_column_keeps_to_its_upt(institution, sister_institution, staff):
    upload = region_file(
        [institution.code, *line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")],
        ["", *line("Budi Santoso", "6308011705900002", "B.I 2/2025")],  # empty: the list's own UPT
        [sister_institution.code, *line("Candra Wijaya", "6308011705900003", "B.I 3/2025")],
    )
    preview = services.import_preview(upload=upload, area=Area(institution=institution), today=TODAY)
    assert preview.plan.counts["new_people"] == 2
    [rejected] = preview.rejected
    assert rejected.line == 4 and rejected.problems[0].column == "institution"


def test_only_the_upts_a_regions_file_lists_are_reconciled(region, institution, sister_institution, regional):
    kept = PersonFactory(full_name="Ahmad Fauzan", nik="6308011705900001")
    admit(kept, institution, number="B.I 1/2025")
    gone = PersonFactory(full_name="Gani Saputra", nik="6308011705900009")
    admit(gone, institution, number="B.I 9/2025")
    elsewhere = PersonFactory(full_name="Hadi Susanto", nik="6308011705900008")
    admit(elsewhere, sister_institution, number="B.I 8/2025")  # the file has no row of this UPT
    upload = region_file([institution.code, *line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")])
    area = Area(region=region)
    preview = services.import_preview(upload=upload, area=area, today=TODAY)
    assert [admission.person for admission in preview.plan.left] == [gone]
    run = services.import_record(by=regional, area=area, upload=upload, file_name="x", preview=preview)
    services.import_apply(by=regional, run=run, today=TODAY)
    [item] = ImportItem.objects.filter(kind=ImportItem.Kind.LEFT)
    assert item.admission.person == gone and item.institution == institution


def test_the_command_loads_a_national_file(tmp_path, institution, other_institution, national, capsys):
    path = tmp_path / "nasional.csv"
    path.write_bytes(
        region_file(
            [institution.code, *line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")],
            [other_institution.code, *line("Budi Santoso", "6308011705900002", "B.I 2/2025")],
        ).getvalue()
    )
    call_command("import_sdp", str(path), "--national", "--user", national.username)
    out = capsys.readouterr().out
    assert "2 rows read" in out and "applied" in out
    assert Person.objects.count() == 2
    assert set(Admission.objects.values_list("institution__code", flat=True)) == {
        institution.code,
        other_institution.code,
    }
