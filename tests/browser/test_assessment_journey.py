"""UPT staff in a real browser (Indonesian UI): screen a WBP with ASSIST, one substance at moderate and one
at high risk, see the result, record the assessment and the team's recommendation, and approve it as head."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from assessments.models import Assessment, Recommendation, Screening
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOMAINS = ["medical", "employment", "alcohol", "drug", "legal", "family_social", "psychiatric"]
SUBSTANCES = [
    "tobacco",
    "alcohol",
    "cannabis",
    "cocaine",
    "amphetamine_type_stimulants",
    "inhalants",
    "sedatives",
    "hallucinogens",
    "opioids",
    "other",
]


def test_staff_screen_assess_recommend_and_approve(page, staff, person, password):
    Membership.objects.filter(user=staff).update(is_head=True)  # this staff member is also the Kalapas
    log_in(page, "staf.amuntai", password)
    page.goto(page.base_url + person.get_absolute_url())
    page.get_by_role("link", name="Skrining (ASSIST)").click()
    expect(page.get_by_role("heading", name="Skrining dengan WHO-ASSIST")).to_be_visible()

    # The grid follows the skip rules as answers are chosen.
    for substance in SUBSTANCES:
        page.locator(f"#id_{substance}-q1").select_option("no")
    expect(page.locator("#id_cannabis-q2")).to_be_disabled()
    page.locator("#id_cannabis-q1").select_option("yes")
    expect(page.locator("#id_cannabis-q2")).to_be_enabled()
    page.locator("#id_cannabis-q2").select_option("never")
    expect(page.locator("#id_cannabis-q3")).to_be_disabled()  # Q2 "never": on to Q6
    page.locator("#id_cannabis-q2").select_option("weekly")  # 4 points: moderate
    for question in ("q3", "q4", "q5"):
        page.locator(f"#id_cannabis-{question}").select_option("never")
    for question in ("q6", "q7"):
        page.locator(f"#id_cannabis-{question}").select_option("no_never")
    page.locator("#id_amphetamine_type_stimulants-q1").select_option("yes")
    for question in ("q2", "q3", "q4", "q5"):  # 6 + 6 + 7 + 8 = 27: high
        page.locator(f"#id_amphetamine_type_stimulants-{question}").select_option("daily_or_almost_daily")
    for question in ("q6", "q7"):
        page.locator(f"#id_amphetamine_type_stimulants-{question}").select_option("no_never")
    page.get_by_role("button", name="Simpan dan lihat hasil").click()
    expect(page.get_by_text("Jawab pertanyaan ini.")).to_be_visible()  # Q8 was not answered
    expect(page.locator("#id_cannabis-q2")).to_have_value("weekly")  # what was typed is kept
    page.locator("input[name=q8][value=no_never]").check()
    page.get_by_role("button", name="Simpan dan lihat hasil").click()

    screening = Screening.objects.get()
    assert screening.risk == "high"
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="Ganja")).to_contain_text("Risiko sedang")
    expect(rows.filter(has_text="Ganja")).to_contain_text("4")
    expect(rows.filter(has_text="Stimulan jenis amfetamin")).to_contain_text("Risiko tinggi")
    expect(rows.filter(has_text="Stimulan jenis amfetamin")).to_contain_text("27")

    page.get_by_role("link", name="Catat asesmen").click()
    page.locator("#id_team").fill("dr. Rina — dokter\nAgus — psikolog")
    for domain in DOMAINS:
        page.locator(f"#id_{domain}-troubled").select_option("2")
        page.locator(f"#id_{domain}-importance").select_option("3")
        page.locator(f"#id_{domain}-severity").select_option("6" if domain == "drug" else "3")
    page.get_by_role("button", name="Simpan asesmen").click()
    assessment = Assessment.objects.get()
    assert assessment.result().domains["drug"].severity == 6

    page.get_by_role("link", name="Catat rekomendasi").click()
    page.locator("input[name=kind][value=medical_then_social]").check()
    page.locator("#id_reasons").fill("ASSIST tinggi untuk sabu; keparahan narkoba 6.")
    page.get_by_role("button", name="Catat rekomendasi").click()
    expect(page.get_by_text("Menunggu persetujuan kepala UPT", exact=True)).to_be_visible()

    page.get_by_role("link", name="Setujui").click()
    page.locator("#id_decree_number").fill("W17.PAS.5-PK.01.04-12/2026")
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text("Disetujui", exact=True)).to_be_visible()
    recommendation = Recommendation.objects.get()
    assert recommendation.is_approved and recommendation.decree_number == "W17.PAS.5-PK.01.04-12/2026"
