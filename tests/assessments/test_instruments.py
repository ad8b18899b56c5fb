"""The instruments' exact scoring (shared/DOMAIN.md): every band boundary, the skip and special rules, bad
answers named item by item, and version pinning. No database: the instruments are pure Python."""

import dataclasses
import subprocess
import sys

import pytest

from assessments import instruments
from assessments.instruments import InstrumentError, assist, audit, score

SUBSTANCES = list(assist.SUBSTANCES)


def assist_answers(q8="no_never", days=None, **rows):
    """Every substance "never used" unless given; rows are {question: answer} per substance."""
    answers = {"substances": {s: rows.get(s, {"q1": "no"}) for s in SUBSTANCES}, "q8": q8}
    if days is not None:
        answers["q8_days_per_month"] = days
    return answers


def used(q2, q3="never", q4="never", q5="never", q6="no_never", q7="no_never"):
    return {"q1": "yes", "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q7": q7}


# --- ASSIST ------------------------------------------------------------------------------------------------

# Points: Q2 0/2/3/4/6, Q3 0/3/4/5/6, Q4 0/4/5/6/7, Q5 0/5/6/7/8, Q6 and Q7 0/6/3.
ROWS = {
    3: used("never", q6="yes_not_past_3_months"),  # 0 + 3
    4: used("weekly"),  # 4
    10: used("monthly", q3="monthly", q6="yes_not_past_3_months"),  # 3 + 4 + 3
    11: used("weekly", q3="monthly", q6="yes_not_past_3_months"),  # 4 + 4 + 3
    26: used("daily_or_almost_daily", "daily_or_almost_daily", "daily_or_almost_daily", "weekly"),  # 6+6+7+7
    27: used(
        "daily_or_almost_daily", "daily_or_almost_daily", "daily_or_almost_daily", "daily_or_almost_daily"
    ),
    39: used(*["daily_or_almost_daily"] * 4, q6="yes_past_3_months", q7="yes_past_3_months"),
}


@pytest.mark.parametrize(
    ("substance", "points", "risk"),
    [
        ("alcohol", 10, "lower"),
        ("alcohol", 11, "moderate"),
        ("alcohol", 26, "moderate"),
        ("alcohol", 27, "high"),
        ("amphetamine_type_stimulants", 3, "lower"),
        ("amphetamine_type_stimulants", 4, "moderate"),
        ("cannabis", 26, "moderate"),
        ("opioids", 27, "high"),
        ("opioids", 39, "high"),
        ("cannabis", 10, "moderate"),  # the alcohol cut-offs apply to alcohol only
    ],
)
def test_assist_risk_at_every_band_boundary(substance, points, risk):
    result = score("ASSIST", assist_answers(**{substance: ROWS[points]}))
    assert result.substances[substance].score == points
    assert result.substances[substance].risk == risk


def test_assist_tobacco_has_no_q5_and_uses_the_general_cut_offs():
    row = ROWS[27]  # would be 27 with Q5 "daily"; tobacco does not ask Q5
    result = score("ASSIST", assist_answers(tobacco=row))
    assert result.substances["tobacco"].score == 19
    without_q5 = {key: value for key, value in row.items() if key != "q5"}
    assert score("ASSIST", assist_answers(tobacco=without_q5)).substances["tobacco"].score == 19
    assert score("ASSIST", assist_answers(tobacco=used("weekly"))).substances["tobacco"].risk == "moderate"


def test_assist_q1_no_ignores_every_other_answer_for_that_substance():
    row = {**ROWS[39], "q1": "no"}
    result = score("ASSIST", assist_answers(cannabis=row))
    assert result.substances["cannabis"].score == 0
    assert result.substances["cannabis"].used_ever is False


def test_assist_q2_never_skips_q3_to_q5_but_counts_q6_and_q7():
    row = used("never", "daily_or_almost_daily", "daily_or_almost_daily", "daily_or_almost_daily")
    row.update(q6="yes_past_3_months", q7="yes_not_past_3_months")
    assert score("ASSIST", assist_answers(opioids=row)).substances["opioids"].score == 9


def test_assist_substances_left_out_count_as_never_used():
    result = score("ASSIST", {"substances": {"alcohol": ROWS[11]}, "q8": "no_never"})
    assert result.substances["alcohol"].risk == "moderate"
    assert result.substances["opioids"].score == 0 and not result.substances["opioids"].used_ever


def test_assist_scores_are_never_summed_across_substances():
    result = score("ASSIST", assist_answers(alcohol=ROWS[10], cannabis=ROWS[3]))
    assert [result.substances[s].score for s in ("alcohol", "cannabis")] == [10, 3]
    assert result.highest_risk == "lower"


@pytest.mark.parametrize(
    ("q8", "days", "action"),
    [
        ("no_never", None, None),
        ("yes_not_past_3_months", None, None),
        ("yes_past_3_months", 4, "brief_intervention"),
        ("yes_past_3_months", 4.5, "intensive"),
        ("yes_past_3_months", 12, "intensive"),
        ("yes_past_3_months", None, "brief_intervention"),
    ],
)
def test_assist_injecting_action(q8, days, action):
    result = score("ASSIST", assist_answers(q8=q8, days=days))
    assert result.injecting_action == action
    assert all(r.score == 0 for r in result.substances.values())  # Q8 is never scored


def test_assist_missing_answers_are_named_each():
    answers = assist_answers(cannabis={"q1": "yes", "q2": "weekly", "q6": "no_never"})
    answers["substances"]["other"] = {}
    del answers["q8"]
    with pytest.raises(InstrumentError) as caught:
        score("ASSIST", answers)
    assert caught.value.missing == [
        "cannabis.q3",
        "cannabis.q4",
        "cannabis.q5",
        "cannabis.q7",
        "other.q1",
        "q8",
    ]
    assert "cannabis.q3" in str(caught.value)


@pytest.mark.parametrize(
    ("answers", "where"),
    [
        (assist_answers(cannabis=used("sometimes")), "cannabis.q2"),
        (assist_answers(q8="maybe"), "q8"),
        (
            {**assist_answers(), "substances": {**assist_answers()["substances"], "kratom": {"q1": "no"}}},
            "kratom",
        ),
        (assist_answers(cannabis={**used("weekly"), "q9": "never"}), "cannabis.q9"),
        (assist_answers(q8="yes_past_3_months", days=40), "q8_days_per_month"),
        (assist_answers(q8="yes_past_3_months", days="many"), "q8_days_per_month"),
    ],
)
def test_assist_answer_codes_that_do_not_exist_are_refused(answers, where):
    with pytest.raises(InstrumentError) as caught:
        score("ASSIST", answers)
    assert where in caught.value.invalid


# --- DAST-10 -----------------------------------------------------------------------------------------------


def dast(yes_count: int) -> dict:
    """`yes_count` problem answers: items answered "yes", except item 3 where the problem answer is "no"."""
    answers = {f"d{n}": False for n in range(1, 11)}
    answers["d3"] = True
    for n in range(1, yes_count + 1):
        answers[f"d{n}"] = n != 3
    return answers


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (0, "none"),
        (1, "low"),
        (2, "low"),
        (3, "moderate"),
        (5, "moderate"),
        (6, "substantial"),
        (8, "substantial"),
        (9, "severe"),
        (10, "severe"),
    ],
)
def test_dast10_bands(points, band):
    result = score("DAST-10", dast(points))
    assert (result.score, result.band) == (points, band)


def test_dast10_item_3_scores_the_no():
    all_no = {f"d{n}": False for n in range(1, 11)}
    assert score("DAST-10", all_no).score == 1
    assert score("DAST-10", {**all_no, "d3": True}).score == 0


def test_dast10_refuses_anything_but_yes_or_no_and_names_missing_items():
    with pytest.raises(InstrumentError) as caught:
        score("DAST-10", {"d1": 1, "d2": "yes", "d4": True, "d11": False})
    assert set(caught.value.invalid) == {"d1", "d2", "d11"}
    assert caught.value.missing == ["d3", "d5", "d6", "d7", "d8", "d9", "d10"]


# --- AUDIT and AUDIT-C ---------------------------------------------------------------------------------


def audit_answers(total: int) -> dict:
    """Reach `total` filling items 1, 2, 3, 7, 8 (up to 4 points each), then 9 and 10 (0, 2 or 4 each).

    Items 4–6 stay 0, so nothing escalates below 29 points."""
    answers = {f"a{n}": 0 for n in range(1, 11)}
    remaining = total
    for n in (1, 2, 3, 7, 8):
        answers[f"a{n}"] = min(4, remaining)
        remaining -= answers[f"a{n}"]
    for n in (9, 10):
        points = min(4, remaining - remaining % 2)
        answers[f"a{n}"] = points // 2
        remaining -= points
    assert remaining == 0, total
    return answers


@pytest.mark.parametrize(
    ("total", "band"), [(0, "I"), (7, "I"), (8, "II"), (15, "II"), (16, "III"), (19, "III"), (20, "IV")]
)
def test_audit_zones_at_every_boundary(total, band):
    result = score("AUDIT", audit_answers(total))
    assert (result.score, result.band, result.escalate) == (total, band, False)


def test_audit_maximum_is_40():
    result = score("AUDIT", {**{f"a{n}": 4 for n in range(1, 9)}, "a9": 2, "a10": 2})
    assert (result.score, result.band, result.escalate, result.intervention_band) == (40, "IV", True, "IV")


@pytest.mark.parametrize(
    ("item", "position", "points", "escalate"),
    [
        ("a9", 0, 0, False),
        ("a9", 1, 2, False),
        ("a9", 2, 4, True),
        ("a10", 2, 4, True),
        ("a4", 1, 1, False),
        ("a4", 2, 2, True),
        ("a5", 2, 2, True),
        ("a6", 3, 3, True),
    ],
)
def test_audit_items_9_10_and_the_escalation_rule(item, position, points, escalate):
    result = score("AUDIT", {**{f"a{n}": 0 for n in range(1, 11)}, item: position})
    assert result.score == points
    assert result.escalate is escalate
    assert result.intervention_band == ("II" if escalate else "I")


def test_audit_refuses_positions_that_do_not_exist():
    with pytest.raises(InstrumentError) as caught:
        score("AUDIT", {**{f"a{n}": 0 for n in range(1, 11)}, "a9": 3, "a1": True, "a2": -1, "a3": "2"})
    assert set(caught.value.invalid) == {"a9", "a1", "a2", "a3"}


@pytest.mark.parametrize(
    ("sex", "total", "positive"),
    [("male", 3, False), ("male", 4, True), ("female", 2, False), ("female", 3, True)],
)
def test_audit_c_cut_off_by_sex(sex, total, positive):
    answers = {"a1": min(total, 4), "a2": max(total - 4, 0), "a3": 0, "sex": sex}
    result = score("AUDIT-C", answers)
    assert (result.score, result.positive) == (total, positive)


def test_audit_c_needs_sex():
    with pytest.raises(InstrumentError) as caught:
        score("AUDIT-C", {"a1": 1, "a2": 1})
    assert caught.value.missing == ["a3", "sex"]
    with pytest.raises(InstrumentError) as caught:
        score("AUDIT-C", {"a1": 1, "a2": 1, "a3": 1, "sex": "x"})
    assert "sex" in caught.value.invalid


# --- Versions ----------------------------------------------------------------------------------------------

# Each used version's fingerprint, pinned. A failing line here means a used definition was edited: restore it
# and register the change as a new version instead.
PINNED = {
    ("ASSIST", "3.1"): "287cf37df855926e72d83fc36e8c64fc0612350958fbf01e426d5257a4516fe7",
    ("DAST-10", "1982-10"): "73e212d7c099c5c95bf2843d6524ed372a7a5ff8b8da1ce45d7ba5d09b1e7f03",
    ("AUDIT", "2001"): "1dbec56f33cc6679a077d728ff3ca8158b732ef9609d31da8e500ddaa0cd03fd",
    ("AUDIT-C", "1998"): "e8fa690f77619bbae524e23b0a70ae46b55c248c9e936295b2ef4b6df085fb16",
    ("ASI", "5-lite"): "d93bc60f119c15480d2762956bfe3ac2563d9eea478fc6b62b1b17b8282062cb",
    ("WHOQOL-BREF", "1996-12"): "4fd8baf38fc801e67512c8bd417544d4be486e46a750e5ffaa403826f1973af4",
}


@pytest.mark.parametrize(("code", "version"), list(PINNED))
def test_used_versions_are_unchanged(code, version):
    assert instruments.definition(code, version).fingerprint() == PINNED[(code, version)]


def test_a_changed_definition_is_a_new_version_and_old_answers_score_as_before(restore_registry):
    old = instruments.definition("AUDIT")
    answers = {**{f"a{n}": 0 for n in range(1, 11)}, "a9": 2}
    # Say a future edition scored item 9 "yes, during the last year" 3 instead of 4.
    item9 = old.item("a9")
    new_item9 = dataclasses.replace(
        item9, options=(*item9.options[:2], dataclasses.replace(item9.options[2], points=3))
    )
    new = dataclasses.replace(
        old, version="2030", items=tuple(new_item9 if i.code == "a9" else i for i in old.items)
    )
    with pytest.raises(ValueError, match="already defined differently"):
        instruments.register(dataclasses.replace(new, version=old.version), audit.score)
    instruments.register(new, audit.score)
    assert score("AUDIT", answers).score == 3  # the current version
    assert score("AUDIT", answers, version="2001").score == 4  # a stored 2001 answer set, as it was scored
    assert instruments.versions("AUDIT") == ["2001", "2030"]


def test_unknown_instrument_or_version_is_a_clear_error():
    with pytest.raises(KeyError, match="Unknown instrument"):
        score("CAGE", {})
    with pytest.raises(KeyError, match="no version"):
        score("AUDIT", {}, version="1989")


def test_wording_is_bilingual():
    for code in ("ASSIST", "DAST-10", "AUDIT", "AUDIT-C", "ASI"):
        for item in instruments.definition(code).items:
            assert item.text.id and item.text.en and item.text.id != item.text.en, (code, item.code)
            assert all(option.label.get("id") and option.label.get("en") for option in item.options)


def test_instruments_do_not_import_django():
    code = "import sys, assessments.instruments; print([m for m in sys.modules if m.startswith('django')])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- ASI domain ratings --------------------------------------------------------------------------------

ASI_DOMAINS = ["medical", "employment", "alcohol", "drug", "legal", "family_social", "psychiatric"]


def asi_answers(**overrides):
    answers = {domain: {"troubled": 1, "importance": 2, "severity": 3} for domain in ASI_DOMAINS}
    answers.update(overrides)
    return answers


def test_asi_labels_the_interviewers_severity_rating():
    result = score("ASI", asi_answers(drug={"troubled": 4, "importance": 4, "severity": 8}))
    assert result.domains["drug"].band == "extreme"
    assert result.domains["medical"].band == "slight"
    assert result.highest_severity == 8


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ({"troubled": 5, "importance": 0, "severity": 0}, "legal.troubled"),
        ({"troubled": 0, "importance": -1, "severity": 0}, "legal.importance"),
        ({"troubled": 0, "importance": 0, "severity": 10}, "legal.severity"),
        ({"troubled": 0, "importance": 0, "severity": True}, "legal.severity"),
    ],
)
def test_asi_ratings_out_of_range_are_refused(row, where):
    with pytest.raises(InstrumentError) as caught:
        score("ASI", asi_answers(legal=row))
    assert list(caught.value.invalid) == [where]


def test_asi_every_domain_is_required():
    answers = asi_answers()
    del answers["psychiatric"]
    with pytest.raises(InstrumentError) as caught:
        score("ASI", answers)
    assert caught.value.missing == ["psychiatric.troubled", "psychiatric.importance", "psychiatric.severity"]


def test_a_used_version_cannot_get_another_scoring_function(restore_registry):
    with pytest.raises(ValueError, match="already defined differently"):
        instruments.register(assist.DEFINITION, lambda answers, definition: "something else")
    instruments.register(assist.DEFINITION, assist.score)  # the same rules again: harmless


def test_pages_survive_a_version_with_a_substance_this_one_does_not_name():
    assert assist.substance_label("kratom", "id") == "kratom"
