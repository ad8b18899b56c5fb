"""The one rule for publishing a figure about people, applied by every report (PDF of every scope, the
recidivism dashboard): nobody may be recognised in it.

- A count of 1 to 4 people is shown as "<5" (0 is shown: it reveals nobody).
- A rate or percentage is not shown ("×") when its numerator or denominator is suppressed, or when the
  difference between them is (38 of 40 returned tells that 2 did not).
- More cells are withheld ("×") wherever a hidden count could be worked out from the other cells of its
  table or from the reports of the same month at other scopes (reports.publication, reports.protection).
- A survival curve is drawn only for a group of at least 20 people, and stops where fewer than 5 remain at
  risk; the numbers at risk are printed under it at 0, 6, 12, 24 and 36 months.

Source: the small-cell rule of official statistics (a threshold of 5, as in the UK Office for National
Statistics' and Eurostat's disclosure-control guidance for counts of people, and the 'n < 5' rule common in
health reporting), with the derived-figure rule those guidances add; the thresholds for curves follow the
practice of not plotting Kaplan–Meier estimates where fewer than 5 remain at risk.
"""

from __future__ import annotations

from reports.recidivism import KaplanMeier

SMALL_CELL = 5
HIDDEN = "<5"
WITHHELD = "×"  # a rate that would reveal a small count
MIN_CURVE_GROUP = 20
MIN_AT_RISK = 5
AT_RISK_MONTHS = (0, 6, 12, 24, 36)


def is_small(value) -> bool:
    return 0 < (value or 0) < SMALL_CELL


def count_text(value) -> str:
    value = value or 0
    return HIDDEN if is_small(value) else str(value)


def rate_text(numerator, denominator, *, people_denominator: bool = True) -> str:
    """A percentage of people. `people_denominator` False for a plan value (a programme target), which is
    not a count of anyone: then only the numerator and nothing derived from the difference is checked."""
    numerator, denominator = numerator or 0, denominator or 0
    if not denominator:
        return "—"
    if is_small(numerator):
        return WITHHELD
    if people_denominator and (is_small(denominator) or is_small(denominator - numerator)):
        return WITHHELD
    return f"{100 * numerator / denominator:.0f}%"


def publishable_curve(km: KaplanMeier) -> bool:
    return km.size >= MIN_CURVE_GROUP


def curve_end(km: KaplanMeier, horizon: int) -> float:
    """Where a published curve stops: the horizon, the end of follow-up, or the last day at least 5 people
    were still at risk, whichever comes first."""
    end = float(min(horizon, km.last_time))
    day = 0.0
    for step in km.steps:
        if step.time > end:
            break
        if km.at_risk(step.time) < MIN_AT_RISK:
            return day
        day = step.time
    return end if km.at_risk(end) >= MIN_AT_RISK else day
