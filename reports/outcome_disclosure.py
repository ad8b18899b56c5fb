"""Which mean changes in an outcome (WHOQOL-BREF per domain) a report may publish without revealing a small
group. Pure Python: no Django, so the rule can be read and tested on its own.

A mean is published with the number of people it is about, and a mean times its n is a sum: a reader who has
a total's mean and the means of some of its members can subtract and get the sum and mean of the people left
over. With scopes nested (the nation the sum of its regions, a region the sum of its UPTs), the reader can
also go down a chain: nation − the shown regions − the shown UPTs of the hidden regions. Because the scopes
nest, every group a reader can compute by adding and subtracting published sums is a union of *residuals*:
for each shown scope, its people minus those of its nearest shown descendants (its members, or where a member
is hidden, that member's own nearest shown descendants, and so on). So the rule is: every shown scope has at
least `minimum` people, and every shown scope's residual is 0 or at least `minimum`.
"""

from __future__ import annotations

from collections.abc import Iterable

MINIMUM = 5  # the small-cell threshold of every figure about people (reports.disclosure.SMALL_CELL)


def publishable_means(
    tree: dict[str, list[str]], n: dict[str, int], minimum: int = MINIMUM, *, hidden: Iterable[str] = ()
) -> set[str]:
    """The scopes whose mean may be shown.

    `tree`: each total → the scopes it is the sum of, e.g. {"national": ["region:1", …], "region:1":
    ["institution:3", …]}; a scope that is no key is a leaf. `n`: people per scope (a scope missing from it
    has none). `hidden`: scopes whose mean may not be shown whatever their n (their number of people is not
    published: a mean printed beside it would tell it is at least `minimum`). A scope is shown when it has at
    least `minimum` people, and then more are hidden until no shown scope leaves a residual of 1 to
    `minimum` − 1 people: first the smallest of the scopes that make up the residual's cover whose hiding
    alone mends it, else the smallest whose hiding widens the residual at all, else the total itself (which
    moves its small residual into its parent's, checked in turn)."""
    scopes = set(tree) | {member for members in tree.values() for member in members} | set(n)
    shown = {scope for scope in scopes if n.get(scope, 0) >= minimum} - set(hidden)
    while True:
        small = next(
            (
                total
                for total in sorted(tree)
                if total in shown and 0 < residual(total, tree, n, shown) < minimum
            ),
            None,
        )
        if small is None:
            return shown
        shown.discard(_to_hide(small, tree, n, shown, minimum))


def residual(total: str, tree: dict[str, list[str]], n: dict[str, int], shown: set[str]) -> int:
    """The people of `total` a reader gets by subtracting its nearest shown descendants from it."""
    return n.get(total, 0) - sum(n.get(scope, 0) for scope in cover(total, tree, shown))


def cover(total: str, tree: dict[str, list[str]], shown: set[str]) -> list[str]:
    """The nearest shown descendants of `total`: its shown members, and under each hidden member, its own."""
    found = []
    for member in tree.get(total, ()):
        if member in shown:
            found.append(member)
        else:
            found.extend(cover(member, tree, shown))
    return found


def _to_hide(total: str, tree: dict[str, list[str]], n: dict[str, int], shown: set[str], minimum: int) -> str:
    def after_hiding(scope: str) -> int:
        return residual(total, tree, n, shown - {scope})

    before = residual(total, tree, n, shown)
    candidates = _smallest_first(cover(total, tree, shown), n)
    mending = [scope for scope in candidates if not 0 < after_hiding(scope) < minimum]
    if mending:
        return mending[0]
    widening = [scope for scope in candidates if after_hiding(scope) > before]
    return widening[0] if widening else total


def _smallest_first(scopes: Iterable[str], n: dict[str, int]) -> list[str]:
    return sorted(scopes, key=lambda scope: (n.get(scope, 0), scope))
