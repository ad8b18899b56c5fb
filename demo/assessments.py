"""Demo screenings, assessments and recommendations for the narcotics cases in custody.

Answers are drawn with a fixed seed so every load gives the same picture: most users at moderate risk for
amphetamine-type stimulants or cannabis, some at high risk, a few lower. About half of those at moderate or
high risk have been assessed; of those, most have a recommendation and some are approved. Scores come from
the real instruments, never typed in.
"""

from __future__ import annotations

import datetime as dt
import random

from assessments import instruments
from assessments.models import Assessment, Recommendation, Screening
from assessments.services import screening_risk
from inmates.models import Admission

FREQUENCIES = ["never", "once_or_twice", "monthly", "weekly", "daily_or_almost_daily"]
EVER = ["no_never", "yes_not_past_3_months", "yes_past_3_months"]
DOMAINS = ["medical", "employment", "alcohol", "drug", "legal", "family_social", "psychiatric"]
KINDS = [Recommendation.Kind.SOCIAL, Recommendation.Kind.MEDICAL_THEN_SOCIAL, Recommendation.Kind.EDUCATION]


def _row(rng: random.Random, intensity: int) -> dict:
    """Answers for one used substance; `intensity` 0–4 steers how often and how troubled."""
    pick = lambda: FREQUENCIES[max(0, min(4, intensity + rng.choice((-1, 0, 0, 1))))]  # noqa: E731
    return {
        "q1": "yes",
        "q2": pick(),
        "q3": pick(),
        "q4": pick(),
        "q5": pick(),
        "q6": rng.choice(EVER),
        "q7": rng.choice(EVER),
    }


def _assist_answers(rng: random.Random) -> dict:
    substances = {"tobacco": _row(rng, rng.choice((0, 1, 2)))}
    main = rng.choice(["amphetamine_type_stimulants", "amphetamine_type_stimulants", "cannabis"])
    if rng.random() < 0.85:  # the rest report tobacco only
        substances[main] = _row(rng, rng.choice((0, 1, 1, 2, 2, 3)))
    if rng.random() < 0.3:
        substances["alcohol"] = _row(rng, 1)
    for row in substances.values():
        if row["q2"] == "never":
            for question in ("q3", "q4", "q5"):
                row.pop(question)
    substances["tobacco"].pop("q5", None)
    return {"substances": substances, "q8": rng.choice(["no_never"] * 8 + ["yes_not_past_3_months"])}


def load(*, today: dt.date, staff_by_institution: dict, heads_by_institution: dict) -> int:
    """Add the demo screenings once (nothing if any screening exists); return how many were made."""
    if Screening.objects.exists():
        return 0
    rng = random.Random(2025)
    admissions = (
        Admission.objects.open()
        .narcotics()
        .filter(institution_id__in=staff_by_institution)
        .select_related("person", "institution")
        .order_by("pk")
    )
    created = 0
    for admission in admissions:
        if rng.random() > 0.6:
            continue
        clerk = staff_by_institution[admission.institution_id]
        latest = min(today, admission.admitted_on + dt.timedelta(days=rng.randint(3, 40)))
        answers = _assist_answers(rng)
        result = instruments.score("ASSIST", answers)
        screening = Screening.objects.create(
            person=admission.person,
            institution=admission.institution,
            instrument="ASSIST",
            version=result.version,
            answers=answers,
            risk=screening_risk("ASSIST", result),
            main_substance=result.main_substance,
            screened_on=latest,
            screened_by=clerk,
        )
        created += 1
        if screening.risk not in Screening.NEEDS_ASSESSMENT or rng.random() < 0.5 or latest >= today:
            continue
        assessed_on = min(today, latest + dt.timedelta(days=rng.randint(1, 14)))
        ratings = {
            d: {"troubled": rng.randint(0, 4), "importance": rng.randint(1, 4), "severity": rng.randint(2, 8)}
            for d in DOMAINS
        }
        assessment = Assessment.objects.create(
            person=admission.person,
            institution=admission.institution,
            screening=screening,
            assessed_on=assessed_on,
            interviewer=clerk,
            team="dr. Nurhayati — dokter\nAnton Wibowo, S.Psi. — psikolog\nWali pemasyarakatan",
            version=instruments.current_version("ASI"),
            answers=ratings,
        )
        if rng.random() < 0.2:
            continue
        decided_on = min(today, assessed_on + dt.timedelta(days=rng.randint(0, 7)))
        recommendation = Recommendation.objects.create(
            assessment=assessment,
            kind=rng.choice(KINDS),
            reasons="Hasil ASSIST dan wawancara ASI; dibahas dalam sidang TPP.",
            decided_on=decided_on,
            decided_by=clerk,
        )
        head = heads_by_institution.get(admission.institution_id)
        if head and rng.random() < 0.6:
            recommendation.approved_on = min(today, decided_on + dt.timedelta(days=rng.randint(1, 10)))
            recommendation.decree_number = f"SK/{admission.institution.code.upper()}/{recommendation.pk:04d}"
            recommendation.approved_by = head
            recommendation.save()
    return created
