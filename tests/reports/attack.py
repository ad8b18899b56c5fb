"""An attacker who reads every scope of a month's reports and tries every assignment of the hidden cells
consistent with them: shown counts as printed, "<5" = 1 to 4, "×" = any count, each region the sum of its
UPTs and the nation the sum of its regions. Exhaustive, so small populations only."""

from __future__ import annotations

from collections import Counter
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


def pinned_by_integer_programming(values, marks, sums, orders=()) -> dict[str, tuple[int, int]]:
    """The hidden counts of 1 to 4 a reader can pin to one value, with the least and greatest each could be.

    The reader knows every shown count, that "<5" is 1 to 4 and "×" any count, every sum (total = Σ parts:
    across scopes, and within a report) and order (smaller ≤ larger); they solve for the least and the
    greatest value of each hidden count as an integer programme (HiGHS through scipy), exactly, however the
    relations chain. Returns {cell: (least, greatest)} for the small ones pinned (least == greatest)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    hidden = sorted(marks)
    index = {cell: i for i, cell in enumerate(hidden)}
    low = [1 if marks[cell] == HIDDEN else 0 for cell in hidden]
    high = [4 if marks[cell] == HIDDEN else np.inf for cell in hidden]
    rows = []
    for total, parts in sums:
        row, constant = np.zeros(len(hidden)), 0
        for cell, sign in [(total, -1), *((part, 1) for part in parts)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                constant += sign * values.get(cell, 0)
        if row.any():
            rows.append((row, -constant, -constant))
        else:
            assert constant == 0, (total, parts)  # the shown counts themselves add up
    for smaller, larger in orders:
        row, constant = np.zeros(len(hidden)), 0
        for cell, sign in ((smaller, 1), (larger, -1)):
            if cell in index:
                row[index[cell]] += sign
            else:
                constant += sign * values.get(cell, 0)
        if row.any():
            rows.append((row, -np.inf, -constant))
    constraints = (
        [
            LinearConstraint(
                np.array([r for r, _lo, _hi in rows]), [lo for _r, lo, _hi in rows], [hi for *_, hi in rows]
            )
        ]
        if rows
        else []
    )
    # The true counts are one assignment consistent with the publication (checked here: a report whose
    # shown counts did not add up would fail like an infeasible programme did). So a cell is pinned only if
    # every solution gives it its true value, and a cell to which any solution found on the way (minimising
    # or maximising another cell) gives another value is not: it needs no programme of its own. The cells
    # reported pinned, and their bounds, are exactly those of solving the least and the greatest of each.
    truth = np.array([values.get(cell, 0) for cell in hidden], dtype=float)
    assert all(lo <= value <= hi for lo, value, hi in zip(low, truth, high, strict=True)), (
        "truth out of range"
    )
    for row, lo, hi in rows:
        assert lo <= row @ truth <= hi, "the true counts do not satisfy the publication's relations"
    varies: set[int] = set()  # cells some solution gives another value than the truth
    pinned = {}
    for cell in hidden:
        if not 0 < values.get(cell, 0) < 5:
            continue
        extremes = []
        for direction in (1, -1):
            if index[cell] in varies:
                break
            objective = np.zeros(len(hidden))
            objective[index[cell]] = direction
            result = milp(
                objective,
                integrality=np.ones(len(hidden)),
                bounds=Bounds(low, high),
                constraints=constraints,
            )
            assert result.status in (0, 3), result.message  # solved, or unbounded (then not pinned)
            if result.status != 0:
                break
            solution = np.round(result.x)
            varies.update(np.flatnonzero(solution != truth).tolist())
            extremes.append(round(solution[index[cell]]))
        if index[cell] not in varies and len(extremes) == 2 and extremes[0] == extremes[1]:
            pinned[cell] = (extremes[0], extremes[1])
    return pinned


def country_counts(country: list[list], counts_of) -> tuple[dict[str, list[str]], dict[str, Counter]]:
    """A country without a database: (tree of scope keys, {scope: counts}) for regions of UPTs, each UPT's
    counts `counts_of(it)`, each region's and the nation's their sums."""
    tree: dict[str, list[str]] = {"national": []}
    cells: dict[str, Counter] = {"national": Counter()}
    for r, upts in enumerate(country):
        region = f"region:{r}"
        tree["national"].append(region)
        tree[region], cells[region] = [], Counter()
        for u, contents in enumerate(upts):
            upt = f"institution:{r}{u}"
            tree[region].append(upt)
            cells[upt] = counts_of(contents)
            cells[region].update(cells[upt])
            cells["national"].update(cells[upt])
    return tree, cells
