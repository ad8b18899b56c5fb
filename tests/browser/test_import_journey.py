"""Issue 14's journey in Chromium, in Indonesian: UPT staff upload an SDP export whose name column nobody
foresaw, say which column it is, read the preview, confirm, watch the import finish (a real worker on Redis
in CI), find the new WBP in the list, and record a release for someone SDP no longer lists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from exchange.models import ImportRun
from inmates.models import Admission
from tests.browser.conftest import ARTIFACTS, log_in
from tests.factories import PersonFactory, admit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey4_staff_import_an_sdp_export(page, worker, staff, institution, password, tmp_path):
    today = timezone.localdate()
    kept = PersonFactory(full_name="Ahmad Fauzan", nik="6308011705900001")
    admit(kept, institution, on=dt.date(2025, 1, 10), number="B.I 1/2025")
    leaving = PersonFactory(full_name="Budi Santoso", nik="6308011705900002")
    admit(leaving, institution, on=dt.date(2025, 2, 1), number="B.I 2/2025")
    header = ["No. Register", "Nama Warga", "NIK", "JK", "Tgl Lahir", "Tgl Masuk", "Kategori", "Pasal"]
    rows = [
        ["B.I 1/2025", "Ahmad Fauzan", "6308011705900001", "L", "17-05-1990", "10-01-2025", "B.I",
         "127 UU 35/2009"],
        ["A.II 7/2026", "Cahyo Nugroho", "6308012001950007", "L", "20-01-1995", today.strftime("%d-%m-%Y"),
         "A.II", "114 UU 35/2009"],
    ]  # fmt: skip
    export = tmp_path / "daftar-wbp.csv"
    export.write_text("\r\n".join(";".join(row) for row in [header, *rows]), encoding="utf-8")

    log_in(page, staff.username, password)
    page.goto(page.base_url + reverse("inmates:admission-list"))
    page.get_by_role("link", name="Impor dari SDP").click()
    page.get_by_label("Ekspor SDP (CSV atau XLSX)").set_input_files(str(export))
    page.get_by_role("button", name="Unggah dan pratinjau").click()

    # "Nama Warga" is not a name header SDP uses: the page asks which column holds the name.
    expect(page.get_by_role("alert")).to_contain_text("Nama lengkap")
    page.get_by_label("Nama lengkap").select_option(label="Nama Warga")
    page.get_by_role("button", name="Pratinjau dengan kolom ini").click()
    page.screenshot(path=str(ARTIFACTS / "journey4-id-01-preview.png"), full_page=True)

    # The preview: one new person, one already up to date, one who left according to SDP; nothing saved yet.
    expect(page.locator(".stat-card").filter(has_text="orang baru")).to_contain_text("1")
    expect(page.locator(".stat-card").filter(has_text="keluar menurut SDP")).to_contain_text("1")
    assert not Admission.objects.filter(register_number="A.II 7/2026").exists()
    page.get_by_role("button", name="Konfirmasi dan terapkan").click()
    expect(page.get_by_role("status")).to_contain_text("Diterapkan pada", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "journey4-id-02-applied.png"), full_page=True)
    assert ImportRun.objects.get().status == ImportRun.Status.DONE

    # The new WBP is in the list.
    page.get_by_role("link", name="Lihat daftar WBP").click()
    expect(page.get_by_role("link", name="Cahyo Nugroho")).to_be_visible()

    # Budi Santoso left according to SDP: staff tick him in what the import left to decide and confirm the
    # release SDP shows.
    page.go_back()
    page.get_by_role("link", name="Keluar menurut SDP: konfirmasi pembebasan").click()
    page.get_by_role("checkbox", name="Budi Santoso").check()
    page.get_by_label("Tanggal pembebasan").fill(today.isoformat())
    page.get_by_label("Jenis pembebasan").select_option(label="Pembebasan Bersyarat (PB)")
    page.get_by_role("button", name="Catat pembebasan terpilih").click()
    expect(page.get_by_role("status").first).to_contain_text("1 pembebasan dicatat")
    page.screenshot(path=str(ARTIFACTS / "journey4-id-03-released.png"), full_page=True)
    leaving.refresh_from_db()
    assert leaving.admissions.get().released_on == today
