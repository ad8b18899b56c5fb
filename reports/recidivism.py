"""Kaplan–Meier survival for release cohorts: the share still out of custody t days after release.

S(t) = Π over event times tᵢ ≤ t of (1 − dᵢ / nᵢ), where dᵢ people returned at tᵢ and nᵢ were still being
followed just before tᵢ. Right-continuous: S(t) includes the events at t. At tied times events come before
censorings (a person censored at tᵢ was still at risk at tᵢ). Deaths and people not yet observed long
enough are censored, never counted as successes (shared/DOMAIN.md, "Recidivism").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import NamedTuple


class Step(NamedTuple):
    """One event time: unpacks as (time, at_risk, events, survival)."""

    time: float
    at_risk: int
    events: int
    survival: float


@dataclass(frozen=True)
class KaplanMeier:
    steps: tuple[Step, ...]  # one per distinct event time, in order
    size: int
    # (time, events, censored) for every time anyone left follow-up: answers "how many were still followed?"
    exits: tuple[tuple[float, int, int], ...] = ()

    @cached_property
    def _exit_times(self) -> list[float]:
        return [time for time, _events, _censored in self.exits]

    @cached_property
    def _left_by(self) -> list[int]:
        """People who left follow-up by each exit (returned or censored), cumulated; [0] is before any."""
        return [0, *accumulate(events + censored for _time, events, censored in self.exits)]

    @cached_property
    def _returned_by(self) -> list[int]:
        return [0, *accumulate(events for _time, events, _censored in self.exits)]

    def at_risk(self, t: float) -> int:
        """People still followed at time t (not yet returned or censored before t). A chart asks this at
        every point, so it is a binary search over cumulated exits, not a sum over them."""
        return self.size - self._left_by[bisect_left(self._exit_times, t)]

    def events_by(self, t: float) -> int:
        return self._returned_by[bisect_right(self._exit_times, t)]

    @property
    def last_time(self) -> float:
        return max((time for time, _e, _c in self.exits), default=0.0)

    def survival(self, t: float) -> float:
        """S(t): the estimated share not yet returned by time t (events at t included)."""
        index = bisect_right([step.time for step in self.steps], t)
        return self.steps[index - 1].survival if index else 1.0

    def cumulative_incidence(self, t: float) -> float:
        """1 − S(t): the estimated share returned by time t."""
        return 1.0 - self.survival(t)


def kaplan_meier(durations: Sequence[float], events: Iterable[bool]) -> KaplanMeier:
    """`durations[i]` is the time to return (event) or to censoring; `events[i]` says which."""
    events = [bool(event) for event in events]
    if len(events) != len(durations):
        raise ValueError("durations and events must have the same length")
    if any(duration < 0 for duration in durations):
        raise ValueError("durations cannot be negative")
    returned = Counter(d for d, event in zip(durations, events, strict=True) if event)
    leaving = Counter(durations)  # everyone leaves the risk set at their own time, event or not
    at_risk, survival, steps = len(durations), 1.0, []
    for time in sorted(leaving):
        if returned[time]:
            survival *= 1 - returned[time] / at_risk
            steps.append(Step(time, at_risk, returned[time], survival))
        at_risk -= leaving[time]  # after the events at this time: censorings at a tie stay at risk for it
    exits = tuple((time, returned[time], leaving[time] - returned[time]) for time in sorted(leaving))
    return KaplanMeier(tuple(steps), len(durations), exits)


def kaplan_meier_from_counts(counts: dict[float, tuple[int, int]]) -> KaplanMeier:
    """The same estimate from grouped rows {time: (events, censored)}, as a database GROUP BY returns them,
    so a cohort of any size never has to be loaded person by person."""
    at_risk = sum(events + censored for events, censored in counts.values())
    size, survival, steps = at_risk, 1.0, []
    for time in sorted(counts):
        events, censored = counts[time]
        if events:
            survival *= 1 - events / at_risk
            steps.append(Step(time, at_risk, events, survival))
        at_risk -= events + censored
    exits = tuple((time, *counts[time]) for time in sorted(counts))
    return KaplanMeier(tuple(steps), size, exits)
