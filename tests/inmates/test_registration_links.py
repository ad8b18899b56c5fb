"""Registering someone on an existing record opens their history to the new UPT: a legitimate return to
custody, or a way for a curious insider to read anyone's past. Each link is its own audited event with a
reason, listed for the heads of the UPT that held the person before and for the data-protection officer;
one undone within a day is flagged."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership, Role
from assessments import instruments
from assessments.models import Screening
from audit.models import AuditEvent
from inmates import services
from inmates.models import Admission, RegistrationLink
from rehab.models import Note
from tests.factories import PersonFactory, UserFactory, admit, link_admission, membership

pytestmark = pytest.mark.django_db

LINKED_AT = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 WITA


@pytest.fixture
def head_before(sister_institution):
    """The head of Rutan Barabai, which held the person before."""
    user = UserFactory(username="karutan.barabai")
    Membership.objects.create(user=user, role=Role.UPT_STAFF, institution=sister_institution, is_head=True)
    return user


@pytest.fixture
def other_head(other_institution):
    user = UserFactory(username="kalapas.banyuwangi")
    Membership.objects.create(user=user, role=Role.UPT_STAFF, institution=other_institution, is_head=True)
    return user


@pytest.fixture
def earlier(sister_institution, sister_staff):
    """Released from Barabai in 2025."""
    person = PersonFactory(full_name="Yusuf Maulana", nik="6308011705900099")
    services.admission_release(
        by=sister_staff,
        admission=admit(person, sister_institution, on=dt.date(2024, 3, 1)),
        on=dt.date(2025, 3, 1),
        release_type="sentence_expiry",
    )
    return person


@pytest.fixture
def linked(earlier, staff, institution):
    with time_machine.travel(LINKED_AT, tick=False):
        link_admission(earlier, institution, by=staff, on=dt.date(2026, 11, 2), reason="NIK sama di SDP")
    return earlier.registration_links.get()


def test_a_link_is_its_own_audited_event_with_the_reason_and_the_places_before(
    linked, staff, sister_institution
):
    assert linked.reason == "NIK sama di SDP" and linked.linked_by == staff
    assert list(linked.earlier_institutions.all()) == [sister_institution]
    event = AuditEvent.objects.get(action=AuditEvent.Action.LINK, person_id=linked.person_id)
    assert event.actor == staff and event.details["reason"] == "NIK sama di SDP"


def test_no_link_without_a_reason(earlier, staff, institution):
    with pytest.raises(ValidationError):
        link_admission(earlier, institution, by=staff, on=dt.date(2026, 11, 2), reason="  ")
    assert earlier.admissions.count() == 1 and not RegistrationLink.objects.exists()


def test_the_heads_before_and_the_dpo_see_it_nobody_else(
    login, linked, head_before, other_head, staff, regional
):
    url = reverse("inmates:link-review")
    page = login(head_before).get(url)
    assert page.status_code == 200
    assert list(page.context["page_obj"].object_list) == [linked]
    assert "NIK sama di SDP" in page.content.decode()
    assert list(login(other_head).get(url).context["page_obj"].object_list) == []
    dpo = membership(UserFactory(username="dpo.pusat"), Role.DPO)
    assert list(login(dpo).get(url).context["page_obj"].object_list) == [linked]
    assert login(staff).get(url).status_code == 403  # staff who are not a head
    assert login(regional).get(url).status_code == 403


def test_a_regional_dpo_sees_links_at_either_end_in_their_region(login, linked, region, other_region):
    mine = membership(UserFactory(username="dpo.kalsel"), Role.DPO, region)
    theirs = membership(UserFactory(username="dpo.jatim"), Role.DPO, other_region)
    url = reverse("inmates:link-review")
    assert list(login(mine).get(url).context["page_obj"].object_list) == [linked]
    assert list(login(theirs).get(url).context["page_obj"].object_list) == []


def test_undone_within_a_day_is_flagged_and_closes_the_history_again(login, linked, staff, head_before):
    person = linked.person
    client = login(staff)
    assert client.get(person.get_absolute_url()).status_code == 200  # the link opened the record
    with time_machine.travel(LINKED_AT + dt.timedelta(hours=3), tick=False):
        response = client.post(reverse("inmates:link-undo", args=[linked.pk]), {"reason": "Salah orang"})
    assert response.status_code == 302
    linked.refresh_from_db()
    assert linked.undone_by == staff and linked.undo_reason == "Salah orang" and linked.admission is None
    assert (
        person.admissions.count() == 1
        and not Admission.objects.filter(institution__code="lapas-amuntai").exists()
    )
    assert client.get(person.get_absolute_url()).status_code == 404  # closed to Amuntai again
    assert list(RegistrationLink.objects.flagged()) == [linked]
    flagged = login(head_before).get(reverse("inmates:link-review") + "?show=flagged")
    assert list(flagged.context["page_obj"].object_list) == [linked]
    assert "within a day" in flagged.content.decode()


def test_undone_after_a_day_is_listed_but_not_flagged(login, linked, staff):
    with time_machine.travel(LINKED_AT + dt.timedelta(days=2), tick=False):
        login(staff).post(reverse("inmates:link-undo", args=[linked.pk]), {"reason": "Ternyata kembar"})
    linked.refresh_from_db()
    assert linked.undone_at and not RegistrationLink.objects.flagged().exists()


def test_no_undo_once_work_is_recorded_on_the_admission(login, linked, staff):
    with time_machine.travel(LINKED_AT + dt.timedelta(hours=1), tick=False):
        Screening.objects.create(
            person=linked.person,
            institution=linked.institution,
            instrument="DAST-10",
            version=instruments.current_version("DAST-10"),
            answers={},
            risk="low",
            screened_on=dt.date(2026, 11, 2),
            screened_by=staff,
        )
        response = login(staff).post(reverse("inmates:link-undo", args=[linked.pk]), {"reason": "Salah"})
    assert response.status_code == 302
    linked.refresh_from_db()
    assert linked.undone_at is None and linked.admission is not None


def test_no_undo_without_a_reason_or_by_another_upt(login, linked, staff, sister_staff):
    login(staff).post(reverse("inmates:link-undo", args=[linked.pk]), {"reason": ""})
    assert (
        login(sister_staff).post(reverse("inmates:link-undo", args=[linked.pk]), {"reason": "x"}).status_code
        == 403
    )
    linked.refresh_from_db()
    assert linked.undone_at is None


def test_a_head_marks_a_link_reviewed(login, linked, head_before, other_head):
    assert (
        login(other_head).post(reverse("inmates:link-reviewed", args=[linked.pk]), {"note": "x"}).status_code
        == 404
    )
    response = login(head_before).post(reverse("inmates:link-reviewed", args=[linked.pk]), {"note": "Wajar"})
    assert response.status_code == 302
    linked.refresh_from_db()
    assert linked.reviewed_by == head_before and linked.review_note == "Wajar"


def test_earlier_notes_stay_with_their_agency(login, linked, staff):
    """The link opens the custody history, never counselling notes (they follow their own rule)."""
    assert not Note.objects.visible_to(staff).exists()
    page = login(staff).get(linked.person.get_absolute_url())
    assert page.status_code == 200


def test_nobody_reviews_a_link_they_had_a_part_in(login, earlier, institution, sister_institution):
    """A return to the same UPT makes its head a reviewer: not of a link their own UPT made."""
    head = UserFactory(username="kalapas.amuntai")
    Membership.objects.create(user=head, role=Role.UPT_STAFF, institution=institution, is_head=True)
    services.admission_release(
        by=head,
        admission=admit(earlier, institution, on=dt.date(2025, 4, 1)),
        on=dt.date(2025, 9, 1),
        release_type="sentence_expiry",
    )
    link_admission(earlier, institution, by=head, on=dt.date(2026, 11, 2), reason="Kembali ke UPT yang sama")
    link = earlier.registration_links.get()
    assert RegistrationLink.objects.for_review_by(head).filter(pk=link.pk).exists()  # it held them before
    response = login(head).post(reverse("inmates:link-reviewed", args=[link.pk]), {"note": "Beres"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.reviewed_at is None


def test_the_dpo_sees_a_record_number_not_a_name(login, linked):
    dpo = membership(UserFactory(username="dpo.pusat"), Role.DPO)
    page = login(dpo).get(reverse("inmates:link-review")).content.decode()
    assert f"#{linked.person_id}" in page and "Yusuf Maulana" not in page


def test_undoing_brings_back_the_follow_ups_the_admission_called_off(
    login, earlier, staff, sister_staff, institution
):
    from rehab.models import AftercarePlan, FollowUp

    plan = AftercarePlan.objects.create(
        admission=earlier.admissions.get(),
        person=earlier,
        released_on=dt.date(2025, 3, 1),
        created_by=sister_staff,
    )
    due = FollowUp.objects.create(plan=plan, months_after=12, due_on=dt.date(2026, 12, 1))
    done = FollowUp.objects.create(
        plan=plan,
        months_after=1,
        due_on=dt.date(2025, 4, 1),
        done_on=dt.date(2025, 4, 2),
        method="visit",
        outcome="abstinent",
    )
    with time_machine.travel(LINKED_AT, tick=False):
        link_admission(earlier, institution, by=staff, on=dt.date(2026, 11, 2))
        due.refresh_from_db()
        assert due.cancelled  # back in custody: called off
        link = earlier.registration_links.get()
        services.registration_link_undo(by=staff, link=link, reason="Salah orang")
    due.refresh_from_db()
    done.refresh_from_db()
    assert not due.cancelled and due.called_off_by is None  # due again
    assert not done.cancelled
    assert AuditEvent.objects.filter(person_id=earlier.pk, details__follow_ups_due_again=[due.pk]).exists()


@pytest.mark.parametrize("count", [1, 30])
def test_the_review_list_keeps_its_query_count(
    login,
    staff,
    institution,
    sister_institution,
    sister_staff,
    head_before,
    count,
    django_assert_max_num_queries,
):
    for n in range(count):
        person = PersonFactory(full_name=f"Kembali {n}", nik=f"63080117059{n:05d}")
        services.admission_release(
            by=sister_staff,
            admission=admit(person, sister_institution, on=dt.date(2024, 3, 1)),
            on=dt.date(2025, 3, 1),
            release_type="sentence_expiry",
        )
        link_admission(person, institution, by=staff, on=dt.date(2026, 11, 2))
    client = login(head_before)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("inmates:link-review"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == count
    assert f"Kembali {count - 1}" in response.content.decode()  # newest first
