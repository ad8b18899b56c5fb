"""Screening and assessment instruments as code: versioned definitions and their exact scoring.

Pure Python (no Django import), used by the forms, the REST API and the tests::

    from assessments.instruments import score
    result = score("DAST-10", {"d1": True, "d2": False, ...})
    result.score, result.band

Codes: ``ASSIST`` (WHO ASSIST v3.1), ``DAST-10``, ``AUDIT``, ``AUDIT-C``, ``ASI`` (the assessment
interview's domain ratings) and ``WHOQOL-BREF`` (quality of life, the outcome measure). See each module for
the answer format and the publication its rules come from. ``score(code, answers, version=...)`` re-scores a
stored answer set with the version it was answered in; without ``version`` the current one is used. Answers
that cannot be scored raise ``InstrumentError`` naming every missing or invalid item.

Versions are immutable once used: a change to a definition is registered as a new version, and the tests pin
each version's fingerprint so an edit to an existing one fails them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assessments.instruments import asi, assist, audit, dast10, whoqol_bref
from assessments.instruments.base import Definition, InstrumentError

__all__ = ["InstrumentError", "current_version", "definition", "register", "score", "versions"]

# (code, version) → (definition, scoring function). Append-only.
_REGISTRY: dict[tuple[str, str], tuple[Definition, Callable[[Any, Definition], Any]]] = {}
_CURRENT: dict[str, str] = {}


def register(
    definition: Definition, scorer: Callable[[Any, Definition], Any], *, current: bool = True
) -> None:
    """Add a version. Re-registering the same rules is harmless; changing a registered version is refused."""
    key = (definition.code, definition.version)
    if key in _REGISTRY and (
        _REGISTRY[key][0].fingerprint() != definition.fingerprint() or _REGISTRY[key][1] is not scorer
    ):
        # The scoring function is part of a version too: a changed rule in code is a new version as well.
        raise ValueError(
            f"{definition.code} {definition.version} is already defined differently: use a new version."
        )
    _REGISTRY[key] = (definition, scorer)
    if current:
        _CURRENT[definition.code] = definition.version


register(assist.DEFINITION, assist.score)
register(dast10.DEFINITION, dast10.score)
register(audit.DEFINITION, audit.score)
register(audit.DEFINITION_C, audit.score_c)
register(asi.DEFINITION, asi.score)
register(whoqol_bref.DEFINITION, whoqol_bref.score)


def versions(code: str) -> list[str]:
    return [version for (known, version) in _REGISTRY if known == code]


def current_version(code: str) -> str:
    if code not in _CURRENT:
        raise KeyError(f"Unknown instrument {code!r}; known: {', '.join(sorted(_CURRENT))}.")
    return _CURRENT[code]


def definition(code: str, version: str | None = None) -> Definition:
    version = version or current_version(code)
    if (code, version) not in _REGISTRY:
        raise KeyError(f"{code} has no version {version!r}; known: {', '.join(versions(code))}.")
    return _REGISTRY[(code, version)][0]


def score(code: str, answers: Any, version: str | None = None) -> Any:
    """Score `answers` with the instrument `code` at `version` (default: the current version)."""
    found = definition(code, version)
    return _REGISTRY[(code, found.version)][1](answers, found)
