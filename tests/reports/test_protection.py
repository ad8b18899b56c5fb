"""Complementary suppression across the scopes of a month (reports.protection), attacked: Hypothesis builds
small countries (regions of a few UPTs, small counts), the rule decides what to publish, and an exhaustive
attacker tries every assignment consistent with what is published (shown counts, "<5" = 1 to 4, "×" = any
count, each region the sum of its UPTs, the nation the sum of its regions). No hidden cell may come out with
only one possible value."""

from __future__ import annotations

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.protection import HIDDEN, WITHHELD, protect, public_ceiling


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


def possible_values(values, sums, marks) -> dict[str, set[int]]:
    """For each hidden cell, every value it takes in some assignment consistent with the publication."""
    ceiling = public_ceiling(values, marks)

    def options(node, upper):
        symbol = marks.get(node)
        if symbol == HIDDEN:
            return range(1, 5)
        if symbol == WITHHELD:
            return range(upper + 1)
        return (values[node],)

    def fits(node, value):
        symbol = marks.get(node)
        if symbol == HIDDEN:
            return 1 <= value <= 4
        if symbol == WITHHELD:
            return value >= 0
        return value == values[node]

    # Per region: every assignment of its UPTs that fits the region's publication, by the region's total.
    per_region = []
    for region in sums["national"]:
        upts = sums[region]
        upper = values[region] if region not in marks else ceiling
        by_total: dict[int, list[tuple[int, ...]]] = {}
        for combo in product(*(options(upt, upper) for upt in upts)):
            total = sum(combo)
            if fits(region, total):
                by_total.setdefault(total, []).append(combo)
        per_region.append((region, upts, by_total))
    # Region totals that can combine into a national total that fits.
    found: dict[str, set[int]] = {node: set() for node in marks}
    for choice in product(*(list(by_total) for _region, _upts, by_total in per_region)):
        national = sum(choice)
        if not fits("national", national):
            continue
        if "national" in marks:
            found["national"].add(national)
        for (region, upts, by_total), total in zip(per_region, choice, strict=True):
            if region in marks:
                found[region].add(total)
            for combo in by_total[total]:
                for upt, value in zip(upts, combo, strict=True):
                    if upt in marks:
                        found[upt].add(value)
    return found


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
