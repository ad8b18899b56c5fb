"""Release cohorts: eligibility by release date, returns detected from admissions, deaths censored, small
cells suppressed, and a fixed number of queries whatever the cohort size."""

import datetime as dt

import pytest

from inmates.models import Admission
from rehab.models import Enrolment
from reports.cohorts import Cell, WindowFigures, cohort_table, relapse, survival
from tests.factories import PersonFactory, admit, release

CUTOFF = dt.date(2026, 3, 1)


def test_cohort_table_decides_eligibility_by_release_date(cohort):
    rows = {row.period: row for row in cohort_table(Admission.objects.all(), cutoff=CUTOFF, period="quarter")}
    q1_2024 = rows[dt.date(2024, 1, 1)]
    assert q1_2024.size.value == 3  # A, B, D; E died in custody and is no release
    six = q1_2024.windows[0]
    # D died on day 30, within every window, without returning: not observed, so not eligible.
    assert (six.months, six.eligible.value, six.returned.value) == (6, 2, 1)
    q4_2025 = rows[dt.date(2025, 10, 1)]
    assert q4_2025.size.value == 1
    assert [w.eligible.value for w in q4_2025.windows] == [0, 0, 0, 0]  # C returned, but is not eligible yet


def test_kaplan_meier_counts_everyone_and_censors_deaths(cohort):
    km = survival(Admission.objects.all(), cutoff=CUTOFF)[""]
    assert km.size == 4
    # D died on day 30, before the first return: censored then, so only A, B and C are at risk on day 45.
    assert [(step.time, step.at_risk, step.events) for step in km.steps] == [(45, 3, 1), (112, 2, 1)]
    assert km.survival(45) == pytest.approx(2 / 3)
    assert km.cumulative_incidence(112) == pytest.approx(1 - 2 / 3 * 1 / 2)


def test_participation_breakdown(cohort, programme_for):
    enrolment = Enrolment.objects.create(
        programme=programme_for,
        person=cohort["b"],
        admission=cohort["b"].admissions.get(),
        kind="social",
        status="completed",
        direct_reason="x",
    )
    rows = cohort_table(Admission.objects.all(), cutoff=CUTOFF, period="year", breakdown="participation")
    groups = {(row.period.year, row.group): row.size.value for row in rows}
    assert groups[(2024, "Completed a programme")] == 1
    assert groups[(2024, "Never enrolled")] == 2
    assert enrolment.pk


def test_relapse_is_reported_apart(cohort):
    figures = relapse(Admission.objects.all(), cutoff=CUTOFF)
    assert figures["followed"].value == 1 and figures["relapsed"].value == 0


def test_small_cells_are_suppressed():
    assert str(Cell(3)) == "<5" and str(Cell(0)) == "0" and str(Cell(5)) == "5"
    assert WindowFigures(12, Cell(40), Cell(3)).rate is None  # the count would show through the rate
    assert WindowFigures(12, Cell(40), Cell(10)).rate == 0.25
    assert WindowFigures(12, Cell(40), Cell(0)).rate == 0


def test_queries_do_not_grow_with_the_cohort(institution, django_assert_num_queries):
    def add(count):
        for n in range(count):
            person = PersonFactory()
            release(
                person,
                institution,
                admitted=dt.date(2022, 1, 1),
                released=dt.date(2024, 1, 1) + dt.timedelta(days=n),
            )
            if n % 3 == 0:
                admit(person, institution, on=dt.date(2024, 6, 1) + dt.timedelta(days=n))

    add(3)
    for compute in (
        lambda: cohort_table(Admission.objects.all(), cutoff=CUTOFF, breakdown="institution"),
        lambda: survival(Admission.objects.all(), cutoff=CUTOFF, breakdown="participation"),
    ):
        with django_assert_num_queries(1):
            compute()
    add(60)
    with django_assert_num_queries(1):
        rows = cohort_table(Admission.objects.all(), cutoff=CUTOFF, breakdown="institution")
    assert sum(row.size.value for row in rows) == 63
    with django_assert_num_queries(1):
        curves = survival(Admission.objects.all(), cutoff=CUTOFF, breakdown="participation")
    assert curves["Never enrolled"].size == 63


def test_same_day_spells_count_only_the_later_one_as_a_return(institution):
    person = PersonFactory()
    release(person, institution, admitted=dt.date(2024, 1, 1), released=dt.date(2024, 6, 1))
    release(person, institution, admitted=dt.date(2024, 6, 1), released=dt.date(2024, 6, 1))
    km = survival(Admission.objects.all(), cutoff=CUTOFF)[""]
    assert km.events_by(10_000) == 1  # the first release's return; the second spell has none after it


def test_estimates_stop_where_follow_up_stops(login, national, institution):
    from django.urls import reverse

    for n in range(10):
        person = PersonFactory()
        release(person, institution, admitted=dt.date(2025, 1, 1), released=dt.date(2025, 11, 1))
        if n < 6:
            admit(person, institution, on=dt.date(2025, 11, 11))
    response = login(national).get(reverse("reports:recidivism"), {"cutoff": "2026-02-01"})
    estimate = response.context["estimates"][0]
    assert estimate["returned"][0] is None  # 6 months: nobody followed that long yet
    assert estimate["size"].value == 10
