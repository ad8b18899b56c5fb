"""Complementary suppression: no hidden count can be worked out from what is published beside it.

One count (people screened, say) is published at every scope of a month: each UPT, each region (the sum of
its UPTs) and the nation (the sum of its regions), and a table's cells are tied to each other too (the
active participants are the sum of those in each kind of programme; returns are at most those eligible).
Hiding the 1–4 counts alone is not enough: a region's total minus its other UPTs gives a hidden UPT's count
back; the nation minus the other regions gives a hidden region's. So more cells are withheld ("×") until no
hidden cell can be pinned down by any sum or order, given what their symbols say ("<5" is 1 to 4; "×" is
any count).

What a reader can tell is found by interval propagation over every relation; whether that misses a leak is
what tests/reports/test_protection.py and tests/reports/test_publication.py attack with an exhaustive search
on small populations. The cells chosen to withhold are the smallest shown counts (least information lost),
parts before totals. Source: hierarchical complementary cell suppression, as in Statistics Netherlands'
τ-ARGUS manual (its "hypercube" and "modular" methods do this for linked tables at scale).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from reports.disclosure import HIDDEN, SMALL_CELL, WITHHELD  # "<5": a count from 1 to 4; "×": withheld

Sums = Mapping[str, list[str]] | Iterable[tuple[str, list[str]]]
MAX_PASSES = 500  # propagation stops here at the latest; ranges found by then are still true bounds


def _equations(sums: Sums) -> list[tuple[str, list[str]]]:
    return sorted(sums.items() if isinstance(sums, Mapping) else sums, key=lambda pair: pair[0])


def ceiling(values: Mapping[str, int]) -> int:
    """An upper bound on every count, so a withheld cell's range starts finite. Taken above every count,
    hidden ones included: a reader knows no more than this, so it never hides a leak."""
    return max(values.values(), default=0) + SMALL_CELL * len(values)


def _bounds(symbol: str | None, value: int, top: int) -> tuple[int, int]:
    if symbol == HIDDEN:
        return 1, SMALL_CELL - 1
    if symbol == WITHHELD:
        return 0, top
    return value, value


def ranges_known(
    values: Mapping[str, int],
    sums: Sums,
    marks: Mapping[str, str],
    orders: Iterable[tuple[str, str]] = (),
) -> dict[str, tuple[int, int]]:
    """What a reader can tell of each count: shown ones exactly, "<5" as 1–4, "×" as 0 to the ceiling,
    narrowed by every sum (total = Σ parts) and order (smaller ≤ larger) in turn until nothing changes."""
    top = ceiling(values)
    ranges = {node: _bounds(marks.get(node), value, top) for node, value in values.items()}
    equations = [[(total, -1)] + [(part, 1) for part in parts] for total, parts in _equations(sums)]
    orders = list(orders)
    for _ in range(MAX_PASSES):
        changed = False
        for members in equations:  # Σ sign·x = 0
            spans = [(sign * ranges[n][0], sign * ranges[n][1]) for n, sign in members]
            lows = sum(min(span) for span in spans)
            highs = sum(max(span) for span in spans)
            for (node, sign), span in zip(members, spans, strict=True):
                if node not in marks:
                    continue
                # sign·x = −(the others' sum), which lies in [lows − own low, highs − own high]
                low, high = -(highs - max(span)), -(lows - min(span))
                if sign < 0:
                    low, high = -high, -low
                changed |= _narrow(ranges, node, low, high)
        for smaller, larger in orders:
            changed |= _narrow(ranges, larger, ranges[smaller][0], ranges[larger][1])
            changed |= _narrow(ranges, smaller, ranges[smaller][0], ranges[larger][1])
        if not changed:
            break
    return ranges


def _narrow(ranges: dict, node: str, low: int, high: int) -> bool:
    lowest, highest = ranges[node]
    narrowed = (max(lowest, low), min(highest, high))
    if narrowed == (lowest, highest):
        return False
    ranges[node] = narrowed
    return True


def protect(
    values: Mapping[str, int],
    sums: Sums,
    orders: Iterable[tuple[str, str]] = (),
    *,
    first: Callable[[str], Any] = str,
) -> dict[str, str]:
    """{node: "<5" or "×"} for every cell not to publish, given each node's count, the sums that tie them
    (each total with the nodes it is the sum of) and the orders (smaller, larger). While a reader could pin
    a hidden count to one value, withhold the smallest shown count related to it (parts before the total,
    nonzero first), looking at pinned counts in the order `first` gives (the caller's: a UPT's before its
    region's, so the region's own table is only touched for its own leaks); where every related cell is
    hidden already, say less of one: a "<5" total becomes "×" (no upper bound), then the pinned cell."""
    equations = _equations(sums)
    orders = sorted(orders)
    relations = equations + [(larger, [smaller]) for smaller, larger in orders]
    linked = defaultdict(list)
    for total, parts in relations:
        for member in (total, *parts):
            linked[member].append((total, parts))
    small = [node for node, value in values.items() if 0 < value < SMALL_CELL]
    marks = dict.fromkeys(small, HIDDEN)

    def pinned_now() -> list[str]:
        ranges = ranges_known(values, equations, marks, orders)
        # Only the small counts need to stay uncertain: a withheld larger count may be worked out.
        return sorted((node for node in small if ranges[node][0] >= ranges[node][1]), key=first)

    withheld = []
    while pinned := pinned_now():
        choice = next(filter(None, (_smallest_shown(node, linked, values, marks) for node in pinned)), None)
        choice = choice or next(filter(None, (_vaguer(node, linked, marks) for node in pinned)), None)
        if choice is None:
            return marks  # nothing left to withhold: the tests of this module say whether that can happen
        marks[choice] = WITHHELD
        withheld.append(choice)
    # Greedy choices can overshoot (a cell withheld for a leak a later one closed anyway): show again, last
    # withheld first, every cell whose return leaves nothing pinned.
    for node in reversed(withheld):
        marks.pop(node)
        if node in small:
            marks[node] = HIDDEN
        if pinned_now():
            marks[node] = WITHHELD
    return marks


def _smallest_shown(node: str, linked: dict, values: Mapping[str, int], marks: dict) -> str | None:
    shown = sorted(
        (values[member] == 0, values[member], member == total, member)
        for total, parts in linked[node]
        for member in (*parts, total)
        if member not in marks
    )
    return shown[0][-1] if shown else None


def _vaguer(node: str, linked: dict, marks: dict) -> str | None:
    """A "<5" related to the pinned cell (a total first, then a part, then the cell itself) to turn into
    "×", which says nothing of its size."""
    totals = [total for total, _parts in linked[node] if marks.get(total) == HIDDEN]
    parts = [member for _total, parts in linked[node] for member in parts if marks.get(member) == HIDDEN]
    itself = [node] if marks.get(node) == HIDDEN else []
    return next(iter(totals + parts + itself), None)
