"""Rights requests (UU 27/2022): registered with an identity check, due 3×24 hours after receipt (shown in
the UPT's zone), moved on by staff and the data-protection officer, answered or refused on a legal ground."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from privacy.models import RightsRequest, RightsRequestStep
from tests.privacy.conftest import RECEIVED


def _form(institution, number, **changes):
    data = {
        "institution": institution.pk,
        "register_number": number,
        "kind": "access",
        "received_on": "2026-03-02",
        "received_time": "09:30",
        "requested_by": "The person",
        "identity_check": "in_custody",
        "identity_details": "Register number and photograph",
        "details": "A copy of my data.",
    }
    return {**data, **changes}


@time_machine.travel(RECEIVED + dt.timedelta(hours=1), tick=False)
def test_staff_register_a_request_due_72_hours_later_in_the_upt_zone(login, staff, person, institution):
    number = person.admissions.get().register_number
    response = login(staff).post(reverse("privacy:request-create"), _form(institution, number))
    request = RightsRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert request.received_at == RECEIVED  # 09:30 typed, read in the UPT's zone (WITA)
    assert request.due_at == RECEIVED + dt.timedelta(hours=72)
    assert list(request.steps.values_list("status", flat=True)) == ["received"]
    page = login(staff).get(request.get_absolute_url())
    assert "Answer due by 5 March 2026 09:30 WITA" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="create", person_id=person.pk, object_type="privacy.rightsrequest"
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"identity_check": ""}, "identity_check", "Say how the requester&#x27;s identity was checked"),
        ({"identity_details": ""}, "identity_details", "This field is required."),
        (
            {"register_number": "NOBODY"},
            "register_number",
            "Nobody held at this UPT has this register number",
        ),
        ({"received_on": "2026-03-09"}, "received_on", "A request cannot be received in the future."),
        ({"received_on": "0026-03-02"}, "received_on", "Check the year"),
    ],
)
@time_machine.travel(RECEIVED + dt.timedelta(hours=1), tick=False)
def test_a_request_without_what_it_needs_is_refused_with_a_message(
    login, staff, person, institution, changes, field, message
):
    number = person.admissions.get().register_number
    response = login(staff).post(reverse("privacy:request-create"), _form(institution, number, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert not RightsRequest.objects.exists()


def test_the_deadline_is_72_hours_to_the_minute(access_request):
    due = RECEIVED + dt.timedelta(hours=72)
    assert not access_request.is_overdue(due)
    assert access_request.is_overdue(due + dt.timedelta(seconds=1))
    with time_machine.travel(due - dt.timedelta(minutes=1), tick=False):
        assert not RightsRequest.objects.overdue(dt.datetime.now(dt.UTC)).exists()
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        assert list(RightsRequest.objects.overdue(dt.datetime.now(dt.UTC))) == [access_request]


def test_the_overdue_list_flags_what_is_late(login, dpo, access_request):
    with time_machine.travel(RECEIVED + dt.timedelta(hours=73), tick=False):
        page = login(dpo).get(reverse("privacy:request-list"), {"state": "overdue"})
    html = page.content.decode()
    assert page.status_code == 200
    assert access_request.person.full_name in html and "overdue" in html
    with time_machine.travel(RECEIVED + dt.timedelta(hours=71), tick=False):
        page = login(dpo).get(reverse("privacy:request-list"), {"state": "overdue"})
    assert access_request.person.full_name not in page.content.decode()
    assert "No requests match these filters" in page.content.decode()


def test_a_refusal_needs_its_legal_ground(login, dpo, access_request):
    url = reverse("privacy:request-step", args=[access_request.pk])
    response = login(dpo).post(url, {"status": "refused", "note": "Cannot hand over."})
    assert response.status_code == 400
    assert "A refusal must give its legal ground." in response.content.decode()
    access_request.refresh_from_db()
    assert access_request.status == "received" and access_request.steps.count() == 1
    response = login(dpo).post(
        url, {"status": "refused", "legal_ground": "law_enforcement", "note": "Court case in progress."}
    )
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == "refused" and access_request.closed_at is not None
    assert access_request.steps.last().legal_ground == "law_enforcement"
    again = login(dpo).post(url, {"status": "in_progress", "note": "More"}, follow=True)
    assert "This request is closed: nothing was changed." in again.content.decode()
    assert access_request.steps.count() == 2


def test_the_database_refuses_a_ground_without_a_refusal(access_request, staff):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RightsRequestStep.objects.create(
            request=access_request, status="in_progress", legal_ground="security", by=staff
        )


def test_staff_move_a_request_on_but_only_the_dpo_answers_it(login, staff, access_request):
    url = reverse("privacy:request-step", args=[access_request.pk])
    page = login(staff).get(access_request.get_absolute_url())
    html = page.content.decode()
    assert (
        page.status_code == 200 and "Record a step" in html and "Answer with a copy of the data" not in html
    )
    refused = login(staff).post(url, {"status": "answered", "note": "Done"})
    assert refused.status_code == 400  # not a choice staff are offered
    assert login(staff).post(url, {"status": "in_progress", "note": "Collecting"}).status_code == 302
    answer = login(staff).post(
        reverse("privacy:request-answer", args=[access_request.pk]),
        {"include_notes": "no", "reason": "x", "recipient": "y"},
    )
    assert answer.status_code == 403


def test_read_only_officers_see_requests_without_forms(login, regional, access_request):
    page = login(regional).get(access_request.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and access_request.person.full_name in html
    assert "Record a step" not in html and "Answer with a copy" not in html
    url = reverse("privacy:request-step", args=[access_request.pk])
    assert login(regional).post(url, {"status": "in_progress", "note": "x"}).status_code == 403
    assert login(regional).get(reverse("privacy:request-create")).status_code == 403


def test_outsiders_get_404_and_counsellors_no_list(
    login, outsider, other_regional, counsellor, access_request
):
    for user in (outsider, other_regional):
        assert login(user).get(access_request.get_absolute_url()).status_code == 404
        listing = login(user).get(reverse("privacy:request-list"), {"state": "all"})
        assert listing.status_code == 200 and access_request.person.full_name not in listing.content.decode()
    assert login(counsellor).get(reverse("privacy:request-list")).status_code == 403


def test_the_list_answers_in_a_fixed_number_of_queries(
    login, dpo, staff, person, institution, django_assert_max_num_queries
):
    from privacy import services

    for hours in range(12):
        services.register_request(
            actor=staff,
            person=person,
            institution=institution,
            kind="correction",
            received_at=RECEIVED + dt.timedelta(hours=hours),
            requested_by="The person",
            identity_check="in_custody",
            identity_details="seen",
            details="Spelling of my name",
        )
    client = login(dpo)
    with (
        time_machine.travel(RECEIVED + dt.timedelta(hours=20), tick=False),
        django_assert_max_num_queries(12),
    ):
        page = client.get(reverse("privacy:request-list"))
    assert page.status_code == 200 and page.content.decode().count("Spelling") == 0
    assert page.content.decode().count(person.full_name) == 12


def test_a_correction_goes_through_the_person_form_and_is_recorded_on_the_request(
    login, staff, person, institution
):
    from privacy import services as privacy_services

    with time_machine.travel(RECEIVED + dt.timedelta(hours=1), tick=False):
        request = privacy_services.register_request(
            actor=staff,
            person=person,
            institution=institution,
            kind="correction",
            received_at=RECEIVED,
            requested_by="The person",
            identity_check="in_custody",
            identity_details="seen",
            details="My place of birth is Alabio, not Amuntai.",
        )
        client = login(staff)
        page = client.get(request.get_absolute_url()).content.decode()
        assert "Open the correction form" in page
        edit = reverse("inmates:person-edit", args=[person.pk])
        query = f"?rights_request={request.pk}&next={request.get_absolute_url()}"
        form = client.get(edit + query)
        data = {
            key: value
            for key, value in form.context["person_form"].initial.items()
            if value is not None and key != "id"
        }
        data = {f"person-{key}": value for key, value in data.items()}
        data["person-birth_place"] = "Alabio"
        data["person-confirm_nik"] = person.nik
        response = client.post(edit + query, data)
        # Somewhere else: the next address is ignored, never followed off the site.
        evil = client.post(edit + "?next=https://evil.example/", {**data, "person-birth_place": "Alabio "})
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    person.refresh_from_db()
    assert person.birth_place.strip() == "Alabio"
    step = request.steps.filter(status="in_progress").get()  # the second change named no request
    assert "birth_place" in step.note and step.by == staff
    assert evil["Location"] == person.get_absolute_url()


def test_a_tampered_request_number_on_the_correction_form_is_ignored(login, staff, person):
    edit = reverse("inmates:person-edit", args=[person.pk])
    for value in ("²", "9" * 40, "1e5", "-1"):
        assert login(staff).get(edit, {"rights_request": value}).status_code == 200
