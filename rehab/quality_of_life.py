"""WHOQOL-BREF at programme start and end (issue 20): recording one (the instrument decides what is a valid
answer set and scores it) and the monthly report's change per domain, counted per UPT.

The report shows, per domain, the mean change (end − start, on 0–100) of the people whose end record was
taken in the month and who also have a start record; reports.outcome_disclosure decides which means may be
published."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import instruments
from assessments.instruments import InstrumentError
from assessments.instruments.whoqol_bref import CODE
from audit.models import AuditEvent
from audit.services import audit_record
from rehab.models import QOL_DOMAINS, Enrolment, QualityOfLife
from rehab.services import may_run

# Every domain score is a multiple of 1/840 (a mean of 2 to 8 items, × 25): read back exactly from its float.
_DENOMINATOR = 840


def _exact(value: float) -> Fraction:
    return Fraction(value).limit_denominator(_DENOMINATOR)


def item_errors(error: InstrumentError) -> dict[str, str]:
    """The instrument's refusal, item by item, in the user's language."""
    problems = {code: _("Answer with a whole number from 1 to 5.") for code in error.invalid}
    for code in error.missing:
        problems.setdefault(
            code,
            _("Not answered: at most %(most)s of the 26 items may be left unanswered.")
            % {"most": instruments.whoqol_bref.MOST_UNANSWERED},
        )
    return problems


@transaction.atomic
def quality_of_life_record(
    *, by, enrolment: Enrolment, timing: str, taken_on: dt.date, answers: dict[str, Any]
) -> QualityOfLife:
    """Score `answers` ({"q1": 1–5 or None, …}) with the current WHOQOL-BREF and keep them with the scores.
    One start and one end per enrolment; the end not before the start; nothing saved on any refusal."""
    enrolment = (
        Enrolment.objects.select_for_update().select_related("programme__institution").get(pk=enrolment.pk)
    )
    if not may_run(by, enrolment.programme):
        raise PermissionDenied(_("Only staff of the institution or the delivering counsellors can do this."))
    if timing not in QualityOfLife.Timing.values:
        raise ValidationError({"timing": _("Choose the start or the end of the programme.")})
    if enrolment.consent_withdrawn:
        raise ValidationError(_("Consent to this enrolment has been withdrawn: nothing more is recorded."))
    today = timezone.localdate(timezone=enrolment.programme.institution.time_zone_info)
    if taken_on > today:
        raise ValidationError({"taken_on": _("This date is in the future.")})
    taken = {row.timing: row for row in enrolment.quality_of_life.all()}
    if timing in taken:
        raise ValidationError(_("This questionnaire has already been taken for this enrolment."))
    start, end = taken.get(QualityOfLife.Timing.START), taken.get(QualityOfLife.Timing.END)
    if timing == QualityOfLife.Timing.END and start and taken_on < start.taken_on:
        raise ValidationError(
            {
                "taken_on": _("The end cannot be taken before the start (%(day)s).")
                % {"day": start.taken_on.isoformat()}
            }
        )
    if timing == QualityOfLife.Timing.START and end and taken_on > end.taken_on:
        raise ValidationError(
            {
                "taken_on": _("The start cannot be taken after the end (%(day)s).")
                % {"day": end.taken_on.isoformat()}
            }
        )
    try:
        result = instruments.score(CODE, answers)
    except InstrumentError as error:
        raise ValidationError(item_errors(error)) from error
    scores = {
        domain: None if score is None else float(score.transformed)
        for domain, score in result.domains.items()
    }
    try:
        with transaction.atomic():
            record = QualityOfLife.objects.create(
                enrolment=enrolment,
                timing=timing,
                version=result.version,
                answers={code: answers.get(code) for code in _item_codes()},
                taken_on=taken_on,
                created_by=by,
                **scores,
            )
    except IntegrityError as exc:  # the same questionnaire saved twice at once
        raise ValidationError(_("This questionnaire has already been taken for this enrolment.")) from exc
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=record,
        person_id=enrolment.person_id,
        details={"timing": timing, "version": result.version},
    )
    return record


def _item_codes() -> list[str]:
    return [item.code for item in instruments.definition(CODE).items]


def changes(start: QualityOfLife | None, end: QualityOfLife | None) -> dict[str, float | None]:
    """End − start per domain, where both were computed (for the pages)."""
    if not (start and end):
        return {}
    return {
        domain: None
        if getattr(start, domain) is None or getattr(end, domain) is None
        else float(_exact(getattr(end, domain)) - _exact(getattr(start, domain)))
        for domain in QOL_DOMAINS
    }


def domain_rows(taken: dict[str, QualityOfLife]) -> list[dict]:
    """One row per domain for the pages: its label, the start and end scores and the change (None where
    missing). `taken`: {timing: record}."""
    start, end = taken.get(QualityOfLife.Timing.START), taken.get(QualityOfLife.Timing.END)
    change = changes(start, end)
    return [
        {
            "label": QualityOfLife._meta.get_field(domain).verbose_name,
            "start": getattr(start, domain) if start else None,
            "end": getattr(end, domain) if end else None,
            "change": change.get(domain),
        }
        for domain in QOL_DOMAINS
    ]


def changes_by_upt(places: Iterable, first: dt.date, last: dt.date, known_at: dt.datetime) -> dict[int, dict]:
    """Per UPT id (the programme's institution), the people whose WHOQOL-BREF end record was taken within
    [first, last] and who have a start record on the same enrolment, both recorded by `known_at`:

        {upt_id: {"people": n with both records,
                  "n": {domain: n with the domain computed at both},
                  "sums": {domain: sum of (end − start) on 0–100, a float rounded to 6 places}}}

    Every domain is a key of "n" and "sums" (0 and 0.0 where none). A UPT with nobody is left out. Someone
    with two such enrolments at a UPT in the period (two programmes ending) counts once, by the later end.
    `places`: Institution objects, their ids, or a queryset of them. Two queries whatever the number of UPTs
    (one, and one more only for evaluating a queryset of places)."""
    recorded = QualityOfLife.objects.filter(created_at__lte=known_at)
    starts = recorded.filter(timing=QualityOfLife.Timing.START, enrolment=OuterRef("enrolment"))
    rows = (
        recorded.filter(
            timing=QualityOfLife.Timing.END,
            taken_on__range=(first, last),
            enrolment__programme__institution__in=places,
        )
        .filter(Exists(starts))
        .annotate(**{f"start_{domain}": Subquery(starts.values(domain)[:1]) for domain in QOL_DOMAINS})
        .order_by("taken_on", "pk")
        .values_list(
            "enrolment__programme__institution",
            "enrolment__person",
            *QOL_DOMAINS,
            *(f"start_{domain}" for domain in QOL_DOMAINS),
        )
    )
    latest: dict[tuple[int, int], tuple] = {}
    for upt, person, *scores in rows:  # ordered by the end's day: the later end of one person wins
        latest[(upt, person)] = tuple(scores)
    counted: dict[int, dict] = defaultdict(
        lambda: {
            "people": 0,
            "n": dict.fromkeys(QOL_DOMAINS, 0),
            "sums": dict.fromkeys(QOL_DOMAINS, Fraction(0)),
        }
    )
    for (upt, _person), scores in latest.items():
        ends, starts_ = scores[: len(QOL_DOMAINS)], scores[len(QOL_DOMAINS) :]
        figures = counted[upt]
        figures["people"] += 1
        for domain, end, start in zip(QOL_DOMAINS, ends, starts_, strict=True):
            if end is not None and start is not None:
                figures["n"][domain] += 1
                figures["sums"][domain] += _exact(end) - _exact(start)
    return {
        upt: {
            **figures,
            "sums": {domain: round(float(total), 6) for domain, total in figures["sums"].items()},
        }
        for upt, figures in counted.items()
    }
