"""Two records alike: merging asks first and shows which record remains; "different people" stops the
duplicate check asking about the pair (who and when kept, audited, and can be taken back); a possible
duplicate in custody is not offered "add the admission". The allowed user, a read-only user and an outsider
for each page."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from inmates.models import Admission, DistinctPeople, Person, PersonMerge
from inmates.services import admission_release
from tests.factories import PersonFactory, admit


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def released_person(person, staff):
    person.birth_date, person.birth_place = dt.date(1990, 5, 17), "Amuntai"
    person.save()
    admission_release(
        by=staff, admission=person.admissions.get(), on=dt.date(2025, 12, 1), release_type="parole"
    )
    return person


@pytest.fixture
def twin(institution):
    """A second record of (maybe) the same person, in custody at the same UPT."""
    twin = PersonFactory(
        full_name="Ahmad Fauzan", nik=None, birth_date=dt.date(1990, 5, 17), birth_place="Amuntai"
    )
    admit(twin, institution, on=dt.date(2026, 2, 1), number="B.I 300/2026")
    return twin


def merge_url(kept, merged) -> str:
    return reverse("inmates:person-merge", args=[kept.pk]) + f"?merged={merged.pk}"


# --- Merging asks first -----------------------------------------------------------------------------------


def test_the_merge_button_leads_to_a_confirmation_that_shows_which_record_remains(
    login, staff, released_person, twin
):
    client = login(staff)
    detail = client.get(released_person.get_absolute_url()).content.decode()
    assert unescape(merge_url(released_person, twin)) in unescape(detail)
    response = client.get(merge_url(released_person, twin))
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert f"Record #{released_person.pk} remains." in page
    assert f"Everything recorded on record #{twin.pk} moves to it" in page
    assert "B.I 300/2026" in page and "B.I 017/2025" in page  # both records' custody spells
    assert "admissions (1)" in page  # what moves
    assert f"Keep record #{twin.pk} instead" in page
    assert not PersonMerge.objects.exists()  # nothing merged by looking
    # Both identities were shown: both views are in the trail.
    assert AuditEvent.objects.filter(action="view", details__merge_confirmation__isnull=False).count() == 2


def test_only_the_confirm_button_merges(login, staff, released_person, twin):
    client = login(staff)
    url = reverse("inmates:person-merge", args=[released_person.pk])
    response = client.post(url, {"merged": twin.pk})  # an old form, or a crafted post: asked first
    assert response.status_code == 200 and "remains" in response.content.decode()
    assert not PersonMerge.objects.exists()
    response = client.post(url, {"merged": twin.pk, "confirm": "yes"})
    assert response.status_code == 302 and response.url == released_person.get_absolute_url()
    merge = PersonMerge.objects.get()
    assert (merge.kept, merge.merged, merge.merged_by) == (released_person, twin, staff)


def test_a_merge_that_cannot_be_says_why_before_asking(login, staff, person, twin):
    response = login(staff).get(merge_url(person, twin))
    page = response.content.decode()
    assert "Both records have a person in custody now" in page and 'name="confirm"' not in page
    login(staff).post(merge_url(person, twin), {"merged": twin.pk, "confirm": "yes"})
    assert not PersonMerge.objects.exists()


def test_readers_are_refused_and_outsiders_see_nothing(
    login, regional, outsider, counsellor, released_person, twin
):
    for user, status in ((regional, 403), (outsider, 404), (counsellor, 404)):
        client = login(user)
        assert client.get(merge_url(released_person, twin)).status_code == status
        response = client.post(
            reverse("inmates:person-merge", args=[released_person.pk]), {"merged": twin.pk, "confirm": "yes"}
        )
        assert response.status_code == status
    assert not PersonMerge.objects.exists()


@pytest.mark.parametrize("junk", ["", "abc", "-1", "1e5", "9" * 30, "\x00"])
def test_junk_for_the_other_record_is_refused_not_a_server_error(login, staff, released_person, junk):
    client = login(staff)
    response = client.get(reverse("inmates:person-merge", args=[released_person.pk]), {"merged": junk})
    assert response.status_code == 404
    # NUL bytes in a form are refused before any view (400); other junk finds nobody.
    response = client.post(reverse("inmates:person-distinct", args=[released_person.pk]), {"other": junk})
    assert response.status_code == (400 if "\x00" in junk else 404)
    assert not DistinctPeople.objects.exists()


# --- Different people ---------------------------------------------------------------------------------------


def test_different_people_stops_the_question_for_the_pair_and_can_be_taken_back(
    login, staff, released_person, twin
):
    client = login(staff)
    assert [m.person for m in client.get(released_person.get_absolute_url()).context["duplicates"]] == [twin]
    response = client.post(
        reverse("inmates:person-distinct", args=[released_person.pk]),
        {"other": twin.pk, "note": "Nama ibu kandung berbeda"},
    )
    assert response.status_code == 302
    pair = DistinctPeople.objects.get()
    assert (pair.first_id, pair.second_id) == tuple(sorted((released_person.pk, twin.pk)))
    assert pair.recorded_by == staff and pair.recorded_at and pair.note == "Nama ibu kandung berbeda"
    events = AuditEvent.objects.filter(action="create", object_type="inmates.distinctpeople")
    assert {event.person_id for event in events} == {released_person.pk, twin.pk}
    # Asked no more, from either record's page; the record of it is shown, to take back.
    page = client.get(released_person.get_absolute_url())
    assert page.context["duplicates"] == []
    assert f"Recorded as a different person: Ahmad Fauzan (#{twin.pk})" in page.content.decode()
    assert client.get(twin.get_absolute_url()).context["duplicates"] == []
    # Two people cannot be merged either, while it stands.
    assert "recorded as different people" in client.get(merge_url(released_person, twin)).content.decode()
    response = client.post(reverse("inmates:person-distinct-undo", args=[pair.pk]), {"person": twin.pk})
    assert response.status_code == 302 and response.url == twin.get_absolute_url()
    pair.refresh_from_db()
    assert pair.undone_by == staff and pair.undone_at
    assert [m.person for m in client.get(released_person.get_absolute_url()).context["duplicates"]] == [twin]
    assert AuditEvent.objects.filter(details__different_people_undone__isnull=False).count() == 2


def test_the_same_pair_twice_is_said_not_broken(login, staff, released_person, twin):
    client = login(staff)
    url = reverse("inmates:person-distinct", args=[released_person.pk])
    client.post(url, {"other": twin.pk})
    response = client.post(url, {"other": twin.pk}, follow=True)
    assert "already been recorded as different people" in response.content.decode()
    assert DistinctPeople.objects.count() == 1


def test_readers_and_outsiders_cannot_tell_people_apart(
    login, staff, regional, outsider, released_person, twin
):
    from inmates.services import distinct_people_record

    for user, status in ((regional, 403), (outsider, 404)):
        response = login(user).post(
            reverse("inmates:person-distinct", args=[released_person.pk]), {"other": twin.pk}
        )
        assert response.status_code == status
    assert not DistinctPeople.objects.exists()
    pair = distinct_people_record(by=staff, person=released_person, other=twin)
    for user, status in ((regional, 403), (outsider, 404)):
        assert login(user).post(reverse("inmates:person-distinct-undo", args=[pair.pk])).status_code == status
    pair.refresh_from_db()
    assert pair.undone_at is None
    assert "Different people" not in login(regional).get(released_person.get_absolute_url()).content.decode()


def test_a_merge_leaves_the_different_people_records_where_they_were(
    login, staff, released_person, twin, institution
):
    from inmates.services import distinct_people_record, person_merge

    third = PersonFactory(full_name="Ahmad Fauzi", nik=None)
    admit(third, institution, on=dt.date(2025, 3, 1), number="B.I 9/2025")
    pair = distinct_people_record(by=staff, person=twin, other=third)
    person_merge(by=staff, kept=released_person, merged=twin)
    pair.refresh_from_db()
    assert {pair.first_id, pair.second_id} == {twin.pk, third.pk}


# --- Registration: no "add the admission" for someone in custody ------------------------------------------


def registration(institution, **changes):
    data = {
        "person-full_name": "Ahmad Fauzan",
        "person-nik": "",
        "person-sex": "male",
        "person-birth_date": "1990-05-17",
        "person-birth_place": "Amuntai",
        "admission-institution": str(institution.pk),
        "admission-register_number": "B.I 200/2026",
        "admission-register_category": "B.I",
        "admission-admitted_on": "2026-02-01",
        "admission-offence": "narcotics_user",
    }
    return {**data, **changes}


def test_a_possible_duplicate_in_custody_is_not_offered_add_the_admission(
    login, staff, released_person, twin, institution
):
    response = login(staff).post(reverse("inmates:person-create"), registration(institution))
    page = response.content.decode()
    assert {m.person for m in response.context["matches"]} == {released_person, twin}
    assert f'value="link:{released_person.pk}"' in page  # released: may come back on the old record
    assert f'value="link:{twin.pk}"' not in page  # in custody now
    assert "In custody now: a new admission only after their release or transfer is recorded." in page
    assert Person.objects.count() == 2 and Admission.objects.count() == 2


def test_someone_in_custody_at_another_upt_is_not_offered_either(login, outsider, twin, other_institution):
    response = login(outsider).post(reverse("inmates:person-create"), registration(other_institution))
    page = response.content.decode()
    assert "A record at another UPT" in page and f'value="link:{twin.pk}"' not in page
    assert "In custody at another UPT now: that UPT records their transfer to yours." in page
