"""Applying an SDP import through the same services as the forms: all or nothing, every change audited with
the import's id, and the same file a second time changes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from audit.models import AuditEvent
from exchange import services
from exchange.models import ImportRun
from exchange.sdp.places import Area
from inmates import services as inmates_services
from inmates.models import Admission, Person
from tests.exchange.test_reading import HEADER, csv_bytes

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def sdp_file(*rows) -> io.BytesIO:
    return csv_bytes([HEADER, *rows])


def line(name, nik, register, category="B.I", admitted="10/01/2025", expiry="10 Juli 2026"):
    """One row in HEADER's columns."""
    return [
        register,
        name,
        nik,
        "L",
        "Amuntai",
        "17-05-1990",
        admitted,
        category,
        "127 UU 35/2009",
        "1 thn 6 bln",
        expiry,
    ]


def run_import(upload, institution, by):
    preview = services.import_preview(upload=upload, area=Area(institution=institution), today=TODAY)
    run = services.import_record(
        by=by, area=Area(institution=institution), upload=upload, file_name="sdp.csv", preview=preview
    )
    return preview, services.import_apply(by=by, run=run, today=TODAY)


def everything() -> dict:
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "admissions": list(Admission.objects.order_by("pk").values()),
    }


def test_a_first_import_registers_everyone_with_the_import_named_in_the_trail(institution, staff):
    upload = sdp_file(
        line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025"),
        line("Budi Santoso", "6308011705900002", "B.I 2/2025"),
    )
    preview, run = run_import(upload, institution, staff)
    assert preview.plan.counts["new_people"] == 2 and not preview.rejected
    assert Person.objects.count() == 2
    admission = Admission.objects.get(register_number="B.I 1/2025")
    assert admission.institution == institution and admission.sentence_months == 18
    assert admission.expected_release == dt.date(2026, 7, 10) and admission.offence == "narcotics_user"
    assert run.status == ImportRun.Status.DONE and run.counts["new_people"] == 2
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="inmates.person")
    assert created.count() == 2 and all(event.details["sdp_import"] == run.pk for event in created)


def test_the_same_file_twice_changes_nothing_the_second_time(institution, staff):
    rows = [line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")]
    run_import(sdp_file(*rows), institution, staff)
    before = everything()
    preview, _run = run_import(sdp_file(*rows), institution, staff)
    assert preview.plan.counts["unchanged"] == 1
    assert sum(count for key, count in preview.plan.counts.items() if key != "unchanged") == 0
    assert everything() == before


def test_a_verdict_in_the_register_updates_the_custody_spell(institution, staff):
    run_import(
        sdp_file(line("Ahmad Fauzan", "6308011705900001", "A.III 1/2025", category="A.III")),
        institution,
        staff,
    )
    _preview, run = run_import(
        sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025", category="B.I")), institution, staff
    )
    admission = Admission.objects.get()
    assert admission.register_category == "B.I" and admission.register_number == "B.I 1/2025"
    event = AuditEvent.objects.get(details__sdp_import=run.pk, details__from_register__isnull=False)
    assert event.details["from_register"]["register_category"] == ["A.III", "B.I"]


def test_released_and_back_in_the_next_file_is_a_return_to_custody(institution, staff):
    run_import(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    first = Admission.objects.get()
    inmates_services.admission_release(
        by=staff, admission=first, on=dt.date(2026, 6, 1), release_type="parole"
    )
    back = line("Ahmad Fauzan", "6308011705900001", "A.II 9/2026", "A.II", admitted="01/11/2026", expiry="")
    _preview, run = run_import(sdp_file(back), institution, staff)
    person = Person.objects.get()
    assert person.admissions.count() == 2  # one person, two spells: the return counts in recidivism
    assert f"#{run.pk} " in person.registration_links.get().reason  # the link names the import


def test_a_failure_half_way_leaves_everything_as_it_was(institution, staff, monkeypatch):
    # A verdict for someone here (applied after the new person), and a new person.
    run_import(
        sdp_file(line("Ahmad Fauzan", "6308011705900001", "A.III 1/2025", category="A.III")),
        institution,
        staff,
    )
    upload = sdp_file(
        line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025", category="B.I"),
        line("Budi Santoso", "6308011705900002", "B.I 2/2025"),
    )
    preview = services.import_preview(upload=upload, area=Area(institution=institution), today=TODAY)
    assert preview.plan.counts["new_people"] == 1 and preview.plan.counts["changed"] == 1
    run = services.import_record(
        by=staff, area=Area(institution=institution), upload=upload, file_name="x", preview=preview
    )
    before = everything()

    def refuse(**kwargs):
        raise ValidationError("The database went away")  # whatever fails after the first writes

    monkeypatch.setattr(services.inmates_services, "admission_update_from_register", refuse)
    with pytest.raises(ValidationError):
        services.import_apply(by=staff, run=run, today=TODAY)
    assert everything() == before  # the new person written before the failure is gone too
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED  # its status rolled back with the rest


def test_someone_registered_by_hand_after_the_preview_is_not_registered_twice(institution, staff):
    upload = sdp_file(line("Budi Santoso", "6308011705900002", "B.I 2/2025"))
    preview = services.import_preview(upload=upload, area=Area(institution=institution), today=TODAY)
    run = services.import_record(
        by=staff, area=Area(institution=institution), upload=upload, file_name="x", preview=preview
    )
    Person.objects.create(full_name="Budi S.", nik="6308011705900002", sex="male")  # meanwhile, by hand
    services.import_apply(by=staff, run=run, today=TODAY)  # planned again as it applies: a match now
    assert Person.objects.filter(nik="6308011705900002").count() == 1
    assert Admission.objects.get().person.full_name == "Budi S."


def test_a_regions_officer_applies_a_upts_list_and_staff_of_another_upt_may_not(
    institution, regional, sister_staff, other_regional
):
    area = Area(institution=institution)
    assert not services.may_import_for(sister_staff, area)
    assert not services.may_import_for(other_regional, area)
    upload = sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025"))
    preview = services.import_preview(upload=upload, area=area, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.import_record(by=sister_staff, area=area, upload=upload, file_name="x", preview=preview)
    run = services.import_record(by=regional, area=area, upload=upload, file_name="x", preview=preview)
    with pytest.raises(PermissionDenied):
        services.import_apply(by=other_regional, run=run, today=TODAY)
    assert not Person.objects.exists()
    services.import_apply(by=regional, run=run, today=TODAY)
    assert Admission.objects.get().institution == institution


def test_the_command_previews_on_a_dry_run_and_applies_otherwise(tmp_path, institution, staff, capsys):
    path = tmp_path / "sdp.csv"
    path.write_bytes(
        sdp_file(
            line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025"),
            line("Salah NIK", "123", "B.I 2/2025"),
        ).getvalue()
    )
    call_command(
        "import_sdp", str(path), "--institution", institution.code, "--user", staff.username, "--dry-run"
    )
    output = capsys.readouterr().out
    assert "new_people" in output and "rejected       1" in output and "line 3" in output
    assert not Person.objects.exists()
    call_command("import_sdp", str(path), "--institution", institution.code, "--user", staff.username)
    assert Person.objects.count() == 1
    with pytest.raises(CommandError):
        call_command(
            "import_sdp", str(tmp_path / "missing.csv"), "--institution", institution.code, "--user", "x"
        )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_benchmark_measures_and_leaves_nothing_behind(kind, capsys):
    call_command("benchmark_import", "--rows", "40", "--format", kind)
    output = capsys.readouterr().out
    assert "Preview: 40 rows" in output and "Apply: 40 rows" in output and "Rolled back." in output
    assert not Person.objects.exists() and not ImportRun.objects.exists()  # rolled back, the run too


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_an_export_imports_back_unchanged(login, client, staff, institution, kind, language):
    from django.conf import settings
    from django.urls import reverse

    from tests.factories import PersonFactory, admit, export_file

    for n, (category, offence, months) in enumerate(
        [("B.I", "narcotics_user", 18), ("A.II", "narcotics_other", None), ("B.IIa", "non_narcotics", 8)]
    ):
        person = PersonFactory(full_name=f"Orang Ke {n}", nik=None, sex="female" if n == 2 else "male")
        admission = admit(person, institution, on=dt.date(2025, 3, n + 1), category=category, offence=offence)
        Admission.objects.filter(pk=admission.pk).update(
            sentence_months=months, expected_release=dt.date(2027, 1, 1) if months else None
        )
    browser = login(staff)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    params = {"format": kind} if kind == "xlsx" else {}
    response = export_file(browser, reverse("inmates:admission-export"), params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    before = everything()
    preview, _run = run_import(io.BytesIO(content), institution, staff)
    assert not preview.rejected, [r.problems for r in preview.rejected]
    assert preview.plan.counts == {**dict.fromkeys(preview.plan.counts, 0), "unchanged": 3}
    assert everything() == before


def test_new_people_are_written_in_batches_with_their_movements_and_audit(
    institution, staff, django_assert_max_num_queries
):
    rows = [line(f"Orang {n}", f"63080117059{n:05d}", f"B.I {n}/2025") for n in range(1, 301)]
    upload = sdp_file(*rows)
    preview = services.import_preview(upload=upload, area=Area(institution=institution), today=TODAY)
    run = services.import_record(
        by=staff, area=Area(institution=institution), upload=upload, file_name="x", preview=preview
    )
    with django_assert_max_num_queries(40):  # not a dozen per person
        services.import_apply(by=staff, run=run, today=TODAY)
    assert Person.objects.count() == 300 and Admission.objects.count() == 300
    from inmates.models import Movement

    assert Movement.objects.filter(kind="admission", to_institution=institution).count() == 300
    assert AuditEvent.objects.filter(details__sdp_import=run.pk, action="create").count() == 600


# --- Register numbers: unique among the open custody spells of a UPT ---------------------------------------


def test_a_row_whose_register_number_someone_else_here_holds_is_rejected_and_the_rest_applied(
    institution, staff
):
    from tests.factories import PersonFactory, admit

    holder = PersonFactory(full_name="Ahmad Fauzan", nik="6308011705900001")
    admit(holder, institution, number="B.I 1/2025")
    upload = sdp_file(
        line("Budi Santoso", "6308011705900002", "b.i 1/2025"),  # the holder's number (he left, says SDP)
        line("Cahyo Nugroho", "6308011705900003", "B.I 3/2025"),
    )
    with translation.override("en"):
        preview, run = run_import(upload, institution, staff)
    [refused] = preview.rejected
    assert refused.line == 2 and refused.cells[1] == "Budi Santoso"
    [problem] = refused.problems
    assert problem.column == "register_number"
    assert "b.i 1/2025 is already used here by Ahmad Fauzan, in custody" in problem.reason
    assert run.status == ImportRun.Status.DONE and run.rejected_rows == 1
    assert sorted(Person.objects.values_list("full_name", flat=True)) == ["Ahmad Fauzan", "Cahyo Nugroho"]


def test_a_number_taken_after_the_preview_is_refused_at_the_apply_in_words(institution, staff):
    from tests.factories import PersonFactory, admit

    upload = sdp_file(line("Budi Santoso", "6308011705900002", "B.I 1/2025"))
    area = Area(institution=institution)
    preview = services.import_preview(upload=upload, area=area, today=TODAY)
    run = services.import_record(by=staff, area=area, upload=upload, file_name="sdp.csv", preview=preview)
    admit(PersonFactory(full_name="Lebih Dulu"), institution, number="B.I 1/2025")  # meanwhile, by hand
    run = services.import_apply(by=staff, run=run, today=TODAY)
    # The apply plans each chunk again as it goes: the row is refused there, not an integrity error.
    assert run.status == ImportRun.Status.DONE and run.rejected_rows == 1
    assert not Person.objects.filter(full_name="Budi Santoso").exists()
