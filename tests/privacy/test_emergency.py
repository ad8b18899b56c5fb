"""Break-glass access (issue 18): a record outside one's scope opened for a few hours with a reason, never
its notes, on every page a banner, every page audited, reviewed afterwards by the head or the DPO."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership, Role
from audit.models import AuditEvent
from privacy.models import EmergencyAccess
from tests.factories import UserFactory

START = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 WITA


def _ask(client, person, institution, **changes):
    data = {
        "institution": institution.pk,
        "register_number": person.admissions.order_by("-admitted_on").first().register_number,
        "reason": "Transferred to our hospital wing unconscious; we need his medication history.",
        "hours": "4",
        **changes,
    }
    return client.post(reverse("privacy:emergency-request"), data)


@pytest.fixture
def head(institution):
    user = UserFactory(username="kalapas.amuntai")
    Membership.objects.create(user=user, role=Role.UPT_STAFF, institution=institution, is_head=True)
    return user


def test_the_record_opens_for_the_hours_granted_and_closes_by_itself(login, outsider, person, institution):
    page = person.get_absolute_url()
    with time_machine.travel(START, tick=False):
        client = login(outsider)
        assert client.get(page).status_code == 404  # before: outside their scope
        response = _ask(client, person, institution)
        assert response.status_code == 302 and response["Location"] == page
        during = client.get(page)
        html = during.content.decode()
        assert during.status_code == 200 and person.full_name in html
        assert "Emergency access" in html and "is open to you until 13:00 WIB" in html  # their zone
        view = AuditEvent.objects.filter(actor=outsider, action="view", person_id=person.pk).latest("pk")
        assert view.details["break_glass"] == [EmergencyAccess.objects.get().pk]
        # The banner follows on every page while it lasts.
        assert "is open to you until" in client.get(reverse("home")).content.decode()
    # Signed out meanwhile (idle), signed in again: the grant lasts its hours, not the session.
    with time_machine.travel(START + dt.timedelta(hours=3, minutes=59), tick=False):
        assert login(outsider).get(page).status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=4, seconds=1), tick=False):
        client = login(outsider)
        assert client.get(page).status_code == 404
        assert "is open to you until" not in client.get(reverse("home")).content.decode()


def test_the_grant_never_reaches_counselling_notes(login, outsider, person, institution, programme, staff):
    from rehab.models import Note, Session

    session = Session.objects.create(
        programme=programme,
        institution=institution,
        kind="individual",
        topic="Konseling",
        room="Klinik",
        starts_at=START - dt.timedelta(days=1),
        ends_at=START - dt.timedelta(days=1) + dt.timedelta(hours=1),
    )
    Note.objects.create(session=session, person=person, text="Talks about his brother.", author=staff)
    with time_machine.travel(START, tick=False):
        client = login(outsider)
        _ask(client, person, institution)
        assert not Note.objects.visible_to(outsider).exists()
        assert "Talks about his brother." not in client.get(person.get_absolute_url()).content.decode()
        assert client.get(session.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "This field is required."),
        ({"reason": "urgent"}, "Say why this record is needed now, in a sentence."),
        ({"hours": "9"}, "Select a valid choice."),
        ({"register_number": "NOBODY"}, "Nobody held at this UPT has this register number"),
    ],
)
def test_an_ask_without_a_reason_opens_nothing(login, outsider, person, institution, changes, message):
    with time_machine.travel(START, tick=False):
        response = _ask(login(outsider), person, institution, **changes)
    assert response.status_code == 200 and message in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_no_grant_for_a_record_already_open(login, staff, person, institution):
    with time_machine.travel(START, tick=False):
        response = _ask(login(staff), person, institution)
    assert "You can open this record already" in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_the_head_reviews_it_once_it_has_ended(login, outsider, person, institution, head, sister_staff):
    with time_machine.travel(START, tick=False):
        _ask(login(outsider), person, institution)
    grant = EmergencyAccess.objects.get()
    review = reverse("privacy:emergency-review", args=[grant.pk])
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        response = login(head).post(review, {"outcome": "accepted"}, follow=True)
        assert "still running" in response.content.decode()
    with time_machine.travel(START + dt.timedelta(hours=5), tick=False):
        listing = login(head).get(reverse("privacy:emergency-list"), {"show": "review"})
        assert listing.status_code == 200 and person.full_name in listing.content.decode()
        refused = login(head).post(review, {"outcome": "flagged"}, follow=True)
        assert "Say what was wrong" in refused.content.decode()
        assert login(sister_staff).post(review, {"outcome": "accepted"}).status_code == 404
        assert (
            login(outsider).post(review, {"outcome": "accepted"}).status_code == 403
        )  # their own: not theirs to judge
        done = login(head).post(
            review, {"outcome": "flagged", "note": "No emergency: he was seen the day before."}
        )
    assert done.status_code == 302
    grant.refresh_from_db()
    assert grant.review == "flagged" and grant.reviewed_by == head
    assert AuditEvent.objects.filter(
        object_type="privacy.emergencyaccess", details__break_glass_review="flagged"
    ).exists()


def test_who_may_ask(login, regional, national, counsellor):
    assert login(regional).get(reverse("privacy:emergency-request")).status_code == 403
    assert login(national).get(reverse("privacy:emergency-request")).status_code == 403
    assert login(counsellor).get(reverse("privacy:emergency-request")).status_code == 200


def test_the_reviewer_is_decided_by_where_the_person_is_held_never_by_the_asker(
    login, outsider, person, institution, other_institution, head
):
    from inmates.models import Admission

    # The person was held at the outsider's own UPT long ago; asked "held at" there, the review still goes
    # to the UPT holding them now.
    Admission.objects.create(
        person=person,
        institution=other_institution,
        register_number="OLD/2020",
        register_category="B.I",
        admitted_on=dt.date(2020, 1, 1),
        released_on=dt.date(2021, 1, 1),
        release_type="parole",
        offence="narcotics_user",
    )
    with time_machine.travel(START, tick=False):
        client = login(outsider)
        response = _ask(client, person, other_institution, register_number="OLD/2020")
    assert response.status_code == 302
    grant = EmergencyAccess.objects.get()
    assert grant.institution == institution
    assert not EmergencyAccess.objects.reviewable_by(outsider).exists()  # never one's own
