"""NIK plausibility: the pure checks (province, date of birth, sex), and the registration form that refuses an
impossible NIK and asks before saving one that disagrees with what was entered."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from inmates import nik
from inmates.models import Person
from tests.factories import PersonFactory, plausible_nik

# --- The checks -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["11", "19", "21", "31", "36", "51", "53", "61", "65", "71", "76", "81", "82", "91", "93", "96"]
)
def test_every_province_code_is_accepted(code):
    assert nik.implausibility(f"{code}08011705900001") is None


@pytest.mark.parametrize(
    "code", ["00", "10", "20", "22", "30", "37", "50", "54", "60", "66", "77", "83", "90", "97"]
)
def test_a_code_that_names_no_province_is_refused(code):
    assert nik.implausibility(f"{code}08011705900001") == "province"


def test_the_papua_split_gave_kemendagri_codes_93_to_96():
    # 38 provinces since 2022 (Kemendagri's codes; BPS numbers Papua differently).
    assert len(nik.PROVINCE_CODES) == 38
    assert {"91", "92", "93", "94", "95", "96"} <= nik.PROVINCE_CODES and "97" not in nik.PROVINCE_CODES


@pytest.mark.parametrize(
    ("digits", "problem"),
    [
        ("170590", None),  # 17 May 1990, a man
        ("570590", None),  # 17 May 1990, a woman (day + 40)
        ("290200", None),  # 29 February 2000
        ("310490", "birth_date"),  # 31 April
        ("000590", "birth_date"),  # day 0
        ("320590", "birth_date"),  # day 32: neither a man's nor a woman's
        ("400590", "birth_date"),  # day 40
        ("720590", "birth_date"),  # day 72 = a woman's day 32
        ("171390", "birth_date"),  # month 13
        ("170090", "birth_date"),  # month 0
        ("290201", "birth_date"),  # 29 February 1901 / 2001
    ],
)
def test_digits_seven_to_twelve_must_be_a_possible_date_of_birth(digits, problem):
    assert nik.implausibility(f"630801{digits}0001") == problem


def test_what_the_nik_says_about_its_holder():
    birth = nik.birth_in("6308015705900001")
    assert (birth.day, birth.month, birth.year, birth.female) == (17, 5, 90, True)
    assert birth.agrees_with(dt.date(1990, 5, 17)) and not birth.agrees_with(dt.date(1990, 5, 18))
    assert birth.as_text() == "17-05-90"


@pytest.mark.parametrize(
    ("number", "birth_date", "female", "found"),
    [
        ("6308011705900001", dt.date(1990, 5, 17), False, []),
        ("6308011705900001", None, None, []),  # nothing entered to disagree with
        ("6308011705900001", dt.date(1990, 5, 18), False, ["birth_date"]),
        ("6308011705900001", dt.date(1890, 5, 17), False, []),  # the century is not in the NIK
        ("6308011705900001", dt.date(1990, 5, 17), True, ["sex"]),
        ("6308015705900001", dt.date(1991, 5, 17), False, ["birth_date", "sex"]),
    ],
)
def test_disagreements_with_what_was_entered(number, birth_date, female, found):
    assert nik.disagreements(number, birth_date=birth_date, female=female) == found


def test_only_ascii_digits_count():
    assert nik.is_sixteen_digits("6308011705900001")
    assert not nik.is_sixteen_digits("٦٣٠٨٠١١٧٠٥٩٠٠٠٠١") and not nik.is_sixteen_digits("630801170590001")


def test_the_factories_make_plausible_niks_that_agree_with_the_person(db):
    for person in (
        PersonFactory(),
        PersonFactory(sex=Person.Sex.FEMALE, birth_date=dt.date(2001, 12, 31)),
        PersonFactory(birth_date=None),
    ):
        assert nik.implausibility(person.nik) is None
        female = person.sex == Person.Sex.FEMALE
        if person.birth_date:
            assert nik.disagreements(person.nik, birth_date=person.birth_date, female=female) == []
    assert plausible_nik(dt.date(1990, 5, 17), "male", 123_456)[4:6] == "62"


# --- The registration form ----------------------------------------------------------------------------------

CREATE = reverse("inmates:person-create")


def registration(institution, **changes):
    data = {
        "person-full_name": "Rudi Hartono",
        "person-nik": "6308011705900003",
        "person-sex": "male",
        "person-birth_date": "1990-05-17",
        "person-birth_place": "Amuntai",
        "admission-institution": str(institution.pk),
        "admission-register_number": "B.I 101/2025",
        "admission-register_category": "B.I",
        "admission-admitted_on": "2025-04-02",
        "admission-offence": "narcotics_user",
    }
    return {**data, **changes}


def test_a_nik_with_no_such_province_is_refused_and_what_was_typed_kept(login, staff, institution):
    response = login(staff).post(CREATE, registration(institution, **{"person-nik": "9908011705900003"}))
    page = response.content.decode()
    assert response.status_code == 200 and "(99) are not the code of any province" in page
    assert 'value="Rudi Hartono"' in page and 'value="B.I 101/2025"' in page
    assert not Person.objects.exists()


def test_a_nik_with_an_impossible_date_is_refused(login, staff, institution):
    response = login(staff).post(CREATE, registration(institution, **{"person-nik": "6308013104900003"}))
    assert "digits 7 to 12 (310490)" in response.content.decode()
    assert not Person.objects.exists()


def test_the_refusal_reads_in_indonesian_by_default(client, staff, institution):
    client.force_login(staff)
    response = client.post(CREATE, registration(institution, **{"person-nik": "9908011705900003"}))
    assert "bukan kode provinsi" in response.content.decode()


def test_a_nik_that_disagrees_with_the_birth_date_asks_for_confirmation(login, staff, institution):
    client = login(staff)
    data = registration(institution, **{"person-birth_date": "1990-05-18"})
    response = client.post(CREATE, data)
    page = response.content.decode()
    assert response.status_code == 200 and not Person.objects.exists()
    assert "The NIK gives the date of birth as 17-05-90 (DD-MM-YY), but 18-05-1990 was entered." in page
    assert 'name="person-confirm_nik"' in page and 'value="1990-05-18"' in page
    # Ticked: saved, and the confirmation is on the record.
    response = client.post(CREATE, {**data, "person-confirm_nik": "on"})
    person = Person.objects.get()
    assert response.status_code == 302 and person.birth_date == dt.date(1990, 5, 18)
    event = AuditEvent.objects.get(action="create", object_type="inmates.person")
    assert event.details["confirmed"] == ["nik_birth_date"]


def test_a_womans_nik_entered_for_a_man_asks_for_confirmation(login, staff, institution):
    response = login(staff).post(CREATE, registration(institution, **{"person-nik": "6308015705900003"}))
    assert "The NIK is a woman's" in unescape(response.content.decode())
    assert not Person.objects.exists()


def test_a_nik_that_agrees_saves_without_a_question(login, staff, institution):
    response = login(staff).post(CREATE, registration(institution))
    assert response.status_code == 302
    assert "confirm_nik" not in login(staff).get(CREATE).content.decode()
    assert "confirmed" not in AuditEvent.objects.get(action="create", object_type="inmates.person").details


def test_correcting_a_name_does_not_wait_on_an_old_nik(login, staff, person):
    # A record from before the check, with a NIK it would refuse now.
    Person.objects.filter(pk=person.pk).update(nik="9908011705900001")
    edit = reverse("inmates:person-edit", args=[person.pk])
    data = {
        "person-full_name": "Ahmad Fauzan Syah",
        "person-nik": "9908011705900001",
        "person-sex": "male",
        "person-birth_date": "1990-05-17",
    }
    assert login(staff).post(edit, data).status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Ahmad Fauzan Syah"
    # Changed, the NIK is checked.
    response = login(staff).post(edit, {**data, "person-nik": "9808011705900001"})
    assert "(98) are not the code of any province" in response.content.decode()


def test_a_correction_that_makes_the_nik_disagree_asks_for_confirmation(login, staff, person):
    edit = reverse("inmates:person-edit", args=[person.pk])
    data = {
        "person-full_name": person.full_name,
        "person-nik": person.nik,
        "person-sex": "female",
        "person-birth_date": "1990-05-17",
        "person-birth_place": person.birth_place,
    }
    response = login(staff).post(edit, data)
    assert response.status_code == 200 and "The NIK is a man's" in unescape(response.content.decode())
    assert login(staff).post(edit, {**data, "person-confirm_nik": "on"}).status_code == 302
    event = AuditEvent.objects.filter(action="change", person_id=person.pk).latest("at")
    assert event.details == {"fields": ["sex"], "confirmed": ["nik_sex"]}
