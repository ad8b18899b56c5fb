"""A counsellor in a real browser (Indonesian UI): schedule a twice-weekly group series, take attendance for
the group, see the dose go up, write a confidential note; a UPT staff user then opens the session and cannot
read the note."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rehab.models import Enrolment, Programme, Session
from tests.browser.conftest import log_in
from tests.factories import PersonFactory, admit, make_agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_counsellor_schedules_a_series_takes_attendance_and_keeps_notes_private(
    page, browser, live_server, counsellor, staff, institution, agency, password
):
    today = timezone.localdate()
    agreement = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=today - dt.timedelta(days=365),
        valid_until=today + dt.timedelta(days=365),
        scopes=["social_rehabilitation", "counselling"],
    )
    programme = Programme.objects.create(
        institution=institution,
        kind="social",
        name="TC Amuntai Tahap I",
        agency=agency,
        agreement=agreement,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=150),
        capacity=10,
        target=10,
        required_sessions=4,
    )
    for name in ("Rudi Hartono", "Slamet Riyadi"):
        person = PersonFactory(full_name=name)
        admission = admit(person, institution, on=today - dt.timedelta(days=60))
        Enrolment.objects.create(
            programme=programme,
            person=person,
            admission=admission,
            kind="social",
            status="active",
            direct_reason="TPP",
        )

    log_in(page, "konselor.bnnk-hsu", password)
    page.goto(page.base_url + programme.get_absolute_url())
    page.locator(f"a[href='{reverse('rehab:session-create', args=[programme.pk])}']").click()
    page.locator("#id_kind").select_option("group")
    page.locator("#id_topic").fill("Kelompok dukungan sebaya")
    page.locator("#id_room").fill("Aula Pembinaan")
    first_day = today - dt.timedelta(days=14)
    page.locator("#id_day").fill(first_day.isoformat())
    page.locator("#id_start_time").fill("09:00")
    page.locator("#id_end_time").fill("11:00")
    page.locator("input[name=weekdays][value='0']").check()  # Monday
    page.locator("input[name=weekdays][value='3']").check()  # Thursday
    page.locator("#id_count").fill("8")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("8 sesi dijadwalkan.")).to_be_visible()
    assert Session.objects.filter(series__isnull=False).count() == 8

    # The first occurrence is in the past: take attendance for the whole group.
    first = Session.objects.order_by("starts_at").first()
    page.goto(page.base_url + first.get_absolute_url())
    for row in first.attendances.all():
        page.locator(f"input[name=status-{row.pk}][value=present]").check()
    page.locator("form[action$='/kehadiran/'] button[type=submit]").click()
    expect(page.get_by_text("Kehadiran telah disimpan.")).to_be_visible()
    page.locator("#id_text").fill("Rudi mulai terbuka tentang keluarganya.")
    page.locator("form[action$='/catatan/'] button[type=submit]").click()
    expect(page.get_by_text("Rudi mulai terbuka tentang keluarganya.")).to_be_visible()

    page.goto(page.base_url + programme.get_absolute_url())
    rudi = page.locator("table tbody tr").filter(has_text="Rudi Hartono")
    expect(rudi).to_contain_text("1 / 4")  # the dose went up: one of four sessions
    expect(rudi).to_contain_text("2,0")  # hours, written the Indonesian way

    # UPT staff see the session and its attendance, never the counsellor's note.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff_page = context.new_page()
    staff_page.base_url = live_server.url
    log_in(staff_page, "staf.amuntai", password)
    staff_page.goto(live_server.url + first.get_absolute_url())
    expect(staff_page.get_by_role("heading", name="Kelompok dukungan sebaya")).to_be_visible()
    expect(staff_page.get_by_text("Rudi mulai terbuka")).to_have_count(0)
    staff_page.screenshot(path="test-artifacts/staff_cannot_read_the_note.png", full_page=True)
    context.close()
