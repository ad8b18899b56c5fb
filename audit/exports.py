"""CSV and XLSX exports: handed over through a link that expires, audited, and safe to open in a spreadsheet.

A list with personal data leaves the system as a file behind a link that works for 24 hours, with its
recipient and purpose recorded (UU 27/2022; privacy.services.hand_over keeps it, provided here at start-up
because privacy sits above this app). The rows are written to a temporary file as they are read, so memory
stays flat however long the list.

A cell that starts with =, +, -, @, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets
as a formula, so a name typed as ``=HYPERLINK("http://…")`` would run on the reader's machine (OWASP, "CSV
Injection"). In a CSV such cells are prefixed with an apostrophe, which spreadsheets take as "text" and hide.
An XLSX cell says its own type: text is written as text, and one that starts like a formula also carries
Excel's quote prefix (xlsx_cell), so it stays text when edited and no apostrophe is shown.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def xlsx_cell(sheet, value):
    """A workbook cell for `value`: an int or float as a number; anything else as text that no spreadsheet
    runs (typed as text, as openpyxl would otherwise store a leading "=" as a formula, and with the quote
    prefix where it starts like one, as Excel marks text typed after an apostrophe)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, int | float) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    text = "" if value is None else str(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_TRIGGERS)
    return cell


class _Echo:
    """csv.writer writes into this and gets the line back, so rows stream one at a time."""

    def write(self, value: str) -> str:
        return value


LINES_PER_CHUNK = 1000  # one write per thousand rows, not per row


def _lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so Excel opens the UTF-8 (Indonesian names) correctly
    yield writer.writerow([spreadsheet_safe(cell) for cell in header])
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([spreadsheet_safe(cell) for cell in row]))
        if len(chunk) == LINES_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


# (actor, filename, content_type, file, recipient, purpose, reason, people, institution, details) → the
# hand-over's URL; provided by privacy when the apps are ready.
HandOver = Callable[..., str]
_hand_over: HandOver | None = None


def provide_hand_over(function: HandOver) -> None:
    global _hand_over
    _hand_over = function


def _write_csv(out, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    for chunk in _lines(header, rows):
        out.write(chunk.encode("utf-8"))


def _write_xlsx(out, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([xlsx_cell(sheet, str(value)) for value in header])
    for row in rows:
        # Every cell as text, as in the CSV: an NIK or a phone number is no number to add up.
        sheet.append([xlsx_cell(sheet, "" if value is None else str(value)) for value in row])
    workbook.save(out)


def hand_over_export(
    *,
    actor,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    xlsx: bool,
    what: str,
    details: dict,
    recipient: str,
    purpose: str,
    people: int,
    reason: str = "",
    institution=None,
) -> str:
    """Write the rows as CSV or XLSX into a temporary file and hand it over (privacy): the link's URL."""
    if _hand_over is None:
        raise RuntimeError("privacy has not provided the hand-over of files (is it in INSTALLED_APPS?)")
    with tempfile.TemporaryFile() as out:
        (_write_xlsx if xlsx else _write_csv)(out, header, rows)
        out.seek(0)
        return _hand_over(
            actor=actor,
            filename=filename,
            content_type=XLSX if xlsx else "text/csv; charset=utf-8",
            file=out,
            recipient=recipient,
            purpose=purpose,
            reason=reason,
            people=people,
            institution=institution,
            details={"export": what, **details},
        )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
