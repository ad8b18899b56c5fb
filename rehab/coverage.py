"""Whether the agreement a programme rests on still covers its work on given days, and what to tell the user
when it does not.

A programme is delivered under an agreement (Programme.agreement) and its sessions under the same one. When
that agreement ends (its last day, or an earlier termination), the delivering agency's counsellors lose
access to the UPT's WBP the next day (agreements.access), so sessions planned after it cannot be run as
planned. A renewal, or any other agreement in force between the same UPT and agency whose scope covers the
programme's kind, continues the coverage: days it covers are not flagged. Days are the institution's own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.models import Agreement
from rehab.models import Programme, Session

LISTED_AT_MOST = 20  # sessions named one by one in a warning; the rest are counted


def day_in_words(day: dt.date) -> str:
    return date_format(day, "l, j F Y")


def time_in_words(moment: dt.datetime, zone) -> str:
    local = moment.astimezone(zone)
    return f"{date_format(local, 'l, j F Y H:i')} {local.tzname()}"


def covered_spans(programme: Programme) -> list[tuple[dt.date, dt.date | None]]:
    """(first day, last day or None when open-ended) of each signed agreement between the programme's UPT
    and agency whose scope covers its kind: the periods in which the work is allowed (one query)."""
    agreements = (
        Agreement.objects.filter(
            institutions=programme.institution_id,
            agencies=programme.agency_id,
            scope_items__scope=Programme.REQUIRED_SCOPE[programme.kind],
            signed_on__isnull=False,
        )
        .distinct()
        .only("valid_from", "valid_until", "terminated_on")
    )
    return [(agreement.valid_from, agreement.ends_on) for agreement in agreements]


def gaps(first: dt.date, last: dt.date, spans: Iterable[tuple[dt.date, dt.date | None]]) -> list:
    """The periods (first, last), within first..last inclusive, that no span covers."""
    found, day = [], first
    for start, end in sorted(spans):
        if day > last:
            break
        if end is not None and end < day:
            continue
        if start > day:
            found.append((day, min(last, start - dt.timedelta(days=1))))
        if end is None or end >= last:
            return found
        day = max(day, end + dt.timedelta(days=1))
    if day <= last:
        found.append((day, last))
    return found


@dataclass(frozen=True)
class AgreementGap:
    """What the user is warned of: the periods no agreement covers and the sessions that fall in them."""

    programme: Programme
    periods: list[tuple[dt.date, dt.date]]
    sessions: list[dt.datetime] = field(default_factory=list)  # starts, UTC

    @property
    def key(self) -> str:
        """Names exactly what was shown: a confirmation counts only for the warning the user saw."""
        text = (
            ";".join(f"{a}/{b}" for a, b in self.periods)
            + "|"
            + ",".join(s.isoformat() for s in self.sessions)
        )
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    @property
    def agreement(self) -> Agreement:
        return self.programme.agreement

    @property
    def after_its_end(self) -> bool:
        ends = self.agreement.ends_on
        return ends is not None and all(first > ends for first, _last in self.periods)

    def headline(self) -> str:
        agreement = self.agreement
        covered_until = self.periods[0][0] - dt.timedelta(days=1)
        if self.after_its_end and covered_until > agreement.ends_on:
            # A renewal (or another agreement) carries on for a while, then stops.
            return _(
                "The agreement %(number)s that this programme rests on ends on %(day)s; the agreements after "
                "it cover this work at %(place)s only until %(until)s."
            ) % {
                "number": agreement.number,
                "day": day_in_words(agreement.ends_on),
                "place": self.programme.institution.name,
                "until": day_in_words(covered_until),
            }
        if self.after_its_end:
            text = _(
                "The agreement %(number)s that this programme rests on ends on %(day)s, and no agreement "
                "in force after it covers this work at %(place)s."
            ) % {
                "number": agreement.number,
                "day": day_in_words(agreement.ends_on),
                "place": self.programme.institution.name,
            }
        else:
            text = _(
                "No agreement in force covers this programme's work at %(place)s on some of these days."
            ) % {"place": self.programme.institution.name}
        renewal = Agreement.objects.filter(replaces=agreement).first()
        if renewal is not None and self.after_its_end:
            text += " " + _(
                "Its renewal %(number)s does not cover these days: it is not signed yet, starts later, or "
                "leaves out this UPT, agency or kind of work."
            ) % {"number": renewal.number}
        return text

    def periods_in_words(self) -> list[str]:
        return [
            day_in_words(first) if first == last else f"{day_in_words(first)} – {day_in_words(last)}"
            for first, last in self.periods
        ]

    def sessions_in_words(self) -> list[str]:
        zone = self.programme.institution.time_zone_info
        return [time_in_words(start, zone) for start in self.sessions[:LISTED_AT_MOST]]

    def more(self) -> str:
        hidden = len(self.sessions) - LISTED_AT_MOST
        if hidden <= 0:
            return ""
        zone = self.programme.institution.time_zone_info
        return ngettext(
            "… and %(count)s more session, the last on %(day)s.",
            "… and %(count)s more sessions, the last on %(day)s.",
            hidden,
        ) % {"count": hidden, "day": time_in_words(self.sessions[-1], zone)}

    def advice(self) -> str:
        if self.after_its_end:
            return _(
                "Go ahead only if the agreement will be renewed (or a new one signed) before then; otherwise "
                "keep the dates on or before %(day)s."
            ) % {"day": day_in_words(self.agreement.ends_on)}
        return _("Go ahead only if an agreement covering these days will be signed in time.")


def _local_day(moment: dt.datetime, programme: Programme) -> dt.date:
    return moment.astimezone(programme.institution.time_zone_info).date()


def sessions_gap(programme: Programme, starts: Iterable[dt.datetime]) -> AgreementGap | None:
    """The sessions (by their start) that fall on days no agreement covers, or None when all are covered."""
    starts = sorted(starts)
    if not starts:
        return None
    days = [_local_day(start, programme) for start in starts]
    periods = gaps(min(days), max(days), covered_spans(programme))
    outside = [start for start, day in zip(starts, days, strict=True) if _in(day, periods)]
    if not outside:
        return None
    return AgreementGap(
        programme=programme,
        periods=[(a, b) for a, b in periods if any(a <= d <= b for d in days)],
        sessions=outside,
    )


def programme_gap(programme: Programme) -> AgreementGap | None:
    """The part of the programme's dates no agreement covers, with its sessions (not cancelled) that fall
    in it; None when the whole programme is covered."""
    periods = gaps(programme.starts_on, programme.ends_on, covered_spans(programme))
    if not periods:
        return None
    sessions = []
    if programme.pk:
        starts = (
            Session.objects.filter(programme=programme)
            .not_cancelled()
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
        )
        sessions = [start for start in starts if _in(_local_day(start, programme), periods)]
    return AgreementGap(programme=programme, periods=periods, sessions=sessions)


def _in(day: dt.date, periods: list[tuple[dt.date, dt.date]]) -> bool:
    return any(first <= day <= last for first, last in periods)


def upcoming_gap(programme: Programme) -> AgreementGap | None:
    """For the programme page: what of the programme still to come falls outside every agreement."""
    finding = programme_gap(programme)
    if finding is None:
        return None
    today = timezone.localdate(timezone=programme.institution.time_zone_info)
    if all(last < today for _first, last in finding.periods):
        return None
    return finding


class BeyondAgreement(ValidationError):
    """Refused until the user, shown `gap`, goes ahead anyway: a warning that needs an answer."""

    def __init__(self, gap: AgreementGap):
        super().__init__(gap.headline(), code="beyond_agreement")
        self.gap = gap


def refuse_unconfirmed(gap: AgreementGap | None, confirmed: bool) -> None:
    """Services call this after every other check, so the user is asked only about otherwise valid input:
    work beyond the agreement is saved once the user has said to go ahead."""
    if gap is not None and not confirmed:
        raise BeyondAgreement(gap)
