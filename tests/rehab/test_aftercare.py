"""After-care: the plan opened at release, its follow-up schedule, work lists, the return to custody."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inmates.models import Admission
from inmates.services import admission_open, admission_release
from rehab import aftercare
from rehab.models import AftercarePlan, FollowUp
from tests.factories import make_agreement


@pytest.fixture
def aftercare_agreement(institution, agency):
    return make_agreement(
        institutions=[institution], agencies=[agency], valid_from=dt.date(2025, 1, 1), scopes=["aftercare"]
    )


@pytest.mark.parametrize(
    ("released", "expected"),
    [
        (
            dt.date(2026, 1, 31),
            [dt.date(2026, 2, 28), dt.date(2026, 4, 30), dt.date(2026, 7, 31), dt.date(2027, 1, 31)],
        ),
        (
            dt.date(2025, 11, 15),
            [dt.date(2025, 12, 15), dt.date(2026, 2, 15), dt.date(2026, 5, 15), dt.date(2026, 11, 15)],
        ),
    ],
)
def test_follow_ups_are_due_1_3_6_and_12_months_after_release(released, expected):
    assert [aftercare.add_months(released, months) for months in (1, 3, 6, 12)] == expected


def test_release_after_rehabilitation_opens_the_plan_with_the_agency_that_takes_over(
    staff, programme, members, aftercare_agreement, agency
):
    released = admission_release(
        by=staff, admission=members[0].admission, on=dt.date(2026, 3, 1), release_type="parole"
    )
    plan = AftercarePlan.objects.get()
    assert plan.agency == agency and plan.person == members[0].person
    assert list(plan.follow_ups.values_list("months_after", "due_on")) == [
        (1, dt.date(2026, 4, 1)),
        (3, dt.date(2026, 6, 1)),
        (6, dt.date(2026, 9, 1)),
        (12, dt.date(2027, 3, 1)),
    ]
    assert any("after-care plan has been opened" in notice for notice in released.notices)


def test_no_plan_for_someone_without_rehabilitation(staff, person):
    admission_release(
        by=staff, admission=person.admissions.get(), on=dt.date(2026, 3, 1), release_type="parole"
    )
    assert not AftercarePlan.objects.exists()


def test_schedule_is_a_setting(staff, programme, members, settings):
    settings.AFTERCARE_FOLLOWUP_MONTHS = [2, 4]
    admission_release(by=staff, admission=members[0].admission, on=dt.date(2026, 3, 1), release_type="parole")
    assert list(FollowUp.objects.values_list("months_after", flat=True)) == [2, 4]


@pytest.fixture
def plan(staff, programme, members, aftercare_agreement):
    admission_release(
        by=staff, admission=members[0].admission, on=dt.date(2025, 12, 1), release_type="parole"
    )
    return AftercarePlan.objects.get()


def test_overdue_and_due_this_week(plan):
    today = dt.date(2026, 3, 2)
    assert [f.months_after for f in FollowUp.objects.overdue(today)] == [1, 3]  # due 1 Jan and 1 Mar
    assert list(FollowUp.objects.due_within(dt.date(2026, 5, 28))) == [plan.follow_ups.get(months_after=6)]


def test_recording_a_follow_up(staff, counsellor, regional, plan):
    first = plan.follow_ups.get(months_after=1)
    counsellor.__dict__.pop("scope", None)
    aftercare.follow_up_record(
        by=counsellor,
        follow_up=first,
        done_on=dt.date(2026, 1, 3),
        method="visit",
        outcome="relapsed",
        urine_panel="6 parameter",
        urine_results={"amphetamine": "positive", "cannabis": "negative"},
        notes="Kambuh",
    )
    first.refresh_from_db()
    assert first.outcome == "relapsed" and first.urine_positive
    with pytest.raises(ValidationError, match="already been recorded"):
        aftercare.follow_up_record(
            by=counsellor, follow_up=first, done_on=dt.date(2026, 1, 3), method="visit", outcome="abstinent"
        )
    with pytest.raises(PermissionDenied):
        aftercare.follow_up_record(
            by=regional,
            follow_up=plan.follow_ups.get(months_after=3),
            done_on=dt.date(2026, 3, 1),
            method="phone",
            outcome="abstinent",
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"done_on": dt.date(2026, 3, 3)}, "done_on"),  # future
        ({"done_on": dt.date(2025, 11, 30)}, "done_on"),  # before the release
        ({"urine_results": {"opiates": "positive"}}, "urine_panel"),
    ],
)
def test_follow_up_bad_input(staff, plan, overrides, field):
    values = {"done_on": dt.date(2026, 1, 3), "method": "phone", "outcome": "abstinent", **overrides}
    with pytest.raises(ValidationError) as caught:
        aftercare.follow_up_record(by=staff, follow_up=plan.follow_ups.first(), **values)
    assert field in caught.value.message_dict


def test_a_death_calls_off_the_rest(staff, plan):
    aftercare.follow_up_record(
        by=staff,
        follow_up=plan.follow_ups.first(),
        done_on=dt.date(2026, 1, 3),
        method="other",
        outcome="deceased",
    )
    assert not plan.follow_ups.pending().exists()


def test_a_new_admission_is_a_return_to_custody_that_calls_off_follow_ups(staff, plan, institution):
    again = Admission(
        person=plan.person,
        institution=institution,
        register_number="B.I 9/2026",
        register_category="B.I",
        admitted_on=dt.date(2026, 2, 20),
        offence="narcotics_user",
    )
    admission_open(by=staff, admission=again)
    assert not plan.follow_ups.pending().exists()
    assert any("Back in custody" in notice for notice in again.notices)


def test_preparing_release_lists_expected_releases_within_30_days(staff, person):
    admission = person.admissions.get()
    admission.expected_release = dt.date(2026, 3, 20)
    admission.save()
    assert list(aftercare.preparing_release(staff, today=dt.date(2026, 3, 2))) == [admission]
    assert list(aftercare.preparing_release(staff, today=dt.date(2026, 2, 1))) == []


def test_plans_are_visible_to_the_agency_and_the_releasing_upt_only(
    staff, counsellor, outsider, regional, plan
):
    for user, visible in ((staff, True), (counsellor, True), (regional, True), (outsider, False)):
        user.__dict__.pop("scope", None)
        assert AftercarePlan.objects.visible_to(user).exists() is visible, user


# --- Pages -----------------------------------------------------------------------------------------------


def test_pages_for_every_role(login, staff, counsellor, regional, outsider, plan):
    from django.urls import reverse

    follow_up = plan.follow_ups.first()
    expectations = {
        staff: (200, 200, 200),
        counsellor: (200, 200, 403),
        regional: (200, 403, 403),
        outsider: (404, 404, 404),
    }
    for user, (detail, record, assign) in expectations.items():
        client = login(user)
        assert client.get(plan.get_absolute_url()).status_code == detail, user
        assert client.get(reverse("rehab:followup-record", args=[follow_up.pk])).status_code == record, user
        assert client.get(reverse("rehab:aftercare-assign", args=[plan.pk])).status_code == assign, user


def test_counsellor_records_from_the_overdue_list_and_notes_stay_with_the_agency(
    login, counsellor, staff, plan
):
    from django.urls import reverse

    client = login(counsellor)
    overdue = client.get(reverse("rehab:followup-list"))
    first = overdue.context["page_obj"].object_list[0]
    data = {
        "done_on": "2026-01-05",
        "method": "visit",
        "outcome": "abstinent",
        "urine_panel": "6 parameter",
        "urine-amphetamine": "negative",
        "notes": "Bekerja di bengkel",
    }
    assert client.post(reverse("rehab:followup-record", args=[first.pk]), data).status_code == 302
    first.refresh_from_db()
    assert first.outcome == "abstinent" and first.urine_results == {"amphetamine": "negative"}
    assert "Bekerja di bengkel" in client.get(plan.get_absolute_url()).content.decode()
    assert "Bekerja di bengkel" not in login(staff).get(plan.get_absolute_url()).content.decode()


def test_follow_up_form_bad_input_saves_nothing(login, counsellor, plan):
    from django.urls import reverse

    follow_up = plan.follow_ups.first()
    client = login(counsellor)
    record = reverse("rehab:followup-record", args=[follow_up.pk])
    response = client.post(record, {"done_on": "2026-01-05", "method": "telepathy", "outcome": "abstinent"})
    assert set(response.context["form"].errors) == {"method"}
    response = client.post(record, {"done_on": "2026-03-05", "method": "phone", "outcome": "abstinent"})
    assert response.context["form"].errors["done_on"] == ["This date is in the future."]
    response = client.post(
        record,
        {"done_on": "2026-01-05", "method": "phone", "outcome": "relapsed", "urine-opiates": "positive"},
    )
    assert "urine_panel" in response.context["form"].errors
    # Method and outcome are chosen, never preset: sent without them, the form says so.
    form = client.get(record).context["form"]
    assert form["method"].value() is None and form["outcome"].value() is None
    response = client.post(record, {"done_on": "2026-01-05"})
    assert {"method", "outcome"} <= set(response.context["form"].errors)
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_follow_up_list_keeps_its_query_count(
    login, staff, programme, aftercare_agreement, django_assert_max_num_queries
):
    from django.urls import reverse

    from tests.rehab.conftest import make_enrolment

    client = login(staff)
    first = make_enrolment(programme)
    admission_release(by=staff, admission=first.admission, on=dt.date(2025, 10, 1), release_type="parole")
    with django_assert_max_num_queries(15) as one:
        client.get(reverse("rehab:followup-list"))
    for _ in range(20):
        enrolment = make_enrolment(programme)
        admission_release(
            by=staff, admission=enrolment.admission, on=dt.date(2025, 10, 1), release_type="parole"
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("rehab:followup-list"))
    assert response.context["counts"]["overdue"] == 21 * 2


def test_release_by_death_opens_no_plan(staff, programme, members, aftercare_agreement):
    admission_release(by=staff, admission=members[0].admission, on=dt.date(2026, 3, 1), release_type="death")
    assert not AftercarePlan.objects.exists()


def test_a_new_agency_does_not_read_the_previous_agencys_notes(staff, counsellor, plan, institution):
    from accounts.models import Role
    from tests.factories import AgencyFactory, UserFactory, membership

    aftercare.follow_up_record(
        by=counsellor,
        follow_up=plan.follow_ups.first(),
        done_on=dt.date(2026, 1, 3),
        method="visit",
        outcome="abstinent",
        notes="Rahasia lama",
    )
    bapas = AgencyFactory(code="bapas-hsu", kind="bapas")
    with pytest.raises(ValidationError, match="no agreement covering after-care"):
        aftercare.plan_assign(by=staff, plan=plan, agency=bapas, contact_name="", contact_phone="")
    make_agreement(
        institutions=[institution], agencies=[bapas], valid_from=dt.date(2025, 1, 1), scopes=["aftercare"]
    )
    aftercare.plan_assign(by=staff, plan=plan, agency=bapas, contact_name="Pak Joko", contact_phone="0811")
    officer = membership(UserFactory(username="pk.bapas"), Role.COUNSELLOR, bapas)
    assert aftercare.readable_notes(officer, plan.follow_ups.all()) == set()
    counsellor.__dict__.pop("scope", None)
    assert aftercare.readable_notes(counsellor, plan.follow_ups.all()) == {plan.follow_ups.first().pk}
