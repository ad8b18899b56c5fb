"""The breach register (UU 27/2022 Art. 46): notices due 3×24 hours after discovery, flagged when late, and
the written notices generated from the entry in Indonesian."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from privacy.models import Breach
from tests.privacy.conftest import WITA

DISCOVERED = dt.datetime(2026, 3, 2, 14, 0, tzinfo=WITA)


def _form(institution, **changes):
    return {
        "title": "Daftar peserta terkirim ke alamat surel yang salah",
        "discovered_on": "2026-03-02",
        "discovered_time": "14:00",
        "institution": institution.pk,
        "occurred": "2 Maret 2026 pagi",
        "what_happened": "A participants list was e-mailed to a wrong address.",
        "data_kinds": ["identity", "health"],
        "people_affected": "23",
        "measures": "The recipient was asked to delete it and confirmed in writing.",
        **changes,
    }


@pytest.fixture
def breach(login, dpo, institution):
    with time_machine.travel(DISCOVERED + dt.timedelta(hours=1), tick=False):
        response = login(dpo).post(reverse("privacy:breach-create"), _form(institution))
    assert response.status_code == 302
    return Breach.objects.get()


def test_a_breach_is_due_for_notice_72_hours_after_discovery(breach, login, dpo):
    assert breach.discovered_at == DISCOVERED and breach.notify_by == DISCOVERED + dt.timedelta(hours=72)
    with time_machine.travel(DISCOVERED + dt.timedelta(hours=71, minutes=59), tick=False):
        page = login(dpo).get(breach.get_absolute_url()).content.decode()
        assert "Notify the authority and the people affected in writing by 5 March 2026 14:00 WITA" in page
        assert not Breach.objects.notice_overdue(dt.datetime.now(dt.UTC)).exists()
    with time_machine.travel(DISCOVERED + dt.timedelta(hours=72, minutes=1), tick=False):
        page = login(dpo).get(breach.get_absolute_url()).content.decode()
        assert "Notices overdue" in page
        listing = login(dpo).get(reverse("privacy:breach-list"), {"state": "overdue"}).content.decode()
        assert breach.title in listing and "overdue" in listing


def test_notices_sent_close_the_deadline(breach, login, dpo):
    with time_machine.travel(DISCOVERED + dt.timedelta(hours=30), tick=False):
        response = login(dpo).post(
            reverse("privacy:breach-update", args=[breach.pk]),
            {
                "measures": breach.measures + " Passwords reset.",
                "authority_notified": "on",
                "people_notified": "on",
            },
        )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.notified and breach.authority_notified_at == DISCOVERED + dt.timedelta(hours=30)
    assert not breach.notice_overdue(DISCOVERED + dt.timedelta(days=10))
    assert "Passwords reset." in breach.measures


@pytest.mark.parametrize("to", ["people", "authority"])
def test_the_written_notices_are_made_from_the_entry_in_indonesian(breach, login, dpo, to):
    response = login(dpo).get(reverse("privacy:breach-letter", args=[breach.pk, to]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "PEMBERITAHUAN KEGAGALAN PELINDUNGAN DATA PRIBADI" in text.upper()
    assert "Identitas (nama, NIK, tanggal lahir)" in text and "23 orang" in text
    assert "The recipient was asked to delete it" in text  # the officer's own words, as typed
    if to == "authority":
        assert "Lembaga Pelindungan Data Pribadi" in text
    assert AuditEvent.objects.filter(
        action="download", object_type="privacy.breach", details__letter=to
    ).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"data_kinds": []}, "This field is required."),
        ({"data_kinds": ["identity", "gossip"]}, "Select a valid choice."),
        ({"discovered_on": "2026-03-05"}, "A breach cannot be discovered in the future."),
        ({"people_affected": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"what_happened": ""}, "This field is required."),
    ],
)
@time_machine.travel(DISCOVERED + dt.timedelta(hours=1), tick=False)
def test_an_incomplete_breach_saves_nothing(login, dpo, institution, changes, message):
    response = login(dpo).post(reverse("privacy:breach-create"), _form(institution, **changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Breach.objects.exists()


def test_who_keeps_and_who_reads_the_register(breach, login, staff, regional, other_regional, national):
    assert login(staff).get(reverse("privacy:breach-list")).status_code == 403
    assert login(staff).get(breach.get_absolute_url()).status_code == 403
    page = login(regional).get(breach.get_absolute_url())
    assert page.status_code == 200 and "Written notices (PDF)" not in page.content.decode()
    assert (
        login(regional)
        .post(reverse("privacy:breach-update", args=[breach.pk]), {"measures": "x"})
        .status_code
        == 403
    )
    assert login(regional).get(reverse("privacy:breach-create")).status_code == 403
    assert login(other_regional).get(breach.get_absolute_url()).status_code == 404
    assert login(national).get(breach.get_absolute_url()).status_code == 200
