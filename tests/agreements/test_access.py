"""Access that follows the paperwork: counsellors reach WBP only while an agreement covering the work is in
force, judged on the institution's own calendar day. Time is frozen at local midnights to pin the edges."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from agreements.access import Work
from agreements.services import agreement_terminate
from audit.models import AuditEvent
from inmates.models import Admission, Movement, Person
from institutions.models import TimeZones
from tests.factories import AgencyFactory, InstitutionFactory, PersonFactory, admit, make_agreement

WITA = ZoneInfo(TimeZones.WITA)  # the test region (Kalimantan Selatan)
START, END = dt.date(2025, 3, 25), dt.date(2025, 12, 31)


def at_local(day: dt.date, hour: int = 0, minute: int = 0, zone=WITA):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone), tick=False
    )


def person_page(person) -> str:
    return reverse("inmates:person-detail", args=[person.pk])


@pytest.fixture
def agreement(institution, agency):
    return make_agreement(institutions=[institution], agencies=[agency], valid_from=START, valid_until=END)


def sees(counsellor, person, work=Work.ANY) -> bool:
    counsellor.__dict__.pop("scope", None)
    return Person.objects.visible_to(counsellor, work).filter(pk=person.pk).exists()


def test_counsellor_sees_wbp_from_the_first_day_not_the_day_before(login, counsellor, person, agreement):
    with at_local(START - dt.timedelta(days=1), 23, 59):
        assert login(counsellor).get(person_page(person)).status_code == 404
    with at_local(START):
        response = login(counsellor).get(person_page(person))
        assert response.status_code == 200
        assert "Ahmad Fauzan" in response.content.decode()


def test_counsellor_keeps_access_on_the_last_day_and_loses_it_the_day_after(
    login, counsellor, person, agreement
):
    with at_local(END, 23, 59):
        assert login(counsellor).get(person_page(person)).status_code == 200
    with at_local(END + dt.timedelta(days=1)):
        assert login(counsellor).get(person_page(person)).status_code == 404
        response = login(counsellor).get(reverse("inmates:admission-list"))
        assert list(response.context["page_obj"].object_list) == []


def test_termination_ends_access_the_day_after_its_last_day(counsellor, person, agreement, regional):
    with at_local(dt.date(2025, 6, 1)):
        agreement_terminate(
            by=regional, agreement=agreement, last_day=dt.date(2025, 6, 30), reason="Dana habis"
        )
    with at_local(dt.date(2025, 6, 30), 23, 59):
        assert sees(counsellor, person)
    with at_local(dt.date(2025, 7, 1)):
        assert not sees(counsellor, person)


def test_access_continues_across_a_renewal(counsellor, person, agreement, institution, agency):
    make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=END + dt.timedelta(days=1),
        valid_until=dt.date(2028, 12, 31),
        replaces=agreement,
    )
    for day in (END, END + dt.timedelta(days=1), dt.date(2027, 6, 1)):
        with at_local(day):
            assert sees(counsellor, person), day


def test_counsellor_never_sees_an_institution_their_agency_has_no_agreement_with(
    login, counsellor, person, agency, sister_institution
):
    make_agreement(institutions=[sister_institution], agencies=[agency], valid_from=START, valid_until=END)
    other = PersonFactory(full_name="Di Barabai")
    admit(other, sister_institution)
    with at_local(dt.date(2025, 6, 1)):
        client = login(counsellor)
        assert client.get(person_page(person)).status_code == 404
        assert client.get(person_page(other)).status_code == 200
        names = [
            a.person.full_name for a in client.get(reverse("inmates:admission-list")).context["page_obj"]
        ]
        assert names == ["Di Barabai"]


def test_another_agencys_agreement_gives_no_access(counsellor, person, institution):
    make_agreement(institutions=[institution], agencies=[AgencyFactory(code="bnnk-lain")])
    with at_local(dt.date(2025, 6, 1)):
        assert not sees(counsellor, person)


@pytest.mark.parametrize(
    ("scopes", "work", "allowed"),
    [
        (["aftercare"], Work.ASSESSMENT, False),
        (["aftercare"], Work.REHABILITATION, False),
        (["aftercare"], Work.AFTERCARE, True),
        (["screening_assessment"], Work.ASSESSMENT, True),
        (["screening_assessment"], Work.REHABILITATION, False),
        (["social_rehabilitation"], Work.REHABILITATION, True),
        (["education"], Work.REHABILITATION, True),
        (["education"], Work.ASSESSMENT, False),
    ],
)
def test_scope_that_does_not_cover_the_work_gives_no_access(
    counsellor, person, institution, agency, scopes, work, allowed
):
    make_agreement(institutions=[institution], agencies=[agency], scopes=scopes)
    with at_local(dt.date(2025, 6, 1)):
        assert sees(counsellor, person, work) is allowed
        assert Admission.objects.visible_to(counsellor, work).filter(person=person).exists() is allowed


def test_unsigned_draft_gives_no_access(counsellor, person, institution, agency):
    make_agreement(institutions=[institution], agencies=[agency], signed_on=None)
    with at_local(dt.date(2025, 6, 1)):
        assert not sees(counsellor, person)


def test_access_ends_at_midnight_in_the_institutions_own_zone(counsellor, agency, region):
    """At 00:30 WIT on 1 January it is still 31 December in WIB: only the WIT institution has closed."""
    papua = InstitutionFactory(code="lapas-wit", region=region, time_zone_override=TimeZones.WIT)
    java = InstitutionFactory(code="lapas-wib", region=region, time_zone_override=TimeZones.WIB)
    make_agreement(institutions=[papua, java], agencies=[agency], valid_from=START, valid_until=END)
    in_papua, in_java = PersonFactory(), PersonFactory()
    admit(in_papua, papua)
    admit(in_java, java)
    with at_local(END + dt.timedelta(days=1), 0, 30, zone=ZoneInfo(TimeZones.WIT)):
        assert not sees(counsellor, in_papua)
        assert sees(counsellor, in_java)


def test_person_transferred_to_an_institution_without_agreement_drops_out_of_reach(
    counsellor, staff, person, agreement, other_institution
):
    admission = person.admissions.get()
    with at_local(dt.date(2025, 6, 1)):
        assert sees(counsellor, person)
        Movement.objects.create(
            admission=admission,
            kind=Movement.Kind.TRANSFER,
            on=dt.date(2025, 6, 1),
            from_institution=admission.institution,
            to_institution=other_institution,
        )
        Admission.objects.filter(pk=admission.pk).update(institution=other_institution)
        assert not sees(counsellor, person)
        staff.__dict__.pop("scope", None)
        assert Person.objects.visible_to(staff).filter(pk=person.pk).exists()  # staff keep the history


def test_what_the_counsellor_did_stays_attributed_after_access_ends(login, counsellor, person, agreement):
    with at_local(dt.date(2025, 6, 1)):
        login(counsellor).get(person_page(person))
    with at_local(END + dt.timedelta(days=1)):
        assert login(counsellor).get(person_page(person)).status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, person_id=person.pk)
    assert event.actor == counsellor


def test_released_people_are_reached_only_for_after_care(counsellor, person, institution, agency):
    make_agreement(institutions=[institution], agencies=[agency], scopes=["screening_assessment"])
    released = PersonFactory(full_name="Sudah Bebas")
    admission = admit(released, institution, on=dt.date(2010, 1, 4))
    admission.released_on, admission.release_type = dt.date(2011, 2, 1), Admission.ReleaseType.SENTENCE_EXPIRY
    admission.save()
    with at_local(dt.date(2025, 6, 1)):
        assert sees(counsellor, person)  # in custody: screening covers it
        assert not sees(counsellor, released)  # released years ago: not the screening partner's business
        make_agreement(institutions=[institution], agencies=[agency], scopes=["aftercare"])
        assert sees(counsellor, released)
        assert not sees(counsellor, released, Work.ASSESSMENT)


def test_same_day_readmission_elsewhere_moves_the_person_out_of_reach(
    counsellor, person, agreement, other_institution
):
    first = person.admissions.get()
    first.released_on, first.release_type = dt.date(2025, 6, 1), Admission.ReleaseType.OTHER
    first.save()
    admit(person, other_institution, on=dt.date(2025, 6, 1))
    with at_local(dt.date(2025, 6, 2)):
        assert not sees(counsellor, person)
