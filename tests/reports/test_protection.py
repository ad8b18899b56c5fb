"""Complementary suppression across the scopes of a month (reports.protection), attacked: Hypothesis builds
small countries (regions of a few UPTs, small counts), the rule decides what to publish, and an exhaustive
attacker tries every assignment consistent with what is published (shown counts, "<5" = 1 to 4, "×" = any
count, each region the sum of its UPTs, the nation the sum of its regions). No hidden cell may come out with
only one possible value."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.protection import HIDDEN, WITHHELD, protect
from tests.reports.attack import possible_values


def country(counts: list[list[int]]):
    values, sums = {}, {"national": []}
    for r, upts in enumerate(counts):
        region = f"region:{r}"
        sums["national"].append(region)
        sums[region] = []
        for u, value in enumerate(upts):
            upt = f"upt:{r}.{u}"
            values[upt] = value
            sums[region].append(upt)
        values[region] = sum(upts)
    values["national"] = sum(values[region] for region in sums["national"])
    return values, sums


countries = st.lists(
    st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=3), min_size=1, max_size=4
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(countries)
def test_no_hidden_count_can_be_worked_out_from_the_other_scopes(counts):
    values, sums = country(counts)
    marks = protect(values, sums)
    # Every count of 1 to 4 is hidden ("<5", or "×" where saying "<5" would give it away).
    assert {node for node, value in values.items() if 0 < value < 5} <= set(marks)
    for node, possible in possible_values(values, sums, marks).items():
        assert values[node] in possible
        if 0 < values[node] < 5:
            assert len(possible) > 1, (node, values[node], marks, values)


def test_a_region_minus_its_other_upts_no_longer_gives_a_upt_away():
    values, sums = country([[3, 12, 20], [15, 30]])
    marks = protect(values, sums)
    assert marks["upt:0.0"] == HIDDEN
    assert marks["upt:0.1"] == WITHHELD  # the next smallest of the region, withheld with it
    assert "upt:0.2" not in marks and "region:0" not in marks and "national" not in marks


def test_the_attacker_finds_what_hiding_small_counts_alone_leaves():
    """The attack is real: with only the 1–4 counts hidden, a region minus its other UPTs gives one back."""
    values, sums = country([[3, 12, 20], [15, 30]])
    naive = {node: HIDDEN for node, value in values.items() if 0 < value < 5}
    assert possible_values(values, sums, naive)["upt:0.0"] == {3}


@settings(max_examples=200, deadline=None, derandomize=True)
@given(countries)
def test_the_reports_protection_table_by_table_leaves_nothing_to_recover(counts):
    """reports.publication protects a month's tables part by part (the nation with its regions, then each
    region with its UPTs) and then checks the whole: the same attacker finds nothing either."""
    from reports.publication import protect_table

    values, sums = country(counts)
    scopes = {
        node.replace("upt:", "institution:"): {"screening.screened": value} for node, value in values.items()
    }
    tree = {
        total.replace("upt:", "institution:"): [part.replace("upt:", "institution:") for part in parts]
        for total, parts in sums.items()
    }
    marks = {
        cell.split("|")[0].replace("institution:", "upt:"): mark
        for cell, mark in protect_table(scopes, {"screening.screened"}, tree).items()
    }
    assert {node for node, value in values.items() if 0 < value < 5} <= set(marks)
    for node, possible in possible_values(values, sums, marks).items():
        assert values[node] in possible
        if 0 < values[node] < 5:
            assert len(possible) > 1, (node, values[node], marks, values)


def test_the_benchmark_command_runs(capsys):
    from django.core.management import call_command

    call_command("benchmark_protection", regions=2, upts=3)
    out = capsys.readouterr().out
    assert out.startswith("9 scopes: ") and "counts of 1–4 hidden" in out


def test_a_total_pinned_by_its_own_symbols_is_freed_without_emptying_the_table(monkeypatch):
    """A region's "<5" (decided at the national level, fixed) over four UPTs that each say "<5": each UPT must
    be 1, whatever else is shown; only saying less of one ("×") frees them. Withholding shown counts never
    does: the greedy pass used to withhold the region's table row by row (1,600 cells of a real month's
    recidivism table, a minute of propagations) before the trimming gave them back."""
    import random

    import reports.protection as protection

    rng = random.Random(16)
    upts, years = [f"upt:{u}" for u in range(16)], list(range(2012, 2026))
    values, sums = {}, []
    for upt in upts:
        for year in years:
            values[f"{upt}|{year}"] = (
                1 if (year == 2018 and upt in upts[:4]) else rng.choice([0, *range(5, 60)])
            )
        values[f"{upt}|all"] = sum(values[f"{upt}|{year}"] for year in years)
        sums.append((f"{upt}|all", [f"{upt}|{year}" for year in years]))
    for key in [*years, "all"]:
        values[f"region|{key}"] = sum(values[f"{upt}|{key}"] for upt in upts)
        sums.append((f"region|{key}", [f"{upt}|{key}" for upt in upts]))
    assert values["region|2018"] == 4 or values["region|2018"] >= 5
    values["region|2018"] = 4  # the other UPTs released nobody that year
    for upt in upts[4:]:
        values[f"{upt}|all"] -= values[f"{upt}|2018"]
        values[f"{upt}|2018"] = 0
    values["region|all"] = sum(values[f"{upt}|all"] for upt in upts)
    fixed = {node: (HIDDEN if node == "region|2018" else "") for node in values if node.startswith("region|")}
    propagations = []
    counted = protection.ranges_known
    monkeypatch.setattr(
        protection, "ranges_known", lambda *a, **k: propagations.append(1) or counted(*a, **k)
    )

    marks = protect(values, sums, fixed=fixed)

    assert len(propagations) <= 60, len(propagations)
    assert sum(mark == WITHHELD for mark in marks.values()) <= 6, marks
    assert any(marks.get(f"{upt}|2018") == WITHHELD for upt in upts[:4])  # one of the four says "×"
    ranges = counted(values, sums, marks, top=protection.ceiling(values))
    for node, value in values.items():
        if 0 < value < 5:
            assert ranges[node][0] < ranges[node][1], node
