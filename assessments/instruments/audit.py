"""AUDIT, the Alcohol Use Disorders Identification Test, and its first three items, AUDIT-C.

Source: Babor T.F. et al., "AUDIT: Guidelines for Use in Primary Care", 2nd ed. (WHO, 2001); AUDIT-C:
Bush K. et al. (1998), Arch Intern Med 158:1789–1795, cut-offs as in shared/DOMAIN.md.

Answers are the 0-based position of the chosen option on the WHO form. Items 1–8 score 0–4; items 9 and 10
have three options scoring 0, 2 and 4. Zones I 0–7, II 8–15, III 16–19, IV 20–40; the next-higher
intervention is given when item 4, 5 or 6 scores 2 or more, or item 9 or 10 scores 4.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from assessments.instruments.base import Band, Definition, InstrumentError, Item, Option, Text

CODE, CODE_C = "AUDIT", "AUDIT-C"

_FREQUENCY = (
    Text("Tidak pernah", "Never"),
    Text("Kurang dari sebulan sekali", "Less than monthly"),
    Text("Setiap bulan", "Monthly"),
    Text("Setiap minggu", "Weekly"),
    Text("Setiap hari atau hampir setiap hari", "Daily or almost daily"),
)
_INJURY = (
    Text("Tidak", "No"),
    Text("Ya, tetapi tidak dalam setahun terakhir", "Yes, but not in the last year"),
    Text("Ya, dalam setahun terakhir", "Yes, during the last year"),
)


def _options(labels: tuple[Text, ...], points: tuple[int, ...]) -> tuple[Option, ...]:
    return tuple(
        Option(position, score, label)
        for position, (label, score) in enumerate(zip(labels, points, strict=True))
    )


def _item(
    number: int,
    wording_id: str,
    wording_en: str,
    labels: tuple[Text, ...] = _FREQUENCY,
    points: tuple[int, ...] = (0, 1, 2, 3, 4),
) -> Item:
    return Item(f"a{number}", Text(wording_id, wording_en), _options(labels, points))


ITEMS = (
    _item(
        1,
        "Seberapa sering Anda minum minuman yang mengandung alkohol?",
        "How often do you have a drink containing alcohol?",
        (
            Text("Tidak pernah", "Never"),
            Text("Sebulan sekali atau kurang", "Monthly or less"),
            Text("2–4 kali sebulan", "2–4 times a month"),
            Text("2–3 kali seminggu", "2–3 times a week"),
            Text("4 kali atau lebih seminggu", "4 or more times a week"),
        ),
    ),
    _item(
        2,
        "Berapa gelas standar minuman beralkohol yang Anda minum pada hari biasa ketika Anda minum?",
        "How many drinks containing alcohol do you have on a typical day when you are drinking?",
        (
            Text("1 atau 2", "1 or 2"),
            Text("3 atau 4", "3 or 4"),
            Text("5 atau 6", "5 or 6"),
            Text("7, 8, atau 9", "7, 8 or 9"),
            Text("10 atau lebih", "10 or more"),
        ),
    ),
    _item(
        3,
        "Seberapa sering Anda minum enam gelas atau lebih dalam satu kesempatan?",
        "How often do you have six or more drinks on one occasion?",
    ),
    _item(
        4,
        "Dalam setahun terakhir, seberapa sering Anda tidak mampu berhenti minum setelah mulai?",
        "How often during the last year have you found that you were not able to stop drinking once you had "
        "started?",
    ),
    _item(
        5,
        "Dalam setahun terakhir, seberapa sering Anda gagal melakukan hal yang biasanya diharapkan dari "
        "Anda karena minum?",
        "How often during the last year have you failed to do what was normally expected from you because "
        "of drinking?",
    ),
    _item(
        6,
        "Dalam setahun terakhir, seberapa sering Anda perlu minum di pagi hari agar dapat beraktivitas "
        "setelah minum banyak?",
        "How often during the last year have you needed a first drink in the morning to get yourself going "
        "after a heavy drinking session?",
    ),
    _item(
        7,
        "Dalam setahun terakhir, seberapa sering Anda merasa bersalah atau menyesal setelah minum?",
        "How often during the last year have you had a feeling of guilt or remorse after drinking?",
    ),
    _item(
        8,
        "Dalam setahun terakhir, seberapa sering Anda tidak dapat mengingat apa yang terjadi malam "
        "sebelumnya karena minum?",
        "How often during the last year have you been unable to remember what happened the night before "
        "because you had been drinking?",
    ),
    _item(
        9,
        "Apakah Anda atau orang lain pernah cedera akibat Anda minum?",
        "Have you or someone else been injured as a result of your drinking?",
        _INJURY,
        (0, 2, 4),
    ),
    _item(
        10,
        "Apakah kerabat, teman, dokter, atau petugas kesehatan pernah khawatir tentang kebiasaan minum "
        "Anda atau menyarankan Anda mengurangi?",
        "Has a relative or friend or a doctor or another health worker been concerned about your drinking or "
        "suggested you cut down?",
        _INJURY,
        (0, 2, 4),
    ),
)

DEFINITION = Definition(
    code=CODE,
    version="2001",
    name=Text("AUDIT", "AUDIT"),
    source="Babor et al., AUDIT guidelines for use in primary care, 2nd ed. (WHO, 2001)",
    items=ITEMS,
    bands=(
        Band("I", 0, 7, Text("Zona I", "Zone I"), Text("Edukasi alkohol", "Alcohol education")),
        Band("II", 8, 15, Text("Zona II", "Zone II"), Text("Nasihat sederhana", "Simple advice")),
        Band(
            "III",
            16,
            19,
            Text("Zona III", "Zone III"),
            Text(
                "Nasihat sederhana, konseling singkat, dan pemantauan berkelanjutan",
                "Simple advice plus brief counselling and continued monitoring",
            ),
        ),
        Band(
            "IV",
            20,
            40,
            Text("Zona IV", "Zone IV"),
            Text(
                "Rujukan ke spesialis untuk evaluasi diagnostik dan terapi",
                "Referral to specialist for diagnostic evaluation and treatment",
            ),
        ),
    ),
    extra={"escalate_items_at_least_2": ("a4", "a5", "a6"), "escalate_items_at_4": ("a9", "a10")},
)

DEFINITION_C = Definition(
    code=CODE_C,
    version="1998",
    name=Text("AUDIT-C", "AUDIT-C"),
    source="Bush et al. 1998, Arch Intern Med 158:1789-1795",
    items=ITEMS[:3],
    extra={"positive_at": {"male": 4, "female": 3}},
)


@dataclass(frozen=True)
class AuditResult:
    code: str
    version: str
    score: int
    band: str  # "I" | "II" | "III" | "IV"
    escalate: bool  # the item rule asks for the next-higher intervention
    intervention_band: str  # the band whose intervention applies, after escalation


@dataclass(frozen=True)
class AuditCResult:
    code: str
    version: str
    score: int
    sex: str
    positive: bool


def _points(
    definition: Definition, answers: Any, allowed_extra: AbstractSet[str] = frozenset()
) -> dict[str, int]:
    if not isinstance(answers, dict):
        raise InstrumentError(invalid={"answers": "must be a mapping"})
    missing, invalid, points = [], {}, {}
    for item in definition.items:
        value = answers.get(item.code)
        if value is None or value == "":
            missing.append(item.code)
            continue
        # Positions are whole numbers; True/False would pass as 1/0, so they are refused too.
        option = None if isinstance(value, bool) or not isinstance(value, int) else item.option(value)
        if option is None:
            invalid[item.code] = f"{value!r} is not an option position from 0 to {len(item.options) - 1}"
        else:
            points[item.code] = option.points
    for unknown in sorted(set(answers) - {item.code for item in definition.items} - allowed_extra):
        invalid[unknown] = f"not an {definition.code} item"
    if missing or invalid:
        raise InstrumentError(missing=missing, invalid=invalid)
    return points


def score(answers: dict[str, Any], definition: Definition = DEFINITION) -> AuditResult:
    points = _points(definition, answers)
    total = sum(points.values())
    escalate = any(points[code] >= 2 for code in definition.extra["escalate_items_at_least_2"]) or any(
        points[code] == 4 for code in definition.extra["escalate_items_at_4"]
    )
    band = definition.band_for(total)
    position = definition.bands.index(band)
    applied = definition.bands[min(position + 1, len(definition.bands) - 1)] if escalate else band
    return AuditResult(definition.code, definition.version, total, band.code, escalate, applied.code)


def score_c(answers: dict[str, Any], definition: Definition = DEFINITION_C) -> AuditCResult:
    sex = answers.get("sex") if isinstance(answers, dict) else None
    cut_offs = definition.extra["positive_at"]
    sex_missing = ["sex"] if sex in (None, "") else []
    sex_invalid = {"sex": "must be male or female"} if not sex_missing and sex not in cut_offs else {}
    try:
        points = _points(definition, answers, allowed_extra={"sex"})
    except InstrumentError as error:
        raise InstrumentError(
            missing=error.missing + sex_missing, invalid={**error.invalid, **sex_invalid}
        ) from None
    if sex_missing or sex_invalid:
        raise InstrumentError(missing=sex_missing, invalid=sex_invalid)
    total = sum(points.values())
    return AuditCResult(definition.code, definition.version, total, str(sex), total >= cut_offs[sex])
