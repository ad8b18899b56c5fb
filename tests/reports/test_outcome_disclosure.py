"""The small-group rule for published mean changes (reports.outcome_disclosure): whatever the tree and the
numbers, no group a reader can compute from the published means and their n has 1 to 4 people."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.outcome_disclosure import publishable_means, residual

MINIMUM = 5


def test_a_region_whose_upts_are_all_large_shows_everything():
    tree = {"national": ["region:1"], "region:1": ["institution:1", "institution:2"]}
    n = {"national": 13, "region:1": 13, "institution:1": 6, "institution:2": 7}
    assert publishable_means(tree, n) == set(n)


def test_a_small_upt_beside_a_large_one_hides_the_large_one_too():
    # Region 9 − UPT 6 would tell the 3 people of the small UPT: the large UPT is hidden as well.
    tree = {"region:1": ["institution:1", "institution:2"]}
    n = {"region:1": 9, "institution:1": 6, "institution:2": 3}
    assert publishable_means(tree, n) == {"region:1"}


def test_the_smallest_member_that_mends_the_residual_is_the_one_hidden():
    tree = {"region:1": ["institution:1", "institution:2", "institution:3"]}
    n = {"region:1": 20, "institution:1": 6, "institution:2": 12, "institution:3": 2}
    assert publishable_means(tree, n) == {"region:1", "institution:2"}  # 20 − 12 = 8 left: 6 and 2


def test_a_chain_through_a_hidden_region_is_closed():
    # Nation 24 = region 1 (14: UPTs 7 and 7) + region 2 (10: UPTs 7 and 3). Region 2 stays shown with its
    # UPT of 7 hidden; had region 2 been hidden, nation − region 1 − UPT 2a would leave its 3 people.
    tree = {
        "national": ["region:1", "region:2"],
        "region:1": ["institution:1a", "institution:1b"],
        "region:2": ["institution:2a", "institution:2b"],
    }
    n = {
        "national": 24,
        "region:1": 14,
        "region:2": 10,
        "institution:1a": 7,
        "institution:1b": 7,
        "institution:2a": 7,
        "institution:2b": 3,
    }
    shown = publishable_means(tree, n)
    assert shown == {"national", "region:1", "region:2", "institution:1a", "institution:1b"}
    assert _small_computable_groups(tree, n, shown) == []
    # Hiding region 2 alone is the chain the rule closes: 24 − 14 − 7 = 3.
    assert residual("national", tree, n, shown - {"region:2"} | {"institution:2a"}) == 3


def test_people_of_a_total_in_no_member_count_in_its_residual():
    tree = {"region:1": ["institution:1"]}
    n = {"region:1": 7, "institution:1": 5}  # 2 people of the region in no UPT listed: 7 − 5 would tell them
    assert publishable_means(tree, n) == {"region:1"}


def test_a_scope_whose_number_is_not_published_shows_no_mean_and_its_people_join_its_parents_residual():
    # Its number of people withheld, the UPT of 5 shows no mean (one beside "×" would say "at least 5"); the
    # region of 11 less the UPT of 6 leaves its 5 people, with the 0 of the third: still no small group.
    tree = {"region:1": ["institution:1", "institution:2", "institution:3"]}
    n = {"region:1": 11, "institution:1": 5, "institution:2": 6, "institution:3": 0}
    assert publishable_means(tree, n) == set(n) - {"institution:3"}
    assert publishable_means(tree, n, hidden={"institution:1"}) == {"region:1", "institution:2"}
    # With 4 of them in the third UPT instead, hiding the first leaves 9 in no shown UPT: shown still.
    n = {"region:1": 15, "institution:1": 5, "institution:2": 6, "institution:3": 4}
    assert publishable_means(tree, n, hidden={"institution:1"}) == {"region:1", "institution:2"}


# --- Every computable group, for random trees ---------------------------------------------------------


def _leaves(tree: dict[str, list[str]], scope: str) -> list[str]:
    if scope not in tree:
        return [scope]
    return [leaf for member in tree[scope] for leaf in _leaves(tree, member)]


def _small_computable_groups(tree, n, shown) -> list[tuple[str, ...]]:
    """Every set of leaves whose total a reader can compute (its indicator is a linear combination of the
    shown scopes' indicators: sums and differences of published sums) and that has 1 to 4 people."""
    roots = [scope for scope in tree if not any(scope in members for members in tree.values())]
    leaves = sorted({leaf for root in roots for leaf in _leaves(tree, root)} | (set(n) - set(tree)))
    index = {leaf: i for i, leaf in enumerate(leaves)}
    rows = []
    for scope in shown:
        row = np.zeros(len(leaves))
        for leaf in _leaves(tree, scope):
            row[index[leaf]] = 1
        rows.append(row)
    if not rows:
        return []
    published = np.array(rows)
    rank = np.linalg.matrix_rank(published)
    small = []
    for picked in itertools.product((0, 1), repeat=len(leaves)):
        people = sum(n[leaf] for leaf, on in zip(leaves, picked, strict=True) if on)
        if 0 < people < MINIMUM and np.linalg.matrix_rank(np.vstack([published, picked])) == rank:
            small.append(tuple(leaf for leaf, on in zip(leaves, picked, strict=True) if on))
    return small


# A scope: a number of people (a UPT) or a list of scopes it is the sum of, nested up to three levels.
nested = st.recursive(
    st.integers(min_value=0, max_value=9),
    lambda members: st.lists(members, min_size=1, max_size=3),
    max_leaves=8,
)


def _as_tree(root) -> tuple[dict[str, list[str]], dict[str, int]]:
    tree: dict[str, list[str]] = {}
    n: dict[str, int] = {}
    counter = itertools.count()

    def walk(node) -> tuple[str, int]:
        name = f"scope:{next(counter)}"
        if isinstance(node, int):
            n[name] = node
            return name, node
        members = [walk(member) for member in node]
        tree[name] = [member for member, _people in members]
        n[name] = sum(people for _member, people in members)
        return name, n[name]

    walk(root if isinstance(root, list) else [root])
    return tree, n


@settings(max_examples=300, deadline=None)
@given(nested)
def test_no_computable_group_is_small(root):
    tree, n = _as_tree(root)
    shown = publishable_means(tree, n)
    assert all(n[scope] >= MINIMUM for scope in shown)
    assert _small_computable_groups(tree, n, shown) == []


@settings(max_examples=200, deadline=None)
@given(nested)
def test_nothing_is_hidden_when_nothing_is_small(root):
    # With every scope 0 or at least 5 people and every total exactly the sum of its members, no residual can
    # be small: all scopes with people are shown (the rule hides only to close a gap).
    tree, n = _as_tree(root)
    if any(0 < people < MINIMUM for people in n.values()):
        return
    assert publishable_means(tree, n) == {scope for scope, people in n.items() if people}


@settings(max_examples=100, deadline=None)
@given(nested, st.data())
def test_no_computable_group_is_small_whatever_is_hidden_beforehand(root, data):
    tree, n = _as_tree(root)
    hidden = data.draw(st.sets(st.sampled_from(sorted(n))))
    shown = publishable_means(tree, n, hidden=hidden)
    assert not shown & hidden
    assert _small_computable_groups(tree, n, shown) == []
