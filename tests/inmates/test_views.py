"""WBP pages: scope (allowed, read-only, outsider), search and filters, query bounds, bad input."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from inmates.models import Admission, Movement, Person
from inmates.search import LONGEST_NAME, LONGEST_REGISTER_NUMBER, search_q
from tests.factories import InstitutionFactory, PersonFactory, admit

LIST = reverse("inmates:admission-list")


def names_on(response) -> list[str]:
    return [admission.person.full_name for admission in response.context["page_obj"].object_list]


# --- The list: scope, search, filters ---------------------------------------------------------------------


def test_staff_see_their_institutions_wbp_and_not_others(login, staff, person, other_institution):
    stranger = PersonFactory(full_name="Orang Lain")
    admit(stranger, other_institution)
    response = login(staff).get(LIST)
    assert response.status_code == 200
    assert names_on(response) == ["Ahmad Fauzan"]


def test_regional_officer_sees_the_regions_wbp_read_only(login, regional, person, sister_institution):
    admit(PersonFactory(full_name="Bambang Sister"), sister_institution)
    response = login(regional).get(LIST)
    assert sorted(names_on(response)) == ["Ahmad Fauzan", "Bambang Sister"]
    assert response.context["can_register"] is False


def test_outsider_and_counsellor_see_no_one(login, outsider, counsellor, person):
    assert names_on(login(outsider).get(LIST)) == []
    response = login(counsellor).get(LIST)
    assert names_on(response) == []
    assert "active agreement" in response.content.decode() or "perjanjian" in response.content.decode()


def test_national_officer_sees_everyone(login, national, person, other_institution):
    admit(PersonFactory(full_name="Orang Jawa"), other_institution)
    assert sorted(names_on(login(national).get(LIST))) == ["Ahmad Fauzan", "Orang Jawa"]


@pytest.mark.parametrize("query", ["fauzan", "B.I 017", "6308011705900001", "6308 0117 0590 0001"])
def test_search_by_name_register_number_or_nik(login, staff, person, institution, query):
    admit(PersonFactory(full_name="Siti Aminah", nik="6308014101920002"), institution, number="B.IIa 5/2025")
    assert names_on(login(staff).get(LIST, {"q": query})) == ["Ahmad Fauzan"]


def test_filters_status_category_and_offence(login, staff, person, institution):
    released = PersonFactory(full_name="Yang Bebas")
    admission = admit(released, institution, offence=Admission.Offence.NON_NARCOTICS, category="B.IIa")
    admission.released_on, admission.release_type = dt.date(2025, 6, 1), Admission.ReleaseType.PAROLE
    admission.save()
    client = login(staff)
    assert names_on(client.get(LIST)) == ["Ahmad Fauzan"]  # default: in custody
    assert names_on(client.get(LIST, {"status": "released"})) == ["Yang Bebas"]
    assert sorted(names_on(client.get(LIST, {"status": "all"}))) == ["Ahmad Fauzan", "Yang Bebas"]
    assert names_on(client.get(LIST, {"status": "all", "category": "B.IIa"})) == ["Yang Bebas"]
    assert names_on(client.get(LIST, {"status": "all", "offence": "narcotics"})) == ["Ahmad Fauzan"]
    assert names_on(client.get(LIST, {"status": "all", "offence": "non_narcotics"})) == ["Yang Bebas"]


def test_bad_filter_values_are_ignored_not_an_error(login, staff, person):
    response = login(staff).get(
        LIST, {"status": "nonsense", "category": "Z", "institution": "abc", "page": "x"}
    )
    assert response.status_code == 200


def test_list_is_paginated(login, staff, institution, settings):
    for index in range(30):
        admit(PersonFactory(full_name=f"Orang {index:02d}"), institution)
    client = login(staff)
    first = client.get(LIST)
    assert len(first.context["page_obj"].object_list) == settings.PAGE_SIZE
    second = client.get(LIST, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 30 - settings.PAGE_SIZE


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count_does_not_grow_with_rows(
    login, staff, institution, rows, django_assert_max_num_queries
):
    for index in range(rows):
        admit(PersonFactory(full_name=f"Orang {index:02d}"), institution)
    client = login(staff)
    with django_assert_max_num_queries(9):
        response = client.get(LIST, {"status": "all"})
    assert response.context["page_obj"].paginator.count == rows


# --- A person's page --------------------------------------------------------------------------------------


def test_person_page_for_allowed_read_only_and_outsider(
    login, staff, regional, outsider, sister_staff, person
):
    url = person.get_absolute_url()
    allowed = login(staff).get(url)
    assert allowed.status_code == 200
    assert allowed.context["can_move"] is True
    read_only = login(regional).get(url)
    assert read_only.status_code == 200
    assert read_only.context["can_move"] is False
    assert read_only.context["can_edit"] is False
    assert login(outsider).get(url).status_code == 404
    assert login(sister_staff).get(url).status_code == 404


def test_person_page_shows_identity_admissions_and_timeline(login, staff, person, sister_institution):
    admission = person.admissions.get()
    Movement.objects.create(
        admission=admission,
        kind=Movement.Kind.TRANSFER,
        on=dt.date(2025, 3, 1),
        from_institution=admission.institution,
        to_institution=sister_institution,
    )
    response = login(staff).get(person.get_absolute_url())
    html = response.content.decode()
    assert "6308011705900001" in html
    assert "B.I 017/2025" in html
    assert [movement.kind for movement in response.context["timeline"]] == ["transfer", "admission"]


def test_person_page_query_count_is_bounded(login, staff, person, institution, django_assert_max_num_queries):
    client = login(staff)
    with django_assert_max_num_queries(30) as one:
        client.get(person.get_absolute_url())
    admission = person.admissions.get()
    admission.released_on, admission.release_type = dt.date(2025, 2, 1), "parole"
    admission.save()
    for year in range(2, 6):
        previous = admit(person, institution, on=dt.date(2025, year, 2), number=f"B.I {year}/2025")
        previous.released_on, previous.release_type = dt.date(2025, year, 20), "parole"
        previous.save()
    with django_assert_max_num_queries(len(one.captured_queries)):  # five spells cost what one did
        client.get(person.get_absolute_url())


def test_person_view_is_audited(login, staff, person):
    login(staff).get(person.get_absolute_url())
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.person_id, event.object_type) == (staff, person.pk, "inmates.person")


# --- Registration -----------------------------------------------------------------------------------------

REGISTRATION = {
    "person-full_name": "  Rudi   Hartono ",
    "person-nik": "6308 0101 0190 0003",
    "person-sex": "male",
    "person-birth_date": "1990-01-01",
    "person-birth_place": "Amuntai",
    "admission-register_number": "B.I 101/2025",
    "admission-register_category": "B.I",
    "admission-admitted_on": "2025-04-02",
    "admission-offence": "narcotics_user",
    "admission-sentence_months": "24",
}


def registration(institution, **changes):
    return {**REGISTRATION, "admission-institution": str(institution.pk), **changes}


def test_staff_register_a_person_and_admission(login, staff, institution):
    response = login(staff).post(reverse("inmates:person-create"), registration(institution))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response.url == person.get_absolute_url()
    assert (person.full_name, person.nik) == ("Rudi Hartono", "6308010101900003")
    admission = person.admissions.get()
    assert (admission.institution, admission.register_number, admission.is_open) == (
        institution,
        "B.I 101/2025",
        True,
    )
    assert admission.movements.get().kind == Movement.Kind.ADMISSION
    assert AuditEvent.objects.filter(action="create", person_id=person.pk).count() == 2


def test_read_only_users_cannot_register(login, regional, national, counsellor, institution):
    for user in (regional, national, counsellor):
        client = login(user)
        assert client.get(reverse("inmates:person-create")).status_code == 403
        assert client.post(reverse("inmates:person-create"), registration(institution)).status_code == 403
    assert not Person.objects.exists()


def assert_form_error(response, text):
    assert response.status_code == 200
    assert text in response.content.decode()


def test_nik_of_15_digits_is_refused_and_nothing_saved(login, staff, institution):
    response = login(staff).post(
        reverse("inmates:person-create"), registration(institution, **{"person-nik": "630801010190000"})
    )
    assert_form_error(response, "A NIK has exactly 16 digits.")
    assert not Person.objects.exists() and not Admission.objects.exists()
    # What was typed is kept.
    assert 'value="B.I 101/2025"' in response.content.decode()


def test_nik_error_is_shown_in_indonesian_by_default(client, staff, institution):
    client.force_login(staff)
    response = client.post(
        reverse("inmates:person-create"), registration(institution, **{"person-nik": "12345"})
    )
    assert_form_error(response, "NIK harus terdiri atas tepat 16 digit.")


def test_duplicate_nik_is_refused(login, staff, institution, person):
    response = login(staff).post(
        reverse("inmates:person-create"), registration(institution, **{"person-nik": person.nik})
    )
    assert_form_error(response, "Another person is already registered with this NIK.")
    assert Person.objects.count() == 1


def test_registering_at_an_institution_not_ones_own_is_refused(login, staff, other_institution):
    response = login(staff).post(reverse("inmates:person-create"), registration(other_institution))
    assert_form_error(response, "Unknown institution, or not one you work at.")
    assert not Person.objects.exists()


def test_admission_in_the_future_is_refused(login, staff, institution):
    response = login(staff).post(
        reverse("inmates:person-create"), registration(institution, **{"admission-admitted_on": "2099-01-01"})
    )
    assert_form_error(response, "This date is in the future.")
    assert not Person.objects.exists()


def test_second_open_admission_is_refused(login, staff, person, institution):
    response = login(staff).post(
        reverse("inmates:admission-create", args=[person.pk]),
        {
            "admission-institution": institution.pk,
            "admission-register_number": "B.I 999/2025",
            "admission-register_category": "B.I",
            "admission-admitted_on": "2025-05-01",
            "admission-offence": "narcotics_user",
        },
    )
    assert_form_error(response, "This person already has an open admission.")
    assert person.admissions.count() == 1


# --- Transfer and release ---------------------------------------------------------------------------------


def test_staff_record_a_transfer(login, staff, person, other_institution):
    admission = person.admissions.get()
    response = login(staff).post(
        reverse("inmates:admission-transfer", args=[admission.pk]),
        {"to_institution": other_institution.pk, "on": "2025-03-01", "note": "SK Kakanwil"},
    )
    assert response.status_code == 302
    admission.refresh_from_db()
    assert admission.institution == other_institution
    assert admission.movements.filter(kind="transfer", to_institution=other_institution).exists()


def test_transfer_to_an_unknown_institution_is_refused(login, staff, person, institution):
    admission = person.admissions.get()
    response = login(staff).post(
        reverse("inmates:admission-transfer", args=[admission.pk]),
        {"to_institution": "999999", "on": "2025-03-01"},
    )
    assert_form_error(response, "Unknown institution. Choose one from the list.")
    admission.refresh_from_db()
    assert admission.institution == institution
    assert admission.movements.count() == 1


def test_staff_record_a_release(login, staff, person):
    admission = person.admissions.get()
    response = login(staff).post(
        reverse("inmates:admission-release", args=[admission.pk]),
        {"released_on": "2025-08-17", "release_type": "parole"},
    )
    assert response.status_code == 302
    admission.refresh_from_db()
    assert (admission.released_on, admission.release_type) == (dt.date(2025, 8, 17), "parole")
    assert admission.movements.filter(kind="release").exists()


def test_the_release_type_is_chosen_never_preset_and_cmb_is_one(login, staff, person):
    admission = person.admissions.get()
    release_url = reverse("inmates:admission-release", args=[admission.pk])
    client = login(staff)
    form = client.get(release_url).context["form"]
    assert form["release_type"].value() is None  # nothing chosen for the user: the type feeds the figures
    assert '<option value="" selected>' in str(form["release_type"])
    response = client.post(release_url, {"released_on": "2025-08-17"})
    assert response.status_code == 200 and "release_type" in response.context["form"].errors
    admission.refresh_from_db()
    assert admission.released_on is None  # nothing saved
    client.post(release_url, {"released_on": "2025-08-17", "release_type": "pre_release_leave"})
    admission.refresh_from_db()
    assert (admission.released_on, admission.get_release_type_display()) == (
        dt.date(2025, 8, 17),
        "Pre-release leave (CMB)",
    )


def test_release_before_admission_is_refused(login, staff, person):
    admission = person.admissions.get()
    response = login(staff).post(
        reverse("inmates:admission-release", args=[admission.pk]),
        {"released_on": "2024-12-31", "release_type": "sentence_expiry"},
    )
    assert_form_error(response, "The release cannot be before the admission")
    admission.refresh_from_db()
    assert admission.released_on is None
    assert not admission.movements.filter(kind="release").exists()


def test_release_and_transfer_pages_allowed_read_only_outsider(login, staff, regional, outsider, person):
    admission = person.admissions.get()
    for name in ("inmates:admission-release", "inmates:admission-transfer"):
        url = reverse(name, args=[admission.pk])
        assert login(staff).get(url).status_code == 200
        assert login(regional).get(url).status_code == 403
        assert login(outsider).get(url).status_code == 404


def test_identity_correction_allowed_read_only_outsider(login, staff, regional, outsider, person):
    url = reverse("inmates:person-edit", args=[person.pk])
    assert login(outsider).get(url).status_code == 404
    assert login(regional).get(url).status_code == 403
    client = login(staff)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "person-full_name": "Ahmad Fauzan Hakim",
            "person-nik": person.nik,
            "person-sex": "male",
            "person-birth_date": "1990-05-17",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Ahmad Fauzan Hakim"
    change = AuditEvent.objects.get(action="change", person_id=person.pk)
    assert change.details == {"fields": ["full_name", "birth_place"]}


def test_a_person_transferred_away_leaves_the_in_custody_list_but_stays_findable(
    login, staff, person, other_institution
):
    admission = person.admissions.get()
    login(staff).post(
        reverse("inmates:admission-transfer", args=[admission.pk]),
        {"to_institution": other_institution.pk, "on": "2025-03-01"},
    )
    client = login(staff)
    assert names_on(client.get(LIST)) == []
    assert names_on(client.get(LIST, {"status": "all"})) == ["Ahmad Fauzan"]
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert response.context["can_move"] is False  # only the holding institution moves the person


def test_recorded_times_are_shown_in_the_institutions_zone_for_every_viewer(login, national, person):
    # The institution is in WITA (UTC+8); a national officer's default zone is WIB.
    movement = person.admissions.get().movements.get()
    Movement.objects.filter(pk=movement.pk).update(recorded_at=dt.datetime(2025, 1, 10, 1, 30, tzinfo=dt.UTC))
    html = login(national).get(person.get_absolute_url()).content.decode()
    assert "10 Jan 2025 09:30 WITA" in html


def test_write_pages_answer_404_for_people_outside_scope_whatever_the_role(
    login, other_regional, counsellor, person
):
    for user in (other_regional, counsellor):
        client = login(user)
        for name in ("inmates:person-edit", "inmates:admission-create"):
            assert client.get(reverse(name, args=[person.pk])).status_code == 404
            assert client.get(reverse(name, args=[999999])).status_code == 404


def test_nik_in_non_latin_digits_is_refused(login, staff, institution):
    response = login(staff).post(
        reverse("inmates:person-create"), registration(institution, **{"person-nik": "٦٣٠٨٠١٠١٠١٩٠٠٠٠٣"})
    )
    assert_form_error(response, "A NIK has exactly 16 digits.")
    assert not Person.objects.exists()


def test_a_transfer_is_refused_once_the_person_has_left_the_users_institution(
    staff, person, institution, other_institution, sister_institution
):
    from django.core.exceptions import PermissionDenied

    from inmates import services

    stale = person.admissions.get()  # what the clerk's page loaded
    Admission.objects.filter(pk=stale.pk).update(institution=other_institution)  # meanwhile, moved away
    with pytest.raises(PermissionDenied):
        services.admission_transfer(
            by=staff, admission=stale, to_institution=sister_institution, on=dt.date(2025, 3, 1)
        )
    assert not Movement.objects.filter(kind="transfer").exists()


def test_nik_is_shown_in_full_to_staff_and_masked_to_others(login, staff, regional, person):
    assert "6308011705900001" in login(staff).get(person.get_absolute_url()).content.decode()
    page = login(regional).get(person.get_absolute_url()).content.decode()
    assert "6308011705900001" not in page and "6308••••••••0001" in page


@pytest.mark.parametrize("query", ["Budi Hasibuan", "hasibuan budi", "  BUDI   hasi "])
def test_search_finds_every_word_of_a_name_in_any_order(login, staff, institution, query):
    admit(PersonFactory(full_name="Budi Hasibuan"), institution)
    admit(PersonFactory(full_name="Budi Santoso"), institution)
    admit(PersonFactory(full_name="Rina", other_names="Hasibuan"), institution)
    assert names_on(login(staff).get(LIST, {"q": query})) == ["Budi Hasibuan"]


@pytest.mark.parametrize(
    ("query", "tolerant", "plain"),
    [
        ("Zaenal Susanto", ["Zainal Joko Susanto"], []),  # one letter different
        ("susanto zainal", ["Zainal Joko Susanto"], ["Zainal Joko Susanto"]),
        ("Hasiboan Budi", ["Budi Hasibuan"], []),
        ("Rudi", [], []),  # short words are taken as typed: not Budi
        ("Wahyudi", [], []),  # a different name altogether
        ("Zaenal Hasibuan", [], []),  # every word still has to be there
    ],
)
def test_search_tolerates_small_spelling_differences_on_postgresql(
    login, staff, institution, query, tolerant, plain
):
    for name in ("Zainal Joko Susanto", "Budi Hasibuan", "Rina Sari"):
        admit(PersonFactory(full_name=name), institution)
    expected = tolerant if connection.vendor == "postgresql" else plain  # SQLite: plain "contains"
    assert names_on(login(staff).get(LIST, {"q": query})) == expected


@pytest.mark.parametrize(
    ("query", "shorter"),
    [
        ("fauzan" + "x" * LONGEST_NAME, "fauzan"),  # longer than any name field
        ("Ahmad " + "Fauzan" * 50, "Ahmad Fauzan"),  # one of the words
        ("B.I 017/" + "9" * LONGEST_REGISTER_NUMBER, "B.I 017"),  # longer than any register number
    ],
    ids=["word", "one-word", "register-number"],
)
def test_a_word_longer_than_any_name_finds_nobody_without_asking_the_database(person, query, shorter):
    with CaptureQueriesContext(connection) as queries:
        assert list(Admission.objects.filter(search_q(query))) == []
    assert len(queries) == 0
    assert list(Admission.objects.filter(search_q(shorter))) == [person.admissions.get()]


def test_a_search_lists_its_first_matches_up_to_the_cap_and_says_more_match(
    login, staff, person, institution, monkeypatch
):
    import institutions.paging

    monkeypatch.setattr(institutions.paging, "CAP", 2)
    for name in ("Ahmad Basri", "Ahmad Zulkifli"):
        admit(PersonFactory(full_name=name), institution)
    response = login(staff).get(LIST, {"q": "ahmad"})
    assert response.status_code == 200
    assert names_on(response) == ["Ahmad Basri", "Ahmad Fauzan"]  # by name, the first two of three
    assert "Showing 1–2 of the first 2: more match" in response.content.decode()
    response = login(staff).get(LIST, {"q": "ahmad fauzan"})
    assert names_on(response) == ["Ahmad Fauzan"] and "more match" not in response.content.decode()


def test_the_institution_filter_keeps_the_choice_and_escapes_names(login, regional, person, institution):
    institution.name = 'Lapas <b>"Amuntai"</b>'
    institution.save()
    InstitutionFactory(region=institution.region)  # two UPT in reach: the filter is offered
    page = login(regional).get(LIST, {"institution": institution.pk}).content.decode()
    assert (
        f'<option value="{institution.pk}" selected>Lapas &lt;b&gt;&quot;Amuntai&quot;&lt;/b&gt;</option>'
        in page
    )
