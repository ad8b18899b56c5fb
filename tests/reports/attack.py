"""An attacker who reads every scope of a month's reports and tries every assignment of the hidden cells
consistent with them: shown counts as printed, "<5" = 1 to 4, "×" = any count, each region the sum of its
UPTs and the nation the sum of its regions. Exhaustive, so small populations only."""

from __future__ import annotations

from itertools import product

from reports.protection import HIDDEN, WITHHELD, ceiling


def possible_values(values, sums, marks) -> dict[str, set[int]]:
    """For each hidden cell, every value it takes in some assignment consistent with the publication."""
    top = ceiling(values)

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
        upper = values[region] if region not in marks else top
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
