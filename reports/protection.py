"""Complementary suppression across the reports of one month.

One count (people screened, say) is published at every scope of a month: each UPT, each region (the sum of
its UPTs) and the nation (the sum of its regions). Hiding the 1–4 counts alone is not enough: a region's
total minus its other UPTs gives a hidden UPT's count back; the nation minus the other regions gives a
hidden region's. So, for each sum, more cells are withheld ("×") until no hidden cell can be worked out from
that sum, its parts and what their symbols say ("<5" is 1 to 4; "×" is any count).

What a reader can tell is found by interval propagation over every sum; whether that misses a leak is what
tests/reports/test_protection.py attacks with an exhaustive search on small populations. The cells chosen
to withhold are the smallest shown counts (least information lost), parts before the total. Source:
hierarchical complementary cell suppression, as in Statistics Netherlands' τ-ARGUS manual (the "hypercube"
and "modular" methods do this for linked tables at scale).

Not wired into the PDFs yet: every scope of a month must be computed together before any is rendered.
"""

from __future__ import annotations

from reports.disclosure import HIDDEN, SMALL_CELL, WITHHELD  # "<5": a count from 1 to 4; "×": withheld


def _bounds(symbol: str | None, value: int, ceiling: int) -> tuple[int, int]:
    if symbol == HIDDEN:
        return 1, SMALL_CELL - 1
    if symbol == WITHHELD:
        return 0, ceiling
    return value, value


def public_ceiling(values: dict[str, int], marks: dict[str, str]) -> int:
    """A bound anyone reading the reports could put on a withheld count: above every shown count, with room
    for every hidden one."""
    shown = [value for node, value in values.items() if node not in marks]
    return max(shown, default=0) + SMALL_CELL * len(values)


def ranges_known(values: dict[str, int], sums: dict[str, list[str]], marks: dict[str, str]) -> dict:
    """What a reader can tell of each count from the publication: shown ones exactly, "<5" as 1–4, "×" as
    0 to the public ceiling, narrowed by every sum in turn until nothing changes (interval propagation)."""
    ceiling = public_ceiling(values, marks)
    ranges = {node: _bounds(marks.get(node), value, ceiling) for node, value in values.items()}
    changed = True
    while changed:
        changed = False
        for total, parts in sums.items():
            members = [(total, -1)] + [(part, 1) for part in parts]
            for node, sign in members:
                if node not in marks:
                    continue
                low = high = 0  # sign·x = −Σ others' sign·x
                for other, other_sign in members:
                    if other != node:
                        a, b = ranges[other]
                        low -= max(other_sign * a, other_sign * b)
                        high -= min(other_sign * a, other_sign * b)
                if sign < 0:
                    low, high = -high, -low
                lowest, highest = ranges[node]
                narrowed = (max(lowest, low), min(highest, high))
                if narrowed != (lowest, highest):
                    ranges[node] = narrowed
                    changed = True
    return ranges


def protect(values: dict[str, int], sums: dict[str, list[str]]) -> dict[str, str]:
    """{node: "<5" or "×"} for every cell not to publish, given each node's count and, for each total, the
    nodes it is the sum of. While a reader could pin a hidden count to one value, withhold the smallest shown
    count of a sum it is in (parts before the total, nonzero first); where every member is hidden already,
    say less of one: a "<5" total becomes "×" (no upper bound), then the pinned cell itself."""
    marks = {node: HIDDEN for node, value in values.items() if 0 < value < SMALL_CELL}
    while True:
        ranges = ranges_known(values, sums, marks)
        pinned = sorted(node for node in marks if ranges[node][0] == ranges[node][1])
        if not pinned:
            return marks
        node = pinned[0]
        linked = [(total, parts) for total, parts in sorted(sums.items()) if node == total or node in parts]
        shown = sorted(
            {
                (values[member] == 0, values[member], member == total, member)
                for total, parts in linked
                for member in (*parts, total)
                if member not in marks
            }
        )
        if shown:
            marks[shown[0][-1]] = WITHHELD
            continue
        vaguer = [total for total, _parts in linked if marks.get(total) == HIDDEN]
        vaguer += [member for _total, parts in linked for member in parts if marks.get(member) == HIDDEN]
        if not vaguer:
            return marks  # nothing left to withhold: the test of this module says whether that can happen
        marks[vaguer[0]] = WITHHELD
