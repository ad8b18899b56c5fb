"""Every date in a figure is the institution's local date: a session at 00:30 WITA on 1 November is November's
at a WITA UPT, although Jakarta (and the server) still read 31 October. Built with UPTs in WIB, WITA and WIT
and sessions in the first and the last hour of a month, through the scheduling service."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role
from institutions.models import TimeZones
from rehab import services as rehab_services
from rehab.models import Programme
from rehab.services import SessionPlan
from reports.figures import compute
from tests.factories import (
    AgencyFactory,
    InstitutionFactory,
    RegionFactory,
    UserFactory,
    make_agreement,
    membership,
)

pytestmark = pytest.mark.django_db
ZONES = [TimeZones.WIB, TimeZones.WITA, TimeZones.WIT]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def at(zone: str, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(zone))


@pytest.fixture
def three_zones():
    """A UPT in each zone, each with a programme its agency runs; returns [(institution, schedule)]."""
    region = RegionFactory(code="campuran", name="Wilayah Uji")
    places = []
    for index, zone in enumerate(ZONES):
        place = InstitutionFactory(code=f"lapas-{index}", region=region, time_zone_override=zone)
        agency = AgencyFactory(code=f"bnnk-{index}", region=region)
        agreement = make_agreement(institutions=[place], agencies=[agency], scopes=["social_rehabilitation"])
        counsellor = membership(UserFactory(username=f"konselor-{index}"), Role.COUNSELLOR, agency)
        programme = Programme.objects.create(
            institution=place,
            kind=Programme.Kind.SOCIAL,
            name=f"TC {index}",
            agency=agency,
            agreement=agreement,
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 12, 31),
            capacity=10,
            target=10,
        )

        def schedule(start, end, programme=programme, counsellor=counsellor):
            plan = SessionPlan(
                kind="group", topic="Kelompok", room="Aula", facilitators=[counsellor], participants=[]
            )
            return rehab_services.sessions_schedule(
                by=counsellor, programme=programme, plan=plan, times=[(start, end)]
            )

        places.append((place, schedule))
    return places


def test_sessions_count_in_the_month_of_their_own_institution(three_zones):
    for place, schedule in three_zones:
        zone = place.time_zone
        schedule(at(zone, dt.date(2026, 10, 31), 23, 0), at(zone, dt.date(2026, 10, 31), 23, 45))  # October
        schedule(at(zone, dt.date(2026, 11, 1), 0, 30), at(zone, dt.date(2026, 11, 1), 1, 30))  # November
    ids = [place.pk for place, _schedule in three_zones]
    with time_machine.travel(dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        october = compute(ids, dt.date(2026, 10, 1))["sessions"]
        november = compute(ids, dt.date(2026, 11, 1))["sessions"]
    assert october["planned"] == 3 and november["planned"] == 3
    for place, _schedule in three_zones:  # and each UPT on its own
        with time_machine.travel(dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), tick=False):
            assert compute([place.pk], dt.date(2026, 10, 1))["sessions"]["planned"] == 1, place.time_zone
            assert compute([place.pk], dt.date(2026, 11, 1))["sessions"]["planned"] == 1, place.time_zone
