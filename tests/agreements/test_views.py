"""Agreement pages: who sees and changes what (allowed, read-only, outsider), filters, query bounds, bad
input, and the signed document: only real PDFs, size-limited, stored privately, downloaded in scope and
audited."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import Agreement, AgreementEvent
from audit.models import AuditEvent
from tests.factories import AgencyFactory, InstitutionFactory, make_agreement, pdf_bytes

LIST = reverse("agreements:agreement-list")
CREATE = reverse("agreements:agreement-create")
TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def agreement(institution, agency):
    return make_agreement(
        institutions=[institution],
        agencies=[agency],
        number="W.17.PAS-UM.01.01-001/2025",
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )


def url(name, agreement):
    return reverse(f"agreements:agreement-{name}", args=[agreement.pk])


def numbers_on(response) -> list[str]:
    return [agreement.number for agreement in response.context["page_obj"].object_list]


def form_data(institution, agency, **overrides):
    data = {
        "number": "W.17.PAS-UM.01.01-777/2026",
        "title": "Nota Kesepahaman Rehabilitasi",
        "kind": "mou",
        "institutions": [institution.pk],
        "agencies": [agency.pk],
        "signed_on": "2026-11-20",
        "signed_place": "Amuntai",
        "valid_from": "2026-12-01",
        "valid_until": "2029-11-30",
        "scopes": ["screening_assessment", "social_rehabilitation"],
        "notes": "",
        "signatories-TOTAL_FORMS": "2",
        "signatories-INITIAL_FORMS": "0",
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "20",
        "signatories-0-name": "Yosef Leonard Sihombing",
        "signatories-0-position": "Kepala Lapas",
        "signatories-0-party": "Lapas Kelas IIB Amuntai",
        "signatories-1-name": "",
        "signatories-1-position": "",
        "signatories-1-party": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pdf_upload(name="mou.pdf", content=None):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, "application/pdf")


# --- Who sees what -------------------------------------------------------------------------------------


def test_list_shows_each_role_its_own_agreements(
    login, staff, sister_staff, regional, other_regional, national, counsellor, outsider, agreement, agency
):
    sister = make_agreement(
        institutions=[InstitutionFactory(code="rutan-barabai")],
        agencies=[AgencyFactory(code="bnnk-balangan")],
    )
    assert numbers_on(login(staff).get(LIST)) == [agreement.number]
    assert numbers_on(login(sister_staff).get(LIST)) == [sister.number]
    assert sorted(numbers_on(login(regional).get(LIST))) == sorted([agreement.number, sister.number])
    assert numbers_on(login(counsellor).get(LIST)) == [agreement.number]
    assert numbers_on(login(other_regional).get(LIST)) == []
    assert numbers_on(login(outsider).get(LIST)) == []
    assert len(numbers_on(login(national).get(LIST))) == 2


def test_detail_allowed_read_only_and_outsider(login, staff, counsellor, outsider, agreement):
    response = login(staff).get(url("detail", agreement))
    assert response.status_code == 200
    assert (
        response.context["can_edit"] and response.context["can_terminate"] and response.context["can_renew"]
    )
    read_only = login(counsellor).get(url("detail", agreement))
    assert read_only.status_code == 200 and not read_only.context["can_edit"]
    assert "Screening and assessment" in read_only.content.decode()
    assert login(outsider).get(url("detail", agreement)).status_code == 404


@pytest.mark.parametrize("page", ["edit", "terminate", "renew"])
def test_write_pages_allowed_read_only_and_outsider(
    login, regional, counsellor, other_regional, agreement, page
):
    assert login(regional).get(url(page, agreement)).status_code == 200
    assert login(counsellor).get(url(page, agreement)).status_code == 403
    assert login(other_regional).get(url(page, agreement)).status_code == 404


def test_create_page_is_for_officers_and_staff_only(login, staff, regional, national, counsellor):
    for user in (staff, regional, national):
        assert login(user).get(CREATE).status_code == 200
    assert login(counsellor).get(CREATE).status_code == 403


def test_staff_may_only_choose_their_own_institution(login, staff, institution, sister_institution):
    choices = list(login(staff).get(CREATE).context["form"].fields["institutions"].queryset)
    assert choices == [institution]


# --- Filters and query bounds -----------------------------------------------------------------------------


def test_filters_status_scope_agency_and_expiring(login, national, institution, agency, sister_institution):
    ending = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=dt.date(2024, 1, 1),
        valid_until=TODAY.replace(month=12, day=31),
        scopes=["counselling"],
    )
    other_agency = AgencyFactory(code="ipwl-x")
    aftercare = make_agreement(
        institutions=[sister_institution], agencies=[other_agency], scopes=["aftercare"], valid_until=None
    )
    expired = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2022, 1, 1),
        scopes=["counselling"],
    )
    client = login(national)
    assert numbers_on(client.get(LIST, {"status": "expiring"})) == [ending.number]
    assert numbers_on(client.get(LIST, {"expiring": "on"})) == [ending.number]
    assert numbers_on(client.get(LIST, {"status": "expired"})) == [expired.number]
    assert numbers_on(client.get(LIST, {"scope": "aftercare"})) == [aftercare.number]
    assert numbers_on(client.get(LIST, {"agency": other_agency.pk})) == [aftercare.number]
    assert sorted(numbers_on(client.get(LIST, {"institution": institution.pk}))) == sorted(
        [ending.number, expired.number]
    )
    assert numbers_on(client.get(LIST, {"region": institution.region.pk, "q": "nothing-like-this"})) == []
    # A bad value drops that filter, never the page.
    assert client.get(LIST, {"status": "bogus", "agency": "x"}).status_code == 200


def test_list_and_detail_query_counts_do_not_grow_with_rows(
    login, national, institution, agency, django_assert_max_num_queries
):
    first = make_agreement(institutions=[institution], agencies=[agency])
    client = login(national)
    with django_assert_max_num_queries(14) as one:
        client.get(LIST)
    for _ in range(30):
        make_agreement(institutions=[institution, InstitutionFactory()], agencies=[agency, AgencyFactory()])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(LIST)
    with django_assert_max_num_queries(16):
        client.get(url("detail", first))


# --- Register, amend, terminate, renew ---------------------------------------------------------------


def test_regional_officer_registers_an_agreement_with_its_signed_pdf(
    login, regional, counsellor, institution, agency
):
    response = login(regional).post(
        CREATE, form_data(institution, agency, document=pdf_upload("MoU Amuntai.pdf"))
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    assert agreement.status_on(TODAY) == Agreement.Status.SCHEDULED
    assert list(agreement.institutions.all()) == [institution]
    assert sorted(agreement.scope_items.values_list("scope", flat=True)) == [
        "screening_assessment",
        "social_rehabilitation",
    ]
    assert [s.name for s in agreement.signatories.all()] == ["Yosef Leonard Sihombing"]
    assert agreement.document_name == "MoU Amuntai.pdf"
    assert list(agreement.events.values_list("kind", flat=True)) == ["registered", "document"]
    assert AuditEvent.objects.filter(action="create", object_id=str(agreement.pk)).exists()
    # Stored under the private root, with a name nobody can guess, outside static and media roots.
    stored = Path(agreement.document.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "Amuntai" not in stored.name


def test_document_is_downloaded_only_in_scope_and_every_download_is_audited(
    login, regional, counsellor, outsider, institution, agency
):
    login(regional).post(CREATE, form_data(institution, agency, document=pdf_upload()))
    agreement = Agreement.objects.get()
    response = login(counsellor).get(url("document", agreement))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert login(outsider).get(url("document", agreement)).status_code == 404
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, object_id=str(agreement.pk))
    assert [event.actor for event in downloads] == [counsellor]


def test_no_document_answers_404(login, staff, agreement):
    assert login(staff).get(url("document", agreement)).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"valid_until": "2026-11-30"}, "valid_until", "The validity cannot end before it starts."),
        ({"institutions": None}, "institutions", "Choose at least one institution (UPT) that is a party."),
        ({"agencies": None}, "agencies", "Choose at least one partner agency that is a party."),
        ({"signed_on": "2026-11-23"}, "signed_on", "The signing date cannot be in the future."),
        ({"scopes": None}, "scopes", "Choose at least one kind of work the agreement covers."),
        ({"valid_from": "31-31-2026"}, "valid_from", "Enter a valid date."),
    ],
)
def test_bad_input_gives_a_clear_message_and_saves_nothing(
    login, regional, institution, agency, overrides, field, message
):
    response = login(regional).post(CREATE, form_data(institution, agency, **overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert "Nothing was saved" in response.content.decode()
    assert Agreement.objects.count() == 0


def test_bad_input_message_in_indonesian(client, regional, institution, agency):
    client.force_login(regional)
    response = client.post(CREATE, form_data(institution, agency, valid_until="2026-11-30"))
    assert "Masa berlaku tidak boleh berakhir sebelum dimulai." in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("mou.pdf", b"Just text, renamed to .pdf\n", "application/pdf"), "not a PDF"),
        (
            SimpleUploadedFile("mou.pdf", b"%PDF-1.7\nnot really a pdf at all", "application/pdf"),
            "cannot be read",
        ),
        (SimpleUploadedFile("mou.pdf", b"MZ\x90\x00 an executable", "application/pdf"), "not a PDF"),
    ],
)
def test_only_real_pdfs_are_accepted(login, regional, institution, agency, upload, message):
    response = login(regional).post(CREATE, form_data(institution, agency, document=upload))
    assert message in " ".join(response.context["form"].errors["document"])
    assert Agreement.objects.count() == 0


def test_a_real_pdf_named_otherwise_is_accepted_and_the_size_is_limited(
    login, regional, institution, agency, settings
):
    settings.AGREEMENT_DOCUMENT_MAX_MB = 1
    client = login(regional)
    too_big = pdf_upload(content=pdf_bytes(padding=1_100_000))
    response = client.post(CREATE, form_data(institution, agency, document=too_big))
    assert "larger than 1 MB" in " ".join(response.context["form"].errors["document"])
    assert Agreement.objects.count() == 0
    response = client.post(CREATE, form_data(institution, agency, document=pdf_upload(name="scan.jpeg")))
    assert response.status_code == 302


def test_staff_cannot_register_for_another_institution(login, staff, sister_institution, agency):
    response = login(staff).post(CREATE, form_data(sister_institution, agency))
    assert "institutions" in response.context["form"].errors
    assert Agreement.objects.count() == 0


def test_duplicate_number_is_refused(login, regional, institution, agency, agreement):
    response = login(regional).post(CREATE, form_data(institution, agency, number=agreement.number))
    assert "An agreement with this number is already registered." in response.context["form"].errors["number"]


def test_amending_records_what_changed(login, regional, agreement, institution, agency):
    data = form_data(
        institution,
        agency,
        number=agreement.number,
        valid_from="2025-01-01",
        valid_until="2028-12-31",
        signed_on="2025-01-01",
        change_note="Adendum I memperpanjang masa berlaku",
    )
    response = login(regional).post(url("edit", agreement), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.valid_until == dt.date(2028, 12, 31)
    event = agreement.events.get(kind=AgreementEvent.Kind.AMENDED)
    assert "valid_until" in event.details["fields"] and event.by == regional
    assert event.note == "Adendum I memperpanjang masa berlaku"
    page = login(regional).get(url("detail", agreement)).content.decode()
    assert "Adendum I memperpanjang masa berlaku" in page and "valid until" in page


def test_amending_with_bad_dates_saves_nothing(login, regional, agreement, institution, agency):
    data = form_data(
        institution, agency, number=agreement.number, valid_from="2025-01-01", valid_until="2024-01-01"
    )
    assert login(regional).post(url("edit", agreement), data).status_code == 200
    agreement.refresh_from_db()
    assert agreement.valid_until == dt.date(2027, 12, 31)
    assert not agreement.events.exists()


def test_terminating_early(login, regional, agreement):
    client = login(regional)
    response = client.post(
        url("terminate", agreement), {"last_day": "2026-12-15", "reason": "Anggaran tidak tersedia"}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.terminated_on == dt.date(2026, 12, 15)
    assert agreement.events.get(kind="terminated").note == "Anggaran tidak tersedia"
    assert agreement.status_on(dt.date(2026, 12, 16)) == Agreement.Status.TERMINATED
    # A second termination is refused politely.
    assert client.get(url("terminate", agreement)).status_code == 302


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"last_day": "2027-12-31", "reason": "x"}, "last_day"),  # not early
        ({"last_day": "2024-12-01", "reason": "x"}, "last_day"),  # before signing
        ({"last_day": "2026-12-01", "reason": "   "}, "reason"),
    ],
)
def test_termination_bad_input(login, regional, agreement, data, field):
    response = login(regional).post(url("terminate", agreement), data)
    assert field in response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.terminated_on is None


def test_renewal_points_at_the_agreement_it_replaces(login, regional, agreement, institution, agency):
    client = login(regional)
    initial = client.get(url("renew", agreement)).context["form"].initial
    assert initial["valid_from"] == dt.date(2028, 1, 1)
    data = form_data(
        institution,
        agency,
        number="W.17.PAS-UM.01.01-002/2028",
        valid_from="2028-01-01",
        valid_until="2030-12-31",
    )
    assert client.post(url("renew", agreement), data).status_code == 302
    renewal = Agreement.objects.get(number="W.17.PAS-UM.01.01-002/2028")
    assert renewal.replaces == agreement
    assert agreement.events.get(kind="renewed").details["number"] == renewal.number
    assert client.get(url("detail", agreement)).context["renewal"] == renewal
    # Renewing twice is not possible.
    assert client.get(url("renew", agreement)).status_code == 302


def test_renewal_must_start_after_the_old_one(login, regional, agreement, institution, agency):
    data = form_data(
        institution,
        agency,
        number="NEW/1",
        valid_from="2024-06-01",
        valid_until="2026-06-01",
        signed_on="2024-05-01",
    )
    response = login(regional).post(url("renew", agreement), data)
    assert (
        "A renewal must start after the agreement it renews." in response.context["form"].errors["valid_from"]
    )
    assert not Agreement.objects.filter(number="NEW/1").exists()


def test_empty_list_explains_itself(login, staff):
    response = login(staff).get(LIST)
    assert "No agreements registered yet" in response.content.decode()


def test_home_dashboards_show_agreements_ending_soon(login, staff, regional, national, institution, agency):
    ending = make_agreement(institutions=[institution], agencies=[agency], valid_until=dt.date(2027, 1, 10))
    make_agreement(institutions=[institution], agencies=[agency], valid_until=dt.date(2028, 1, 10))
    for user in (staff, regional):
        response = login(user).get(reverse("home"))
        assert [a.number for a in response.context["ending_soon"]] == [ending.number]
        assert "49 days left" in response.content.decode()
    assert "ending_soon" not in login(national).get(reverse("home")).context


@pytest.mark.parametrize(
    "overrides",
    [
        {"valid_from": "0025-03-25"},
        {"valid_until": "9999-12-31"},
        {"signed_on": "1900-01-01"},
    ],
)
def test_implausible_years_are_refused(login, regional, institution, agency, overrides):
    response = login(regional).post(CREATE, form_data(institution, agency, **overrides))
    assert "Check the year" in str(response.context["form"].errors)
    assert Agreement.objects.count() == 0


def test_drafts_and_expired_agreements_cannot_be_terminated(login, regional, institution, agency):
    draft = make_agreement(institutions=[institution], agencies=[agency], signed_on=None)
    expired = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2022, 1, 1),
    )
    client = login(regional)
    for agreement, message in ((draft, "cannot be terminated"), (expired, "already expired")):
        assert not client.get(url("detail", agreement)).context["can_terminate"]
        response = client.post(url("terminate", agreement), {"last_day": "2021-06-01", "reason": "Salah"})
        assert message in str(response.context["form"].errors)
        agreement.refresh_from_db()
        assert agreement.terminated_on is None


def test_download_is_named_pdf_whatever_the_upload_was_called(login, regional, institution, agency):
    client = login(regional)
    client.post(CREATE, form_data(institution, agency, document=pdf_upload(name="scan mou.html")))
    agreement = Agreement.objects.get()
    response = client.get(url("document", agreement))
    assert 'filename="scan mou.pdf"' in response["Content-Disposition"]
    assert agreement.events.get(kind="document").details["file"] == agreement.document.name


def test_replacing_the_document_keeps_the_earlier_file(login, regional, institution, agency):
    client = login(regional)
    client.post(CREATE, form_data(institution, agency, document=pdf_upload(name="v1.pdf")))
    agreement = Agreement.objects.get()
    first = agreement.document.name
    data = form_data(institution, agency, number=agreement.number, document=pdf_upload(name="v2.pdf"))
    assert client.post(url("edit", agreement), data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.document_name == "v2.pdf" and agreement.document.name != first
    assert agreement.document.storage.exists(first)
    assert [e.details["file"] for e in agreement.events.filter(kind="document")] == [
        first,
        agreement.document.name,
    ]


def test_a_failed_amendment_still_shows_the_saved_number(login, regional, agreement, institution, agency):
    data = form_data(
        institution, agency, number="TYPO-NEW", valid_from="2025-01-01", valid_until="2024-01-01"
    )
    page = login(regional).post(url("edit", agreement), data).content.decode()
    assert f"Amend agreement {agreement.number}" in page
    agreement.refresh_from_db()
    assert agreement.number == "W.17.PAS-UM.01.01-001/2025"


def test_renewed_agreements_leave_the_ending_soon_dashboard(login, regional, institution, agency):
    ending = make_agreement(institutions=[institution], agencies=[agency], valid_until=dt.date(2027, 1, 10))
    client = login(regional)
    assert [a.number for a in client.get(reverse("home")).context["ending_soon"]] == [ending.number]
    make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=dt.date(2027, 1, 11),
        valid_until=None,
        replaces=ending,
    )
    assert client.get(reverse("home")).context["ending_soon"] == []
