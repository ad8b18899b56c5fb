"""After-care in a real browser (Indonesian UI): a counsellor records a follow-up from the overdue list; a
regional officer opens the recidivism page and sees the cohort table and the survival curve."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from inmates.services import admission_release
from rehab.models import Enrolment, FollowUp, Programme
from tests.browser.conftest import log_in
from tests.factories import PersonFactory, admit, make_agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_counsellor_records_an_overdue_follow_up_and_the_kanwil_reads_the_cohorts(
    page, counsellor, staff, regional, institution, agency, password
):
    today = timezone.localdate()
    agreement = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=today - dt.timedelta(days=800),
        valid_until=today + dt.timedelta(days=365),
        scopes=["social_rehabilitation", "aftercare"],
    )
    programme = Programme.objects.create(
        institution=institution,
        kind="social",
        name="TC",
        agency=agency,
        agreement=agreement,
        starts_on=today - dt.timedelta(days=400),
        ends_on=today - dt.timedelta(days=200),
        capacity=10,
        target=10,
    )
    person = PersonFactory(full_name="Rudi Hartono")
    admission = admit(person, institution, on=today - dt.timedelta(days=700))
    Enrolment.objects.create(
        programme=programme,
        person=person,
        admission=admission,
        kind="social",
        status="completed",
        direct_reason="x",
    )
    admission_release(by=staff, admission=admission, on=today - dt.timedelta(days=50), release_type="parole")
    follow_up = FollowUp.objects.get(months_after=1)

    log_in(page, "konselor.bnnk-hsu", password)
    page.goto(page.base_url + reverse("rehab:followup-list"))
    row = page.locator("table tbody tr").filter(has_text="Rudi Hartono")
    expect(row).to_contain_text("terlambat")
    row.locator(f"a[href='{reverse('rehab:followup-record', args=[follow_up.pk])}']").click()
    page.locator("#id_done_on").fill((today - dt.timedelta(days=10)).isoformat())
    page.locator("#id_method").select_option("visit")
    page.locator("#id_outcome").select_option("abstinent")
    page.locator("#id_urine_panel").fill("6 parameter")
    page.locator("#id_urine-methamphetamine").select_option("negative")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("Tindak lanjut telah dicatat.")).to_be_visible()
    follow_up.refresh_from_db()
    assert follow_up.outcome == "abstinent" and not follow_up.urine_positive

    page.context.clear_cookies()
    log_in(page, "kanwil.kalsel", password)
    page.goto(page.base_url + reverse("reports:recidivism"))
    expect(page.locator(".survival-chart svg")).to_be_visible()
    expect(page.locator(".cohort-table")).to_be_visible()
    expect(page.get_by_text("tidak pernah berdasarkan hasil", exact=False)).to_be_visible()
