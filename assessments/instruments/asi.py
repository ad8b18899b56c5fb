"""ASI-based interview record: the Addiction Severity Index (5th ed. / ASI-Lite) domain ratings.

Source: McLellan A.T. et al. (1992), "The fifth edition of the Addiction Severity Index", J Subst Abuse
Treat 9(3):199–213; shared/DOMAIN.md. Per domain the client rates how troubled they have been and how
important treatment is to them (0–4), and the interviewer gives a severity rating (0–9). The severity
rating is the interviewer's clinical judgement: nothing here computes it, only checks and labels it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessments.instruments.base import Band, Definition, InstrumentError, Item, Option, Text

CODE = "ASI"

DOMAINS = {
    "medical": Text("Status medis", "Medical status"),
    "employment": Text("Pekerjaan dan dukungan", "Employment and support"),
    "alcohol": Text("Penggunaan alkohol", "Alcohol use"),
    "drug": Text("Penggunaan narkoba", "Drug use"),
    "legal": Text("Status hukum", "Legal status"),
    "family_social": Text("Keluarga dan sosial", "Family and social relationships"),
    "psychiatric": Text("Status psikiatris", "Psychiatric status"),
}


def domain_label(code: str, language: str) -> str:
    return DOMAINS[code].get(language) if code in DOMAINS else code


_CLIENT_SCALE = (
    Text("Tidak sama sekali", "Not at all"),
    Text("Sedikit", "Slightly"),
    Text("Sedang", "Moderately"),
    Text("Cukup berat", "Considerably"),
    Text("Sangat", "Extremely"),
)
RATINGS = {
    "troubled": (Text("Seberapa terganggu klien (0–4)", "How troubled the client has been (0–4)"), 4),
    "importance": (
        Text("Pentingnya terapi bagi klien (0–4)", "How important treatment is to the client (0–4)"),
        4,
    ),
    "severity": (Text("Peringkat keparahan oleh pewawancara (0–9)", "Interviewer severity rating (0–9)"), 9),
}

DEFINITION = Definition(
    code=CODE,
    version="5-lite",
    name=Text("Wawancara berbasis ASI", "ASI-based interview"),
    source="McLellan et al. 1992, J Subst Abuse Treat 9(3):199-213 (ASI 5th edition)",
    items=tuple(
        Item(
            f"{domain}.{rating}",
            Text(f"{name.id}: {label.id}", f"{name.en}: {label.en}"),
            tuple(
                Option(value, value, _CLIENT_SCALE[value] if top == 4 else Text(str(value), str(value)))
                for value in range(top + 1)
            ),
        )
        for domain, name in DOMAINS.items()
        for rating, (label, top) in RATINGS.items()
    ),
    bands=(
        Band(
            "none",
            0,
            1,
            Text(
                "Tidak ada masalah nyata, terapi tidak diperlukan", "No real problem, treatment not indicated"
            ),
        ),
        Band(
            "slight",
            2,
            3,
            Text(
                "Masalah ringan, terapi mungkin tidak diperlukan",
                "Slight problem, treatment probably not necessary",
            ),
        ),
        Band(
            "moderate",
            4,
            5,
            Text("Masalah sedang, beberapa terapi dianjurkan", "Moderate problem, some treatment indicated"),
        ),
        Band(
            "considerable",
            6,
            7,
            Text("Masalah cukup berat, terapi diperlukan", "Considerable problem, treatment necessary"),
        ),
        Band(
            "extreme",
            8,
            9,
            Text(
                "Masalah sangat berat, terapi mutlak diperlukan",
                "Extreme problem, treatment absolutely necessary",
            ),
        ),
    ),
    extra={"domains": tuple(DOMAINS), "ratings": tuple(RATINGS)},
)


@dataclass(frozen=True)
class DomainResult:
    domain: str
    troubled: int
    importance: int
    severity: int
    band: str


@dataclass(frozen=True)
class AsiResult:
    code: str
    version: str
    domains: dict[str, DomainResult]

    @property
    def highest_severity(self) -> int:
        return max(result.severity for result in self.domains.values())


def score(answers: dict[str, Any], definition: Definition = DEFINITION) -> AsiResult:
    """`answers = {"<domain>": {"troubled": 0–4, "importance": 0–4, "severity": 0–9}, ...}`, every domain."""
    if not isinstance(answers, dict):
        raise InstrumentError(invalid={"answers": "must be a mapping"})
    missing, invalid, values = [], {}, {}
    for unknown in sorted(set(answers) - set(definition.extra["domains"])):
        invalid[unknown] = "not an ASI domain"
    for domain in definition.extra["domains"]:
        row = answers.get(domain)
        if not isinstance(row, dict):
            row = {}
        for rating in definition.extra["ratings"]:
            code = f"{domain}.{rating}"
            value = row.get(rating)
            if value is None or value == "":
                missing.append(code)
            elif type(value) is not int or definition.item(code).option(value) is None:
                invalid[code] = f"{value!r} is out of range"
            else:
                values[code] = value
    if missing or invalid:
        raise InstrumentError(missing=missing, invalid=invalid)
    domains = {
        domain: DomainResult(
            domain,
            values[f"{domain}.troubled"],
            values[f"{domain}.importance"],
            values[f"{domain}.severity"],
            definition.band_for(values[f"{domain}.severity"]).code,
        )
        for domain in definition.extra["domains"]
    }
    return AsiResult(definition.code, definition.version, domains)
