"""Kaplan–Meier against published examples.

Both are the Freireich et al. (1963) leukaemia remission data (weeks in remission), as tabulated in
Kleinbaum & Klein, "Survival Analysis: A Self-Learning Text" (3rd ed., 2012), chapter 2: the 6-MP group
(with censoring) and the placebo group (no censoring).
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.recidivism import kaplan_meier

# 6-MP group: 21 patients; "+" marks censored times in the book.
SIX_MP = [
    (6, 1),
    (6, 1),
    (6, 1),
    (6, 0),
    (7, 1),
    (9, 0),
    (10, 1),
    (10, 0),
    (11, 0),
    (13, 1),
    (16, 1),
    (17, 0),
    (19, 0),
    (20, 0),
    (22, 1),
    (23, 1),
    (25, 0),
    (32, 0),
    (32, 0),
    (34, 0),
    (35, 0),
]
# The book's KM table for 6-MP: t, n at risk, events, S(t).
SIX_MP_TABLE = [
    (6, 21, 3, 0.8571),
    (7, 17, 1, 0.8067),
    (10, 15, 1, 0.7529),
    (13, 12, 1, 0.6902),
    (16, 11, 1, 0.6275),
    (22, 7, 1, 0.5378),
    (23, 6, 1, 0.4482),
]
PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def test_six_mp_group_with_censoring_matches_the_published_table():
    km = kaplan_meier([t for t, _ in SIX_MP], [e for _, e in SIX_MP])
    assert [(s.time, s.at_risk, s.events) for s in km.steps] == [(t, n, d) for t, n, d, _ in SIX_MP_TABLE]
    time, at_risk, events, survival = km.steps[0]  # steps unpack as (time, at risk, events, survival)
    assert (time, at_risk, events) == (6, 21, 3) and survival == pytest.approx(18 / 21)
    for time, _n, _d, survival in SIX_MP_TABLE:
        assert km.survival(time) == pytest.approx(survival, abs=5e-5)
    assert km.survival(35) == pytest.approx(0.4482, abs=5e-5)  # no event after 23: the curve stays flat


def test_placebo_group_without_censoring_is_the_plain_share_still_in_remission():
    km = kaplan_meier(PLACEBO, [True] * len(PLACEBO))
    for time, remaining in [
        (1, 19),
        (2, 17),
        (3, 16),
        (4, 14),
        (5, 12),
        (8, 8),
        (11, 6),
        (12, 4),
        (15, 3),
        (17, 2),
        (22, 1),
        (23, 0),
    ]:
        assert km.survival(time) == pytest.approx(remaining / 21)
    assert km.cumulative_incidence(8) == pytest.approx(13 / 21)


def test_right_continuous_and_before_the_first_event():
    km = kaplan_meier([5, 10], [True, True])
    assert km.survival(4.999) == 1.0
    assert km.survival(5) == 0.5  # the event at t counts at t
    assert km.survival(0) == 1.0


def test_events_come_before_censorings_at_tied_times():
    # At t=3 one returns and one is censored: both are at risk at 3, so S(3) = 1 − 1/4.
    km = kaplan_meier([3, 3, 7, 9], [True, False, True, False])
    assert km.steps[0].at_risk == 4 and km.survival(3) == pytest.approx(0.75)
    assert km.survival(7) == pytest.approx(0.75 * (1 - 1 / 2))


def test_everyone_censored_means_no_step_and_survival_one():
    km = kaplan_meier([10, 20], [False, False])
    assert km.steps == () and km.survival(100) == 1.0


def test_bad_input():
    with pytest.raises(ValueError):
        kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError):
        kaplan_meier([-1], [True])


def test_grouped_counts_give_the_same_estimate():
    from collections import Counter

    from reports.recidivism import kaplan_meier_from_counts

    counts = Counter()
    for time, event in SIX_MP:
        events, censored = counts.get(time, (0, 0))
        counts[time] = (events + event, censored + (1 - event))
    grouped = kaplan_meier_from_counts(dict(counts))
    direct = kaplan_meier([t for t, _ in SIX_MP], [e for _, e in SIX_MP])
    assert grouped.steps == direct.steps and grouped.size == 21


def test_six_mp_numbers_at_risk_and_returns_by_week():
    km = kaplan_meier([t for t, _e in SIX_MP], [e for _t, e in SIX_MP])
    # Kleinbaum & Klein's table: 21 at risk at week 6, 17 at week 7, 12 at week 13, 6 at week 23.
    assert [km.at_risk(week) for week in (0, 6, 7, 13, 23, 36)] == [21, 21, 17, 12, 6, 0]
    assert [km.events_by(week) for week in (5, 6, 10, 23, 100)] == [0, 3, 5, 9, 9]


@given(st.lists(st.tuples(st.integers(0, 60), st.booleans()), max_size=40), st.integers(-1, 62))
def test_at_risk_and_returns_by_match_counting_everyone(people, t):
    km = kaplan_meier([time for time, _event in people], [event for _time, event in people])
    assert km.at_risk(t) == sum(1 for time, _event in people if time >= t)
    assert km.events_by(t) == sum(1 for time, event in people if event and time <= t)
