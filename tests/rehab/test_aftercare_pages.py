"""After-care made visible: the person page's panel, the list of every plan (filters, search, pages, scope,
query bound), and a plan no agency can take over said in words with what to do."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from inmates.services import admission_release
from rehab.models import AftercarePlan
from tests.factories import AgencyFactory, PersonFactory, UserFactory, admit, membership
from tests.rehab.conftest import make_enrolment
from tests.rehab.test_aftercare import aftercare_agreement, plan  # noqa: F401 - fixtures

LIST = reverse("rehab:aftercare-list")
STRANDED = "No agreement in force covers after-care at Lapas Kelas IIB Amuntai"


def release(staff, programme, name, on=dt.date(2025, 12, 1), number=None):
    person = PersonFactory(full_name=name)
    admit(person, programme.institution, number=number or f"B.I {name[:3]}/2025")
    enrolment = make_enrolment(programme, person)
    admission_release(by=staff, admission=enrolment.admission, on=on, release_type="parole")
    return person.aftercare_plans.get()


def names(response) -> list[str]:
    return [row.person.full_name for row in response.context["page_obj"].object_list]


# --- The person page ----------------------------------------------------------------------------------


def test_the_person_page_shows_the_plan_its_agency_and_follow_ups(login, staff, regional, plan):  # noqa: F811
    plan.follow_ups.filter(months_after=1).update(
        done_on=dt.date(2026, 1, 3), method="visit", outcome="abstinent"
    )
    for user in (staff, regional):
        page = login(user).get(plan.person.get_absolute_url()).content.decode()
        section = page[page.index('id="aftercare-heading"') :]
        assert "Released on 1 December 2025 from Lapas Kelas IIB Amuntai" in section
        assert "Taken over by BNNK Hulu Sungai Utara" in section
        assert "Follow-ups: 1 done, 3 still due" in section
        assert "next due 1 March 2026" in section and "1 overdue" in section  # 3 months: due 1 March
        assert plan.get_absolute_url() in section


def test_no_section_for_someone_without_a_plan(login, staff, person):
    assert 'id="aftercare-heading"' not in login(staff).get(person.get_absolute_url()).content.decode()


def test_a_plan_no_agency_can_take_says_so_and_what_to_do(login, staff, regional, programme, members):
    # The only agreement at the UPT covers rehabilitation, not after-care: nobody takes the plan over.
    admission_release(by=staff, admission=members[0].admission, on=dt.date(2026, 2, 1), release_type="parole")
    unassigned = AftercarePlan.objects.get()
    assert unassigned.agency is None
    for user in (staff, regional):
        client = login(user)
        person_page = client.get(unassigned.person.get_absolute_url()).content.decode()
        assert (
            STRANDED in person_page
            and "ask the head of the UPT to add after-care to an agreement" in person_page
        )
        assert STRANDED in client.get(unassigned.get_absolute_url()).content.decode()
    assign = login(staff).get(reverse("rehab:aftercare-assign", args=[unassigned.pk])).content.decode()
    assert STRANDED in assign


def test_a_plan_an_agency_could_take_offers_to_assign_one_to_those_who_may(
    login,
    staff,
    regional,
    plan,  # noqa: F811
):
    AftercarePlan.objects.filter(pk=plan.pk).update(agency=None)
    assign = reverse("rehab:aftercare-assign", args=[plan.pk])
    staff_page = login(staff).get(plan.person.get_absolute_url()).content.decode()
    assert "No agency has taken this plan over yet." in staff_page and assign in staff_page
    assert STRANDED not in staff_page
    regional_page = login(regional).get(plan.person.get_absolute_url()).content.decode()
    assert "No agency has taken this plan over yet." in regional_page and assign not in regional_page


# --- The list of every plan ---------------------------------------------------------------------------


def test_the_list_shows_every_plan_not_only_those_due(login, staff, programme, aftercare_agreement):  # noqa: F811
    due = release(staff, programme, "Bayu Saputra")
    done = release(staff, programme, "Candra Wijaya", on=dt.date(2025, 1, 10))
    done.follow_ups.update(done_on=dt.date(2026, 1, 15), method="phone", outcome="abstinent")
    response = login(staff).get(LIST)
    assert response.status_code == 200
    assert names(response) == ["Bayu Saputra", "Candra Wijaya"]  # the latest release first
    page = response.content.decode()
    assert "4 done, 0 still due" in page and "0 done, 4 still due" in page
    assert due.get_absolute_url() in page and done.get_absolute_url() in page
    assert "BNNK Hulu Sungai Utara" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=due", ["Bayu Saputra", "Dewi Lestari"]),
        ("status=overdue", ["Bayu Saputra"]),
        ("status=no_agency", ["Dewi Lestari"]),
        ("status=done", ["Candra Wijaya"]),
        ("q=Saputra+Bayu", ["Bayu Saputra"]),  # every word, any order
        ("q=202%2F2025", ["Candra Wijaya"]),  # part of the register number
        ("q=lestari", ["Dewi Lestari"]),
        ("agency={hsu}", ["Bayu Saputra", "Candra Wijaya"]),
        ("institution={upt}&status=overdue", ["Bayu Saputra"]),
    ],
)
def test_filters_and_search(login, staff, programme, aftercare_agreement, agency, query, expected):  # noqa: F811
    release(staff, programme, "Bayu Saputra", number="B.I 101/2025")
    release(
        staff, programme, "Candra Wijaya", on=dt.date(2025, 1, 10), number="B.I 202/2025"
    ).follow_ups.update(done_on=dt.date(2026, 1, 15), method="phone", outcome="abstinent")
    dewi = release(staff, programme, "Dewi Lestari", on=dt.date(2026, 2, 20), number="B.IIa 303/2026")
    AftercarePlan.objects.filter(pk=dewi.pk).update(agency=None)
    query = query.format(hsu=agency.pk, upt=programme.institution.pk)
    assert sorted(names(login(staff).get(f"{LIST}?{query}"))) == expected


def test_each_user_sees_the_plans_in_their_scope_only(
    login,
    staff,
    counsellor,
    regional,
    outsider,
    other_regional,
    plan,  # noqa: F811
):
    name = plan.person.full_name
    for user in (staff, counsellor, regional):
        assert names(login(user).get(LIST)) == [name], user
    for user in (outsider, other_regional):
        response = login(user).get(LIST)
        assert response.status_code == 200 and names(response) == [], user
        assert "No after-care plans yet" in response.content.decode()
    stranger = membership(
        UserFactory(username="konselor.lain"), Role.COUNSELLOR, AgencyFactory(code="ipwl-x")
    )
    assert names(login(stranger).get(LIST)) == []


def test_a_read_only_user_gets_no_link_that_would_be_refused(login, regional, programme, staff, members):
    admission_release(by=staff, admission=members[0].admission, on=dt.date(2026, 2, 1), release_type="parole")
    unassigned = AftercarePlan.objects.get()
    page = login(regional).get(LIST).content.decode()
    assert reverse("rehab:aftercare-assign", args=[unassigned.pk]) not in page
    assert reverse("rehab:followup-record", args=[unassigned.follow_ups.first().pk]) not in page


def test_upts_where_no_agency_can_take_plans_are_named_with_what_to_do(login, staff, programme, members):
    admission_release(by=staff, admission=members[0].admission, on=dt.date(2026, 2, 1), release_type="parole")
    page = login(staff).get(LIST).content.decode()
    callout = page[page.index("Plans no agency can take over") :]
    assert (
        "No agreement in force covers after-care at" in callout and "Lapas Kelas IIB Amuntai</a>." in callout
    )
    assert "Ask the head of the UPT to add after-care to an agreement with BNN or an IPWL" in page
    assert "No agreement covers after-care here" in page  # on the row too


def test_the_list_is_paginated_and_keeps_its_query_count(
    login,
    staff,
    programme,
    aftercare_agreement,  # noqa: F811
    django_assert_max_num_queries,
    settings,
):
    client = login(staff)
    release(staff, programme, "Orang 00")
    with django_assert_max_num_queries(20) as one:
        assert names(client.get(LIST)) == ["Orang 00"]
    programme.capacity = 100
    programme.save()
    for n in range(1, 30):
        release(staff, programme, f"Orang {n:02d}", on=dt.date(2025, 12, 1) - dt.timedelta(days=n))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(LIST)
    assert len(names(response)) == settings.PAGE_SIZE
    assert response.context["page_obj"].paginator.count == 30
    assert names(client.get(f"{LIST}?page=2")) == [f"Orang {n:02d}" for n in range(settings.PAGE_SIZE, 30)]


@pytest.mark.parametrize(
    "query",
    [
        "status=nonsense",
        "institution=999999999999999999999999",
        "agency=-1",
        "agency=abc",
        "page=999999999999",
        "page=-1",
        "q=" + "x" * 5000,
        "q=%00",
        "q=a%00b&status=%00",
        "institution=%ff%fe",
    ],
)
def test_bad_filter_values_never_break_the_list(login, staff, plan, query):  # noqa: F811
    response = login(staff).get(f"{LIST}?{query}")
    assert response.status_code == 200


def test_the_follow_up_lists_link_to_every_plan(login, staff):
    page = login(staff).get(reverse("rehab:followup-list")).content.decode()
    assert f'href="{LIST}"' in page and "All after-care plans" in page


def test_the_list_reads_in_indonesian(client, staff, plan):  # noqa: F811
    client.force_login(staff)
    page = client.get(LIST).content.decode()
    assert "Semua rencana pascarehabilitasi" in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Bayu Saputra", "Candra Wijaya", "Dewi Lestari"]),
        ("-name", ["Dewi Lestari", "Candra Wijaya", "Bayu Saputra"]),
        ("released", ["Candra Wijaya", "Bayu Saputra", "Dewi Lestari"]),
        ("due", ["Bayu Saputra", "Dewi Lestari", "Candra Wijaya"]),  # nothing due any more: last
        ("nonsense", ["Dewi Lestari", "Bayu Saputra", "Candra Wijaya"]),  # the list's own order
    ],
)
def test_columns_sort_the_list(login, staff, programme, aftercare_agreement, sort, expected):  # noqa: F811
    release(staff, programme, "Bayu Saputra")
    release(staff, programme, "Candra Wijaya", on=dt.date(2025, 1, 10)).follow_ups.update(
        done_on=dt.date(2026, 1, 15), method="phone", outcome="abstinent"
    )
    release(staff, programme, "Dewi Lestari", on=dt.date(2026, 2, 20))
    response = login(staff).get(f"{LIST}?status=&sort={sort}")
    assert names(response) == expected
    assert 'aria-sort="' in response.content.decode()
