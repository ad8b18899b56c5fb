"""WHOQOL-BREF, the World Health Organization's quality-of-life instrument, short form: 26 items, 1–5 each.

Source: WHOQOL Group, "WHOQOL-BREF: Introduction, administration, scoring and generic version of the
assessment", field trial version, WHO Programme on Mental Health, Geneva, December 1996
(WHO/MSA/MNH/PSF/97.4), its scoring steps and SPSS syntax (Appendix 10), which this follows exactly:
- items 3, 4 and 26 are reversed (6 − answer);
- an assessment with more than 20% of its items unanswered (more than 5 of 26) is discarded;
- each domain is the mean of its items × 4 (4–20), computed only with enough of them answered —
  physical 6 of 7, psychological 5 of 6, social relationships 2 of 3, environment 6 of 8 (the syntax's
  MEAN.6, MEAN.5, MEAN.2, MEAN.6) — and transformed to 0–100 as (score − 4) × 100 / 16;
- items 1 (overall quality of life) and 2 (satisfaction with health) are reported on their own.

The items are named by their WHOQOL facet, not by WHO's wording, which is used under WHO's permission on the
paper form: staff read the questions from the licensed Indonesian form and type the answer's number here.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from assessments.instruments.base import Definition, InstrumentError, Item, Option, Text

CODE = "WHOQOL-BREF"

_FACETS = (
    ("Kualitas hidup secara keseluruhan", "Overall quality of life"),
    ("Kepuasan terhadap kesehatan", "Satisfaction with health"),
    ("Rasa sakit dan ketidaknyamanan", "Pain and discomfort"),
    ("Ketergantungan pada obat dan perawatan medis", "Dependence on medication and medical treatment"),
    ("Perasaan positif (menikmati hidup)", "Positive feelings (enjoying life)"),
    ("Makna hidup", "Meaning of life"),
    ("Berpikir, belajar, ingatan dan konsentrasi", "Thinking, learning, memory and concentration"),
    ("Keamanan dan keselamatan fisik", "Physical safety and security"),
    ("Lingkungan fisik", "Physical environment"),
    ("Energi dan kelelahan", "Energy and fatigue"),
    ("Citra tubuh dan penampilan", "Bodily image and appearance"),
    ("Sumber keuangan", "Financial resources"),
    ("Kesempatan memperoleh informasi", "Opportunities for acquiring information"),
    ("Kesempatan untuk rekreasi", "Participation in and opportunities for leisure"),
    ("Mobilitas", "Mobility"),
    ("Tidur dan istirahat", "Sleep and rest"),
    ("Kegiatan sehari-hari", "Activities of daily living"),
    ("Kapasitas kerja", "Work capacity"),
    ("Harga diri", "Self-esteem"),
    ("Hubungan pribadi", "Personal relationships"),
    ("Aktivitas seksual", "Sexual activity"),
    ("Dukungan sosial", "Social support"),
    ("Lingkungan tempat tinggal", "Home environment"),
    ("Layanan kesehatan dan sosial", "Health and social care"),
    ("Transportasi", "Transport"),
    ("Perasaan negatif", "Negative feelings"),
)
REVERSED = ("q3", "q4", "q26")
# Domain → (items, the fewest answered for the domain to be computed: the SPSS syntax's MEAN.n).
DOMAINS: dict[str, tuple[tuple[str, ...], int]] = {
    "physical": (("q3", "q4", "q10", "q15", "q16", "q17", "q18"), 6),
    "psychological": (("q5", "q6", "q7", "q11", "q19", "q26"), 5),
    "social": (("q20", "q21", "q22"), 2),
    "environment": (("q8", "q9", "q12", "q13", "q14", "q23", "q24", "q25"), 6),
}
MOST_UNANSWERED = 5  # more than 20% of 26 items unanswered: the assessment is discarded


def _item(number: int, facet: tuple[str, str]) -> Item:
    return Item(f"q{number}", Text(*facet), tuple(Option(n, n, Text(str(n), str(n))) for n in range(1, 6)))


DEFINITION = Definition(
    code=CODE,
    version="1996-12",
    name=Text("WHOQOL-BREF", "WHOQOL-BREF"),
    source="WHOQOL Group 1996, WHOQOL-BREF field trial version, scoring and SPSS syntax (Appendix 10)",
    items=tuple(_item(number, facet) for number, facet in enumerate(_FACETS, start=1)),
    extra={
        "reversed": list(REVERSED),
        "domains": {name: [list(items), least] for name, (items, least) in DOMAINS.items()},
        "most_unanswered": MOST_UNANSWERED,
    },
)


@dataclass(frozen=True)
class DomainScore:
    raw: Fraction  # the mean of the items × 4: 4–20
    answered: int

    @property
    def transformed(self) -> Fraction:
        """On the 0–100 scale: (raw − 4) × 100 / 16."""
        return (self.raw - 4) * 100 / 16


@dataclass(frozen=True)
class WhoqolResult:
    code: str
    version: str
    domains: dict[str, DomainScore | None]  # None: too few of the domain's items answered
    overall_quality_of_life: int | None  # item 1, on its own
    satisfaction_with_health: int | None  # item 2, on its own
    unanswered: list[str]


def score(answers: dict[str, Any], definition: Definition = DEFINITION) -> WhoqolResult:
    """Score a WHOQOL-BREF: answers {"q1": 1–5, …}; an item left out (or None) is unanswered."""
    if not isinstance(answers, dict):
        raise InstrumentError(invalid={"answers": "must be a mapping"})
    known = {item.code for item in definition.items}
    invalid = {code: "not an item of this instrument" for code in answers if code not in known}
    points: dict[str, int] = {}
    unanswered = []
    for item in definition.items:
        value = answers.get(item.code)
        if value is None or value == "":
            unanswered.append(item.code)
        elif isinstance(value, bool) or not isinstance(value, int) or item.option(value) is None:
            invalid[item.code] = "must be a whole number from 1 to 5"
        else:
            points[item.code] = 6 - value if item.code in definition.extra["reversed"] else value
    if invalid:
        raise InstrumentError(invalid=invalid)
    if len(unanswered) > definition.extra["most_unanswered"]:
        raise InstrumentError(missing=unanswered)
    domains = {}
    for name, (items, least) in definition.extra["domains"].items():
        given = [points[code] for code in items if code in points]
        domains[name] = (
            DomainScore(Fraction(sum(given), len(given)) * 4, len(given)) if len(given) >= least else None
        )
    return WhoqolResult(
        code=definition.code,
        version=definition.version,
        domains=domains,
        overall_quality_of_life=points.get("q1"),
        satisfaction_with_health=points.get("q2"),
        unanswered=unanswered,
    )
