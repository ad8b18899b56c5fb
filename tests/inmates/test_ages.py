"""Children belong in an LPKA: a person under 18 is refused at an adult UPT unless an override with a reason
is given (kept on the custody spell); an adult at an LPKA is asked about; on every path that places anyone."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from inmates import ages, services
from inmates.models import Admission, Person
from tests.factories import InstitutionFactory, PersonFactory, admit


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (dt.date(2008, 4, 2), dt.date(2025, 4, 1), 16),
        (dt.date(2008, 4, 2), dt.date(2026, 4, 2), 18),  # the birthday itself
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
    ],
)
def test_age_in_whole_years(born, on, age):
    assert ages.age_on(born, on) == age


@pytest.mark.parametrize(
    ("born", "for_children", "concern"),
    [
        (dt.date(2008, 4, 3), False, ages.MINOR_AT_ADULT_UPT),
        (dt.date(2008, 4, 2), False, None),
        (dt.date(2008, 4, 3), True, None),
        (dt.date(2008, 4, 2), True, ages.ADULT_AT_LPKA),
        (None, False, None),  # nothing to tell without a date of birth
    ],
)
def test_placement_concerns(born, for_children, concern):
    on = dt.date(2026, 4, 2)
    assert ages.placement_concern(birth_date=born, on=on, for_children=for_children) == concern


@pytest.fixture
def lpka(region):
    return InstitutionFactory(
        code="lpka-martapura", name="LPKA Kelas II Martapura", kind="lpka", region=region
    )


@pytest.fixture
def lpka_staff(lpka):
    from accounts.models import Role
    from tests.factories import UserFactory, membership

    return membership(UserFactory(username="staf.lpka"), Role.UPT_STAFF, lpka)


def registration(institution, **changes):
    data = {
        "person-full_name": "Rizky Pratama",
        "person-nik": "6308010204080003",
        "person-sex": "male",
        "person-birth_date": "2008-04-02",
        "person-birth_place": "Amuntai",
        "admission-institution": str(institution.pk),
        "admission-register_number": "A.II 5/2025",
        "admission-register_category": "A.II",
        "admission-admitted_on": "2025-04-01",
        "admission-offence": "narcotics_user",
    }
    return {**data, **changes}


CREATE = reverse("inmates:person-create")


def test_a_child_at_an_adult_upt_is_refused_with_a_word_about_the_lpka(login, staff, institution):
    response = login(staff).post(CREATE, registration(institution))
    page = response.content.decode()
    assert response.status_code == 200 and not Person.objects.exists()
    assert "The person is 16 on this date: children under 18 are held in an LPKA" in page
    assert "Lembaga Pembinaan Khusus Anak" in page and 'name="admission-minor_override"' in page
    assert 'value="Rizky Pratama"' in page  # what was typed is kept


def test_the_override_needs_a_reason_and_keeps_it_on_the_custody_spell(login, staff, institution):
    client = login(staff)
    response = client.post(CREATE, registration(institution, **{"admission-minor_override": "on"}))
    assert "Say why the person must be held here." in response.content.decode()
    assert not Person.objects.exists()
    reason = "Tidak ada LPKA di provinsi; penetapan hakim, blok terpisah"
    data = registration(institution, **{"admission-minor_override": "on", "admission-minor_reason": reason})
    assert client.post(CREATE, data).status_code == 302
    admission = Admission.objects.get()
    assert admission.minor_reason == reason
    event = AuditEvent.objects.get(action="create", object_type="inmates.admission")
    assert event.details["minor_reason"] == reason
    page = client.get(admission.person.get_absolute_url()).content.decode()
    assert "Held here while under 18" in page and reason in page


def test_a_child_at_an_lpka_is_registered_without_a_question(login, lpka_staff, lpka):
    data = registration(lpka, **{"admission-minor_reason": "stray text is not kept"})
    assert login(lpka_staff).post(CREATE, data).status_code == 302
    assert Admission.objects.get().minor_reason == ""


def test_an_adult_at_an_lpka_asks_for_confirmation(login, lpka_staff, lpka):
    client = login(lpka_staff)
    data = registration(lpka, **{"person-birth_date": "1990-04-02", "person-nik": "6308010204900003"})
    response = client.post(CREATE, data)
    page = response.content.decode()
    assert response.status_code == 200 and not Person.objects.exists()
    assert "The person is 34 on this date, and LPKA Kelas II Martapura is an LPKA, for children." in page
    assert client.post(CREATE, {**data, "admission-confirm_adult_at_lpka": "on"}).status_code == 302
    event = AuditEvent.objects.get(action="create", object_type="inmates.admission")
    assert event.details["confirmed"] == ["adult_at_lpka"]


def test_an_adult_at_an_adult_upt_sees_no_question(login, staff, institution):
    page = login(staff).get(CREATE).content.decode()
    assert "minor_override" not in page and "confirm_adult_at_lpka" not in page
    data = registration(institution, **{"person-birth_date": "1990-04-02", "person-nik": "6308010204900003"})
    assert login(staff).post(CREATE, data).status_code == 302


def test_a_new_admission_checks_the_age_on_its_own_date(login, staff, institution):
    child = PersonFactory(full_name="Rizky Pratama", birth_date=dt.date(2008, 4, 2))
    earlier = admit(child, institution, on=dt.date(2024, 1, 5), number="A.II 1/2024")  # so staff see them
    Admission.objects.filter(pk=earlier.pk).update(released_on=dt.date(2024, 2, 1), release_type="other")
    url = reverse("inmates:admission-create", args=[child.pk])
    data = {key: value for key, value in registration(institution).items() if key.startswith("admission-")}
    response = login(staff).post(url, data)
    assert "The person is 16 on this date" in response.content.decode()
    # Eighteen by then: an adult UPT is right.
    assert login(staff).post(url, {**data, "admission-admitted_on": "2026-04-02"}).status_code == 302


def test_a_transfer_of_a_child_to_an_adult_upt_needs_the_override(login, lpka, lpka_staff, institution):
    child = PersonFactory(full_name="Rizky Pratama", birth_date=dt.date(2008, 4, 2))
    spell = admit(child, lpka, on=dt.date(2025, 1, 10), number="A.II 1/2025")
    url = reverse("inmates:admission-transfer", args=[spell.pk])
    data = {"to_institution": institution.pk, "on": "2025-06-01"}
    client = login(lpka_staff)
    response = client.post(url, data)
    assert "The person is 17 on this date" in response.content.decode()
    spell.refresh_from_db()
    assert spell.institution == lpka
    reason = "Putusan hakim: dipindah ke blok anak Lapas"
    assert client.post(url, {**data, "minor_override": "on", "minor_reason": reason}).status_code == 302
    spell.refresh_from_db()
    assert (spell.institution, spell.minor_reason) == (institution, reason)


def test_the_service_refuses_a_child_at_an_adult_upt_without_a_reason(staff, institution):
    child = PersonFactory(full_name="Rizky Pratama", birth_date=dt.date(2008, 4, 2))
    admission = Admission(
        person=child,
        institution=institution,
        register_number="A.II 5/2025",
        register_category="A.II",
        admitted_on=dt.date(2025, 4, 1),
        offence="narcotics_user",
    )
    with pytest.raises(ValidationError) as error:
        services.admission_open(by=staff, admission=admission)
    assert "children under 18 are held in an LPKA" in error.value.message_dict["minor_reason"][0]
    assert not Admission.objects.exists()


def test_an_sdp_row_of_a_child_at_an_adult_upt_is_refused(institution, lpka):
    from exchange.sdp.places import Area
    from tests.exchange.test_plan import plan_for, row

    child = row(nik="6308010204080003", full_name="Rizky Pratama", birth_date=dt.date(2008, 4, 2))
    plan = plan_for([child], institution=institution)
    [refused] = plan.refused
    assert "Aged 16 at admission, at a UPT for adults" in refused.refusal and not plan.new_people
    plan = plan_for([child], institution=lpka)
    assert plan.counts["new_people"] == 1 and not plan.refused
    assert Area(institution=lpka).institution == lpka
