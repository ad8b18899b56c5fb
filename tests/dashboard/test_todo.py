"""The to-do home (issue 17): each role's counts, each linking to the list behind it, which shows the same
rows."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership, Role
from assessments.models import Recommendation
from dashboard.todo import todo_groups
from inmates.models import Admission
from rehab import services as rehab_services
from rehab.models import Programme
from tests.assessments.test_views import assess, screen
from tests.factories import PersonFactory, UserFactory, admit, make_agreement, membership
from tests.rehab.conftest import make_enrolment, plan
from tests.rehab.test_services import local

HOME = reverse("home")
TODAY = dt.date(2026, 12, 2)  # a Wednesday


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC), tick=False):  # 11:00 WITA
        yield


def _items(response) -> dict:
    return {item.key: item for group in response.context["todo_groups"] for item in group.items}


def _names(response) -> list[str]:
    return [row.person.full_name for row in response.context["page_obj"].object_list]


def test_staff_see_who_is_past_their_expected_release_and_the_link_lists_them(login, staff, institution):
    overdue = admit(PersonFactory(full_name="Budi Lewat"), institution)
    Admission.objects.filter(pk=overdue.pk).update(expected_release=dt.date(2026, 11, 30))
    soon = admit(PersonFactory(full_name="Dedi Segera"), institution)
    Admission.objects.filter(pk=soon.pk).update(expected_release=dt.date(2026, 12, 20))
    later = admit(PersonFactory(full_name="Eko Nanti"), institution)
    Admission.objects.filter(pk=later.pk).update(expected_release=dt.date(2027, 6, 1))
    client = login(staff)
    response = client.get(HOME)
    assert response.status_code == 200
    items = _items(response)
    assert (items["past-release"].count, items["past-release"].urgent) == (1, True)
    assert items["releases-soon"].count == 1
    assert 'data-todo="past-release"' in response.content.decode()
    listed = client.get(items["past-release"].url)
    assert listed.status_code == 200
    assert _names(listed) == ["Budi Lewat"]
    assert "30 Nov 2026" in listed.content.decode()  # the expected-release column appears with the filter


def test_the_release_filter_ignores_a_bad_value(login, staff, person):
    response = login(staff).get(reverse("inmates:admission-list"), {"release": "\x00nonsense"})
    assert response.status_code == 200
    assert _names(response) == ["Ahmad Fauzan"]


def test_rescreening_due_counts_people_still_held_whose_last_assist_is_old(login, staff, institution):
    old = PersonFactory(full_name="Hasan Lama")
    admit(old, institution)
    screen(old, staff, risk="low", on=dt.date(2026, 5, 1))
    recent = PersonFactory(full_name="Imam Baru")
    admit(recent, institution)
    screen(recent, staff, risk="low", on=dt.date(2026, 11, 1))
    rescreened = PersonFactory(full_name="Joko Ulang")
    admit(rescreened, institution)
    screen(rescreened, staff, risk="low", on=dt.date(2026, 3, 1))
    screen(rescreened, staff, risk="low", on=dt.date(2026, 10, 1))
    client = login(staff)
    item = _items(client.get(HOME))["to-rescreen"]
    assert item.count == 1
    listed = client.get(item.url)
    assert listed.status_code == 200
    assert _names(listed) == ["Hasan Lama"]
    assert "Screen again" in listed.content.decode()


def test_moderate_screenings_not_assessed_and_recommendations_to_approve(login, staff, institution, person):
    screen(person, staff, risk="high", on=dt.date(2026, 11, 20))
    head = membership(UserFactory(username="kalapas"), Role.UPT_STAFF, institution)
    Membership.objects.filter(user=head).update(is_head=True)
    assert _items(login(staff).get(HOME))["to-assess"].count == 1
    assessment = assess(person, staff, on=dt.date(2026, 11, 25))
    Recommendation.objects.create(
        assessment=assessment, kind="social_inpatient", decided_on=dt.date(2026, 11, 25), decided_by=staff
    )
    head.__dict__.pop("scope", None)
    response = login(head).get(HOME)
    items = _items(response)
    assert items["to-assess"].count == 0
    assert items["to-approve"].count == 1
    assert [m.user.username for m in response.context["staff_list"]] == ["kalapas", "staf.amuntai"]
    assert login(head).get(items["to-approve"].url).context["page_obj"].paginator.count == 1


@pytest.fixture
def session_over(institution, agency, counsellor, staff):
    agreement = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        scopes=["social_rehabilitation", "counselling"],
    )
    programme = Programme.objects.create(
        institution=institution,
        kind=Programme.Kind.SOCIAL,
        name="TC Amuntai",
        agency=agency,
        agreement=agreement,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2027, 3, 31),
        capacity=10,
        target=10,
        required_sessions=2,
    )
    enrolment = make_enrolment(programme, PersonFactory(full_name="Kurnia Hadir"))
    counsellor.__dict__.pop("scope", None)
    over, today = rehab_services.sessions_schedule(
        by=staff,
        programme=programme,
        plan=plan([counsellor], [enrolment], topic="Kelompok pagi"),
        times=[
            (local(dt.date(2026, 11, 30), 9), local(dt.date(2026, 11, 30), 11)),
            (local(dt.date(2026, 12, 2), 14), local(dt.date(2026, 12, 2), 16)),
        ],
    )
    return over, today


def test_counsellor_sees_the_weeks_sessions_and_those_waiting_for_attendance(login, counsellor, session_over):
    over, today = session_over
    client = login(counsellor)
    response = client.get(HOME)
    assert response.status_code == 200
    week = response.context["my_week"]
    assert [s.pk for s in week["earlier"]] == [over.pk]  # Monday's, attendance still to take
    assert [s.pk for s in week["today"]] == [today.pk]
    page = response.content.decode()
    assert "Take attendance" in page and "14:00 WITA" in page
    item = _items(response)["attendance-gaps"]
    assert item.count == 1
    listed = client.get(item.url)
    assert listed.status_code == 200
    assert [s.pk for s in listed.context["page_obj"].object_list] == [over.pk]


def test_the_gap_list_filters_by_upt_and_drops_a_bad_filter(login, regional, session_over, institution):
    client = login(regional)
    url = reverse("rehab:session-gaps")
    assert client.get(url, {"institution": institution.pk}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"institution": institution.pk + 999}).context["page_obj"].paginator.count == 1
    for bad in ("9" * 40, "\x00", "abc", "-1"):
        response = client.get(url, {"institution": bad})
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 1


def test_gap_list_is_scoped(login, outsider, session_over):
    response = login(outsider).get(reverse("rehab:session-gaps"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert "Every session's attendance is recorded" in response.content.decode()


def test_officers_see_overdue_work_per_upt(login, regional, national, session_over, institution):
    for user in (regional, national):
        response = login(user).get(HOME)
        assert response.status_code == 200
        assert _items(response)["attendance-gaps"].count == 1
        [row] = response.context["piling"]["rows"]
        assert (row["institution"], row["gaps"], row["overdue"]) == (institution, 1, 0)


def test_every_count_links_to_a_page_the_user_may_open(
    login, staff, counsellor, regional, national, session_over
):
    for user in (staff, counsellor, regional, national):
        client = login(user)
        for group in todo_groups(user, TODAY):
            for item in group.items:
                assert client.get(item.url).status_code == 200, (user.username, item.key, item.url)


def test_nothing_waiting_says_so(login, regional):
    response = login(regional).get(HOME)
    assert "Nothing is waiting here" in response.content.decode()


def test_home_queries_do_not_grow_with_the_work_waiting(
    login, staff, counsellor, regional, national, institution, session_over, django_assert_max_num_queries
):
    for n in range(15):
        admission = admit(PersonFactory(full_name=f"Orang {n}"), institution)
        Admission.objects.filter(pk=admission.pk).update(expected_release=dt.date(2026, 11, 1))
    for user in (staff, counsellor, regional, national):
        client = login(user)
        with django_assert_max_num_queries(40):
            response = client.get(HOME)
        assert response.status_code == 200
    assert _items(login(staff).get(HOME))["past-release"].count == 15


def test_plans_without_an_agency_link_to_the_after_care_plan_list_that_shows_them(
    login, staff, institution, agency
):
    from inmates.services import admission_release

    agreement = make_agreement(
        institutions=[institution], agencies=[agency], scopes=["social_rehabilitation"]
    )
    programme = Programme.objects.create(
        institution=institution,
        kind=Programme.Kind.SOCIAL,
        name="TC 2026",
        agency=agency,
        agreement=agreement,
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 11, 30),
        capacity=5,
        target=5,
        required_sessions=2,
    )
    enrolment = make_enrolment(programme, PersonFactory(full_name="Fajar Tanpa Mitra"))
    admission_release(
        by=staff, admission=enrolment.admission, on=dt.date(2026, 11, 20), release_type="parole"
    )
    client = login(staff)
    item = _items(client.get(HOME))["plans-without-agency"]
    assert item.count == 1 and item.url == reverse("rehab:aftercare-list") + "?status=no_agency"
    listed = client.get(item.url)
    assert _names(listed) == ["Fajar Tanpa Mitra"]
    assert "No agreement in force covers after-care at" in listed.content.decode()


def test_the_gap_list_keeps_its_query_count(login, regional, session_over, django_assert_max_num_queries):
    client = login(regional)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("rehab:session-gaps"))
    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 1
    assert "Kelompok pagi" in response.content.decode()
