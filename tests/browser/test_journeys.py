"""The three users' journeys of issue 8, end to end in Chromium, with screenshots of the key steps kept in
test-artifacts/ (journey<N>-<lang>-<step>.png).

1. UPT staff register a WBP, screen them with ASSIST, record an assessment and the team's recommendation; the
   head of the UPT approves it; staff enrol the person from the programme's waiting list and start them.
   In Indonesian, and again in English chosen with the language switcher.
2. A counsellor schedules a recurring group series, takes attendance, writes a confidential note (which UPT
   staff cannot read) and records an overdue after-care follow-up.
3. A regional officer checks the agreements ending soon, generates the region's monthly report and a UPT's,
   downloads both PDFs and reads them back, and looks at the recidivism dashboard; staff of another UPT get
   404 for those reports.

Everything a user does in the journey goes through the page; only what they could not create there
(institutions, agreements, programmes, users, earlier custody history) is seeded.
"""

import calendar
import datetime as dt
import io
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import Membership, Role
from assessments.instruments.asi import DOMAINS
from assessments.instruments.assist import SUBSTANCES
from assessments.models import Assessment, Recommendation, Screening
from inmates.models import Admission, Person
from inmates.services import admission_release
from rehab.models import (
    Attendance,
    Enrolment,
    EnrolmentTransition,
    FollowUp,
    Note,
    Programme,
    Session,
    SessionSeries,
)
from reports.models import Report
from tests.browser.conftest import ARTIFACTS
from tests.factories import PersonFactory, UserFactory, admit, make_agreement, membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the user reads, in each language. Written out rather than looked up in the catalogue, so a string
# that lost its translation shows up here as a failure.
TEXT = {
    "id": {
        "username": "Nama pengguna",
        "password": "Kata sandi",
        "log_in": "Masuk",
        "log_out": "Keluar",
        "main_nav": "Navigasi utama",
        "wbp_heading": "WBP (warga binaan pemasyarakatan)",
        "register_wbp": "Daftarkan WBP",
        "full_name": "Nama lengkap",
        "sex": "Jenis kelamin",
        "birth_date": "Tanggal lahir",
        "register_number": "Nomor register",
        "register_category": "Kategori register",
        "admitted_on": "Tanggal penerimaan",
        "offence": "Tindak pidana",
        "register": "Daftarkan",
        "nothing_saved": "Belum ada yang disimpan. Perbaiki isian yang ditandai di bawah ini.",
        "nik_error": "NIK harus terdiri atas tepat 16 digit.",
        "registered": "Rudi Hartono telah didaftarkan.",
        "in_custody": "Dalam tahanan di Lapas Kelas IIB Amuntai",
        "search": "Nama, nomor register, atau NIK",
        "apply": "Terapkan",
        "screen": "Skrining (ASSIST)",
        "assist_heading": "Skrining dengan WHO-ASSIST",
        "save_result": "Simpan dan lihat hasil",
        "answer_this": "Jawab pertanyaan ini.",
        "screening_saved": "Skrining telah disimpan.",
        "cannabis": "Ganja",
        "ats": "Stimulan jenis amfetamin",
        "moderate": "Risiko sedang",
        "high": "Risiko tinggi",
        "record_assessment": "Catat asesmen",
        "team": "Tim asesmen",
        "save_assessment": "Simpan asesmen",
        "assessment_saved": "Asesmen telah disimpan. Selanjutnya, catat rekomendasi tim asesmen.",
        "record_recommendation": "Catat rekomendasi",
        "medical_then_social": "Rehabilitasi medis, dilanjutkan rehabilitasi sosial",
        "reasons": "Alasan",
        "recommended": "Rekomendasi telah dicatat dan kini menunggu persetujuan kepala UPT.",
        "awaiting": "Menunggu persetujuan kepala UPT",
        "assessment_nav": "Asesmen",
        "to_approve_tab": "Sudah direkomendasikan, belum disetujui",
        "approve": "Setujui",
        "decree": "Nomor SK",
        "approved_message": "Disetujui: WBP kini masuk daftar tunggu.",
        "approved": "Disetujui",
        "rehab_nav": "Rehabilitasi",
        "waiting_list": "Daftar tunggu",
        "enrol": "Daftarkan",
        "from_recommendation": (
            "Berdasarkan rekomendasi “Rehabilitasi medis, dilanjutkan rehabilitasi sosial” "
            "yang telah disetujui"
        ),
        "enrolled": "Didaftarkan sebagai peserta: WBP kini menunggu untuk memulai program.",
        "waiting": "Menunggu",
        "new_status": "Status baru",
        "start": "Mulai (aktif)",
        "save": "Simpan",
        "started": "Rudi Hartono: Aktif.",
        "active": "Aktif",
        "dose": "Aktif · 0 sesi, 0,0 jam dihadiri",
    },
    "en": {
        "username": "Username",
        "password": "Password",
        "log_in": "Log in",
        "log_out": "Log out",
        "main_nav": "Main navigation",
        "wbp_heading": "WBP (inmates)",
        "register_wbp": "Register a WBP",
        "full_name": "Full name",
        "sex": "Sex",
        "birth_date": "Date of birth",
        "register_number": "Register number",
        "register_category": "Register category",
        "admitted_on": "Admitted on",
        "offence": "Offence",
        "register": "Register",
        "nothing_saved": "Nothing was saved. Please correct the fields marked below.",
        "nik_error": "A NIK has exactly 16 digits.",
        "registered": "Rudi Hartono has been registered.",
        "in_custody": "In custody at Lapas Kelas IIB Amuntai",
        "search": "Name, register number or NIK",
        "apply": "Apply",
        "screen": "Screen (ASSIST)",
        "assist_heading": "Screening with WHO-ASSIST",
        "save_result": "Save and see the result",
        "answer_this": "Answer this question.",
        "screening_saved": "The screening has been saved.",
        "cannabis": "Cannabis",
        "ats": "Amphetamine-type stimulants",
        "moderate": "Moderate risk",
        "high": "High risk",
        "record_assessment": "Record an assessment",
        "team": "Assessment team",
        "save_assessment": "Save the assessment",
        "assessment_saved": "The assessment has been saved. Record the team's recommendation next.",
        "record_recommendation": "Record the recommendation",
        "medical_then_social": "Medical, then social rehabilitation",
        "reasons": "Reasons",
        "recommended": "The recommendation has been recorded. It now awaits the head's approval.",
        "awaiting": "Awaiting the head's approval",
        "assessment_nav": "Assessment",
        "to_approve_tab": "Recommended, not yet approved",
        "approve": "Approve",
        "decree": "Decree number",
        "approved_message": "Approved: the person is now on the waiting list.",
        "approved": "Approved",
        "rehab_nav": "Rehabilitation",
        "waiting_list": "Waiting list",
        "enrol": "Enrol",
        "from_recommendation": "From the approved recommendation “Medical, then social rehabilitation”",
        "enrolled": "Enrolled: the person is waiting to start.",
        "waiting": "Waiting",
        "new_status": "New status",
        "start": "Start (active)",
        "save": "Save",
        "started": "Rudi Hartono: Active.",
        "active": "Active",
        "dose": "Active · 0 sessions, 0.0 h attended",
    },
}
OTHER_LANGUAGE = {"id": "en", "en": "id"}
BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def watch_console(page: Page) -> list[str]:
    """Script errors and Content-Security-Policy refusals the pages cause (a 404 the test asks for aside)."""
    problems: list[str] = []

    def on_console(message):
        if message.type != "error":
            return
        if "Failed to load resource" in message.text and "404" in message.text:
            return  # the favicon, or the 404 a step expects; a missing asset fails its own assertions
        problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def switch_language(page: Page, language: str) -> None:
    """Through the switcher in the page, as a user does (it submits itself on change)."""
    page.locator("#language-select").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)


def sign_in(page: Page, username: str, password: str, text: dict) -> None:
    """On the login page already shown (the language the user chose stays chosen)."""
    page.get_by_label(text["username"]).fill(username)
    page.get_by_label(text["password"]).fill(password)
    page.get_by_role("button", name=text["log_in"], exact=True).click()


def sign_out(page: Page, text: dict) -> None:
    page.locator("button.user-name").click()  # the user's menu holds "Change password" and "Log out"
    page.get_by_role("button", name=text["log_out"], exact=True).click()
    expect(page.get_by_role("button", name=text["log_in"], exact=True)).to_be_visible()


def nav(page: Page, name: str, text: dict) -> None:
    page.get_by_role("navigation", name=text["main_nav"]).get_by_role("link", name=name, exact=True).click()


# --- Journey 1: register, screen, assess, recommend, approve, enrol ---------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_journey1_staff_register_screen_assess_recommend_and_enrol(
    page, lang, staff, institution, agency, password
):
    text = TEXT[lang]
    name = f"journey1-{lang}"
    today = timezone.localdate()
    head = membership(UserFactory(username="kalapas.amuntai"), Role.UPT_STAFF, institution)
    Membership.objects.filter(user=head).update(is_head=True)
    agreement = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=today - dt.timedelta(days=365),
        valid_until=today + dt.timedelta(days=365),
        scopes=["screening_assessment", "social_rehabilitation"],
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
    problems = watch_console(page)

    # Anonymous: sent to the login page, in Indonesian although the browser asks for English.
    page.goto(page.base_url + reverse("inmates:admission-list"))
    expect(page).to_have_url(re.compile(r"/login/\?next=/wbp/"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    if lang != "id":
        switch_language(page, lang)
        expect(page).to_have_url(re.compile(r"/login/\?next=/wbp/"))  # still on the way to the WBP list
    shot(page, f"{name}-01-login")
    sign_in(page, "staf.amuntai", password, text)
    expect(page.get_by_role("heading", name=text["wbp_heading"])).to_be_visible()

    # Register: a 15-digit NIK is refused, what was typed is kept and nothing is saved.
    page.get_by_role("link", name=text["register_wbp"]).first.click()
    page.get_by_label(text["full_name"]).fill("Rudi Hartono")
    page.get_by_label("NIK", exact=True).fill("630801010190000")
    page.get_by_label(text["sex"]).select_option("male")
    page.get_by_label(text["birth_date"]).fill("1990-01-01")
    page.get_by_label(text["register_number"]).fill("B.I 321/2025")
    page.get_by_label(text["register_category"]).select_option("B.I")
    page.get_by_label(text["admitted_on"]).fill("2025-04-02")
    page.get_by_label(text["offence"]).select_option("narcotics_user")
    page.get_by_role("button", name=text["register"], exact=True).click()
    expect(page.get_by_text(text["nothing_saved"])).to_be_visible()
    expect(page.get_by_text(text["nik_error"])).to_be_visible()
    expect(page.get_by_label(text["register_number"])).to_have_value("B.I 321/2025")
    expect(page.get_by_label(text["full_name"])).to_have_value("Rudi Hartono")
    shot(page, f"{name}-02-registration-refused")
    assert not Person.objects.exists()

    page.get_by_label("NIK", exact=True).fill("6308010101900003")
    page.get_by_role("button", name=text["register"], exact=True).click()
    expect(page.get_by_role("heading", name="Rudi Hartono")).to_be_visible()
    expect(page.get_by_text(text["registered"])).to_be_visible()
    expect(page.get_by_text(text["in_custody"])).to_be_visible()
    shot(page, f"{name}-03-registered")
    person = Person.objects.get()
    assert person.nik == "6308010101900003"
    admission = Admission.objects.get(person=person)
    assert (admission.institution, admission.register_number, admission.released_on) == (
        institution,
        "B.I 321/2025",
        None,
    )

    # Found again by register number; the search survives a trip to the other language and back.
    nav(page, "WBP", text)
    page.get_by_label(text["search"]).fill("B.I 321/2025")
    page.get_by_role("button", name=text["apply"]).click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("Rudi Hartono")
    other = OTHER_LANGUAGE[lang]
    switch_language(page, other)
    expect(page.get_by_role("heading", name=TEXT[other]["wbp_heading"])).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(1)
    switch_language(page, lang)
    expect(page.get_by_role("heading", name=text["wbp_heading"])).to_be_visible()
    expect(page.get_by_label(text["search"])).to_have_value("B.I 321/2025")
    page.locator("table tbody").get_by_role("link", name="Rudi Hartono").click()

    # ASSIST: the grid follows the skip rules as answers are chosen.
    page.get_by_role("link", name=text["screen"]).click()
    expect(page.get_by_role("heading", name=text["assist_heading"])).to_be_visible()
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
    page.get_by_role("button", name=text["save_result"]).click()
    expect(page.get_by_text(text["answer_this"])).to_be_visible()  # Q8 was not answered
    expect(page.locator("#id_cannabis-q2")).to_have_value("weekly")  # what was chosen is kept
    expect(page.locator("#id_amphetamine_type_stimulants-q5")).to_have_value("daily_or_almost_daily")
    assert not Screening.objects.exists()
    page.locator("input[name=q8][value=no_never]").check()
    page.get_by_role("button", name=text["save_result"]).click()
    expect(page.get_by_text(text["screening_saved"])).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text=text["cannabis"])).to_contain_text(text["moderate"])
    expect(rows.filter(has_text=text["cannabis"])).to_contain_text("4")
    expect(rows.filter(has_text=text["ats"])).to_contain_text(text["high"])
    expect(rows.filter(has_text=text["ats"])).to_contain_text("27")
    shot(page, f"{name}-04-assist-result")
    screening = Screening.objects.get()
    assert (screening.person, screening.risk, screening.screened_by) == (person, "high", staff)

    # The ASI-based assessment.
    page.get_by_role("link", name=text["record_assessment"]).click()
    page.get_by_label(text["team"]).fill("dr. Rina — dokter\nAgus — psikolog")
    for domain in DOMAINS:
        page.locator(f"#id_{domain}-troubled").select_option("2")
        page.locator(f"#id_{domain}-importance").select_option("3")
        page.locator(f"#id_{domain}-severity").select_option("6" if domain == "drug" else "3")
    page.get_by_role("button", name=text["save_assessment"]).click()
    expect(page.get_by_text(text["assessment_saved"])).to_be_visible()
    shot(page, f"{name}-05-assessment")
    assessment = Assessment.objects.get()
    assert assessment.person == person and assessment.result().domains["drug"].severity == 6
    assert assessment.team_members == ["dr. Rina — dokter", "Agus — psikolog"]

    # The team's recommendation: it waits for the head of the UPT.
    page.get_by_role("link", name=text["record_recommendation"]).click()
    page.get_by_label(text["medical_then_social"]).check()
    page.get_by_label(text["reasons"]).fill("ASSIST tinggi untuk sabu; keparahan narkoba 6.")
    page.get_by_role("button", name=text["record_recommendation"]).click()
    expect(page.get_by_text(text["recommended"])).to_be_visible()
    expect(page.get_by_text(text["awaiting"], exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=text["approve"], exact=True)).to_have_count(
        0
    )  # staff cannot approve
    shot(page, f"{name}-06-recommendation")
    recommendation = Recommendation.objects.get()
    assert recommendation.kind == "medical_then_social" and not recommendation.is_approved
    sign_out(page, text)

    # The head finds it on the work list and approves it with the decree.
    sign_in(page, "kalapas.amuntai", password, text)
    nav(page, text["assessment_nav"], text)
    page.get_by_role("link", name=text["to_approve_tab"]).click()
    row = page.locator("table tbody tr").filter(has_text="Rudi Hartono")
    expect(row).to_contain_text(text["medical_then_social"])
    row.get_by_role("link", name="Rudi Hartono").click()
    page.get_by_role("link", name=text["approve"], exact=True).click()
    page.get_by_label(text["decree"]).fill("W17.PAS.5-PK.01.04-12/2026")
    page.get_by_role("button", name=text["approve"], exact=True).click()
    expect(page.get_by_text(text["approved_message"])).to_be_visible()
    expect(page.get_by_text(text["approved"], exact=True)).to_be_visible()
    shot(page, f"{name}-07-approved")
    recommendation.refresh_from_db()
    assert recommendation.is_approved and recommendation.approved_by == head
    assert recommendation.decree_number == "W17.PAS.5-PK.01.04-12/2026"
    sign_out(page, text)

    # Staff enrol the person from the programme's waiting list, then start them.
    sign_in(page, "staf.amuntai", password, text)
    nav(page, text["rehab_nav"], text)
    page.get_by_role("link", name="TC Amuntai Tahap I").click()
    waiting = page.locator("li").filter(has_text="Rudi Hartono")
    expect(page.get_by_role("heading", name=text["waiting_list"])).to_be_visible()
    waiting.get_by_role("link", name=text["enrol"], exact=True).click()
    expect(page.get_by_text(text["from_recommendation"])).to_be_visible()
    expect(page.locator("#id_person option:checked")).to_have_text("Rudi Hartono")
    page.get_by_role("button", name=text["enrol"], exact=True).click()
    expect(page.get_by_text(text["enrolled"])).to_be_visible()
    participant = page.locator("table tbody tr").filter(has_text="Rudi Hartono")
    expect(participant).to_contain_text(text["waiting"])
    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.programme, enrolment.recommendation) == (
        person,
        programme,
        recommendation,
    )
    participant.get_by_label(text["new_status"]).select_option("active")
    participant.get_by_role("button", name=text["save"], exact=True).click()
    expect(page.get_by_text(text["started"])).to_be_visible()
    expect(page.locator("table tbody tr").filter(has_text="Rudi Hartono")).to_contain_text(text["active"])
    expect(page.locator("li").filter(has_text="Rudi Hartono")).to_have_count(0)  # off the waiting list
    shot(page, f"{name}-08-enrolled")
    enrolment.refresh_from_db()
    assert enrolment.status == "active" and enrolment.admission == admission
    assert list(EnrolmentTransition.objects.order_by("pk").values_list("to_status", flat=True)) == [
        "waiting",
        "active",
    ]

    # The person's page now tells the whole story.
    page.locator("table tbody").get_by_role("link", name="Rudi Hartono").click()
    expect(page.get_by_role("link", name="TC Amuntai Tahap I")).to_be_visible()
    expect(page.get_by_text(text["dose"])).to_be_visible()
    expect(page.get_by_text(text["approved"], exact=True)).to_be_visible()
    shot(page, f"{name}-09-person")
    assert problems == []


# --- Journey 2: a counsellor's series, attendance, note and follow-up ---------------------------------------


def test_journey2_counsellor_series_attendance_note_and_follow_up(
    page, browser, live_server, counsellor, staff, institution, agency, password
):
    name = "journey2-id"
    today = timezone.localdate()
    agreement = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=today - dt.timedelta(days=800),
        valid_until=today + dt.timedelta(days=365),
        scopes=["social_rehabilitation", "counselling", "aftercare"],
    )
    programme = Programme.objects.create(
        institution=institution,
        kind="social",
        name="TC Amuntai Tahap II",
        agency=agency,
        agreement=agreement,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=150),
        capacity=10,
        target=10,
        required_sessions=4,
    )
    for full_name in ("Rudi Hartono", "Slamet Riyadi"):
        person = PersonFactory(full_name=full_name)
        Enrolment.objects.create(
            programme=programme,
            person=person,
            admission=admit(person, institution, on=today - dt.timedelta(days=60)),
            kind="social",
            status="active",
            direct_reason="TPP",
        )
    # Someone who finished an earlier programme and was released 50 days ago: the 1-month follow-up is late.
    earlier = Programme.objects.create(
        institution=institution,
        kind="social",
        name="TC Amuntai 2024",
        agency=agency,
        agreement=agreement,
        starts_on=today - dt.timedelta(days=400),
        ends_on=today - dt.timedelta(days=200),
        capacity=10,
        target=10,
        required_sessions=4,
    )
    dedi = PersonFactory(full_name="Dedi Kurniawan")
    released = admit(dedi, institution, on=today - dt.timedelta(days=700))
    Enrolment.objects.create(
        programme=earlier,
        person=dedi,
        admission=released,
        kind="social",
        status="completed",
        direct_reason="x",
    )
    admission_release(by=staff, admission=released, on=today - dt.timedelta(days=50), release_type="parole")
    late = admit(PersonFactory(full_name="Yusuf Terlambat"), institution, on=today - dt.timedelta(days=400))
    Admission.objects.filter(pk=late.pk).update(expected_release=today - dt.timedelta(days=10))
    problems = watch_console(page)

    page.goto(page.base_url + reverse("accounts:login"))
    sign_in(page, "konselor.bnnk-hsu", password, TEXT["id"])
    nav(page, "Rehabilitasi", TEXT["id"])
    page.get_by_role("link", name="TC Amuntai Tahap II").click()
    expect(page.get_by_role("heading", name="TC Amuntai Tahap II")).to_be_visible()
    shot(page, f"{name}-01-programme")

    # A twice-weekly group series, 8 times, starting two weeks ago.
    page.get_by_role("link", name="Jadwalkan sesi").click()
    page.get_by_label("Jenis").select_option("group")
    page.get_by_label("Topik").fill("Kelompok dukungan sebaya")
    page.get_by_label("Ruang atau tempat").fill("Aula Pembinaan")
    first_day = today - dt.timedelta(days=14)
    page.locator("#id_day").fill(first_day.isoformat())
    page.locator("#id_start_time").fill("09:00")
    page.locator("#id_end_time").fill("11:00")
    page.get_by_label("Senin").check()
    page.get_by_label("Kamis").check()
    page.get_by_label("atau sebanyak (kali)").fill("8")
    shot(page, f"{name}-02-series-form")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text("8 sesi dijadwalkan.")).to_be_visible()
    series = SessionSeries.objects.get()
    sessions = list(Session.objects.filter(series=series).order_by("starts_at"))
    assert len(sessions) == 8
    zone = institution.time_zone_info
    assert {s.starts_at.astimezone(zone).weekday() for s in sessions} == {0, 3}  # Mondays and Thursdays
    assert all(s.starts_at.astimezone(zone).time() == dt.time(9, 0) for s in sessions)
    first = sessions[0]
    assert first.starts_at.astimezone(zone).date() >= first_day
    expect(page).to_have_url(re.compile(re.escape(first.get_absolute_url()) + "$"))  # the first one opens
    expect(page.get_by_role("heading", name="Kelompok dukungan sebaya")).to_be_visible()

    # The next morning the counsellor starts from the home page: its to-do count of sessions over without
    # attendance leads to the list, and from there to the first session.
    page.get_by_role("link", name="Beranda").click()
    gaps = page.locator('[data-todo="attendance-gaps"]')
    expect(gaps).to_contain_text("sesi selesai tanpa kehadiran dicatat")
    over = Session.objects.filter(series=series, ends_at__lt=timezone.now()).count()
    expect(gaps.locator(".todo-count")).to_have_text(str(over))
    shot(page, f"{name}-03a-home")
    gaps.click()
    expect(page.get_by_role("heading", name="Kehadiran belum dicatat")).to_be_visible()
    page.locator(f'a[href="{first.get_absolute_url()}"]').first.click()
    expect(page.get_by_role("heading", name="Kelompok dukungan sebaya")).to_be_visible()

    # It has happened: attendance for the whole group, one excused absence. The reason forgotten first:
    # refused, the marks kept and the problem named, nothing saved.
    page.get_by_role("group", name="Rudi Hartono").get_by_label("Hadir", exact=True).check()
    page.get_by_role("group", name="Slamet Riyadi").get_by_label("Tidak hadir dengan alasan sah").check()
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.get_by_text("Slamet Riyadi").first).to_be_visible()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_contain_text("Slamet Riyadi")
    expect(page.get_by_role("group", name="Rudi Hartono").get_by_label("Hadir", exact=True)).to_be_checked()
    expect(
        page.get_by_role("group", name="Slamet Riyadi").get_by_label("Tidak hadir dengan alasan sah")
    ).to_be_checked()
    assert not Attendance.objects.filter(session=first).exclude(status="").exists()
    shot(page, f"{name}-03b-attendance-refused")
    page.get_by_label("Slamet Riyadi: Alasan").select_option("sick")
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.get_by_text("Kehadiran telah disimpan.")).to_be_visible()
    expect(page.get_by_text("Terlaksana", exact=True)).to_be_visible()
    expect(page.get_by_role("group", name="Rudi Hartono").get_by_label("Hadir", exact=True)).to_be_checked()
    shot(page, f"{name}-03-attendance")
    assert dict(
        Attendance.objects.filter(session=first).values_list("enrolment__person__full_name", "status")
    ) == {
        "Rudi Hartono": "present",
        "Slamet Riyadi": "excused",
    }
    assert Attendance.objects.get(session=first, status="excused").reason == "sick"

    # A confidential note about Rudi.
    page.get_by_label("Mengenai").select_option(label="Rudi Hartono")
    page.get_by_label("Catatan", exact=True).fill("Rudi mulai terbuka tentang keluarganya.")
    page.get_by_role("button", name="Tambah catatan").click()
    expect(page.get_by_text("Catatan telah disimpan.")).to_be_visible()
    expect(page.get_by_text("Rudi mulai terbuka tentang keluarganya.")).to_be_visible()
    shot(page, f"{name}-04-note")
    note = Note.objects.get()
    assert (note.session, note.person.full_name, note.author) == (first, "Rudi Hartono", counsellor)

    # The dose went up for Rudi only: one of four sessions, two hours written the Indonesian way.
    page.get_by_role("link", name="TC Amuntai Tahap II").click()
    rudi = page.locator("table tbody tr").filter(has_text="Rudi Hartono")
    expect(rudi).to_contain_text("1 / 4")
    expect(rudi).to_contain_text("2,0")
    expect(page.locator("table tbody tr").filter(has_text="Slamet Riyadi")).to_contain_text("0 / 4")

    # After-care: Dedi's 1-month follow-up is overdue; the counsellor records the home visit.
    nav(page, "Rehabilitasi", TEXT["id"])
    page.get_by_role("link", name="Pascarehabilitasi").click()
    row = page.locator("table tbody tr").filter(has_text="Dedi Kurniawan")
    expect(row).to_contain_text("1 bulan setelah bebas")
    expect(row).to_contain_text("terlambat")
    shot(page, f"{name}-05-follow-ups-overdue")
    row.get_by_role("link", name="Catat").click()
    page.get_by_label("Tanggal kontak").fill((today - dt.timedelta(days=10)).isoformat())
    page.get_by_label("Metode").select_option("visit")
    page.get_by_label("Hasil").select_option("abstinent")
    page.get_by_label("Panel tes urine").fill("6 parameter")
    page.get_by_label("Metamfetamin").select_option("negative")
    page.get_by_label("Catatan rahasia").fill("Tinggal bersama orang tua, bekerja di bengkel.")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text("Tindak lanjut telah dicatat.")).to_be_visible()
    first_follow_up = page.locator("table tbody tr").first
    expect(first_follow_up).to_contain_text("Kunjungan rumah")
    expect(first_follow_up).to_contain_text("Tidak menggunakan (abstinen)")
    expect(first_follow_up).to_contain_text("Tinggal bersama orang tua")
    shot(page, f"{name}-06-follow-up-recorded")
    follow_up = FollowUp.objects.get(months_after=1)
    assert follow_up.done_on == today - dt.timedelta(days=10)
    assert (follow_up.method, follow_up.outcome, follow_up.recorded_by) == ("visit", "abstinent", counsellor)
    assert follow_up.urine_results == {"methamphetamine": "negative"} and not follow_up.urine_positive
    assert problems == []

    # UPT staff see the session and its attendance, never the counsellor's note.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        staff_page = context.new_page()
        staff_page.set_default_timeout(15_000)
        staff_page.goto(live_server.url + reverse("accounts:login"))
        sign_in(staff_page, "staf.amuntai", password, TEXT["id"])
        expect(staff_page.locator("button.user-name")).to_be_visible()
        staff_page.goto(live_server.url + first.get_absolute_url())
        expect(staff_page.get_by_role("heading", name="Kelompok dukungan sebaya")).to_be_visible()
        present = staff_page.get_by_role("group", name="Rudi Hartono").get_by_label("Hadir", exact=True)
        expect(present).to_be_checked()  # the attendance the counsellor took
        expect(staff_page.get_by_text("Rudi mulai terbuka")).to_have_count(0)
        expect(staff_page.get_by_role("heading", name="Catatan rahasia")).to_have_count(0)
        shot(staff_page, f"{name}-07-staff-cannot-read-the-note")

        # Staff's home: someone still held after the expected release date, and the list behind the count.
        staff_page.goto(live_server.url + reverse("home"))
        past = staff_page.locator('[data-todo="past-release"]')
        expect(past.locator(".todo-count")).to_have_text("1")
        past.click()
        expect(staff_page.locator("table tbody tr")).to_have_count(1)
        expect(staff_page.locator("table tbody tr")).to_contain_text("Yusuf Terlambat")
        shot(staff_page, f"{name}-08-staff-overdue-release")
    finally:
        context.close()


# --- Journey 3: agreements ending soon, monthly reports, recidivism -----------------------------------------


def test_journey3_regional_officer_agreements_and_monthly_report(
    page, worker, regional, sister_staff, staff, region, institution, agency, password
):
    name = "journey3-id"
    # The pages count days on the institution's calendar (WITA): near midnight the server's zone (WIB) is a
    # day behind, and "40 days" would read 39.
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(institution.time_zone))
    # Expiring in 40 days, in force for long yet, and expired 20 days ago: (number, from, until) in days.
    for number, starts, ends in (
        ("PKS/011/2024", -600, 40),
        ("PKS/012/2025", -100, 700),
        ("PKS/003/2022", -1200, -20),
    ):
        make_agreement(
            institutions=[institution],
            agencies=[agency],
            number=number,
            valid_from=today + dt.timedelta(days=starts),
            valid_until=today + dt.timedelta(days=ends),
        )
    # Earlier custody history for the dashboard: five people released 50 days ago, one of them back since.
    for index in range(5):
        person = PersonFactory(full_name=f"Warga Binaan {index}")
        admission = admit(person, institution, on=today - dt.timedelta(days=400))
        admission_release(
            by=staff, admission=admission, on=today - dt.timedelta(days=50), release_type="parole"
        )
        if index == 0:
            admit(person, institution, on=today - dt.timedelta(days=10), number="B.I 999/2026")
    month = today.replace(day=1) - dt.timedelta(days=1)  # last month, what the form offers
    problems = watch_console(page)

    page.goto(page.base_url + reverse("accounts:login"))
    sign_in(page, "kanwil.kalsel", password, TEXT["id"])
    # The home page already warns of the agreement ending within 90 days.
    ending = page.locator("section").filter(
        has=page.get_by_role("heading", name="Perjanjian yang berakhir dalam 90 hari")
    )
    expect(ending.locator("tbody tr")).to_have_count(1)
    expect(ending).to_contain_text("PKS/011/2024")
    expect(ending).to_contain_text("40 hari lagi")
    shot(page, f"{name}-01-home")

    # The agreements list: all three, then only those ending within 90 days, then by status.
    nav(page, "Perjanjian", TEXT["id"])
    expect(page.get_by_role("heading", name="Perjanjian (MoU/PKS)")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_label("Berakhir dalam 90 hari").check()
    page.get_by_role("button", name="Terapkan").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("PKS/011/2024")
    expect(rows.first).to_contain_text("Akan berakhir")
    expect(page.get_by_label("Berakhir dalam 90 hari")).to_be_checked()
    shot(page, f"{name}-02-agreements-ending-soon")
    page.get_by_label("Berakhir dalam 90 hari").uncheck()
    page.get_by_label("Status").select_option(label="Berakhir")
    page.get_by_role("button", name="Terapkan").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("PKS/003/2022")

    # The region's monthly report, in Indonesian: generated now, the status page refreshes until it is ready.
    nav(page, "Laporan", TEXT["id"])
    expect(page.get_by_label("Laporan untuk")).to_have_value(f"region:{region.pk}")  # the region comes first
    expect(page.get_by_label("Bulan")).to_have_value(month.strftime("%Y-%m"))
    page.get_by_role("button", name="Buat sekarang").click()
    download_button = page.get_by_role("link", name="Unduh PDF")
    expect(download_button).to_be_visible(timeout=90_000)
    expect(
        page.get_by_role("heading", name=re.compile("Kanwil Ditjenpas Kalimantan Selatan"))
    ).to_be_visible()
    shot(page, f"{name}-03-region-report-ready")
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename == f"laporan-kalsel-{month:%Y-%m}-id.pdf"
    text = pdf_text(download.value.path())
    assert "Rehabilitasi narkotika — laporan bulanan: Kanwil Ditjenpas Kalimantan Selatan" in text
    assert f"Periode: {BULAN[month.month - 1]} {month.year}" in text
    assert "Perjanjian yang berlaku 2" in text  # the expired one no longer counts
    assert "Perjanjian yang berakhir dalam 90 hari 1" in text

    # A UPT's report, in English: the report's language is chosen apart from the page's.
    nav(page, "Laporan", TEXT["id"])
    page.get_by_label("Laporan untuk").select_option(label="Lapas Kelas IIB Amuntai")
    page.get_by_role("main").get_by_label("Bahasa").select_option("en")  # not the page's switcher
    page.get_by_role("button", name="Buat sekarang").click()
    download_button = page.get_by_role("link", name="Unduh PDF")
    expect(download_button).to_be_visible(timeout=90_000)
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename == f"laporan-lapas-amuntai-{month:%Y-%m}-en.pdf"
    text = pdf_text(download.value.path())
    assert "Drug rehabilitation — monthly report: Lapas Kelas IIB Amuntai" in text
    assert f"Period: {calendar.month_name[month.month]} {month.year}" in text
    assert "Agreements ending within 90 days 1" in text
    region_report = Report.objects.get(scope="region")
    upt_report = Report.objects.get(scope="institution")
    assert (region_report.region, region_report.month, region_report.language) == (
        region,
        month.replace(day=1),
        "id",
    )
    assert (upt_report.institution, upt_report.language) == (institution, "en")
    assert {region_report.status, upt_report.status} == {"done"}

    # Both in the archive, ready.
    nav(page, "Laporan", TEXT["id"])
    archive = page.locator("table tbody tr")
    expect(archive).to_have_count(2)
    expect(archive.filter(has_text="Kanwil Ditjenpas Kalimantan Selatan")).to_contain_text("Siap")
    expect(archive.filter(has_text="Lapas Kelas IIB Amuntai")).to_contain_text("Siap")
    shot(page, f"{name}-04-report-archive")

    # The recidivism dashboard: the cohort table and the survival curve.
    page.get_by_role("link", name="Residivisme").click()
    expect(page.locator(".survival-chart img, .survival-chart svg").first).to_be_visible()
    page.wait_for_function(  # an <img> chart has actually been drawn, not refused or broken
        "() => { const img = document.querySelector('.survival-chart img');"
        " return !img || (img.complete && img.naturalWidth > 0); }"
    )
    expect(page.locator(".cohort-table")).to_be_visible()
    shot(page, f"{name}-05-recidivism")
    assert problems == []
    sign_out(page, TEXT["id"])

    # Staff of another UPT of the region cannot download either report: 404.
    sign_in(page, "staf.barabai", password, TEXT["id"])
    expect(page.locator("button.user-name")).to_be_visible()
    for report in (upt_report, region_report):
        response = page.goto(page.base_url + reverse("reports:report-download", args=[report.pk]))
        assert response.status == 404
    shot(page, f"{name}-06-other-upt-gets-404")


def pdf_text(path) -> str:
    with open(path, "rb") as pdf:
        data = pdf.read()
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())  # lines break wherever the layout wrapped them
