"""What an applied import leaves to the UPT's staff, and their decisions through the forms' services: people
who left according to SDP (released several at once, or still held), rows that may be someone already
registered (linked or created), people held at another UPT (noted). Officers read; outsiders get 404."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from exchange import decisions, services
from exchange.models import ImportItem
from exchange.sdp.places import Area
from inmates import services as inmates_services
from inmates.models import Admission, Person
from tests.exchange.test_import import line, sdp_file
from tests.factories import PersonFactory, admit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def _today_in_english():
    """Frozen on 5 December 2026, and reading English so messages read like the source strings."""
    with (
        time_machine.travel(dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), tick=False),
        translation.override("en"),
    ):
        yield


def applied(upload, institution, by):
    area = Area(institution=institution)
    preview = services.import_preview(upload=upload, area=area, today=TODAY)
    run = services.import_record(by=by, area=area, upload=upload, file_name="sdp.csv", preview=preview)
    return services.import_apply(by=by, run=run, today=TODAY)


def held(name, nik, institution, number):
    person = PersonFactory(full_name=name, nik=nik)
    return admit(person, institution, number=number)


@pytest.fixture
def three_left(institution):
    return [
        held(name, f"63080117059000{index:02d}", institution, f"B.I {index}/2025")
        for index, name in enumerate(["Gani Saputra", "Hadi Susanto", "Indra Lesmana"], start=10)
    ]


def test_people_absent_from_the_file_wait_as_left_and_are_released_together(institution, staff, three_left):
    run = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    items = list(run.items.filter(kind=ImportItem.Kind.LEFT).order_by("pk"))
    assert [item.admission for item in items] == three_left
    released = decisions.left_release(
        by=staff, items=items[:2], on=dt.date(2026, 12, 1), release_type="parole", note="SK PB 12/2026"
    )
    assert len(released) == 2
    for admission in three_left[:2]:
        admission.refresh_from_db()
        assert admission.released_on == dt.date(2026, 12, 1) and admission.release_type == "parole"
    assert set(ImportItem.objects.still_open().values_list("admission", flat=True)) == {three_left[2].pk}
    assert AuditEvent.objects.filter(details__sdp_import=run.pk, details__release__type="parole").count() == 2


def test_a_batch_release_is_all_or_nothing(institution, staff, three_left):
    run = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    items = list(run.items.filter(kind=ImportItem.Kind.LEFT))
    inmates_services.admission_release(  # one of them released by hand meanwhile, on the 3rd
        by=staff, admission=three_left[2], on=dt.date(2026, 12, 3), release_type="parole"
    )
    with pytest.raises(ValidationError) as error:
        decisions.left_release(by=staff, items=items, on=dt.date(2026, 12, 1), release_type="parole")
    assert "already been decided" in str(error.value)
    assert Admission.objects.filter(released_on__isnull=False).count() == 1  # only the one by hand
    with pytest.raises(ValidationError, match="Gani Saputra"):  # who, and why (the release form's reason)
        decisions.left_release(by=staff, items=items[:2], on=dt.date(2024, 1, 1), release_type="parole")
    assert Admission.objects.filter(released_on__isnull=False).count() == 1


def test_still_held_needs_the_check_said_and_changes_nothing(institution, staff, three_left):
    run = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    item = run.items.filter(kind=ImportItem.Kind.LEFT).first()
    with pytest.raises(ValidationError):
        decisions.left_still_held(by=staff, item=item, note="  ")
    decisions.left_still_held(by=staff, item=item, note="Dicek di blok C; SDP belum diperbarui")
    item.refresh_from_db()
    assert item.outcome == ImportItem.Outcome.STILL_HELD and item.decided_by == staff
    assert item.admission.is_open


def test_officers_and_other_upts_do_not_decide(institution, staff, regional, sister_staff, three_left):
    run = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    item = run.items.filter(kind=ImportItem.Kind.LEFT).first()
    for someone in (regional, sister_staff):
        with pytest.raises(PermissionDenied):
            decisions.left_release(by=someone, items=[item], on=TODAY, release_type="parole")
    item.admission.refresh_from_db()
    assert item.admission.is_open


def test_a_row_like_someone_known_is_linked_by_hand_as_a_return(institution, staff):
    earlier = PersonFactory(full_name="Ahmad Fauzan", nik=None, birth_date=dt.date(1990, 5, 17))
    spell = admit(earlier, institution, on=dt.date(2023, 1, 5), number="B.I 5/2023")
    inmates_services.admission_release(
        by=staff, admission=spell, on=dt.date(2024, 1, 5), release_type="sentence_expiry"
    )
    # A similar name with the same birth date: a weak match, for a person to decide.
    run = applied(sdp_file(line("Achmad Fauzan", "", "B.I 1/2025")), institution, staff)
    [item] = run.items.filter(kind=ImportItem.Kind.REVIEW)
    assert list(item.candidates.all()) == [earlier] and Person.objects.count() == 1
    with pytest.raises(ValidationError):
        decisions.review_link(by=staff, item=item, person=PersonFactory(), reason="sama")  # not a candidate
    admission = decisions.review_link(by=staff, item=item, person=earlier, reason="Foto dan sidik jari sama")
    assert admission.person == earlier and admission.register_number == "B.I 1/2025"
    assert earlier.admissions.count() == 2  # a return to custody, counted in recidivism
    item.refresh_from_db()
    assert item.outcome == ImportItem.Outcome.LINKED and item.person == earlier
    with pytest.raises(ValidationError, match="already been decided"):
        decisions.review_create(by=staff, item=item, reason="x")


def test_a_row_like_someone_known_may_be_registered_as_new(institution, staff):
    earlier = PersonFactory(full_name="Ahmad Fauzan", nik=None, birth_date=dt.date(1990, 5, 17))
    admit(earlier, institution, on=dt.date(2023, 1, 5), number="B.I 5/2023")
    Admission.objects.filter(person=earlier).update(released_on=dt.date(2024, 1, 5), release_type="other")
    run = applied(sdp_file(line("Achmad Fauzan", "", "B.I 1/2025")), institution, staff)
    [item] = run.items.filter(kind=ImportItem.Kind.REVIEW)
    with pytest.raises(ValidationError):
        decisions.review_create(by=staff, item=item, reason="")
    admission = decisions.review_create(by=staff, item=item, reason="Nama ibu berbeda")
    assert admission.person != earlier and admission.person.full_name == "Achmad Fauzan"
    assert admission.institution == institution and Person.objects.count() == 2


def test_a_later_import_replaces_what_is_still_open_and_the_same_file_twice_adds_nothing(
    institution, staff, three_left
):
    upload = sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025"))
    first = applied(upload, institution, staff)
    second = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    assert second.counts == {**dict.fromkeys(second.counts, 0), "unchanged": 1, "left": 3}
    assert ImportItem.objects.still_open().count() == 3
    assert set(ImportItem.objects.still_open().values_list("run", flat=True)) == {second.pk}
    assert first.items.filter(outcome=ImportItem.Outcome.SUPERSEDED).count() == 3


def test_someone_held_at_another_upt_is_noted(institution, sister_institution, staff):
    held("Ahmad Fauzan", "6308011705900001", sister_institution, "B.I 1/2025")
    run = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    [item] = run.items.filter(kind=ImportItem.Kind.TRANSFER)
    assert item.admission.institution == sister_institution
    decisions.transfer_noted(by=staff, item=item)
    item.refresh_from_db()
    assert item.outcome == ImportItem.Outcome.NOTED


# --- The pages ---------------------------------------------------------------------------------------------


def test_staff_tick_several_and_release_them_from_the_list(login, institution, staff, three_left):
    run = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    client = login(staff)
    page = client.get(reverse("exchange:item-list"), {"kind": "left"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Gani Saputra" in text and 'name="items"' in text and "Record releases" in text
    ids = list(run.items.filter(kind="left").values_list("pk", flat=True)[:2])
    response = client.post(
        reverse("exchange:left-release"),
        {"items": ids, "released_on": "2026-12-01", "release_type": "parole", "note": ""},
    )
    assert response.status_code == 302
    assert Admission.objects.filter(released_on=dt.date(2026, 12, 1)).count() == 2
    page = client.get(reverse("exchange:item-list"), {"kind": "left", "status": "decided"})
    assert page.content.decode().count("Release recorded") == 2


def test_bad_batch_input_records_nothing(login, institution, staff, three_left):
    run = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    client = login(staff)
    ids = list(run.items.filter(kind="left").values_list("pk", flat=True))
    for data in (
        {"items": ids, "released_on": "31-02-2026", "release_type": "parole"},
        {"items": ids, "released_on": "2026-12-01", "release_type": "escape"},
        {
            "items": ["x", "99999999999999999999", "-1"],
            "released_on": "2026-12-01",
            "release_type": "parole",
        },
        {"released_on": "2026-12-01", "release_type": "parole"},
    ):
        response = client.post(reverse("exchange:left-release"), data, follow=True)
        assert response.status_code == 200 and "Nothing was recorded" in response.content.decode()
    assert not Admission.objects.filter(released_on__isnull=False).exists()


def test_who_may_see_and_decide(login, institution, staff, regional, outsider, sister_staff, three_left):
    run = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    item = run.items.filter(kind="left").first()
    detail = reverse("exchange:item-detail", args=[item.pk])
    still_held = reverse("exchange:left-still-held", args=[item.pk])
    page = login(staff).get(detail)
    assert page.status_code == 200 and "Keep in custody" in page.content.decode()
    # The region's officer reads the list and the item, and decides nothing.
    page = login(regional).get(reverse("exchange:item-list"))
    assert page.status_code == 200 and "Gani Saputra" in page.content.decode()
    assert 'name="items"' not in page.content.decode()
    page = login(regional).get(detail)
    assert page.status_code == 200 and "Keep in custody" not in page.content.decode()
    assert login(regional).post(still_held, {"note": "dicek"}).status_code == 403
    release = {"items": [item.pk], "released_on": "2026-12-01", "release_type": "parole"}
    assert login(regional).post(reverse("exchange:left-release"), release).status_code == 403
    for stranger in (outsider, sister_staff):
        assert login(stranger).get(detail).status_code == 404
        assert login(stranger).post(still_held, {"note": "dicek"}).status_code == 404
        page = login(stranger).get(reverse("exchange:item-list"))
        assert page.status_code == 200 and "Gani Saputra" not in page.content.decode()
    item.refresh_from_db()
    assert item.outcome == "" and item.admission.is_open


def test_a_review_shows_someone_held_only_elsewhere_without_their_name(
    login, institution, sister_institution, staff
):
    elsewhere = PersonFactory(full_name="Ahmad Fauzan", nik=None, birth_date=dt.date(1990, 5, 17))
    spell = admit(elsewhere, sister_institution, on=dt.date(2023, 1, 5), number="B.I 5/2023")
    Admission.objects.filter(pk=spell.pk).update(released_on=dt.date(2024, 1, 5), release_type="other")
    run = applied(sdp_file(line("Achmad Fauzan", "", "B.I 1/2025")), institution, staff)
    item = run.items.get(kind="review")
    page = login(staff).get(reverse("exchange:item-detail", args=[item.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "A record at another UPT" in text
    assert "Ahmad Fauzan" not in text and "Achmad Fauzan" in text  # the row is theirs, the match is not


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_keeps_its_query_count(login, institution, staff, count, django_assert_max_num_queries):
    for index in range(count):
        held(f"Orang {index}", f"63080117059{index:05d}", institution, f"B.II {index}/2025")
    applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    client = login(staff)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("exchange:item-list"), {"kind": "left"})
    assert page.status_code == 200
    assert len(page.context["page_obj"].object_list) == min(count, 25) and "Orang 0" in page.content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_a_review_page_keeps_its_query_count(login, institution, staff, count, django_assert_max_num_queries):
    """A row that may be any of many people already registered: the page's queries do not grow with them."""
    run = applied(sdp_file(line("Ahmad Fauzan", "6308011705900001", "B.I 1/2025")), institution, staff)
    item = ImportItem.objects.create(
        run=run,
        kind=ImportItem.Kind.REVIEW,
        institution=institution,
        line=7,
        row={"full_name": "Budi Santoso", "register_number": "B.I 9/2025", "birth_date": "1990-05-17"},
    )
    for index in range(count):
        candidate = PersonFactory(full_name=f"Budi Santoso {index}")
        admit(candidate, institution, number=f"B.II {index}/2024")
        item.candidates.add(candidate)
    client = login(staff)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("exchange:item-detail", args=[item.pk]))
    assert page.status_code == 200
    assert "Budi Santoso 0" in page.content.decode() and len(page.context["candidates"]) == count


def test_a_decision_whose_register_number_was_taken_meanwhile_is_refused_in_words(login, institution, staff):
    earlier = PersonFactory(full_name="Ahmad Fauzan", nik=None, birth_date=dt.date(1990, 5, 17))
    spell = admit(earlier, institution, on=dt.date(2023, 1, 5), number="B.I 5/2023")
    inmates_services.admission_release(
        by=staff, admission=spell, on=dt.date(2024, 1, 5), release_type="sentence_expiry"
    )
    run = applied(sdp_file(line("Achmad Fauzan", "", "B.I 1/2025")), institution, staff)
    [item] = run.items.filter(kind=ImportItem.Kind.REVIEW)
    admit(PersonFactory(full_name="Lebih Dulu"), institution, number="B.I 1/2025")  # by hand, meanwhile
    client = login(staff)
    for action, data in (
        ("exchange:review-create", {"reason": "Nama ibu berbeda"}),
        ("exchange:review-link", {"person": earlier.pk, "reason": "Sidik jari sama"}),
    ):
        response = client.post(reverse(action, args=[item.pk]), data, follow=True)
        assert response.status_code == 200
        assert "B.I 1/2025 is already used by someone else in custody" in response.content.decode()
    assert Person.objects.count() == 2 and earlier.admissions.count() == 1
    item.refresh_from_db()
    assert item.outcome == ""


def test_a_candidate_in_custody_is_not_offered_to_admit_here(login, institution, staff):
    held = PersonFactory(full_name="Siti Aminah", nik=None, birth_date=dt.date(1991, 1, 1))
    admit(held, institution, on=dt.date(2025, 1, 5), number="B.I 7/2025")
    gone = PersonFactory(full_name="Siti Aminah", nik=None, birth_date=dt.date(1991, 1, 1))
    spell = admit(gone, institution, on=dt.date(2023, 1, 5), number="B.I 5/2023")
    inmates_services.admission_release(
        by=staff, admission=spell, on=dt.date(2024, 1, 5), release_type="parole"
    )
    row = line("Siti Aminah", "", "B.I 9/2026")
    row[5] = "01-01-1991"
    run = applied(sdp_file(row), institution, staff)
    [item] = run.items.filter(kind=ImportItem.Kind.REVIEW)
    assert set(item.candidates.all()) == {held, gone}
    response = login(staff).get(reverse("exchange:item-detail", args=[item.pk]))
    assert [value for value, _label in response.context["link_form"].fields["person"].choices] == [gone.pk]
