"""The audit trail page and the "who looked at this record" panel for heads of UPT."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import PersonFactory, UserFactory, admit

URL = reverse("audit-events")


def test_who_may_open_it(login, national, regional, staff, counsellor):
    assert login(national).get(URL).status_code == 200
    assert login(regional).get(URL).status_code == 200
    assert login(staff).get(URL).status_code == 403
    assert login(counsellor).get(URL).status_code == 403


def test_regional_officers_see_their_region_only_and_filters_work(
    login, regional, staff, outsider, person, other_institution
):
    login(staff).get(person.get_absolute_url())  # a view in Kalsel
    stranger = PersonFactory()
    admit(stranger, other_institution)
    login(outsider).get(stranger.get_absolute_url())  # a view in Jatim
    page = login(regional).get(URL, {"action": "view"})
    events = list(page.context["page_obj"])
    assert [e.person_id for e in events] == [person.pk]
    for found_by in ("Ahmad Fauzan", "fauzan ahmad", "017/2025"):  # name in any order, or register number
        listed = login(regional).get(URL, {"user": "staf.amuntai", "person": found_by}).context["page_obj"]
        assert list(listed) == events, found_by
    assert not list(login(regional).get(URL, {"person": "Yusuf Maulana"}).context["page_obj"])


def test_events_name_people_and_kinds_of_record_in_words(login, national, staff, person):
    audit_record(action=AuditEvent.Action.VIEW, actor=staff, obj=person, person_id=person.pk)
    audit_record(action=AuditEvent.Action.EXPORT, actor=None, object_type="gone.model", person_id=person.pk)
    page = login(national).get(URL).content.decode()
    assert f"<td>{staff.get_full_name()}</td>" in page  # the name, not "staf.amuntai"
    assert f"Person (WBP) #{person.pk}" in page and "inmates.person" not in page
    assert "gone.model" in page  # a label that names no model is shown as stored


def test_the_page_keeps_its_query_count(login, national, staff, person, django_assert_max_num_queries):
    client = login(national)
    audit_record(action=AuditEvent.Action.VIEW, actor=staff, obj=person, person_id=person.pk)
    with django_assert_max_num_queries(10) as one:
        client.get(URL)
    for _ in range(40):
        audit_record(action=AuditEvent.Action.VIEW, actor=staff, obj=person, person_id=person.pk)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(URL)


def test_the_newest_events_up_to_the_cap_are_listed_and_the_page_says_more_match(
    login, national, staff, person, monkeypatch
):
    import institutions.paging

    monkeypatch.setattr(institutions.paging, "CAP", 3)
    for _ in range(4):
        audit_record(action=AuditEvent.Action.EXPORT, actor=staff, obj=person, person_id=person.pk)
    response = login(national).get(URL, {"action": "export"})
    assert response.status_code == 200
    newest = AuditEvent.objects.filter(action="export").order_by("-at", "-pk")[:3]
    assert list(response.context["page_obj"]) == list(newest)
    assert "Showing 1–3 of the first 3: more match" in response.content.decode()
    response = login(national).get(URL, {"action": "export", "person": "Nobody Matches"})
    assert "more match" not in response.content.decode()  # nothing matches: no cap to speak of


@pytest.fixture
def head(institution):
    user = UserFactory(username="kalapas.amuntai")
    Membership.objects.create(user=user, role=Role.UPT_STAFF, institution=institution, is_head=True)
    return user


def test_heads_see_who_looked_at_a_record_and_staff_do_not(login, head, staff, regional, person):
    login(regional).get(person.get_absolute_url())
    response = login(head).get(person.get_absolute_url())
    viewers = response.context["viewers"]
    assert "kanwil.kalsel" in [event.username for event in viewers]
    assert regional.get_full_name() in response.content.decode()  # shown by name
    assert login(staff).get(person.get_absolute_url()).context["viewers"] is None


def test_the_user_filter_finds_people_by_their_names_too(login, national, staff, person):
    audit_record(action=AuditEvent.Action.VIEW, actor=staff, obj=person, person_id=person.pk)
    client = login(national)
    for query in (staff.username, staff.last_name, f"{staff.first_name} {staff.last_name}"):
        events = list(client.get(URL, {"user": query, "action": "view"}).context["page_obj"])
        assert [e.actor for e in events] == [staff], query
    assert not list(client.get(URL, {"user": "Nobody Here", "action": "view"}).context["page_obj"])
    response = client.get(URL, {"since": "2026-02-31", "user": staff.username})  # a bad date: dropped
    assert response.status_code == 200 and [e.actor for e in response.context["page_obj"]] == [staff]


def test_a_failed_sign_in_is_found_by_the_name_typed(login, national, client):
    client.post(reverse("accounts:login"), {"username": "penyusup", "password": "salah"})
    events = list(login(national).get(URL, {"user": "penyusup"}).context["page_obj"])
    assert events and all(event.username == "penyusup" and event.actor is None for event in events)


def test_a_regional_officer_cannot_find_people_outside_the_region_by_name(
    login, regional, staff, person, other_institution
):
    stranger = PersonFactory(full_name="Yusuf Maulana")
    admit(stranger, other_institution)
    # A worker of the region looked at someone elsewhere: the event is in the region's trail, by number.
    audit_record(action=AuditEvent.Action.VIEW, actor=staff, obj=stranger, person_id=stranger.pk)
    client = login(regional)
    assert list(client.get(URL, {"user": staff.username}).context["page_obj"])
    assert not list(client.get(URL, {"person": "Yusuf Maulana"}).context["page_obj"])
    audit_record(action=AuditEvent.Action.VIEW, actor=staff, obj=person, person_id=person.pk)
    found = list(client.get(URL, {"person": "Ahmad Fauzan"}).context["page_obj"])
    assert [event.person_id for event in found] == [person.pk]  # inside the region: found by name
