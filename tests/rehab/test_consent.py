"""Legal basis and consent (UU 27/2022 Art. 20): recorded per enrolment and after-care plan, with the signed
form for consent; withdrawing consent takes the person off future sessions and calls off follow-ups, with
history kept."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from inmates.services import admission_release
from privacy import consent, services
from rehab import services as rehab_services
from rehab.models import AftercarePlan, Attendance, Enrolment, FollowUp
from tests.factories import PersonFactory, admit, make_agreement, pdf_bytes
from tests.rehab.conftest import plan
from tests.rehab.test_services import local

TODAY = dt.date(2026, 3, 2)


def _pdf(name="persetujuan.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def _basis_url(kind, record):
    return reverse("privacy:consent", args=[kind, record.pk])


def _consent(client, kind, record, **changes):
    data = {
        "legal_basis": "consent",
        "consent_on": "2026-02-20",
        "consent_witness": "Siti Rahma (wali pemasyarakatan)",
        "consent_form": _pdf(),
        **changes,
    }
    return client.post(_basis_url(kind, record), data)


@pytest.fixture
def consenting(login, staff, members):
    enrolment = members[0]
    assert _consent(login(staff), "peserta", enrolment).status_code == 302
    enrolment.refresh_from_db()
    return enrolment


def test_staff_record_consent_with_the_signed_form(login, staff, consenting):
    assert consenting.legal_basis == "consent" and consenting.consent_on == dt.date(2026, 2, 20)
    assert consenting.consent_form.name
    download = login(staff).get(reverse("privacy:consent-form", args=["peserta", consenting.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="download", person_id=consenting.person_id).exists()
    page = login(staff).get(_basis_url("peserta", consenting))
    assert (
        "Consent of the person" in page.content.decode() and "Record the withdrawal" in page.content.decode()
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent_form": SimpleUploadedFile("form.pdf", b"GIF89a not a pdf")}, "This file is not a PDF"),
        ({"consent_form": ""}, "Upload the signed consent form (PDF)."),
        ({"consent_witness": ""}, "Say who witnessed the consent."),
        ({"consent_on": "2026-03-09"}, "This date is in the future."),
        ({"legal_basis": "legal_obligation"}, "Name the law, court decision or duty this rests on."),
        ({"legal_basis": "nonsense"}, "Select a valid choice."),
    ],
)
def test_a_basis_without_what_it_needs_saves_nothing(login, staff, members, changes, message):
    response = _consent(login(staff), "peserta", members[0], **changes)
    assert response.status_code == 400
    assert message in response.content.decode() and "Nothing was saved" in response.content.decode()
    members[0].refresh_from_db()
    assert members[0].legal_basis == "" and not members[0].consent_form


def test_withdrawing_consent_takes_the_person_off_future_sessions_and_keeps_the_past(
    login, staff, facilitator, programme, consenting
):
    past, future = (
        rehab_services.sessions_schedule(
            by=staff,
            programme=programme,
            plan=plan([facilitator], participants=[consenting]),
            times=[(local(day, 9), local(day, 11))],
        )[0]
        for day in (dt.date(2026, 2, 27), dt.date(2026, 3, 5))
    )
    mark = Attendance.objects.get(session=past, enrolment=consenting)
    rehab_services.attendance_record(by=staff, session=past, marks={mark.pk: ("present", "")})
    response = login(staff).post(
        reverse("privacy:consent-withdraw", args=["peserta", consenting.pk]),
        {"on": "2026-03-02"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Consent withdrawn: what rested on it has stopped." in response.content.decode()
    consenting.refresh_from_db()
    assert consenting.status == Enrolment.Status.DROPPED_OUT and consenting.consent_withdrawn_on == TODAY
    assert consenting.transitions.last().reason == "Consent withdrawn (UU 27/2022)"
    assert Attendance.objects.filter(session=past, enrolment=consenting, status="present").exists()
    assert not Attendance.objects.filter(session=future, enrolment=consenting).exists()
    # Nothing rests on the consent any more: the page no longer offers to change or withdraw it.
    page = login(staff).get(_basis_url("peserta", consenting)).content.decode()
    assert "Record the withdrawal" not in page and "Change the legal basis" not in page


def test_withdrawing_consent_to_after_care_calls_off_the_follow_ups_due(
    login, staff, programme, members, institution, agency
):
    make_agreement(
        institutions=[institution], agencies=[agency], valid_from=dt.date(2025, 1, 1), scopes=["aftercare"]
    )
    admission_release(
        by=staff, admission=members[0].admission, on=dt.date(2025, 12, 1), release_type="parole"
    )
    aftercare_plan = AftercarePlan.objects.get()
    first = aftercare_plan.follow_ups.order_by("due_on").first()
    FollowUp.objects.filter(pk=first.pk).update(
        done_on=dt.date(2026, 1, 2), method="phone", outcome="abstinent"
    )
    assert _consent(login(staff), "pascarehab", aftercare_plan).status_code == 302
    response = login(staff).post(
        reverse("privacy:consent-withdraw", args=["pascarehab", aftercare_plan.pk]), {"on": "2026-03-01"}
    )
    assert response.status_code == 302
    follow_ups = aftercare_plan.follow_ups.order_by("due_on")
    assert [(f.done_on is not None, f.cancelled, f.called_off_why) for f in follow_ups] == [
        (True, False, ""),
        (False, True, "consent"),
        (False, True, "consent"),
        (False, True, "consent"),
    ]


def test_only_consent_can_be_withdrawn(login, staff, members):
    client = login(staff)
    assert (
        _consent(
            client,
            "peserta",
            members[0],
            legal_basis="legal_obligation",
            legal_basis_detail="Putusan PN 12/2026",
        ).status_code
        == 302
    )
    response = client.post(
        reverse("privacy:consent-withdraw", args=["peserta", members[0].pk]), {"on": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "This does not rest on consent" in response.content.decode()
    members[0].refresh_from_db()
    assert members[0].status == "active" and members[0].consent_withdrawn_on is None


def test_a_withdrawal_request_is_answered_by_the_withdrawal(login, staff, consenting):
    request = services.register_request(
        actor=staff,
        person=consenting.person,
        institution=consenting.programme.institution,
        kind="consent_withdrawal",
        received_at=dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC),
        requested_by="The person",
        identity_check="in_custody",
        identity_details="seen",
        details="I no longer want to take part.",
    )
    consent.withdraw(consenting, actor=staff, on=TODAY, rights_request=request)
    request.refresh_from_db()
    assert request.status == "answered" and "Consent withdrawn on" in request.steps.last().note


def test_who_reaches_the_page(login, consenting, regional, outsider, counsellor, other_regional):
    url = _basis_url("peserta", consenting)
    page = login(regional).get(url)  # read-only: sees, changes nothing
    assert page.status_code == 200 and "Record the withdrawal" not in page.content.decode()
    assert (
        login(regional)
        .post(reverse("privacy:consent-withdraw", args=["peserta", consenting.pk]), {"on": "2026-03-01"})
        .status_code
        == 403
    )
    for user in (outsider, other_regional):
        assert login(user).get(url).status_code == 404
    assert login(counsellor).get(url).status_code == 200  # the delivering agency's counsellor records it too
    assert login(outsider).get(reverse("privacy:consent", args=["nothing", consenting.pk])).status_code == 404


def test_a_withdrawal_never_answers_another_persons_request(login, staff, consenting, institution):
    other = PersonFactory(full_name="Someone Else")
    admit(other, institution)
    request = services.register_request(
        actor=staff,
        person=other,
        institution=institution,
        kind="consent_withdrawal",
        received_at=dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC),
        requested_by="Someone Else",
        identity_check="in_custody",
        identity_details="seen",
        details="Withdraw",
    )
    consent.withdraw(consenting, actor=staff, on=TODAY, rights_request=request)
    request.refresh_from_db()
    assert request.status == "received"
