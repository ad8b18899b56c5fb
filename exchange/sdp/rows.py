"""One row of an SDP export, read and checked: either an SdpRow ready to match and apply, or the reasons it is
rejected (line, column, reason), which the preview lists and the rejected-rows file gives back to fix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from exchange.sdp import values
from exchange.sdp.columns import BY_KEY
from exchange.sdp.values import CellError

MAX_REGISTER_NUMBER = 60
MAX_BIRTH_PLACE = 120
# Nobody is held as a child under 12, or was born more than 110 years before their admission.
YOUNGEST_AT_ADMISSION_YEARS = 12
OLDEST_AT_ADMISSION_YEARS = 110


@dataclass(frozen=True)
class SdpRow:
    line: int
    full_name: str
    register_number: str
    nik: str | None
    sex: str
    birth_place: str
    birth_date: dt.date | None
    admitted_on: dt.date
    register_category: str
    offence: str
    sentence_months: int | None
    expected_release: dt.date | None
    institution_ref: str  # the UPT column of a region or national file, as written
    institution_id: int | None = None  # the UPT it belongs to, once resolved (exchange.sdp.places)
    # The cells as read, to give the row back with the rejected ones if matching refuses it (sdp.plan).
    cells: tuple = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str  # the canonical key; the preview shows the file's own header for it
    reason: str  # lazy: in the reader's language


@dataclass(frozen=True)
class RowResult:
    line: int
    cells: list
    row: SdpRow | None
    problems: tuple[RowProblem, ...]


def _cell(cells: list, mapping: dict[str, int], key: str):
    index = mapping.get(key)
    if index is None or index >= len(cells):
        return None
    return cells[index]


def read_row(line: int, cells: list, mapping: dict[str, int], *, today: dt.date) -> RowResult:
    problems: list[RowProblem] = []
    parsed: dict = {}

    def parse(key: str, parser, **kwargs):
        try:
            parsed[key] = parser(_cell(cells, mapping, key), **kwargs)
        except CellError as error:
            problems.append(RowProblem(line, key, error.reason))
            parsed[key] = None

    parse("full_name", values.parse_name)
    parse("register_number", values.parse_name, max_length=MAX_REGISTER_NUMBER)
    parse("nik", values.parse_nik)
    parse("sex", values.parse_sex)
    parse("birth_place", _optional_text, max_length=MAX_BIRTH_PLACE)
    parse("birth_date", values.parse_date)
    parse("admitted_on", values.parse_date)
    parse("register_category", values.parse_category)
    if values.text(_cell(cells, mapping, "offence")):
        parse("offence", values.parse_offence_kind)
        parsed["article"] = parsed["offence"]
    else:
        parse("article", values.parse_offence)
    parse("sentence", values.parse_sentence)
    parse("expiry_date", values.parse_date)
    parse("release_date", values.parse_date)
    parsed["institution"] = values.text(_cell(cells, mapping, "institution"))

    admitted, born = parsed["admitted_on"], parsed["birth_date"]
    expected = parsed["release_date"] or parsed["expiry_date"]
    if admitted is None and not any(p.column == "admitted_on" for p in problems):
        problems.append(RowProblem(line, "admitted_on", _("The admission date is empty.")))
    if admitted and admitted > today:
        problems.append(RowProblem(line, "admitted_on", _("The admission date is in the future.")))
    if born and born > today:
        problems.append(RowProblem(line, "birth_date", _("The date of birth is in the future.")))
    if born and admitted:
        age = (admitted - born).days / 365.25
        if age < 0:
            problems.append(RowProblem(line, "birth_date", _("Born after the admission date.")))
        elif not YOUNGEST_AT_ADMISSION_YEARS <= age <= OLDEST_AT_ADMISSION_YEARS:
            problems.append(
                RowProblem(line, "birth_date", _("Aged %(age)d at admission: check the date.") % {"age": age})
            )
    if expected and admitted and expected < admitted:
        key = "release_date" if parsed["release_date"] else "expiry_date"
        problems.append(RowProblem(line, key, _("The release date is before the admission date.")))

    if problems:
        return RowResult(line, cells, None, tuple(problems))
    row = SdpRow(
        line=line,
        full_name=parsed["full_name"],
        register_number=parsed["register_number"],
        nik=parsed["nik"],
        sex=parsed["sex"],
        birth_place=parsed["birth_place"],
        birth_date=born,
        admitted_on=admitted,
        register_category=parsed["register_category"],
        offence=parsed["article"],
        sentence_months=parsed["sentence"],
        expected_release=expected,
        institution_ref=parsed["institution"],
        cells=tuple(cells),
    )
    return RowResult(line, cells, row, ())


def _optional_text(value, *, max_length: int) -> str:
    result = values.text(value)
    if len(result) > max_length:
        raise CellError(_("Longer than %(max)s characters.") % {"max": max_length})
    return result


def read_rows(rows, mapping: dict[str, int], *, today: dt.date) -> Iterator[RowResult]:
    """Every row read, and a row that repeats a person already met in the file (same NIK, or same register
    number at the same UPT) rejected: the file cannot say which of the two is right."""
    seen_niks: dict[str, int] = {}
    seen_registers: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        result = read_row(line, cells, mapping, today=today)
        row = result.row
        if row is not None:
            register_key = (row.institution_ref.casefold(), row.register_number.casefold())
            first = (seen_niks.get(row.nik) if row.nik else None) or seen_registers.get(register_key)
            if first is not None:
                column = "nik" if row.nik and row.nik in seen_niks else "register_number"
                result = RowResult(
                    line,
                    cells,
                    None,
                    (RowProblem(line, column, _("Repeats the person on line %(line)s.") % {"line": first}),),
                )
            else:
                if row.nik:
                    seen_niks[row.nik] = line
                seen_registers[register_key] = line
        yield result


def column_label(key: str) -> str:
    return str(BY_KEY[key].label) if key in BY_KEY else key
