"""Issue 20's journey in Chromium: a Kanwil officer opens the participation dashboard, sorts the UPT by
attendance rate, subscribes to the region's monthly report and downloads its figures as XLSX, read back with
openpyxl and compared with counts worked out from the records. Screenshots in test-artifacts/.

The figures are the months' published ones, computed as the monthly job does after each month has ended; the
clock is fixed at 3 December 2026, so "last month" is November whenever the suite runs."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.models import Report
from reports.render import generate
from reports.tasks import claim, report_for
from subscriptions.models import Subscription
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_journeys import TEXT, nav, shot, sign_in, watch_console
from tests.dashboard.test_participation import (
    NOVEMBER,
    OCTOBER,
    SEPTEMBER,
    compute_months,
    counted,
    upt_world,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)  # Thursday 3 December 2026, 10:00 WITA


@pytest.fixture
def kalsel(region, institution, sister_institution, staff, sister_staff, counsellor, agency):
    """Amuntai: 22 narcotics WBP, 16 in a programme, 10 released; sessions in November (13 of 18 present).
    Barabai: 10 held, no programme, so no attendance rate. The region's November report, in Indonesian."""
    with time_machine.travel(TODAY, tick=False):
        upt_world(institution, staff, counsellor, agency, held=22, screened=6, enrolled=16, released=10)
        upt_world(
            sister_institution, sister_staff, counsellor, agency, held=10, screened=0, enrolled=0, released=0
        )
        compute_months(SEPTEMBER, OCTOBER, NOVEMBER)
        report = report_for(scope=Report.Scope.REGION, region=region, month=NOVEMBER)
        assert claim(report.pk)
        generate(report)
    return report


def test_journey4_regional_officer_participation_subscription_and_xlsx(
    page, kalsel, regional, region, institution, sister_institution, password
):
    name = "journey4-id"
    expected = counted([institution, sister_institution], NOVEMBER)
    with time_machine.travel(TODAY, tick=True):
        problems = watch_console(page)
        page.goto(page.base_url + reverse("accounts:login"))
        sign_in(page, "kanwil.kalsel", password, TEXT["id"])

        # Reports → the participation dashboard: a row per UPT of the region, November's published figures.
        nav(page, "Laporan", TEXT["id"])
        page.get_by_role("link", name="Kepesertaan", exact=True).click()
        table = page.locator("table.participation-table, table").filter(has_text=institution.name).first
        rows = table.locator("tbody tr")
        expect(rows.filter(has_text=institution.name)).to_have_count(1)
        expect(rows.filter(has_text=sister_institution.name)).to_have_count(1)
        shot(page, f"{name}-01-participation")

        # Sorted by attendance rate: Amuntai's 72% (13 of 18 present) first, Barabai (no sessions, "—") after
        # the numbers, in both directions.
        attendance = table.locator("thead th").filter(has_text="Kehadiran").first
        attendance.get_by_role("link").click()
        expect(page).to_have_url(re.compile(r"[?&]sort=attendance(&|$)"))
        attendance = page.locator("thead th").filter(has_text="Kehadiran").first
        expect(attendance).to_have_attribute("aria-sort", "ascending")
        body = page.locator("table").filter(has_text=institution.name).first.locator("tbody tr")
        expect(body.nth(0)).to_contain_text(institution.name)
        expect(body.nth(0)).to_contain_text("72%")
        expect(body.nth(1)).to_contain_text(sister_institution.name)
        attendance.get_by_role("link").click()
        expect(page.locator("thead th").filter(has_text="Kehadiran").first).to_have_attribute(
            "aria-sort", "descending"
        )
        body = page.locator("table").filter(has_text=institution.name).first.locator("tbody tr")
        expect(body.nth(0)).to_contain_text(institution.name)  # "—" comes after the numbers either way
        shot(page, f"{name}-02-sorted-by-attendance")

        # Printed on A4 (the browser's print, as an officer would file it): the table whole, with every column
        # head and both UPT's rows, and none of the page's navigation.
        ARTIFACTS.mkdir(exist_ok=True)
        printed = page.pdf(path=str(ARTIFACTS / f"{name}-02-printed.pdf"), format="A4", print_background=True)
        paper = PdfReader(io.BytesIO(printed))
        text = " ".join(" ".join(sheet.extract_text() for sheet in paper.pages).split())
        for head in ("Kehadiran", "Cakupan", "% tepat waktu", institution.name, sister_institution.name):
            assert head in text, head
        assert "72%" in text and "Keluar" not in text  # the navigation bar's sign-out is not printed
        assert paper.pages[0].mediabox.width == pytest.approx(595, abs=2)  # A4 portrait, in points

        # Subscribe to the region's monthly report.
        nav(page, "Laporan", TEXT["id"])
        panel = page.locator("section").filter(has_text="Kirimi saya surel ketika laporan siap")
        panel.get_by_label("Berlangganan laporan").select_option(label=region.name)
        panel.get_by_role("button", name="Berlangganan").click()
        expect(
            page.locator("section")
            .filter(has_text="Kirimi saya surel ketika laporan siap")
            .get_by_role("button", name="Berhenti berlangganan")
        ).to_be_visible()
        assert Subscription.objects.filter(user=regional, scope="region", region=region).count() == 1
        shot(page, f"{name}-03-subscribed")

        # The region's November report as XLSX, from the archive.
        archive = page.locator("table tbody tr").filter(has_text=region.name)
        with page.expect_download() as download:
            archive.get_by_role("link", name="XLSX").click()
        assert download.value.suggested_filename == "laporan-kalsel-2026-11-id.xlsx"
        with open(download.value.path(), "rb") as handle:
            workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
        sheets = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}
        assert {"Indikator utama", "Per UPT", "Skrining dan asesmen", "Definisi"} <= set(sheets)
        screening = {row[0]: row[1] for row in sheets["Skrining dan asesmen"][1:]}
        assert screening["Orang ditahan karena narkotika pada akhir bulan"] == expected["narcotics"] == 22
        by_upt = {row[0]: row[1:] for row in sheets["Per UPT"][1:]}
        assert set(by_upt) == {institution.name, sister_institution.name}
        assert by_upt[institution.name][-1] == "72%" and by_upt[sister_institution.name][-1] == "—"
        assert problems == []
