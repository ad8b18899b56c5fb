"""The building blocks every instrument definition uses. Pure Python: no Django, so the rules can be read,
tested and reused (forms, the REST API, reports) without a database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Text:
    """One piece of wording in both languages the UI supports."""

    id: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language.startswith("en") else self.id


@dataclass(frozen=True)
class Option:
    # The answer as stored: a word (ASSIST), a position on the scale (AUDIT, ASI, WHOQOL-BREF) or yes/no
    # (DAST-10: True/False, which are ints).
    code: str | int
    points: int
    label: Text


@dataclass(frozen=True)
class Item:
    code: str
    text: Text
    options: tuple[Option, ...]

    def option(self, code: Any) -> Option | None:
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True)
class Band:
    """A score range [low, high] (inclusive) and what it means."""

    code: str
    low: int
    high: int
    label: Text
    intervention: Text | None = None

    def contains(self, score: int) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True)
class Definition:
    """Everything that decides a score. Frozen: a changed rule is a new version, never an edit."""

    code: str
    version: str
    name: Text
    source: str  # the publication the rules come from
    items: tuple[Item, ...]
    bands: tuple[Band, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # instrument-specific rules (thresholds, skip rules)

    def item(self, code: str) -> Item:
        return next(item for item in self.items if item.code == code)

    def band_for(self, score: int, bands: tuple[Band, ...] | None = None) -> Band:
        return next(band for band in (bands or self.bands) if band.contains(score))

    def fingerprint(self) -> str:
        """A digest of the scoring rules and wording. Tests pin it per version, so editing one fails them."""
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


class InstrumentError(ValueError):
    """Answers that cannot be scored. `missing` and `invalid` name each item concerned, in form order."""

    def __init__(self, *, missing: list[str] | None = None, invalid: dict[str, str] | None = None):
        self.missing = list(missing or [])
        self.invalid = dict(invalid or {})
        parts = []
        if self.missing:
            parts.append("missing answer for " + ", ".join(self.missing))
        if self.invalid:
            parts.append("; ".join(f"{code}: {problem}" for code, problem in self.invalid.items()))
        super().__init__("Cannot score: " + "; ".join(parts) + ".")


def choose(item: Item, value: Any, where: str, missing: list[str], invalid: dict[str, str]) -> Option | None:
    """The option `value` names for `item`, collecting a missing or invalid answer instead of raising."""
    if value is None or value == "":
        missing.append(where)
        return None
    option = item.option(value)
    if option is None:
        invalid[where] = f"{value!r} is not an answer to this question"
    return option
