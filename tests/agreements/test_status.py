"""Status follows from the dates. The Python rule (detail page) and the SQL rule (list filter) must agree."""

import datetime as dt

import pytest

from agreements.models import Agreement
from tests.factories import make_agreement

D = dt.date
S = Agreement.Status


@pytest.fixture
def agreements(institution, agency):
    def make(**kwargs):
        return make_agreement(institutions=[institution], agencies=[agency], **kwargs)

    return {
        "draft": make(signed_on=None, valid_from=D(2025, 1, 1)),
        "open_ended": make(valid_from=D(2025, 1, 1), valid_until=None),
        "two_years": make(valid_from=D(2025, 1, 1), valid_until=D(2026, 12, 31)),
        "terminated": make(
            valid_from=D(2025, 1, 1), valid_until=D(2027, 12, 31), terminated_on=D(2025, 6, 30)
        ),
        "signed_early": make(signed_on=D(2024, 12, 1), valid_from=D(2025, 1, 1), valid_until=D(2025, 3, 1)),
    }


@pytest.mark.parametrize(
    ("name", "day", "expected"),
    [
        ("draft", D(2025, 6, 1), S.DRAFT),
        ("open_ended", D(2024, 12, 31), S.SCHEDULED),
        ("open_ended", D(2025, 1, 1), S.ACTIVE),
        ("open_ended", D(2040, 1, 1), S.ACTIVE),
        ("two_years", D(2026, 10, 1), S.ACTIVE),  # 91 days left
        ("two_years", D(2026, 10, 2), S.EXPIRING),  # 90 days left
        ("two_years", D(2026, 12, 31), S.EXPIRING),
        ("two_years", D(2027, 1, 1), S.EXPIRED),
        ("terminated", D(2025, 4, 1), S.EXPIRING),  # the termination date is within 90 days
        ("terminated", D(2025, 6, 30), S.EXPIRING),
        ("terminated", D(2025, 7, 1), S.TERMINATED),
        ("terminated", D(2030, 1, 1), S.TERMINATED),
        ("signed_early", D(2024, 12, 15), S.SCHEDULED),
    ],
)
def test_status_is_derived_from_the_dates_in_python_and_in_sql(agreements, name, day, expected):
    agreement = agreements[name]
    assert agreement.status_on(day) == expected
    assert Agreement.objects.with_status(day).get(pk=agreement.pk).status == expected


def test_python_and_sql_agree_on_every_day_of_three_years(agreements):
    day = D(2024, 11, 1)
    while day < D(2027, 12, 1):
        by_sql = dict(Agreement.objects.with_status(day).values_list("pk", "status"))
        assert by_sql == {a.pk: a.status_on(day) for a in agreements.values()}, day
        day += dt.timedelta(days=7)


def test_ending_within_lists_what_is_in_force_and_ends_soon(agreements):
    ending = set(Agreement.objects.ending_within(D(2026, 11, 1)).values_list("number", flat=True))
    assert ending == {agreements["two_years"].number}
    assert agreements["two_years"].days_left_on(D(2026, 11, 1)) == 60


def test_validity_cannot_end_before_it_starts_even_bypassing_forms(institution, agency):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_agreement(
            institutions=[institution], agencies=[agency], valid_from=D(2025, 5, 1), valid_until=D(2025, 4, 1)
        )
