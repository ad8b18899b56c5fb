"""Masks the personal data that can be recognised in free text, for everything that leaves the process as
text a person did not write for that purpose: log lines, error emails, error reports.

Only what has a shape can be found: NIK (16 digits) and NIP (18), phone numbers, email addresses, and the
values PostgreSQL quotes in a constraint error ("Key (nik)=(6308…) already exists"). A name cannot be told
from other words, which is why the logs and reports never carry request data or local variables at all;
this is the second line, for exception messages and the odd log message.
"""

from __future__ import annotations

import re

MASK = "[redacted]"

_PATTERNS = (
    # "DETAIL:  Key (nik)=(6308011705900001) already exists." — keep the columns, drop the rest of the line.
    (re.compile(r"(Key \([^)\n]*\)=).*"), rf"\1{MASK}"),
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), MASK),  # email addresses
    (re.compile(r"(?<!\d)\d{16}(?:\d{2})?(?!\d)"), MASK),  # NIK (16 digits), NIP (18)
    (re.compile(r"(?<![\d+])(?:\+62|62|0)8\d{7,11}(?!\d)"), MASK),  # Indonesian mobile numbers
)


def scrub_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
