"""CSV and XLSX exports: audited before the first byte leaves, and safe to open in a spreadsheet.

A cell that starts with =, +, -, @, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets
as a formula, so a name typed as ``=HYPERLINK("http://…")`` would run on the reader's machine (OWASP, "CSV
Injection"). Such cells are prefixed with an apostrophe, which spreadsheets show as text and hide.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse

from audit.models import AuditEvent
from audit.services import audit_record

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


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


def csv_export(
    *, actor, filename: str, header: Sequence[str], rows: Iterable[Sequence], what: str, details: dict
) -> StreamingHttpResponse:
    """Record the export (who, what, with which filters), then stream the rows as CSV."""
    audit_record(action=AuditEvent.Action.EXPORT, actor=actor, details={"export": what, **details})
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_export(
    *, actor, filename: str, header: Sequence[str], rows: Iterable[Sequence], what: str, details: dict
) -> HttpResponse:
    """Record the export, then the rows as one XLSX sheet, every cell text (never a formula), written in
    openpyxl's streaming mode so memory does not grow with the rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    audit_record(action=AuditEvent.Action.EXPORT, actor=actor, details={"export": what, **details})
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()

    def cells(values):
        for value in values:
            cell = WriteOnlyCell(sheet, value=spreadsheet_safe(value))
            cell.data_type = "s"  # text: openpyxl would otherwise store a leading "=" as a formula
            yield cell

    sheet.append(list(cells(header)))
    for row in rows:
        sheet.append(list(cells(row)))
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
