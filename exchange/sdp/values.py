"""Reading one cell of an SDP export the way Indonesian registers write it.

Each parser takes what the file held (text from a CSV; text, a number or a date from an XLSX) and returns
the value, or raises CellError with a reason in the reader's language. Nothing is ever evaluated: a formula
is text.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

from inmates import nik as nik_checks
from inmates.models import Admission, Person


class CellError(ValueError):
    """A value that cannot be read; `reason` is shown beside the row's line and column."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# --- Dates ------------------------------------------------------------------------------------------------

MONTHS = {
    **dict.fromkeys(["januari", "jan", "january"], 1),
    **dict.fromkeys(["februari", "feb", "pebruari", "peb", "february"], 2),
    **dict.fromkeys(["maret", "mar", "march"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "jun", "june"], 6),
    **dict.fromkeys(["juli", "jul", "july"], 7),
    **dict.fromkeys(["agustus", "agu", "agt", "ags", "aug", "august"], 8),
    **dict.fromkeys(["september", "sep", "sept"], 9),
    **dict.fromkeys(["oktober", "okt", "oct", "october"], 10),
    **dict.fromkeys(["november", "nov", "nop", "nopember"], 11),
    **dict.fromkeys(["desember", "des", "dec", "december"], 12),
}
# Excel's day 0 (its serials count from 1900 with the 1900 leap-year bug, hence 30 December 1899).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials from 1 January 1920 to 31 December 2099: anything else in a date column is not a date.
EXCEL_SERIALS = range(7306, 73051)
OLDEST_YEAR, NEWEST_YEAR = 1900, 2100

_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_WORDS = re.compile(r"^(\d{1,2})[\s\-/.]+([A-Za-z]+)\.?[\s\-/.]+(\d{2,4})$")


def _checked(year: int, month: int, day: int) -> dt.date:
    if not OLDEST_YEAR <= year <= NEWEST_YEAR:
        raise CellError(_("The year %(year)s is not possible here.") % {"year": year})
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("This date does not exist.")) from exc


def parse_date(value) -> dt.date | None:
    """31-12-2025, 31/12/2025, 31.12.2025, "31 Desember 2025", 2025-12-31, an Excel date or serial."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return _checked(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    raw = text(value)
    if not raw:
        return None
    if raw.isdigit() and len(raw) == 5:  # an Excel serial that arrived as text (a CSV saved from Excel)
        return _from_serial(int(raw))
    if match := _ISO.match(raw):
        year, month, day = (int(part) for part in match.groups())
        return _checked(year, month, day)
    if match := _NUMERIC.match(raw):
        day, month, year = match.groups()
        return _checked(_four_digit(year), int(month), int(day))
    if match := _WORDS.match(raw):
        day, month_name, year = match.groups()
        month = MONTHS.get(month_name.casefold())
        if month is None:
            raise CellError(_("“%(month)s” is not a month.") % {"month": month_name})
        return _checked(_four_digit(year), month, int(day))
    raise CellError(_("Not a date; write it as 31-12-2025 or 31 Desember 2025."))


def _four_digit(year: str) -> int:
    if len(year) != 4:
        raise CellError(_("Write the year in four digits."))
    return int(year)


def _from_serial(number: float) -> dt.date:
    if float(number) != int(number) or int(number) not in EXCEL_SERIALS:
        raise CellError(_("Not a date."))
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


# --- Identity ---------------------------------------------------------------------------------------------


def parse_nik(value) -> str | None:
    """16 digits. Spaces, dots and Excel's leading apostrophe are ignored; a number Excel stored in floating
    point (6.30801E+15) has lost digits and is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise CellError(_("The NIK was stored as a number and lost digits: format the column as text."))
    raw = re.sub(r"[\s.\-']", "", str(value))
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]+", raw):
        raise CellError(_("A NIK has only digits."))
    if len(raw) != 16:
        raise CellError(_("A NIK has exactly 16 digits (this one has %(count)s).") % {"count": len(raw)})
    # As the registration form: a NIK no province issued, or with no possible date of birth, is a typing
    # mistake to fix in the file. One that disagrees with the row's date of birth is taken: the register
    # is the reference, and there is nobody to ask during an import.
    if problem := nik_checks.implausibility(raw):
        raise CellError(nik_checks.implausibility_text(raw, problem))
    return raw


SEXES = {
    **dict.fromkeys(["l", "lk", "laki laki", "laki", "pria", "m", "male", "man"], Person.Sex.MALE),
    **dict.fromkeys(["p", "pr", "perempuan", "wanita", "w", "f", "female", "woman"], Person.Sex.FEMALE),
}


def parse_sex(value) -> str:
    key = " ".join(re.sub(r"[^a-z]+", " ", text(value).casefold()).split())
    if key not in SEXES:
        raise CellError(_("Write the sex as L or P."))
    return SEXES[key]


def parse_name(value, *, max_length: int = 160) -> str:
    name = text(value)
    if not name:
        raise CellError(_("The name is empty."))
    if len(name) > max_length:
        raise CellError(_("Longer than %(max)s characters.") % {"max": max_length})
    return name


# --- Custody ----------------------------------------------------------------------------------------------

_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}
CATEGORIES = {code.replace(".", "").upper(): code for code in Admission.RegisterCategory.values}


def parse_category(value) -> str:
    """B.I, BI, B 1, B-I, b.iia, B.2a, A.II, A2 … → the register's own spelling (B.I, B.IIa, A.II)."""
    raw = re.sub(r"[^0-9A-Za-z]", "", text(value)).upper()
    match = re.fullmatch(r"([AB])([IVX]+|[1-5])([AB]?)", raw)
    if match:
        letter, number, suffix = match.groups()
        key = letter + _ROMAN.get(number, number) + suffix
        if key in CATEGORIES:
            return CATEGORIES[key]
    raise CellError(
        _("“%(value)s” is not a register category (A.I–A.V, B.I, B.IIa, B.IIb, B.III).")
        % {"value": text(value)}
    )


_UNITS = {
    "tahun": 12,
    "thn": 12,
    "th": 12,
    "tah": 12,
    "year": 12,
    "years": 12,
    "yr": 12,
    "bulan": 1,
    "bln": 1,
    "bl": 1,
    "month": 1,
    "months": 1,
    "hari": 0,
    "hr": 0,
    "day": 0,
    "days": 0,
}
INDEFINITE = ("seumur hidup", "mati", "hukuman mati", "life", "death")


def parse_sentence(value) -> int | None:
    """ "1 thn 6 bln", "1 Tahun 6 Bulan 15 Hari", "18 bulan", "2 th" → months (days are left out). Life and
    death sentences have no length; remand has none yet."""
    raw = text(value).casefold()
    if not raw or raw in ("-", "0"):
        return None
    if any(word in raw for word in INDEFINITE):
        return None
    parts = re.findall(r"(\d+)\s*([a-z]+)", raw)
    leftover = re.sub(r"(\d+)\s*([a-z]+)", "", raw).strip(" ,.")
    if not parts or leftover or any(unit not in _UNITS for _number, unit in parts):
        raise CellError(_("Write the sentence as years and months, e.g. 1 thn 6 bln."))
    return sum(int(number) * _UNITS[unit] for number, unit in parts) or None


# Articles of UU 35/2009 (Narkotika) that are offences: 111–148; Art. 127 alone ("tanpa junto") is the user's.
NARCOTICS_ARTICLES = range(111, 149)
_LAW_REFERENCE = re.compile(
    r"(?:uu|undang[\s-]*undang)\s*(?:ri\s*)?(?:no\.?|nomor)?\s*\d+\s*(?:/|tahun|thn|th\.?)\s*\d{4}", re.I
)
_NOT_ARTICLES = re.compile(r"ayat\s*\(?\d+\)?|\(\s*\d+\s*\)|huruf\s*[a-z]\b|\b\d{4}\b", re.I)


def parse_offence(value) -> str:
    raw = text(value)
    if not raw:
        raise CellError(_("The article (Pasal) is needed to know the offence."))
    narcotics_law = bool(re.search(r"35\s*(?:/|tahun|thn)\s*2009|narkotika", raw, re.I))
    stripped = _NOT_ARTICLES.sub(" ", _LAW_REFERENCE.sub(" ", raw))
    articles = {int(number) for number in re.findall(r"\d+", stripped)}
    if not articles:
        raise CellError(_("No article number found."))
    if articles & set(NARCOTICS_ARTICLES) or narcotics_law:
        if articles == {127}:
            return Admission.Offence.NARCOTICS_USER
        return Admission.Offence.NARCOTICS_OTHER
    return Admission.Offence.NON_NARCOTICS


def parse_offence_kind(value) -> str:
    """The kind of offence as this system writes it in its exports (its code, or its label in either
    language), so an export imports back unchanged."""
    from django.utils import translation

    key = text(value).casefold()
    for code, label in Admission.Offence.choices:
        spellings = {code.casefold()}
        for language in ("id", "en"):
            with translation.override(language):
                spellings.add(str(label).casefold())
        if key in spellings:
            return code
    raise CellError(_("“%(value)s” is not a kind of offence this system knows.") % {"value": text(value)})
