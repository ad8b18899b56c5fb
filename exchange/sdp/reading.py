"""Opening an uploaded SDP export: CSV in any common encoding and delimiter, with or without a BOM, or XLSX.

The file's type is decided by its content, never its name. Rows are streamed one at a time, so memory stays
flat whatever the file's size. A file that is not really CSV or XLSX, is too large, or is an XLSX that would
expand beyond a sane size (a zip bomb) is refused as a whole with a reason, before any row is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from exchange.sdp.columns import recognise

# An XLSX is a zip of XML; what it may expand to, whatever its size on disk.
MAX_XLSX_EXPANDED_BYTES = 400 * 1024 * 1024
MAX_XLSX_MEMBERS = 2_000
SAMPLE_BYTES = 256 * 1024
# SDP exports may carry a title, the UPT's name and a blank line above the header row.
HEADER_SEARCH_ROWS = 20
MIN_RECOGNISED_HEADERS = 3
DELIMITERS = ",;\t|"


class FileRefused(ValueError):
    """The file as a whole cannot be read; `reason` says why, in the reader's language."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    header_line: int  # 1-based line (or sheet row) of the header
    mapping: dict[str, int]  # canonical key → column index, as recognised
    encoding: str = ""
    delimiter: str = ""
    _rows: Iterator[tuple[int, list]] = field(default=iter(()), repr=False)

    def rows(self) -> Iterator[tuple[int, list]]:
        """(line number, cells) for each data row after the header; blank rows are skipped."""
        return self._rows


def open_table(upload, *, max_bytes: int) -> Table:
    """`upload` is a binary file object positioned at its start (an UploadedFile or an open file)."""
    size = size_of(upload)
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if size > max_bytes:
        raise FileRefused(
            _("The file is larger than %(limit)s MB. Split it by UPT, or ask an administrator to load it.")
            % {"limit": max_bytes // (1024 * 1024)}
        )
    head = upload.read(SAMPLE_BYTES)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(upload)
    return _open_csv(upload, head)


def size_of(upload) -> int:
    if getattr(upload, "size", None) is not None:
        return upload.size
    position = upload.tell()
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    upload.seek(position)
    return size


# --- CSV ----------------------------------------------------------------------------------------------------


def _encoding_of(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise FileRefused(_("This is not a CSV or XLSX file."))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"  # Excel's "CSV" on a Windows PC in Indonesia
    return "utf-8"


def _open_csv(upload, head: bytes) -> Table:
    encoding = _encoding_of(head)
    sample = head.decode(encoding, errors="replace")
    if not any(delimiter in sample for delimiter in DELIMITERS):
        raise FileRefused(_("This is not a CSV or XLSX file: no columns were found."))
    # Counted on the first lines rather than csv.Sniffer, which is led astray by commas inside names.
    first_lines = sample.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = max(DELIMITERS, key=lambda d: sum(line.count(d) for line in first_lines))
    # A stream reader, not a TextIOWrapper: that one closes the upload when it is collected, and the upload is
    # still needed afterwards (its checksum, keeping it privately).
    text = codecs.getreader(encoding)(upload, errors="replace")
    reader = csv.reader(text, delimiter=delimiter)
    rows = ((reader.line_num, cells) for cells in reader)
    return _with_header(_non_blank(rows), kind="csv", encoding=encoding, delimiter=delimiter)


# --- XLSX ---------------------------------------------------------------------------------------------------


def _open_xlsx(upload) -> Table:
    try:
        archive = zipfile.ZipFile(upload)
        members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise FileRefused(_("This is not a CSV or XLSX file.")) from exc
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise FileRefused(_("This is not an XLSX workbook (an Excel file saved as .xlsx)."))
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_EXPANDED_BYTES:
        raise FileRefused(_("This workbook expands to far more than its size: it is refused."))
    upload.seek(0)
    from openpyxl import load_workbook  # imported here: only imports need it, and it is slow to import

    try:
        # read_only streams the sheet; data_only=False keeps a formula as its text, never its result.
        workbook = load_workbook(upload, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise FileRefused(
            _("The workbook cannot be read: %(error)s") % {"error": type(exc).__name__}
        ) from exc
    sheet = workbook.worksheets[0]
    rows = ((number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), 1))
    return _with_header(_non_blank(rows), kind="xlsx")


# --- Both ---------------------------------------------------------------------------------------------------


def _non_blank(rows):
    for number, cells in rows:
        if any(cell not in (None, "") and str(cell).strip() for cell in cells):
            yield number, cells


def _with_header(rows, **kind) -> Table:
    """The header is the first row, among the first few, in which enough column names are recognised."""
    for _index in range(HEADER_SEARCH_ROWS):
        try:
            number, cells = next(rows)
        except StopIteration:
            break
        headers = ["" if cell is None else str(cell).strip() for cell in cells]
        mapping = recognise(headers)
        if len(mapping) >= MIN_RECOGNISED_HEADERS:
            return Table(headers=headers, header_line=number, mapping=mapping, _rows=rows, **kind)
    raise FileRefused(
        _("No header row was found: the first rows should name the columns (Nama, No. Register, NIK, …).")
    )
