"""DAST-10, the Drug Abuse Screening Test, 10-item version (past 12 months).

Source: Skinner H.A. (1982), "The Drug Abuse Screening Test", Addictive Behaviors 7(4):363–371; the 10-item
version's scoring and bands as in shared/DOMAIN.md. One point per "yes", except item 3 ("always able to
stop?"), where "no" scores the point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessments.instruments.base import Band, Definition, InstrumentError, Item, Option, Text

CODE = "DAST-10"

_QUESTIONS = (
    (
        "Apakah Anda menggunakan narkoba/obat selain yang diperlukan untuk alasan medis?",
        "Have you used drugs other than those required for medical reasons?",
    ),
    (
        "Apakah Anda menyalahgunakan lebih dari satu jenis narkoba sekaligus?",
        "Do you abuse more than one drug at a time?",
    ),
    (
        "Apakah Anda selalu dapat berhenti menggunakan narkoba ketika Anda menginginkannya?",
        "Are you always able to stop using drugs when you want to?",
    ),
    (
        'Pernahkah Anda mengalami "blackout" atau "kilas balik" akibat penggunaan narkoba?',
        'Have you had "blackouts" or "flashbacks" as a result of drug use?',
    ),
    (
        "Pernahkah Anda merasa buruk atau bersalah tentang penggunaan narkoba Anda?",
        "Do you ever feel bad or guilty about your drug use?",
    ),
    (
        "Apakah pasangan (atau orang tua) Anda pernah mengeluhkan keterlibatan Anda dengan narkoba?",
        "Does your spouse (or parents) ever complain about your involvement with drugs?",
    ),
    (
        "Pernahkah Anda menelantarkan keluarga karena penggunaan narkoba?",
        "Have you neglected your family because of your use of drugs?",
    ),
    (
        "Pernahkah Anda melakukan kegiatan ilegal untuk mendapatkan narkoba?",
        "Have you engaged in illegal activities in order to obtain drugs?",
    ),
    (
        "Pernahkah Anda mengalami gejala putus zat (merasa sakit) ketika berhenti menggunakan narkoba?",
        "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?",
    ),
    (
        "Pernahkah Anda mengalami masalah medis akibat penggunaan narkoba (mis. hilang ingatan, hepatitis, "
        "kejang, perdarahan)?",
        "Have you had medical problems as a result of your drug use (e.g. memory loss, hepatitis, "
        "convulsions, bleeding)?",
    ),
)
_YES, _NO = Text("Ya", "Yes"), Text("Tidak", "No")


def _item(number: int, wording: tuple[str, str]) -> Item:
    reverse = number == 3  # "always able to stop?": the "no" answer is the problem
    return Item(
        f"d{number}",
        Text(*wording),
        (Option(True, 0 if reverse else 1, _YES), Option(False, 1 if reverse else 0, _NO)),
    )


DEFINITION = Definition(
    code=CODE,
    version="1982-10",
    name=Text("DAST-10", "DAST-10"),
    source="Skinner 1982, Addictive Behaviors 7(4):363-371 (10-item version)",
    items=tuple(_item(number, wording) for number, wording in enumerate(_QUESTIONS, start=1)),
    bands=(
        Band("none", 0, 0, Text("Tidak ada masalah", "No problems reported")),
        Band("low", 1, 2, Text("Rendah", "Low")),
        Band("moderate", 3, 5, Text("Sedang", "Moderate")),
        Band("substantial", 6, 8, Text("Substansial", "Substantial")),
        Band("severe", 9, 10, Text("Berat", "Severe")),
    ),
)


@dataclass(frozen=True)
class DastResult:
    code: str
    version: str
    score: int
    band: str


def score(answers: dict[str, Any], definition: Definition = DEFINITION) -> DastResult:
    if not isinstance(answers, dict):
        raise InstrumentError(invalid={"answers": "must be a mapping"})
    missing, invalid, total = [], {}, 0
    for item in definition.items:
        value = answers.get(item.code)
        if value is None or value == "":
            missing.append(item.code)
        elif not isinstance(value, bool):  # 1 and "yes" are not answers: only True (yes) or False (no)
            invalid[item.code] = f"{value!r} is not yes (True) or no (False)"
        else:
            option = item.option(value)
            assert option is not None  # every item offers both yes and no
            total += option.points
    for unknown in sorted(set(answers) - {item.code for item in definition.items}):
        invalid[unknown] = "not a DAST-10 item"
    if missing or invalid:
        raise InstrumentError(missing=missing, invalid=invalid)
    return DastResult(definition.code, definition.version, total, definition.band_for(total).code)
