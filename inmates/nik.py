"""What a NIK (Nomor Induk Kependudukan) can be and what it says about its holder: pure checks, no database.

The 16 digits, as Dukcapil issues them: 1–2 the province, 3–4 the regency or city, 5–6 the district
(kecamatan) where it was issued; 7–12 the date of birth as DDMMYY, with 40 added to the day for women;
13–16 a serial number. Only the province and the date are checked: the regency and district lists change
every year and a wrong one is rarer than a slip of the finger in the first twelve digits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The province codes of Kemendagri's kode wilayah (Permendagri 72/2019, updated by Kepmendagri
# 100.1.1-6117/2022 after the Papua split), which Dukcapil writes into a NIK. The four provinces made in 2022
# got 93 Papua Selatan, 94 Papua Tengah, 95 Papua Pegunungan (UU 14, 15, 16/2022) and 96 Papua Barat Daya
# (UU 29/2022). NIKs issued there before the split keep 91 (Papua) or 92 (Papua Barat): a NIK is never
# renumbered. BPS numbers the Papuan provinces differently (Papua Barat 91, Papua Barat Daya 92, Papua 94 …
# Papua Pegunungan 97): those are statistics codes, not in any NIK.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19",  # Sumatra: Aceh … Kepulauan Bangka Belitung
        "21",  # Kepulauan Riau
        "31", "32", "33", "34", "35", "36",  # Java: DKI Jakarta … Banten
        "51", "52", "53",  # Bali, NTB, NTT
        "61", "62", "63", "64", "65",  # Kalimantan
        "71", "72", "73", "74", "75", "76",  # Sulawesi
        "81", "82",  # Maluku, Maluku Utara
        "91", "92", "93", "94", "95", "96",  # Papua (see above)
    }
)  # fmt: skip

FEMALE_DAY_OFFSET = 40


@dataclass(frozen=True)
class NikBirth:
    """Digits 7–12: the holder's day, month and two-digit year of birth, and whether the NIK is a woman's."""

    day: int
    month: int
    year: int  # two digits: the century is not written
    female: bool

    def agrees_with(self, birth_date: dt.date) -> bool:
        return (self.day, self.month, self.year) == (birth_date.day, birth_date.month, birth_date.year % 100)

    def as_text(self) -> str:
        return f"{self.day:02d}-{self.month:02d}-{self.year:02d}"


def is_sixteen_digits(nik: str) -> bool:
    # [0-9], not isdigit(): that would also take Arabic-Indic and other Unicode digits.
    return len(nik) == 16 and all("0" <= character <= "9" for character in nik)


def birth_in(nik: str) -> NikBirth | None:
    """The date of birth digits 7–12 hold, or None when they are no possible date in either century."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > FEMALE_DAY_OFFSET
    if female:
        day -= FEMALE_DAY_OFFSET
    for century in (1900, 2000):  # 29-02-00 exists only in 2000
        try:
            dt.date(century + year, month, day)
        except ValueError:
            continue
        return NikBirth(day=day, month=month, year=year, female=female)
    return None


def implausibility(nik: str) -> str | None:
    """Why a NIK of 16 digits cannot have been issued: "province" (digits 1–2 name no province) or
    "birth_date" (digits 7–12 are no possible date of birth); None when it may be real."""
    if nik[:2] not in PROVINCE_CODES:
        return "province"
    if birth_in(nik) is None:
        return "birth_date"
    return None


def disagreements(nik: str, *, birth_date: dt.date | None, female: bool | None) -> list[str]:
    """Where a plausible NIK disagrees with what was entered about its holder: "birth_date" and/or "sex".
    Either may be a typing mistake on one side, or the NIK's registration itself may be wrong: people are
    asked to check, not refused."""
    birth = birth_in(nik)
    if birth is None:
        return []
    found = []
    if birth_date is not None and not birth.agrees_with(birth_date):
        found.append("birth_date")
    if female is not None and birth.female != female:
        found.append("sex")
    return found


# --- In words, for the forms and the SDP import (the checks above need no translation) ---------------------


def implausibility_text(nik: str, problem: str) -> str:
    if problem == "province":
        return _(
            "This NIK cannot be right: its first two digits (%(code)s) are not the code of any province. "
            "Check the NIK on the identity card or family card."
        ) % {"code": nik[:2]}
    return _(
        "This NIK cannot be right: digits 7 to 12 (%(digits)s) should be the date of birth as DDMMYY "
        "(day + 40 for women), and they are not a possible date. Check the NIK on the identity card or "
        "family card."
    ) % {"digits": nik[6:12]}


def disagreement_texts(nik: str, found: list[str], *, birth_date: dt.date | None) -> list[str]:
    birth = birth_in(nik)
    texts = []
    if "birth_date" in found and birth is not None and birth_date is not None:
        texts.append(
            _("The NIK gives the date of birth as %(nik_date)s (DD-MM-YY), but %(entered)s was entered.")
            % {"nik_date": birth.as_text(), "entered": birth_date.strftime("%d-%m-%Y")}
        )
    if "sex" in found and birth is not None:
        texts.append(
            _("The NIK is a woman's (40 added to the day of birth), but the sex entered is male.")
            if birth.female
            else _("The NIK is a man's (no 40 added to the day of birth), but the sex entered is female.")
        )
    return texts
