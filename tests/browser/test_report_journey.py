"""A regional officer in a real browser generates and downloads their region's monthly report; a UPT user
cannot download another UPT's report (404)."""

import contextlib

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from reports.models import Report
from tests.browser.conftest import log_in
from tests.factories import InstitutionFactory, UserFactory, membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    """With a broker (CI), a real worker renders; without one, tasks run in-process as the request commits."""
    if not settings.REDIS_URL:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as running:
        yield running


def test_regional_officer_generates_and_downloads_the_region_report(
    page, worker, regional, region, institution, password
):
    log_in(page, "kanwil.kalsel", password)
    page.goto(page.base_url + reverse("reports:report-list"))
    page.locator("#id_place").select_option(f"region:{region.pk}")
    page.locator("#id_month").fill("2026-10")
    page.get_by_role("button", name="Buat sekarang").click()
    download_button = page.get_by_role("link", name="Unduh PDF")
    expect(download_button).to_be_visible(timeout=60_000)  # the status page refreshes itself until ready
    with page.expect_download() as download:
        download_button.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    report = Report.objects.get()
    other_upt = InstitutionFactory(code="lapas-lain", region=region)
    membership(UserFactory(username="staf.lain"), "upt_staff", other_upt)
    upt_report = Report.objects.create(
        scope="institution", institution=institution, month=report.month, status="done", pdf=report.pdf.name
    )
    page.context.clear_cookies()
    log_in(page, "staf.lain", password)
    response = page.goto(page.base_url + reverse("reports:report-download", args=[upt_report.pk]))
    assert response.status == 404
    with contextlib.suppress(Exception):
        page.screenshot(path="test-artifacts/upt_user_cannot_download_another_upt_report.png")
