import datetime as dt

import pytest
import time_machine
from django.utils import translation

from accounts.models import Role
from rehab.models import Enrolment, Programme
from rehab.services import SessionPlan
from tests.factories import PersonFactory, UserFactory, admit, make_agreement, membership

TODAY = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def _english():
    # Services speak the active language; these tests read their messages in English (the source).
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC), tick=False):  # 09:00 WITA
        yield


@pytest.fixture
def rehab_agreement(institution, agency):
    return make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        scopes=["social_rehabilitation", "medical_rehabilitation", "counselling"],
    )


@pytest.fixture
def programme(institution, agency, rehab_agreement):
    return Programme.objects.create(
        institution=institution,
        kind=Programme.Kind.SOCIAL,
        name="Rehabilitasi Sosial 2026 Tahap I",
        agency=agency,
        agreement=rehab_agreement,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 7, 31),
        capacity=3,
        target=3,
        required_sessions=2,
        required_hours=None,
    )


@pytest.fixture
def facilitator(counsellor, rehab_agreement):
    return counsellor


@pytest.fixture
def second_counsellor(agency, rehab_agreement):
    return membership(UserFactory(username="konselor.kedua"), Role.COUNSELLOR, agency)


def make_enrolment(programme, person=None, status=Enrolment.Status.ACTIVE):
    person = person or PersonFactory()
    if not person.admissions.filter(released_on__isnull=True).exists():
        admit(person, programme.institution)
    return Enrolment.objects.create(
        programme=programme,
        person=person,
        admission=person.admissions.get(released_on__isnull=True),
        kind=programme.kind,
        status=status,
        direct_reason="Langsung",
    )


@pytest.fixture
def members(programme, person):
    return [make_enrolment(programme, person), make_enrolment(programme)]


def plan(facilitators, participants=(), room="Aula", kind="group", topic="Kelompok"):
    return SessionPlan(
        kind=kind, topic=topic, room=room, facilitators=list(facilitators), participants=list(participants)
    )
