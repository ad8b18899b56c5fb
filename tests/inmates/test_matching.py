"""The same person registered again: found at registration and linked, or merged later and undone."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from inmates.matching import find_matches
from inmates.models import Admission, Person, PersonMerge
from inmates.services import admission_release
from tests.factories import PersonFactory, admit

CREATE = reverse("inmates:person-create")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the reasons are read in English here, whatever came before
        yield


def registration(**overrides):
    data = {
        "person-full_name": "Ahmad Fauzan",
        "person-nik": "",
        "person-sex": "male",
        "person-birth_date": "1990-05-17",
        "person-birth_place": "Amuntai",
        "admission-institution": "",
        "admission-register_number": "B.I 200/2026",
        "admission-register_category": "B.I",
        "admission-admitted_on": "2026-02-01",
        "admission-offence": "narcotics_user",
    }
    data.update(overrides)
    return data


@pytest.fixture
def released_person(person, staff):
    person.birth_date, person.birth_place = dt.date(1990, 5, 17), "Amuntai"
    person.save()
    admission_release(
        by=staff, admission=person.admissions.get(), on=dt.date(2025, 12, 1), release_type="parole"
    )
    return person


@pytest.mark.parametrize(
    ("name", "nik", "birth_date", "place", "reason"),
    [
        ("Someone Else", "6308011705900001", None, "", "same NIK"),
        ("ahmad  FAUZAN", None, dt.date(1990, 5, 17), "", "same name and date of birth"),
        (
            "Achmad Fauzan",
            None,
            dt.date(1990, 5, 17),
            "amuntai",
            "similar name, same date and place of birth",
        ),
    ],
)
def test_matches_by_nik_name_and_birth(released_person, name, nik, birth_date, place, reason):
    matches = find_matches(full_name=name, nik=nik, birth_date=birth_date, birth_place=place)
    assert [(m.person, m.reason) for m in matches] == [(released_person, reason)]


def test_no_match_for_a_close_name_born_elsewhere(released_person):
    assert (
        find_matches(
            full_name="Achmad Fauzan", nik=None, birth_date=dt.date(1990, 5, 17), birth_place="Barabai"
        )
        == []
    )


def test_registration_offers_the_existing_person_and_links_the_admission(
    login, staff, released_person, institution
):
    client = login(staff)
    data = registration(**{"admission-institution": institution.pk})
    response = client.post(CREATE, data)
    assert [m.person for m in response.context["matches"]] == [released_person]
    assert Person.objects.count() == 1  # nothing saved yet
    # Linking opens the person's history to this UPT: not without a reason.
    response = client.post(CREATE, {**data, "decision": f"link:{released_person.pk}"})
    assert response.status_code == 200
    assert "Say why this is the same person" in response.content.decode()
    assert [m.person for m in response.context["matches"]] == [released_person]  # still there to choose
    assert released_person.admissions.count() == 1
    response = client.post(
        CREATE, {**data, "decision": f"link:{released_person.pk}", "link_reason": "NIK dan foto cocok"}
    )
    assert response.status_code == 302 and response.url == released_person.get_absolute_url()
    assert released_person.admissions.count() == 2  # the return to custody is on one record
    event = AuditEvent.objects.get(person_id=released_person.pk, action=AuditEvent.Action.LINK)
    assert (
        event.details["reason"] == "NIK dan foto cocok"
        and event.details["matched_by"] == "same name and date of birth"
    )


def test_a_taken_nik_leads_to_the_match_not_a_dead_end(login, staff, released_person, institution):
    data = registration(
        **{
            "admission-institution": institution.pk,
            "person-full_name": "A. Fauzan",
            "person-nik": "6308 0117 0590 0001",
        }
    )
    response = login(staff).post(CREATE, data)
    assert [m.reason for m in response.context["matches"]] == ["same NIK"]
    assert 'value="new"' not in response.content.decode()  # a second record with this NIK is impossible


def test_a_different_person_can_still_be_registered(login, staff, released_person, institution):
    data = registration(**{"admission-institution": institution.pk, "decision": "new"})
    assert login(staff).post(CREATE, data).status_code == 302
    assert Person.objects.count() == 2


def test_merge_and_undo(login, staff, released_person, institution, sister_staff):
    twin = PersonFactory(
        full_name="Ahmad Fauzan", nik=None, birth_date=dt.date(1990, 5, 17), birth_place="Amuntai"
    )
    twin_admission = admit(twin, institution, on=dt.date(2026, 2, 1), number="B.I 300/2026")
    client = login(staff)
    page = client.get(released_person.get_absolute_url())
    assert [m.person for m in page.context["duplicates"]] == [twin]
    client.post(
        reverse("inmates:person-merge", args=[released_person.pk]), {"merged": twin.pk, "confirm": "yes"}
    )
    twin.refresh_from_db()
    assert twin.merged_into == released_person
    assert Admission.objects.get(pk=twin_admission.pk).person == released_person
    assert client.get(twin.get_absolute_url()).status_code == 404  # the merged record is out of use
    merge = PersonMerge.objects.get()
    assert login(sister_staff).post(reverse("inmates:person-merge-undo", args=[merge.pk])).status_code == 404
    client.post(reverse("inmates:person-merge-undo", args=[merge.pk]))
    twin.refresh_from_db()
    assert twin.merged_into is None and Admission.objects.get(pk=twin_admission.pk).person == twin
    merge.refresh_from_db()
    assert merge.undone_by == staff
    assert AuditEvent.objects.filter(person_id=twin.pk, details__merge_undone=merge.pk).exists()


def test_two_people_in_custody_cannot_be_merged(login, staff, person, institution):
    twin = PersonFactory(
        full_name="Ahmad Fauzan", nik=None, birth_date=person.birth_date, birth_place=person.birth_place
    )
    admit(twin, institution, number="B.I 301/2026")
    response = login(staff).post(
        reverse("inmates:person-merge", args=[person.pk]), {"merged": twin.pk, "confirm": "yes"}, follow=True
    )
    assert "Both records have a person in custody now" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_the_nik_is_found_however_many_share_the_birth_date(released_person):
    for n in range(60):
        PersonFactory(full_name=f"Aaron {n:02d}", nik=None, birth_date=dt.date(1990, 5, 17))
    matches = find_matches(full_name="Other Name", nik="6308011705900001", birth_date=dt.date(1990, 5, 17))
    assert [m.person for m in matches] == [released_person]


def test_people_outside_scope_show_only_as_a_record_elsewhere(
    login, outsider, released_person, other_institution
):
    data = registration(**{"admission-institution": other_institution.pk})
    page = login(outsider).post(CREATE, data).content.decode()
    assert "A record at another UPT" in page and "Lapas Kelas IIB Amuntai" not in page


def test_merge_moves_the_nik_and_undo_puts_everything_back(
    login, staff, released_person, institution, programme_for
):
    from rehab.models import Enrolment

    twin = PersonFactory(
        full_name="Ahmad Fauzan",
        nik="6308011705900009",
        birth_date=dt.date(1990, 5, 17),
        birth_place="Amuntai",
    )
    released_person.nik = None
    released_person.save()
    twin_admission = admit(twin, institution, on=dt.date(2026, 2, 1), number="B.I 302/2026")
    client = login(staff)
    client.post(
        reverse("inmates:person-merge", args=[released_person.pk]), {"merged": twin.pk, "confirm": "yes"}
    )
    released_person.refresh_from_db()
    assert released_person.nik == "6308011705900009"
    # Recorded after the merge, on the moved custody spell:
    enrolment = Enrolment.objects.create(
        programme=programme_for,
        person=released_person,
        admission=twin_admission,
        kind="social",
        direct_reason="x",
    )
    client.post(reverse("inmates:person-merge-undo", args=[PersonMerge.objects.get().pk]))
    twin.refresh_from_db()
    enrolment.refresh_from_db()
    assert twin.nik == "6308011705900009" and enrolment.person == twin


def test_junk_in_the_merge_form_is_a_404(login, staff, released_person):
    for junk in ("abc", "1e5", ""):
        response = login(staff).post(
            reverse("inmates:person-merge", args=[released_person.pk]), {"merged": junk}
        )
        assert response.status_code == 404


@pytest.fixture
def programme_for(institution, agency):
    from rehab.models import Programme
    from tests.factories import make_agreement

    agreement = make_agreement(institutions=[institution], agencies=[agency], valid_from=dt.date(2022, 1, 1))
    return Programme.objects.create(
        institution=institution,
        kind="social",
        name="TC",
        agency=agency,
        agreement=agreement,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        capacity=10,
        target=10,
    )
