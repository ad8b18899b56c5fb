"""Screening coverage in the monthly figures: narcotics WBP held at each UPT at the month's end, and those of
them screened in that custody spell, as recorded by the month's cut-off. Each case below is one spell whose
counting the rule decides; the expected counts are worked out by hand in the table, not by the code."""

import datetime as dt

import pytest
import time_machine

from assessments.models import Screening
from inmates.models import Admission, Movement
from reports.figures import compute
from tests.factories import PersonFactory, UserFactory, admit

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)
IN_OCTOBER = dt.datetime(2026, 10, 10, 3, tzinfo=dt.UTC)
AFTER_THE_CUTOFF = dt.datetime(2026, 11, 3, 3, tzinfo=dt.UTC)


def screen(person, institution, on: dt.date) -> Screening:
    return Screening.objects.create(
        screened_by=UserFactory(),
        person=person,
        institution=institution,
        instrument=Screening.Instrument.ASSIST,
        version="1.0",
        answers={},
        risk=Screening.Risk.MODERATE,
        main_substance="cannabis",
        screened_on=on,
    )


def move(admission, kind, on, *, to=None, source=None) -> Movement:
    return Movement.objects.create(
        admission=admission, kind=kind, on=on, to_institution=to, from_institution=source
    )


@pytest.fixture
def spells(institution, sister_institution):
    """Eleven spells; where each counts at the end of October (A = `institution`, B = its sister UPT)."""
    a, b = institution, sister_institution
    with time_machine.travel(IN_OCTOBER, tick=False):
        # 1. Held at A, screened in the spell: A, screened.
        one = admit(PersonFactory(), a, on=dt.date(2026, 9, 1))
        screen(one.person, a, dt.date(2026, 9, 20))
        # 2. Held at A, screened only in an earlier spell: A, not screened.
        two = PersonFactory()
        screen(two, a, dt.date(2026, 3, 1))
        admit(two, a, on=dt.date(2026, 9, 1))
        # 3. Transferred from A to B in October, screened at A: B, screened (it follows the spell).
        three = admit(PersonFactory(), a, on=dt.date(2026, 8, 1))
        screen(three.person, a, dt.date(2026, 8, 2))
        move(three, Movement.Kind.TRANSFER, dt.date(2026, 10, 20), to=b, source=a)
        # 4. Transfer dated after the month: still at A.
        four = admit(PersonFactory(), a, on=dt.date(2026, 8, 1))
        move(four, Movement.Kind.TRANSFER, dt.date(2026, 11, 2), to=b, source=a)
        # 5. Released in October: not held.
        five = admit(PersonFactory(), a, on=dt.date(2026, 8, 1))
        move(five, Movement.Kind.RELEASE, source=a, on=dt.date(2026, 10, 15))
        # 6. Released in November: held at A.
        six = admit(PersonFactory(), a, on=dt.date(2026, 8, 1))
        move(six, Movement.Kind.RELEASE, source=a, on=dt.date(2026, 11, 5))
        # 7. Not held for narcotics: not counted.
        admit(PersonFactory(), a, on=dt.date(2026, 8, 1), offence=Admission.Offence.NON_NARCOTICS)
        # 8. Admitted in November: not held yet.
        admit(PersonFactory(), a, on=dt.date(2026, 11, 3))
        # 9. Screened in November only: held at A, not screened.
        nine = admit(PersonFactory(), a, on=dt.date(2026, 9, 1))
        screen(nine.person, a, dt.date(2026, 11, 1))
        # 11. Held at B (the sister UPT) from the start, screened: B, screened.
        eleven = admit(PersonFactory(), b, on=dt.date(2026, 9, 1))
        screen(eleven.person, b, dt.date(2026, 9, 2))
    with time_machine.travel(AFTER_THE_CUTOFF, tick=False):
        # 10. Released on 20 October, typed in November: held at A as recorded by the cut-off.
        ten = admit(PersonFactory(), a, on=dt.date(2026, 9, 1))
        Admission.objects.filter(pk=ten.pk).update(created_at=IN_OCTOBER)
        Movement.objects.filter(admission=ten).update(recorded_at=IN_OCTOBER)
        move(ten, Movement.Kind.RELEASE, source=a, on=dt.date(2026, 10, 20))
        # 1 again: a second screening typed after the cut-off, dated in October, changes nothing.
        screen(one.person, a, dt.date(2026, 10, 30))
        # 2 again: screened in October but typed after the cut-off: not screened as recorded then.
        screen(two, a, dt.date(2026, 10, 25))
    return a, b


def test_held_and_screened_at_the_months_end_as_recorded_by_the_cutoff(spells):
    a, b = spells
    # A holds 1, 2, 4, 6, 9, 10 (six), screened: 1. B holds 3 and 11, both screened.
    assert compute([a.pk], OCTOBER)["population"] == {"narcotics": 6, "screened": 1}
    assert compute([b.pk], OCTOBER)["population"] == {"narcotics": 2, "screened": 2}
    assert compute([a.pk, b.pk], OCTOBER)["population"] == {"narcotics": 8, "screened": 3}


def test_a_later_month_sees_the_later_records(spells):
    a, b = spells
    # End of November: 4 moved to B; 6 and 10 released; 8 admitted at A; 2 screened (typed) in the spell.
    # A holds 1, 2, 8, 9 (screened: 1, 2, 9); B holds 3, 4, 11 (screened: 3, 11).
    assert compute([a.pk], dt.date(2026, 11, 1))["population"] == {"narcotics": 4, "screened": 3}
    assert compute([b.pk], dt.date(2026, 11, 1))["population"] == {"narcotics": 3, "screened": 2}
