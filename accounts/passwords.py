"""Password rules beyond Django's own: no password made only of the words everyone here would guess first.

Length matters most (NIST SP 800-63B §5.1.1.2: at least 8, blocklists instead of composition rules); the
settings ask for 12. Django's CommonPasswordValidator knows English lists; this adds the words of this
system and of the offices that use it, and common Indonesian passwords, so "Lapas-Amuntai-2025" or
"rahasia12345!" are refused however they are dressed up with digits and punctuation.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The words of this system and its users, and common Indonesian passwords (rahasia = secret,
# sayang = darling, bismillah, merdeka = freedom, and so on).
GUESSABLE_WORDS = frozenset(
    [
        "rehab",
        "rehabilitasi",
        "lapas",
        "rutan",
        "lpka",
        "lpp",
        "upt",
        "kanwil",
        "ditjenpas",
        "pemasyarakatan",
        "kemenkumham",
        "kemenimipas",
        "bnn",
        "bnnp",
        "bnnk",
        "ipwl",
        "narkoba",
        "narkotika",
        "napza",
        "konselor",
        "petugas",
        "kalapas",
        "karutan",
        "password",
        "sandi",
        "katasandi",
        "rahasia",
        "sayang",
        "bismillah",
        "merdeka",
        "indonesia",
        "admin",
        "administrator",
        "qwerty",
        "asdf",
        "login",
        "masuk",
        "selamat",
        "datang",
    ]
)


def _words_of(text: str) -> set[str]:
    return {word for word in re.split(r"[^a-z]+", text.lower()) if word}


class GuessableWordsValidator:
    """Refuses a password whose letters are only guessable words, the user's own place names included."""

    def validate(self, password: str, user=None) -> None:
        letters = re.sub(r"[^a-z]", "", password.lower())
        if not letters:
            return  # all digits and symbols: the numeric and length validators judge it
        known = set(GUESSABLE_WORDS)
        if user is not None and getattr(user, "pk", None):
            for membership in user.memberships.select_related("institution", "agency", "region"):
                for place in (membership.institution, membership.agency, membership.region):
                    if place is not None:
                        known |= _words_of(f"{place.code} {place.name}")
        if _made_only_of(letters, known):
            raise ValidationError(
                _(
                    "This password is made only of words that are easy to guess here "
                    "(such as “lapas” or “rahasia”)."
                ),
                code="password_guessable",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be made only of words such as the name of your office or “rahasia”.")


def _made_only_of(letters: str, words: set[str]) -> bool:
    """Whether `letters` splits entirely into words of the set (word break, by dynamic programming)."""
    reachable = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        reachable[end] = any(
            reachable[start] and letters[start:end] in words for start in range(max(0, end - 30), end)
        )
    return reachable[-1]
