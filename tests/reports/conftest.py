import datetime as dt

import pytest
from django.utils import translation

from rehab.models import AftercarePlan, FollowUp, Programme
from tests.factories import PersonFactory, admit, make_agreement, release


@pytest.fixture(autouse=True)
def _english():
    # Group labels and definitions are read in English here, whatever language an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture
def cohort(institution, staff):
    a, b, c, d, e = (PersonFactory(full_name=name) for name in "ABCDE")
    release(a, institution, admitted=dt.date(2023, 1, 1), released=dt.date(2024, 1, 10))
    admit(a, institution, on=dt.date(2024, 5, 1))  # back after 112 days
    release(b, institution, admitted=dt.date(2023, 1, 1), released=dt.date(2024, 2, 1))  # stays out
    release(
        c, institution, admitted=dt.date(2025, 1, 1), released=dt.date(2025, 12, 1)
    )  # too recent for any window
    admit(c, institution, on=dt.date(2026, 1, 15))  # ... but back after 45 days
    died = release(d, institution, admitted=dt.date(2023, 1, 1), released=dt.date(2024, 3, 1))
    plan = AftercarePlan.objects.create(
        admission=died, person=d, released_on=died.released_on, created_by=staff
    )
    FollowUp.objects.create(
        plan=plan,
        months_after=1,
        due_on=dt.date(2024, 4, 1),
        done_on=dt.date(2024, 3, 31),
        method="other",
        outcome="deceased",
    )
    release(e, institution, admitted=dt.date(2023, 1, 1), released=dt.date(2024, 1, 20), release_type="death")
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.fixture
def programme_for(institution, agency):
    agreement = make_agreement(institutions=[institution], agencies=[agency], valid_from=dt.date(2022, 1, 1))
    return Programme.objects.create(
        institution=institution,
        kind="social",
        name="TC",
        agency=agency,
        agreement=agreement,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        capacity=10,
        target=10,
    )
