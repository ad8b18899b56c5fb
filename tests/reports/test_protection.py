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
