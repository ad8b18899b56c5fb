"""The import pages: upload a file and see its preview, nothing saved until confirmed; confirm and the task
applies it; who may see and do what."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.models import ImportRun, MappingProfile
from inmates.models import Admission, Person
from tests.exchange.test_import import line, sdp_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def upload(client, institution, content: bytes, name="sdp.csv"):
    return client.post(
        reverse("exchange:import-list"),
        {"area": f"upt:{institution.pk}", "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def good_file() -> bytes:
    return sdp_file(
        line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025"), line("Salah", "123", "B.I 2/2025")
    ).getvalue()


def test_staff_upload_see_the_preview_and_confirm(
    login, staff, institution, django_capture_on_commit_callbacks, monkeypatch
):
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)  # run here even when CI has a broker
    client = login(staff)
    response = upload(client, institution, good_file())
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert not Person.objects.exists()  # nothing saved before confirming
    page = client.get(run.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert page.context["counts"]["new_people"] == 1 and page.context["rejected_count"] == 1
    assert "exactly 16 digits" in text and "Confirm and apply" in text
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("exchange:import-apply", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.confirmed_by == staff
    assert Admission.objects.get().register_number == "B.I 1/2025"
    assert "Applied on" in client.get(run.get_absolute_url()).content.decode()
    # Confirming again does nothing more.
    client.post(reverse("exchange:import-apply", args=[run.pk]))
    assert Person.objects.count() == 1


def test_a_file_refused_whole_says_why_and_saves_nothing(login, staff, institution):
    response = upload(login(staff), institution, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert response.status_code == 200
    assert "not a CSV or XLSX" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_unrecognised_required_columns_are_chosen_on_the_preview_page(login, staff, institution):
    """A header nobody foresaw ("Nama Warga") is not a dead end: the user says which column it is."""
    header = ["No. Register", "Nama Warga", "NIK", "JK", "Tgl Masuk", "Kategori", "Pasal"]
    rows = [
        header,
        ["B.I 1/2025", "Ahmad Fauzan", "6308011705900001", "L", "10-01-2025", "B.I", "127 UU 35/2009"],
    ]
    content = "\r\n".join(";".join(row) for row in rows).encode()
    client = login(staff)
    response = upload(client, institution, content)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and not Person.objects.exists()
    page = client.get(run.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200 and "Full name" in text and "not recognised" in text
    assert "Confirm and apply" not in text
    refused = client.post(reverse("exchange:import-apply", args=[run.pk]))
    assert refused.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED
    mapping = {key: str(index) for key, index in run.mapping.items()} | {"full_name": "1"}
    client.post(reverse("exchange:import-mapping", args=[run.pk]), mapping)
    run.refresh_from_db()
    assert run.mapping["full_name"] == 1 and run.counts["new_people"] == 1
    assert "Confirm and apply" in client.get(run.get_absolute_url()).content.decode()


def test_a_corrected_mapping_is_remembered_for_the_upts_next_files(
    login, staff, sister_staff, institution, sister_institution
):
    header = ["No. Register", "Nama Warga", "NIK", "JK", "Tgl Masuk", "Kategori", "Pasal"]
    rows = [
        header,
        ["B.I 1/2025", "Ahmad Fauzan", "6308011705900001", "L", "10-01-2025", "B.I", "127 UU 35/2009"],
    ]
    content = "\r\n".join(";".join(row) for row in rows).encode()
    client = login(staff)
    upload(client, institution, content)
    run = ImportRun.objects.get()
    mapping = {key: str(index) for key, index in run.mapping.items()} | {"full_name": "1", "remember": "on"}
    client.post(reverse("exchange:import-mapping", args=[run.pk]), mapping)
    assert MappingProfile.objects.get().header_keys["nama warga"] == "full_name"
    # The next file of this UPT with the same headers is read at once; another UPT's is not.
    upload(client, institution, content.replace(b"Ahmad Fauzan", b"Budi Santoso"))
    later = ImportRun.objects.latest("pk")
    assert later.mapping["full_name"] == 1
    page = client.get(later.get_absolute_url())
    assert page.status_code == 200 and "Confirm and apply" in page.content.decode()
    upload(login(sister_staff), sister_institution, content)
    assert "full_name" not in ImportRun.objects.latest("pk").mapping


def test_a_corrected_mapping_is_used(login, staff, institution):
    client = login(staff)
    upload(client, institution, good_file())
    run = ImportRun.objects.get()
    mapping = {key: str(index) for key, index in run.mapping.items()}
    mapping["birth_place"] = ""  # leave a column out
    response = client.post(reverse("exchange:import-mapping", args=[run.pk]), mapping)
    assert response.status_code == 302
    run.refresh_from_db()
    assert "birth_place" not in run.mapping


def test_the_rejected_rows_come_back_as_a_file_to_fix(login, staff, institution):
    client = login(staff)
    upload(client, institution, good_file())
    run = ImportRun.objects.get()
    response = client.get(reverse("exchange:import-rejected", args=[run.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Salah" in text and "16 digits" in text and "Ahmad Fauzan" not in text


def test_who_may_see_and_do_what(login, staff, sister_staff, regional, outsider, counsellor, institution):
    upload(login(staff), institution, good_file())
    run = ImportRun.objects.get()
    for stranger in (outsider, sister_staff):  # another region's staff; another UPT of the same region
        assert login(stranger).get(run.get_absolute_url()).status_code == 404
        assert login(stranger).post(reverse("exchange:import-apply", args=[run.pk])).status_code == 404
    assert login(counsellor).get(reverse("exchange:import-list")).status_code == 403
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and not Person.objects.exists()
    # The region's officers load the register for the region's UPTs: they read the preview and may apply it.
    page = login(regional).get(run.get_absolute_url())
    assert page.status_code == 200 and "Confirm and apply" in page.content.decode()
    assert login(regional).post(reverse("exchange:import-apply", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED and run.confirmed_by == regional


def test_the_list_keeps_its_query_count(login, staff, institution, django_assert_max_num_queries):
    client = login(staff)
    for _ in range(3):
        upload(client, institution, good_file())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exchange:import-list"))
    assert response.status_code == 200 and len(response.context["page_obj"].object_list) == 3


def test_kept_files_are_deleted_after_their_retention_and_the_record_stays(
    login, staff, institution, settings
):
    from exchange.tasks import delete_expired_files

    settings.SDP_IMPORT_KEEP_DAYS = 30
    client = login(staff)
    upload(client, institution, good_file())
    run = ImportRun.objects.get()
    path = run.file.path
    assert delete_expired_files() == 0  # not yet
    with time_machine.travel(dt.datetime(2027, 1, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        assert delete_expired_files() == 1
        assert delete_expired_files() == 0  # safe to run twice
        run.refresh_from_db()
        assert not run.file and run.checksum
        import os

        assert not os.path.exists(path)
        client = login(staff)  # a month later: a new session
        page = client.get(run.get_absolute_url())
        assert page.status_code == 200 and "has been deleted" in page.content.decode()
        assert client.get(reverse("exchange:import-rejected", args=[run.pk])).status_code == 302
        assert client.post(reverse("exchange:import-apply", args=[run.pk])).status_code == 302
        run.refresh_from_db()
        assert run.status == ImportRun.Status.PREVIEWED and not Person.objects.exists()


@pytest.mark.parametrize("count", [1, 60])
def test_the_preview_keeps_its_query_count(login, staff, institution, count, django_assert_max_num_queries):
    """Every kind of row at once (new, changed, left, rejected): the queries do not grow with the rows."""
    from tests.factories import PersonFactory, admit

    rows = []
    for index in range(count):
        known = PersonFactory(full_name=f"Dikenal {index}", nik=f"630801170591{index:04d}")
        admit(known, institution, number=f"A.III {index}/2025", category="A.III")
        gone = PersonFactory(full_name=f"Pergi {index}", nik=f"630801170592{index:04d}")
        admit(gone, institution, number=f"B.II {index}/2025")
        rows.append(line(f"Dikenal {index}", known.nik, f"A.III {index}/2025", category="B.I"))  # a verdict
        rows.append(line(f"Baru {index}", f"630801170593{index:04d}", f"B.I {index}/2026"))
        rows.append(line(f"Salah {index}", "123", f"B.I {index}/2027"))
    client = login(staff)
    upload(client, institution, sdp_file(*rows).getvalue())
    run = ImportRun.objects.get()
    with django_assert_max_num_queries(24):
        page = client.get(run.get_absolute_url())
    assert page.status_code == 200
    counts = page.context["counts"]
    assert counts["new_people"] == counts["changed"] == counts["left"] == count
    assert page.context["rejected_count"] == count and "Pergi 0" in page.content.decode()


def test_a_row_refused_for_its_register_number_comes_back_in_the_file_to_fix(login, staff, institution):
    from tests.factories import PersonFactory, admit

    admit(PersonFactory(full_name="Pemegang Nomor"), institution, number="B.I 1/2025")
    client = login(staff)
    upload(client, institution, sdp_file(line("Budi Santoso", "6308011705900002", "B.I 1/2025")).getvalue())
    run = ImportRun.objects.get()
    page = client.get(run.get_absolute_url())
    assert page.context["rejected_count"] == 1 and page.context["counts"]["new_people"] == 0
    text = client.get(reverse("exchange:import-rejected", args=[run.pk])).content.decode()
    assert "Budi Santoso" in text and "already used here by Pemegang Nomor" in text
