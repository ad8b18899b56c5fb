"""Who may be held where by age: pure functions, no database.

Children (under 18) are held in an LPKA (Lembaga Pembinaan Khusus Anak), never with adults (UU 11/2012 on the
juvenile justice system, SPPA). An LPKA may still hold someone who turned 18 there (until 21, Art. 86), so an
adult at an LPKA is asked about, not refused.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

ADULT_AGE = 18

MINOR_AT_ADULT_UPT = "minor_at_adult_upt"
ADULT_AT_LPKA = "adult_at_lpka"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a birthday on 29 February counts on 1 March in other years)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def placement_concern(*, birth_date: dt.date | None, on: dt.date | None, for_children: bool) -> str | None:
    """MINOR_AT_ADULT_UPT, ADULT_AT_LPKA, or None (or nothing to tell without a birth date)."""
    if birth_date is None or on is None:
        return None
    adult = age_on(birth_date, on) >= ADULT_AGE
    if not adult and not for_children:
        return MINOR_AT_ADULT_UPT
    if adult and for_children:
        return ADULT_AT_LPKA
    return None


# --- In words, for the forms and the services --------------------------------------------------------------


def minor_at_adult_upt_text(age: int, institution_name: str) -> str:
    return _(
        "The person is %(age)s on this date: children under 18 are held in an LPKA (Lembaga Pembinaan Khusus "
        "Anak), not at %(institution)s. Register them at the LPKA; only if they must be held here, tick "
        "“Hold the person here anyway” and say why."
    ) % {"age": age, "institution": institution_name}


def adult_at_lpka_text(age: int, institution_name: str) -> str:
    return _(
        "The person is %(age)s on this date, and %(institution)s is an LPKA, for children. Check the date of "
        "birth; if they are rightly held here (an LPKA may keep someone who turned 18 there until 21), tick "
        "the box to confirm."
    ) % {"age": age, "institution": institution_name}
