"""A register number is unique among the open custody spells of one UPT: the database constraint, and a
message that names the number on every path that opens a spell or changes its number (registration, a new
admission, a transfer, the register's corrections), on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from inmates import services
from inmates.models import Admission, Person
from tests.factories import PersonFactory, admit

TAKEN = "Register number B.I 017/2025 is already used by someone else in custody at Lapas Kelas IIB Amuntai."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def registration(institution, **changes):
    data = {
        "person-full_name": "Rudi Hartono",
        "person-nik": "6308011705900003",
        "person-sex": "male",
        "person-birth_date": "1990-05-17",
        "person-birth_place": "Barabai",
        "admission-institution": str(institution.pk),
        "admission-register_number": "B.I 017/2025",
        "admission-register_category": "B.I",
        "admission-admitted_on": "2025-04-02",
        "admission-offence": "narcotics_user",
    }
    return {**data, **changes}


def test_the_database_refuses_a_second_open_spell_with_the_number(person, institution):
    other = PersonFactory(full_name="Budi Santoso")
    with pytest.raises(IntegrityError), transaction.atomic():
        admit(other, institution, number="b.i 017/2025")  # in any case, the same number


def test_the_number_comes_round_again_after_its_holders_release(
    person, institution, staff, sister_institution
):
    services.admission_release(
        by=staff, admission=person.admissions.get(), on=dt.date(2025, 6, 1), release_type="parole"
    )
    admit(PersonFactory(full_name="Budi Santoso"), institution, number="B.I 017/2025")
    admit(PersonFactory(full_name="Di Barabai"), sister_institution, number="B.I 017/2025")  # another UPT
    assert Admission.objects.filter(register_number="B.I 017/2025").count() == 3


def test_registration_refuses_a_number_in_use_and_keeps_what_was_typed(login, staff, person, institution):
    response = login(staff).post(reverse("inmates:person-create"), registration(institution))
    page = response.content.decode()
    assert response.status_code == 200 and TAKEN in page
    assert 'value="Rudi Hartono"' in page and 'value="B.I 017/2025"' in page
    assert Person.objects.count() == 1  # nothing half-saved: not the person without the admission either


def test_registration_compares_numbers_in_capitals(login, staff, person, institution):
    data = registration(institution, **{"admission-register_number": "b.i   017/2025"})
    response = login(staff).post(reverse("inmates:person-create"), data)
    assert "Register number b.i 017/2025 is already used" in response.content.decode()


def test_a_new_admission_refuses_a_number_in_use(login, staff, person, institution):
    returning = PersonFactory(full_name="Budi Kembali")
    released = admit(returning, institution, on=dt.date(2024, 1, 1), number="B.I 1/2024")
    services.admission_release(by=staff, admission=released, on=dt.date(2024, 6, 1), release_type="parole")
    data = {key: value for key, value in registration(institution).items() if key.startswith("admission-")}
    url = reverse("inmates:admission-create", args=[returning.pk])
    response = login(staff).post(url, data)
    assert response.status_code == 200 and TAKEN in response.content.decode()
    assert returning.admissions.count() == 1
    data["admission-register_number"] = "B.I 018/2025"
    assert login(staff).post(url, data).status_code == 302


def test_linking_to_an_existing_record_refuses_a_number_in_use(staff, person, institution):
    returning = PersonFactory(full_name="Budi Kembali")
    released = admit(returning, institution, on=dt.date(2024, 1, 1), number="B.I 1/2024")
    services.admission_release(by=staff, admission=released, on=dt.date(2024, 6, 1), release_type="parole")
    new = Admission(
        institution=institution,
        register_number="B.I 017/2025",
        register_category="B.I",
        admitted_on=dt.date(2025, 4, 2),
        offence="narcotics_user",
    )
    with pytest.raises(ValidationError) as error:
        services.admission_link(by=staff, person=returning, admission=new, reason="NIK sama")
    [message] = error.value.message_dict["register_number"]
    assert message.startswith(TAKEN)


@pytest.fixture
def moving(sister_institution, sister_staff):
    """Someone held at Rutan Barabai under the number a WBP of Lapas Amuntai has there."""
    person = PersonFactory(full_name="Dedi Pindahan")
    return admit(person, sister_institution, on=dt.date(2025, 2, 1), number="B.I 017/2025")


def test_a_transfer_refuses_a_number_the_receiving_upt_uses(login, sister_staff, person, institution, moving):
    url = reverse("inmates:admission-transfer", args=[moving.pk])
    data = {"to_institution": institution.pk, "on": "2025-03-01", "note": "SK Kanwil"}
    client = login(sister_staff)
    response = client.post(url, data)
    assert response.status_code == 200 and TAKEN in response.content.decode()
    moving.refresh_from_db()
    assert moving.institution_id != institution.pk and moving.movements.count() == 1  # nothing half-saved
    # With the number the person has at the new UPT, the transfer is recorded, and the change audited.
    response = client.post(url, {**data, "register_number": "  B.I  90/2025 "})
    assert response.status_code == 302
    moving.refresh_from_db()
    assert (moving.institution, moving.register_number) == (institution, "B.I 90/2025")
    event = AuditEvent.objects.get(object_type="inmates.admission", details__transfer__isnull=False)
    assert event.details["register_number"] == ["B.I 017/2025", "B.I 90/2025"]


def test_a_transfer_keeps_a_number_the_receiving_upt_does_not_use(login, sister_staff, institution, moving):
    url = reverse("inmates:admission-transfer", args=[moving.pk])
    response = login(sister_staff).post(url, {"to_institution": institution.pk, "on": "2025-03-01"})
    assert response.status_code == 302
    moving.refresh_from_db()
    assert (moving.institution, moving.register_number) == (institution, "B.I 017/2025")
    event = AuditEvent.objects.get(object_type="inmates.admission", details__transfer__isnull=False)
    assert "register_number" not in event.details


def test_the_transfer_form_says_what_happens_without_a_new_number(login, sister_staff, moving):
    page = login(sister_staff).get(reverse("inmates:admission-transfer", args=[moving.pk])).content.decode()
    assert "Register number at the new UPT" in page and "the person keeps B.I 017/2025" in page


def test_the_register_cannot_give_a_spell_a_number_someone_else_here_holds(staff, person, institution):
    other = admit(PersonFactory(full_name="Budi Santoso"), institution, number="B.I 2/2025")
    with pytest.raises(ValidationError) as error:
        services.admission_update_from_register(
            by=staff, admission=other, values={"register_number": "B.I 017/2025"}
        )
    [message] = error.value.message_dict["register_number"]
    assert message.startswith(TAKEN)
    # Its own number, written differently: taken.
    services.admission_update_from_register(
        by=staff, admission=other, values={"register_number": "b.i 2/2025"}
    )
    other.refresh_from_db()
    assert other.register_number == "b.i 2/2025"


def test_a_bulk_registration_that_meets_a_number_in_use_is_refused_in_words(staff, person, institution):
    entry = (
        Person(full_name="Orang Baru", sex="male"),
        Admission(
            institution=institution,
            register_number="B.I 017/2025",
            register_category="B.I",
            admitted_on=dt.date(2025, 4, 2),
            offence="narcotics_user",
        ),
    )
    with pytest.raises(ValidationError, match="already used by someone else in custody"):
        services.people_register_bulk(by=staff, entries=[entry])
    assert Person.objects.count() == 1
