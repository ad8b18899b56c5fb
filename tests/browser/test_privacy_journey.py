"""Issue 18's journeys in Chromium, in English (the pages' own language tests are elsewhere):

1. UPT staff register a person's access request; the data-protection officer answers it with the bundle —
   the JSON file and the PDF downloaded through their expiring links and read back.
2. A counsellor whose agency has no agreement with the UPT opens a record through break-glass access (the
   banner shows, the record opens); hours later the access has ended by itself; the head of the UPT reviews
   it and flags it.
"""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import Membership, Role
from privacy.models import EmergencyAccess, RightsRequest
from tests.browser.conftest import ARTIFACTS, log_in
from tests.factories import (
    AgencyFactory,
    InstitutionFactory,
    PersonFactory,
    RegionFactory,
    UserFactory,
    admit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"privacy-{name}.png"), full_page=True)


def sign_in(page: Page, username: str, password: str) -> None:
    """A fresh browser session, reading English."""
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    log_in(page, username, password)


def oversight(page: Page, item: str) -> None:
    page.get_by_role("button", name="Oversight").click()
    page.get_by_role("link", name=item, exact=True).click()


@pytest.fixture
def world(password):
    region = RegionFactory(code="kalsel", name="Kanwil Kalimantan Selatan", time_zone="Asia/Makassar")
    amuntai = InstitutionFactory(code="lapas-amuntai", name="Lapas Kelas IIB Amuntai", region=region)
    person = PersonFactory(full_name="Rizky Pratama")
    admit(person, amuntai, on=dt.date(2025, 6, 2), number="B.I 0042/2025")
    staff = UserFactory(username="staf.amuntai")
    Membership.objects.create(user=staff, role=Role.UPT_STAFF, institution=amuntai)
    head = UserFactory(username="kalapas.amuntai")
    Membership.objects.create(user=head, role=Role.UPT_STAFF, institution=amuntai, is_head=True)
    dpo = UserFactory(username="dpo.pusat", first_name="Ratna", last_name="Sari")
    Membership.objects.create(user=dpo, role=Role.DPO)
    counsellor = UserFactory(username="konselor.balangan")
    Membership.objects.create(
        user=counsellor, role=Role.COUNSELLOR, agency=AgencyFactory(code="bnnk-balangan", region=region)
    )
    return {
        "person": person,
        "amuntai": amuntai,
        "staff": staff,
        "head": head,
        "dpo": dpo,
        "counsellor": counsellor,
    }


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_dpo_answers_an_access_request_with_the_bundle(page: Page, world, password):
    sign_in(page, "staf.amuntai", password)
    page.goto(page.base_url + reverse("home"))
    oversight(page, "Rights requests")
    page.get_by_role("link", name="Register a request").click()
    page.get_by_label("Register number or NIK").fill("B.I 0042/2025")
    page.locator("#id_kind").select_option("access")
    page.get_by_label("Asked by").fill("Rizky Pratama himself")
    page.get_by_label("Identity checked by").select_option("in_custody")
    page.get_by_label("Identity check details").fill("Register number and photograph")
    page.get_by_label("What is asked").fill("A copy of everything you hold about me.")
    shot(page, "1-01-register")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text(re.compile("Answer due by"))).to_be_visible()
    request = RightsRequest.objects.get()
    assert request.due_at - request.received_at == dt.timedelta(hours=72)

    sign_in(page, "dpo.pusat", password)
    page.goto(page.base_url + reverse("home"))
    oversight(page, "Rights requests")
    page.get_by_role("link", name="Rizky Pratama").click()
    page.get_by_label("Reason for this decision").fill("No counselling notes are held yet.")
    page.get_by_label("Handed over to").fill("Rizky Pratama")
    shot(page, "1-02-answer")
    page.get_by_role("button", name="Make the copy and answer").click()
    expect(page.get_by_text("The copy of the data is ready")).to_be_visible()
    shot(page, "1-03-answered")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"data-pribadi-{world['person'].pk}.json").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["sections"]["person"][0]["full_name"] == "Rizky Pratama"
    assert data["sections"]["custody_spells"][0]["register_number"] == "B.I 0042/2025"
    assert any(event["action"] == "view" for event in data["sections"]["processing_trail"])
    with page.expect_download() as download:
        page.get_by_role("link", name=f"data-pribadi-{world['person'].pk}.pdf").click()
    text = pdf_text(download.value.path())
    assert "Salinan data pribadi: Rizky Pratama" in text
    assert re.search(r"B\.I\s*0042/\s*2025", text), "the register number, in the custody table"
    request.refresh_from_db()
    assert request.status == "answered"


def test_a_counsellor_uses_break_glass_and_the_head_reviews_it(page: Page, world, password):
    person = world["person"]
    start = dt.datetime.now(dt.UTC)
    sign_in(page, "konselor.balangan", password)
    assert page.goto(page.base_url + person.get_absolute_url()).status == 404
    page.goto(page.base_url + reverse("home"))
    oversight(page, "Emergency access")
    page.get_by_role("link", name="Ask for a record in an emergency").click()
    page.get_by_label("Held at").select_option(str(world["amuntai"].pk))
    page.get_by_label("Register number or NIK").fill("B.I 0042/2025")
    page.get_by_label("Why the record is needed now").fill(
        "Collapsed at the BNNK clinic after his transfer; the doctor needs his screening history."
    )
    page.get_by_label("For").select_option("1")
    shot(page, "2-01-ask")
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", name="Rizky Pratama")).to_be_visible()
    expect(page.get_by_text(re.compile("the record of Rizky Pratama is open to you until"))).to_be_visible()
    shot(page, "2-02-record-open")

    with time_machine.travel(start + dt.timedelta(hours=2)):  # the live server runs in this process
        sign_in(page, "konselor.balangan", password)
        assert page.goto(page.base_url + person.get_absolute_url()).status == 404
        expect(page.get_by_text(re.compile("is open to you until"))).to_have_count(0)

        sign_in(page, "kalapas.amuntai", password)
        page.goto(page.base_url + reverse("home"))
        oversight(page, "Emergency access")
        page.get_by_role("link", name="To review").click()
        expect(page.get_by_text("Collapsed at the BNNK clinic")).to_be_visible()
        page.get_by_label("Flagged: not justified").check()
        page.get_by_label("Note").fill("The clinic could have asked the UPT by telephone.")
        page.get_by_role("button", name="Save review").click()
        expect(page.get_by_text("The review is recorded.")).to_be_visible()
        shot(page, "2-03-reviewed")
    grant = EmergencyAccess.objects.get()
    assert grant.review == "flagged" and grant.reviewed_by == world["head"]
