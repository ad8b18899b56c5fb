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

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from reports.disclosure import HIDDEN, SMALL_CELL, WITHHELD  # "<5": a count from 1 to 4; "×": withheld

Sums = Mapping[str, list[str]] | Iterable[tuple[str, list[str]]]
RETRIES = 3  # shown counts withheld for a pinned cell before a "<5" near it is made "×" first
MAX_PASSES = 200  # propagation stops after this many steps per relation at the latest; still true bounds


def _equations(sums: Sums) -> list[tuple[str, list[str]]]:
    return sorted(sums.items() if isinstance(sums, Mapping) else sums, key=lambda pair: pair[0])


def ceiling(values: Mapping[str, int]) -> int:
    """An upper bound on every count, so a withheld cell's range starts finite: just above the largest
    count. A reader may not know it; assuming they do only ever withholds more."""
    return max(values.values(), default=0) + SMALL_CELL


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
    *,
    top: int | None = None,
    probe: Iterable[str] = (),
) -> dict[str, tuple[int, int]]:
    """What a reader can tell of each count in the given relations: shown ones exactly, "<5" as 1–4, "×" as
    0 to the ceiling (`top`), narrowed by every sum (total = Σ parts) and order (smaller ≤ larger) until
    nothing changes. A relation is looked at again only when a range in it has narrowed (a work list);
    the propagation stops after a generous number of steps at the latest, and what it found by then is
    still a true bound.

    `probe`: counts whose every value left is then tried in turn, from each end of its range: a value with
    which the propagation runs into a contradiction (a range left empty) is not possible. Bounds alone keep
    no link between hidden cells; trying a value follows its consequences through every relation at once,
    which finds what a chain of sums pins (a UPT's total that only one value fits across a region's
    breakdowns) where narrowing each sum in turn does not."""
    top = ceiling(values) if top is None else top
    relations = [[(total, -1)] + [(part, 1) for part in parts] for total, parts in _equations(sums)]
    relations += [[(smaller, 0), (larger, 0)] for smaller, larger in orders]  # sign 0: an order
    involved: dict[str, list[int]] = defaultdict(list)
    for index, members in enumerate(relations):
        for node, _sign in members:
            involved[node].append(index)
    ranges = {node: _bounds(marks.get(node), values[node], top) for node in involved}
    _propagate(relations, involved, ranges, marks, range(len(relations)))
    for node in probe:
        if node not in ranges:
            continue
        low, high = ranges[node]

        def possible(value: int, node=node) -> bool:
            trail = [(node, ranges[node])]  # what the trial narrows, put back after it
            ranges[node] = (value, value)
            try:
                return _propagate(relations, involved, ranges, marks, involved[node], trail)
            finally:
                for changed, before in reversed(trail):
                    ranges[changed] = before

        while low < high and not possible(low):
            low += 1
        while high > low and not possible(high):
            high -= 1
        ranges[node] = (low, high)
    return ranges


def _propagate(
    relations: list, involved: dict, ranges: dict, marks: Mapping[str, str], start, trail: list | None = None
) -> bool:
    """Narrow `ranges` in place through the relations, from those in `start`; False where some range is left
    empty (the ranges given cannot all hold). `trail` gets each narrowed node's range before it."""
    work = deque(start)
    waiting = set(work)
    steps = MAX_PASSES * max(len(relations), 1)
    while work and steps:
        steps -= 1
        index = work.popleft()
        waiting.discard(index)
        for node in _apply(relations[index], ranges, marks, trail):
            if ranges[node][0] > ranges[node][1]:
                return False
            for other in involved[node]:
                if other not in waiting:
                    waiting.add(other)
                    work.append(other)
    return True


def _apply(
    members: list[tuple[str, int]], ranges: dict, marks: Mapping[str, str], trail: list | None = None
) -> list[str]:
    """Narrow the ranges of one relation's hidden members; the members whose range narrowed."""
    if members[0][1] == 0:  # smaller ≤ larger
        (smaller, _), (larger, _) = members
        narrowed = []
        if _narrow(ranges, larger, ranges[smaller][0], ranges[larger][1], trail):
            narrowed.append(larger)
        if _narrow(ranges, smaller, ranges[smaller][0], ranges[larger][1], trail):
            narrowed.append(smaller)
        return narrowed
    # Σ sign·x = 0: each hidden x is minus the others' sum. With every term's range added up (lows, highs),
    # the others' sum of a part (sign +1, range lo..hi) is lows − lo .. highs − hi, so the part is
    # −(highs − hi) .. −(lows − lo); a total (sign −1, term −hi..−lo) is lows + hi .. highs + lo. The
    # propagation calls this millions of times for a region's tables: plain arithmetic, no lists. (A node
    # stands once in a relation, so its own range read below is the one added up here.)
    lows = highs = 0
    for node, sign in members:
        low, high = ranges[node]
        if sign > 0:
            lows += low
            highs += high
        else:
            lows -= high
            highs -= low
    narrowed = []
    for node, sign in members:
        if node not in marks:
            continue
        low, high = ranges[node]
        least, most = (high - highs, low - lows) if sign > 0 else (lows + high, highs + low)
        if least <= low and most >= high:
            continue  # nothing learnt (most calls): _narrow's work, without its call
        if trail is not None:
            trail.append((node, (low, high)))
        ranges[node] = (least if least > low else low, most if most < high else high)
        narrowed.append(node)
    return narrowed


def _narrow(ranges: dict, node: str, low: int, high: int, trail: list | None = None) -> bool:
    lowest, highest = ranges[node]
    narrowed = (max(lowest, low), min(highest, high))
    if narrowed == (lowest, highest):
        return False
    if trail is not None:
        trail.append((node, (lowest, highest)))
    ranges[node] = narrowed
    return True


def protect(
    values: Mapping[str, int],
    sums: Sums,
    orders: Iterable[tuple[str, str]] = (),
    *,
    first: Callable[[str], Any] = str,
    fixed: Mapping[str, str] | None = None,
    start: Mapping[str, str] | None = None,
    trim: bool = True,
    unpublished: Iterable[str] = (),
    probe: bool = False,
) -> dict[str, str]:
    """{node: "<5" or "×"} for every cell not to publish, given each node's count, the sums that tie them
    (each total with the nodes it is the sum of) and the orders (smaller, larger). While a reader could pin
    a hidden count to one value, withhold the smallest shown count related to it (parts before the total,
    nonzero first), looking at pinned counts in the order `first` gives (the caller's: a UPT's before its
    region's, so the region's own table is only touched for its own leaks); where every related cell is
    hidden already, say less of one: a "<5" total becomes "×" (no upper bound), then the pinned cell.
    `fixed`: cells another page already publishes ({node: its mark, or "" where shown}), never changed.
    `start`: marks decided before (by parts of the problem), checked and added to; `trim`: whether to try
    showing again the cells this call withholds. `unpublished`: nodes that stand for sums of published cells
    a reader can form (a total less one of its parts), never published themselves: unknown to the reader,
    never withheld or shown, left out of the result. Interval propagation keeps no link between the ranges of
    two hidden cells, so a chain of sums can pin a count that no single sum narrows (treated 6 = moderate +
    the rest, and a region's rest, 3, shared by two UPTs whose other rest is known): such a node carries the
    rest as one range. `probe`: whether to try each value of the small counts left uncertain (ranges_known),
    dearer, for tables whose relations chain (one total broken down several ways).

    Only the hidden cells connected to a change are looked at again: a shown cell is known exactly, so what
    a reader can infer about a hidden cell depends on the hidden cells linked to it through relations (its
    component) alone; and withholding more never pins anything, so only pinned cells are checked again."""
    fixed = dict(fixed or {})
    equations = _equations(sums)
    orders = sorted(orders)
    relations = equations + [(larger, [smaller]) for smaller, larger in orders]
    touching: dict[str, list[int]] = defaultdict(list)
    for index, (total, parts) in enumerate(relations):
        for member in {total, *parts}:
            touching[member].append(index)
    linked = {node: [relations[index] for index in indices] for node, indices in touching.items()}
    top = ceiling(values)
    unpublished = set(unpublished)
    small = {node for node, value in values.items() if 0 < value < SMALL_CELL and node not in unpublished}
    marks = {node: HIDDEN for node in small if node not in fixed}
    marks.update({node: mark for node, mark in fixed.items() if mark})
    marks.update(start or {})
    marks.update(dict.fromkeys(unpublished, WITHHELD))  # what a reader cannot read off any page

    def component(*origins: str) -> set[str]:
        """The origins and the hidden cells linked to them through relations, one search for all."""
        seen, stack = set(origins), list(origins)
        while stack:
            for index in touching[stack.pop()]:
                total, parts = relations[index]
                for member in (total, *parts):
                    if member in marks and member not in seen:
                        seen.add(member)
                        stack.append(member)
        return seen

    def pinned_in(cells: set[str]) -> set[str]:
        indices = sorted({index for cell in cells for index in touching[cell]})
        ranges = ranges_known(
            values,
            [relations[i] for i in indices if i < len(equations)],
            marks,
            [orders[i - len(equations)] for i in indices if i >= len(equations)],
            top=top,
            probe=sorted(cells & small) if probe else (),
        )
        # Only the small counts need to stay uncertain: a withheld larger count may be worked out.
        return {cell for cell in cells & small if cell in ranges and ranges[cell][0] >= ranges[cell][1]}

    pinned: set[str] = set()
    looked_at: set[str] = set()
    for node in sorted(small, key=first):
        if node not in looked_at:
            cells = component(node)
            looked_at |= cells
            pinned |= pinned_in(cells)
    withheld = []
    tries: dict[str, int] = defaultdict(int)
    while pinned:
        # One round: a cell to withhold for each pinned cell not already served by this round's choices
        # (a cell related to one withheld this round), then look again at what those choices touched.
        chosen, served = [], set()
        for node in sorted(pinned, key=first):
            if node in served:
                continue
            # A cell still pinned after a few shown counts were withheld for it is most likely pinned by the
            # symbols themselves (a "<5" region whose four UPTs each say "<5": each is 1): saying less of
            # one ("×") frees it, withholding more shown cells never does (a region's recidivism table
            # lost 1,600 cells and most of a minute before this).
            if tries[node] < RETRIES:
                choice = _smallest_shown(node, linked, values, marks, fixed) or _vaguer(
                    node, linked, marks, fixed
                )
            else:
                choice = _vaguer(node, linked, marks, fixed) or _smallest_shown(
                    node, linked, values, marks, fixed
                )
            tries[node] += 1
            if choice is None:
                continue
            marks[choice] = WITHHELD
            chosen.append(choice)
            served |= {member for total, parts in linked[choice] for member in (total, *parts)}
        if not chosen:
            break  # nothing left to withhold: the tests of this module say whether that can happen
        withheld += chosen
        touched: set[str] = set()
        for choice in chosen:
            if choice not in touched:
                touched |= component(choice)
        pinned = (pinned - touched) | pinned_in(touched)

    # Greedy choices can overshoot (a cell withheld for a leak a later one closed anyway): show again, last
    # withheld first, every cell whose return leaves nothing pinned.
    def show_again(nodes: list[str]) -> None:
        """Show `nodes` again where that pins nothing: all at once if it can be, else each half in turn.
        The greedy pass can withhold a whole row and column of a table before the cells that protect a
        count are found (1,600 cells for 3 needed, in a region's recidivism table): tried one by one, each
        a propagation over the table, that took most of a minute; by halves, a few dozen propagations."""
        for node in nodes:
            marks.pop(node)
            if node in small:
                marks[node] = HIDDEN
        if not pinned_in(component(*nodes)):
            return
        for node in nodes:
            marks[node] = WITHHELD
        if len(nodes) > 1:
            half = len(nodes) // 2
            show_again(nodes[:half])
            show_again(nodes[half:])

    if trim and withheld:
        show_again(withheld[::-1])
    return {node: mark for node, mark in marks.items() if node not in unpublished}


def _smallest_shown(
    node: str, linked: dict, values: Mapping[str, int], marks: Mapping[str, str], fixed: Mapping[str, str]
) -> str | None:
    """The shown count to withhold for a pinned cell: the smallest of those related to it, or, where all of
    those are hidden already, of those related to them in turn (the pin travels through hidden cells: a
    hidden part equal to a shown total elsewhere), nearest first."""
    seen, layer = {node}, [node]
    while layer:
        members = {member for cell in layer for total, parts in linked[cell] for member in (*parts, total)}
        shown = sorted(
            (values[member] == 0, values[member], any(member == total for total, _ in linked[member]), member)
            for member in members
            if member not in marks and member not in fixed
        )
        if shown:
            return shown[0][-1]
        layer = sorted(member for member in members - seen if member in marks)
        seen.update(layer)
    return None


def _vaguer(node: str, linked: dict, marks: dict, fixed: Mapping[str, str]) -> str | None:
    """A "<5" related to the pinned cell (a total first, then a part, then the cell itself) to turn into
    "×", which says nothing of its size."""
    totals = [total for total, _parts in linked[node]]
    parts = [member for _total, parts in linked[node] for member in parts]
    return next((n for n in (*totals, *parts, node) if marks.get(n) == HIDDEN and n not in fixed), None)
