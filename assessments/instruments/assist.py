"""WHO ASSIST v3.1: the Alcohol, Smoking and Substance Involvement Screening Test.

Source: WHO ASSIST Working Group, "The Alcohol, Smoking and Substance Involvement Screening Test (ASSIST):
manual for use in primary care" (WHO, 2010), and shared/DOMAIN.md, which copies its scoring table.

- Q1 "no" for a substance: score 0, nothing more asked about it.
- Q2 "never": Q3–Q5 skipped (count 0), go on to Q6 and Q7.
- Q5 is not asked for tobacco.
- Specific Substance Involvement Score = Q2 + Q3 + Q4 + Q5 + Q6 + Q7, never summed across substances.
- Q8 (injecting) is asked once per person and never scored; it decides the injecting advice.
Answers to questions the skip rules leave out are ignored, never added. A substance absent from the answers
counts as never used (Q1 "no"); one present without a Q1 answer is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessments.instruments.base import Band, Definition, InstrumentError, Item, Option, Text, choose

CODE = "ASSIST"

SUBSTANCES: dict[str, Text] = {
    "tobacco": Text("Produk tembakau (rokok, cerutu, tembakau kunyah, dll.)", "Tobacco products"),
    "alcohol": Text("Minuman beralkohol (bir, anggur, minuman keras, tuak, dll.)", "Alcoholic beverages"),
    "cannabis": Text("Ganja (marijuana, cimeng, dll.)", "Cannabis"),
    "cocaine": Text("Kokain", "Cocaine"),
    "amphetamine_type_stimulants": Text(
        "Stimulan jenis amfetamin (sabu, ekstasi, dll.)", "Amphetamine-type stimulants (speed, ecstasy, …)"
    ),
    "inhalants": Text("Inhalansia (lem, tiner, bensin, dll.)", "Inhalants (glue, thinner, petrol, …)"),
    "sedatives": Text("Sedatif atau obat tidur (benzodiazepin, dll.)", "Sedatives or sleeping pills"),
    "hallucinogens": Text("Halusinogen (LSD, jamur, dll.)", "Hallucinogens (LSD, mushrooms, …)"),
    "opioids": Text("Opioid (heroin, morfin, metadon, kodein, dll.)", "Opioids (heroin, morphine, …)"),
    "other": Text("Lainnya", "Other"),
}


def substance_label(code: str, language: str) -> str:
    """The substance's name; a code from another version without a name here shows as itself."""
    return SUBSTANCES[code].get(language) if code in SUBSTANCES else code


_FREQUENCY = {
    "never": Text("Tidak pernah", "Never"),
    "once_or_twice": Text("Sekali atau dua kali", "Once or twice"),
    "monthly": Text("Setiap bulan", "Monthly"),
    "weekly": Text("Setiap minggu", "Weekly"),
    "daily_or_almost_daily": Text("Setiap hari atau hampir setiap hari", "Daily or almost daily"),
}
_EVER = {
    "no_never": Text("Tidak, tidak pernah", "No, never"),
    "yes_past_3_months": Text("Ya, dalam 3 bulan terakhir", "Yes, in the past 3 months"),
    "yes_not_past_3_months": Text(
        "Ya, tetapi tidak dalam 3 bulan terakhir", "Yes, but not in the past 3 months"
    ),
}


def _frequency(points: tuple[int, int, int, int, int]) -> tuple[Option, ...]:
    return tuple(
        Option(code, score, _FREQUENCY[code]) for code, score in zip(_FREQUENCY, points, strict=True)
    )


def _ever(points: tuple[int, int, int]) -> tuple[Option, ...]:
    return tuple(Option(code, score, _EVER[code]) for code, score in zip(_EVER, points, strict=True))


ITEMS = (
    Item(
        "q1",
        Text(
            "Sepanjang hidup Anda, apakah Anda pernah menggunakan zat ini? (hanya penggunaan non-medis)",
            "In your life, have you ever used this substance? (non-medical use only)",
        ),
        (Option("no", 0, Text("Tidak", "No")), Option("yes", 0, Text("Ya", "Yes"))),
    ),
    Item(
        "q2",
        Text(
            "Dalam tiga bulan terakhir, seberapa sering Anda menggunakannya?",
            "In the past three months, how often have you used it?",
        ),
        _frequency((0, 2, 3, 4, 6)),
    ),
    Item(
        "q3",
        Text(
            "Dalam tiga bulan terakhir, seberapa sering Anda merasakan keinginan kuat atau dorongan untuk "
            "menggunakannya?",
            "In the past three months, how often have you had a strong desire or urge to use it?",
        ),
        _frequency((0, 3, 4, 5, 6)),
    ),
    Item(
        "q4",
        Text(
            "Dalam tiga bulan terakhir, seberapa sering penggunaannya menimbulkan masalah kesehatan, sosial, "
            "hukum, atau keuangan?",
            "In the past three months, how often has your use led to health, social, legal or financial "
            "problems?",
        ),
        _frequency((0, 4, 5, 6, 7)),
    ),
    Item(
        "q5",
        Text(
            "Dalam tiga bulan terakhir, seberapa sering Anda gagal melakukan hal yang biasanya "
            "diharapkan dari Anda karena penggunaannya?",
            "In the past three months, how often have you failed to do what was normally expected of you "
            "because of your use?",
        ),
        _frequency((0, 5, 6, 7, 8)),
    ),
    Item(
        "q6",
        Text(
            "Pernahkah teman, kerabat, atau orang lain menyatakan kekhawatiran tentang penggunaan Anda?",
            "Has a friend or relative or anyone else ever expressed concern about your use?",
        ),
        _ever((0, 6, 3)),
    ),
    Item(
        "q7",
        Text(
            "Pernahkah Anda mencoba mengendalikan, mengurangi, atau menghentikan penggunaannya, "
            "tetapi gagal?",
            "Have you ever tried and failed to control, cut down or stop using it?",
        ),
        _ever((0, 6, 3)),
    ),
    Item(
        "q8",
        Text(
            "Pernahkah Anda menggunakan narkoba dengan cara disuntik? (hanya penggunaan non-medis)",
            "Have you ever used any drug by injection? (non-medical use only)",
        ),
        _ever((0, 0, 0)),  # never scored: it decides the injecting advice
    ),
)

_ADVICE = Text("Nasihat umum", "General advice")
_BRIEF = Text("Intervensi singkat", "Brief intervention")
_INTENSIVE = Text(
    "Intervensi singkat dan rujukan untuk asesmen dan terapi intensif",
    "Brief intervention and referral for assessment and intensive treatment",
)
ALCOHOL_BANDS = (
    Band("lower", 0, 10, Text("Risiko rendah", "Lower risk"), _ADVICE),
    Band("moderate", 11, 26, Text("Risiko sedang", "Moderate risk"), _BRIEF),
    Band("high", 27, 39, Text("Risiko tinggi", "High risk"), _INTENSIVE),
)
OTHER_BANDS = (
    Band("lower", 0, 3, Text("Risiko rendah", "Lower risk"), _ADVICE),
    Band("moderate", 4, 26, Text("Risiko sedang", "Moderate risk"), _BRIEF),
    Band("high", 27, 39, Text("Risiko tinggi", "High risk"), _INTENSIVE),
)

DEFINITION = Definition(
    code=CODE,
    version="3.1",
    name=Text("WHO ASSIST v3.1", "WHO ASSIST v3.1"),
    source="WHO ASSIST Working Group, ASSIST manual for use in primary care (WHO, 2010)",
    items=ITEMS,
    bands=OTHER_BANDS,
    extra={
        "substances": tuple(SUBSTANCES),
        "alcohol_bands": ALCOHOL_BANDS,
        "no_q5": ("tobacco",),
        # Injected in the past 3 months: up to this many days a month on average → brief intervention with
        # the injecting-risks card; more → further assessment and intensive treatment.
        "injecting_days_brief_max": 4,
    },
)


NO_SUBSTANCE = "none"  # AssistResult.main_substance where no substance scores above 0


@dataclass(frozen=True)
class SubstanceResult:
    substance: str
    used_ever: bool
    score: int
    risk: str  # "lower" | "moderate" | "high"
    band: Band


@dataclass(frozen=True)
class AssistResult:
    code: str
    version: str
    substances: dict[str, SubstanceResult]
    injecting: str  # the Q8 answer
    injecting_days_per_month: float | None
    injecting_action: str | None  # None | "brief_intervention" | "intensive"

    @property
    def highest_risk(self) -> str:
        order = ("lower", "moderate", "high")
        return max((result.risk for result in self.substances.values()), key=order.index, default="lower")

    @property
    def main_substance(self) -> str:
        """The substance with the highest specific involvement score, the first in the instrument's order on
        a tie; NO_SUBSTANCE where none scores above 0 (PP 25/2011's "substance" in the reports)."""
        substance, highest = NO_SUBSTANCE, 0
        for result in self.substances.values():  # in the instrument's order: the first of a tie stays
            if result.score > highest:
                substance, highest = result.substance, result.score
        return substance


def _questions_asked(definition: Definition, substance: str, q1: str | None, q2: str | None) -> list[str]:
    """The questions the skip rules ask about one substance, given its Q1 and Q2 answers."""
    if q1 != "yes":
        return []
    asked = ["q2"]
    if q2 not in (None, "never"):
        asked += ["q3", "q4"] + ([] if substance in definition.extra["no_q5"] else ["q5"])
    return [*asked, "q6", "q7"]


def score(answers: dict[str, Any], definition: Definition = DEFINITION) -> AssistResult:
    if not isinstance(answers, dict):
        raise InstrumentError(invalid={"answers": "must be a mapping"})
    missing: list[str] = []
    invalid: dict[str, str] = {}
    given = answers.get("substances") or {}
    if not isinstance(given, dict):
        raise InstrumentError(invalid={"substances": "must be a mapping of substance to answers"})
    for unknown in sorted(set(given) - set(definition.extra["substances"])):
        invalid[unknown] = "not a substance ASSIST asks about"
    results = {}
    for substance in definition.extra["substances"]:
        # A substance left out entirely was not used: callers may send only the substances that were.
        row = given.get(substance, {"q1": "no"})
        if not isinstance(row, dict):
            invalid[substance] = "must be a mapping of question to answer"
            row = {}
        for unknown in sorted(set(row) - {"q1", "q2", "q3", "q4", "q5", "q6", "q7", "specify"}):
            invalid[f"{substance}.{unknown}"] = "not an ASSIST question"
        q1 = choose(definition.item("q1"), row.get("q1"), f"{substance}.q1", missing, invalid)
        q1_code = str(q1.code) if q1 else None
        q2_code = row.get("q2") if q1_code == "yes" else None
        total = 0
        for question in _questions_asked(definition, substance, q1_code, q2_code):
            option = choose(
                definition.item(question), row.get(question), f"{substance}.{question}", missing, invalid
            )
            total += option.points if option else 0
        bands = definition.extra["alcohol_bands"] if substance == "alcohol" else definition.bands
        band = definition.band_for(total, bands)
        results[substance] = SubstanceResult(substance, q1_code == "yes", total, band.code, band)
    q8 = choose(definition.item("q8"), answers.get("q8"), "q8", missing, invalid)
    days = answers.get("q8_days_per_month")
    recent_injecting = q8 is not None and q8.code == "yes_past_3_months" and days not in (None, "")
    if recent_injecting and (
        isinstance(days, bool) or not isinstance(days, int | float) or not 0 <= days <= 31
    ):
        invalid["q8_days_per_month"] = "must be a number of days from 0 to 31"
    if missing or invalid:
        raise InstrumentError(missing=missing, invalid=invalid)
    assert q8 is not None  # choose() gives None only for an answer missing or invalid, refused above
    injecting = str(q8.code)
    return AssistResult(
        code=definition.code,
        version=definition.version,
        substances=results,
        injecting=injecting,
        injecting_days_per_month=float(days)
        if injecting == "yes_past_3_months" and days not in (None, "")
        else None,
        injecting_action=_injecting_action(definition, injecting, days),
    )


def _injecting_action(definition: Definition, q8: str, days: Any) -> str | None:
    if q8 != "yes_past_3_months":
        return None
    # Without the pattern, everyone who injected recently gets at least the brief intervention and card.
    if days in (None, "") or days <= definition.extra["injecting_days_brief_max"]:
        return "brief_intervention"
    return "intensive"
