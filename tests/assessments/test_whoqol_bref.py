"""WHOQOL-BREF (issue 20): the WHO's published scoring reproduced on worked examples, the reversed items, the
rules for unanswered items at every boundary, and answers that are not 1–5 refused item by item."""

from fractions import Fraction

import pytest

from assessments import instruments
from assessments.instruments import InstrumentError

ITEMS = [f"q{n}" for n in range(1, 27)]
REVERSED = {"q3", "q4", "q26"}


def answers(value: int = 3, **given) -> dict:
    return {**dict.fromkeys(ITEMS, value), **given}


def raw(result, domain):
    score = result.domains[domain]
    return None if score is None else score.raw


def test_the_middle_of_every_scale_is_12_and_50():
    result = instruments.score("WHOQOL-BREF", answers(3))
    for domain in ("physical", "psychological", "social", "environment"):
        assert (result.domains[domain].raw, result.domains[domain].transformed) == (12, 50)
    assert (result.overall_quality_of_life, result.satisfaction_with_health) == (3, 3)


def test_best_and_worst_lives_score_20_100_and_4_0():
    best = instruments.score("WHOQOL-BREF", answers(5, q3=1, q4=1, q26=1))
    worst = instruments.score("WHOQOL-BREF", answers(1, q3=5, q4=5, q26=5))
    assert {d: (s.raw, s.transformed) for d, s in best.domains.items()} == dict.fromkeys(
        best.domains, (20, 100)
    )
    assert {d: (s.raw, s.transformed) for d, s in worst.domains.items()} == dict.fromkeys(
        worst.domains, (4, 0)
    )


def test_a_worked_example_by_hand():
    # Every item 5: items 3, 4 and 26 reverse to 1.
    # Physical: (1 + 1 + 5×5) / 7 × 4 = 108/7 ≈ 15.43; on 0–100: (108/7 − 4) × 100/16 = 500/7 ≈ 71.43.
    # Psychological: (5×5 + 1) / 6 × 4 = 52/3 ≈ 17.33 → (52/3 − 4) × 100/16 = 250/3 ≈ 83.33.
    # Social and environment: 5 × 4 = 20 → 100.
    result = instruments.score("WHOQOL-BREF", answers(5))
    assert result.domains["physical"].raw == Fraction(108, 7)
    assert result.domains["physical"].transformed == Fraction(500, 7)
    assert result.domains["psychological"].raw == Fraction(52, 3)
    assert result.domains["psychological"].transformed == Fraction(250, 3)
    assert (raw(result, "social"), raw(result, "environment")) == (20, 20)


@pytest.mark.parametrize(
    ("left_out", "domain", "computed"),
    [
        (["q3"], "physical", True),  # 6 of 7: MEAN.6
        (["q3", "q10"], "physical", False),
        (["q5"], "psychological", True),  # 5 of 6: MEAN.5
        (["q5", "q26"], "psychological", False),
        (["q21"], "social", True),  # 2 of 3: MEAN.2
        (["q20", "q21"], "social", False),
        (["q8", "q9"], "environment", True),  # 6 of 8: MEAN.6
        (["q8", "q9", "q12"], "environment", False),
    ],
)
def test_a_domain_needs_enough_of_its_items(left_out, domain, computed):
    given = {code: value for code, value in answers(4).items() if code not in left_out}
    result = instruments.score("WHOQOL-BREF", given)
    assert (result.domains[domain] is not None) is computed
    if computed:  # the mean of those answered: here every answered item is 4 (the reversed ones 2)
        answered = [c for c in instruments.whoqol_bref.DOMAINS[domain][0] if c not in left_out]
        points = [2 if code in REVERSED else 4 for code in answered]
        assert result.domains[domain].raw == Fraction(sum(points), len(points)) * 4
    assert result.unanswered == left_out


def test_more_than_a_fifth_unanswered_is_discarded():
    five = dict.fromkeys(ITEMS[5:], 3)
    assert instruments.score("WHOQOL-BREF", five).unanswered == ITEMS[:5]
    with pytest.raises(InstrumentError) as caught:
        instruments.score("WHOQOL-BREF", dict.fromkeys(ITEMS[6:], 3))
    assert caught.value.missing == ITEMS[:6]


@pytest.mark.parametrize("value", [0, 6, "3", 3.0, True, [3], -1])
def test_anything_but_a_whole_number_from_1_to_5_is_refused(value):
    with pytest.raises(InstrumentError) as caught:
        instruments.score("WHOQOL-BREF", answers(3, q7=value))
    assert list(caught.value.invalid) == ["q7"]


def test_items_it_does_not_have_are_refused():
    with pytest.raises(InstrumentError) as caught:
        instruments.score("WHOQOL-BREF", answers(3, q27=3))
    assert "q27" in caught.value.invalid
