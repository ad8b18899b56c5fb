"""Reading SDP exports built in the tests: every header spelling, the encodings and delimiters Excel and SDP
produce, XLSX with dates as serials and as text, and every file that must be refused as a whole."""

import codecs
import datetime as dt
import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from exchange.sdp.columns import COLUMNS, missing_required, normalised, recognise
from exchange.sdp.reading import FileRefused, open_table
from exchange.sdp.rows import read_rows

MB = 1024 * 1024
TODAY = dt.date(2026, 12, 5)
HEADER = ["No. Register", "Nama", "NIK", "Jenis Kelamin", "Tempat Lahir", "Tgl Lahir", "Tanggal Masuk",
          "Kategori", "Pasal", "Lama Pidana", "Tgl Ekspirasi"]  # fmt: skip
ROW = ["B.I 017/2025", "José Ñoño Fauzan", "6308011705900001", "L", "Amuntai", "17-05-1990", "10/01/2025",
       "B.I", "127 ayat (1) huruf a UU 35/2009", "1 thn 6 bln", "10 Juli 2026"]  # fmt: skip


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the reasons are read in English here
        yield


def csv_bytes(rows, *, delimiter=",", encoding="utf-8", bom=False) -> io.BytesIO:
    text = "\r\n".join(
        delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row) for row in rows
    )
    data = text.encode(encoding)
    return io.BytesIO((codecs.BOM_UTF8 if bom else b"") + data)


def xlsx_bytes(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def read(upload, max_bytes=10 * MB):
    table = open_table(upload, max_bytes=max_bytes)
    return table, list(read_rows(table.rows(), table.mapping, today=TODAY))


@pytest.mark.parametrize(("spelling", "key"), [(s, c.key) for c in COLUMNS for s in c.spellings])
def test_every_spelling_of_every_column_is_recognised(spelling, key):
    # As operators write them: capitals, dots, extra spaces.
    for written in (spelling, spelling.upper(), spelling.title().replace(" ", ".  ") + " "):
        assert recognise(["x", written]) == {key: 1}, written


def test_headers_are_compared_after_normalisation():
    assert normalised(" Tgl. Lahir ") == "tgl lahir" and normalised("L/P") == "l p"
    assert missing_required(recognise(HEADER)) == []
    assert missing_required(recognise(["Nama", "NIK", "Pasal"])) == [
        "register_number", "sex", "admitted_on", "register_category"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [
        (",", "utf-8", True),
        (",", "utf-8", False),
        (";", "cp1252", False),
        ("\t", "utf-8", True),
        (";", "utf-8", False),
    ],
    ids=["utf8-bom-comma", "utf8-comma", "windows1252-semicolon", "utf8-bom-tab", "utf8-semicolon"],
)
def test_csv_in_the_encodings_and_delimiters_excel_produces(delimiter, encoding, bom):
    table, results = read(csv_bytes([HEADER, ROW], delimiter=delimiter, encoding=encoding, bom=bom))
    assert table.kind == "csv" and table.delimiter == delimiter
    [result] = results
    assert result.problems == ()
    row = result.row
    assert row.full_name == "José Ñoño Fauzan"  # the accents survive Windows-1252
    assert row.nik == "6308011705900001" and row.sex == "male" and row.register_category == "B.I"
    assert row.birth_date == dt.date(1990, 5, 17) and row.admitted_on == dt.date(2025, 1, 10)
    assert row.offence == "narcotics_user" and row.sentence_months == 18
    assert row.expected_release == dt.date(2026, 7, 10)
    assert result.line == 2


def test_title_rows_above_the_header_are_skipped():
    table, results = read(
        csv_bytes([["DAFTAR WBP LAPAS KELAS IIB AMUNTAI"], ["Per 5 Desember 2026"], [], HEADER, ROW])
    )
    assert table.header_line == 4 and results[0].line == 5 and results[0].row is not None


def test_xlsx_with_dates_as_excel_serials_as_dates_and_as_text():
    rows = [
        HEADER,
        ["B.I 1/2025", "Ahmad", "6308011705900001", "L", "Amuntai", 32874, dt.datetime(2025, 1, 10), "BI",
         "114 ayat (1) Jo 132 UU 35/2009", "2 tahun", "31 Desember 2026"],
        ["B.IIa 2/2025", "=HYPERLINK(\"http://x\")", "6308011705900002", "P", "Barabai", "17/05/1991",
         "2025-02-01", "B 2a", "362 KUHP", "8 bln", None],
    ]  # fmt: skip
    table, results = read(xlsx_bytes(rows))
    assert table.kind == "xlsx"
    first, second = (result.row for result in results)
    assert first.birth_date == dt.date(1990, 1, 1)  # serial 32874
    assert first.admitted_on == dt.date(2025, 1, 10) and first.expected_release == dt.date(2026, 12, 31)
    assert (
        first.register_category == "B.I"
        and first.offence == "narcotics_other"
        and first.sentence_months == 24
    )
    assert second.full_name == '=HYPERLINK("http://x")'  # a formula stays text, never evaluated
    assert (
        second.register_category == "B.IIa" and second.offence == "non_narcotics" and second.sex == "female"
    )


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("NIK", "630801170590001", "exactly 16 digits"),
        ("NIK", "63080117059000A1", "only digits"),
        ("NIK", "9908011705900001", "not the code of any province"),
        ("NIK", "6308013104900001", "not a possible date"),
        ("Tgl Lahir", "31-02-1990", "does not exist"),
        ("Tgl Lahir", "17-05-0025", "not possible"),
        ("Tgl Lahir", "17-05-2020", "Aged 4"),
        ("Tanggal Masuk", "10/01/2027", "in the future"),
        ("Tgl Lahir", "11/01/2025", "Born after"),
        ("Tgl Ekspirasi", "09/01/2025", "before the admission"),
        ("Kategori", "C.I", "not a register category"),
        ("Jenis Kelamin", "X", "L or P"),
        ("Lama Pidana", "18", "years and months"),
        ("Nama", "", "name is empty"),
        ("Pasal", "", "article"),
    ],
)
def test_a_bad_cell_rejects_its_row_with_line_column_and_reason(column, value, reason):
    bad = [value if header == column else cell for header, cell in zip(HEADER, ROW, strict=True)]
    _table, results = read(csv_bytes([HEADER, ROW, bad]))
    good, rejected = results
    assert good.row is not None
    assert rejected.row is None and rejected.line == 3
    # The column named is the one that was wrong (a date can make a second one wrong too).
    assert any(reason in str(p.reason) and recognise([column])[p.column] == 0 for p in rejected.problems)


def test_a_person_repeated_in_the_file_is_rejected():
    again = [*ROW[:1], "Ahmad Lain", *ROW[2:]]
    _table, results = read(csv_bytes([HEADER, ROW, again]))
    assert results[0].row is not None
    assert results[1].row is None and "line 2" in str(results[1].problems[0].reason)


@pytest.mark.parametrize(
    "value",
    ["31-12-2025", "31/12/2025", "31.12.2025", "31 Desember 2025", "31 Des 2025", "2025-12-31", "46022"],
)
def test_dates_as_indonesians_write_them(value):
    row = [value if header == "Tgl Ekspirasi" else cell for header, cell in zip(HEADER, ROW, strict=True)]
    _table, [result] = read(csv_bytes([HEADER, row]))
    assert result.row.expected_release == dt.date(2025, 12, 31)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100, "not a CSV or XLSX"),
        (b"just some words without any columns at all", "no columns"),
        (b"a,b,c\n1,2,3\n", "No header row"),
    ],
    ids=["empty", "an image", "plain text", "no recognisable header"],
)
def test_files_that_are_not_exports_are_refused(content, reason):
    with pytest.raises(FileRefused) as refused:
        open_table(io.BytesIO(content), max_bytes=MB)
    assert reason in str(refused.value.reason)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    out.seek(0)
    with pytest.raises(FileRefused, match="not an XLSX"):
        open_table(out, max_bytes=MB)


def test_a_workbook_that_expands_far_beyond_its_size_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (450 * MB))  # compresses to about 450 KB
    out.seek(0)
    assert out.getbuffer().nbytes < 2 * MB
    with pytest.raises(FileRefused, match="expands"):
        open_table(out, max_bytes=5 * MB)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(FileRefused, match="larger than 1 MB"):
        open_table(io.BytesIO(b"x" * (MB + 1)), max_bytes=MB)


def test_the_readme_lists_every_column_and_spelling():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for column in COLUMNS:
        assert f"(`{column.key}`)" in readme, column.key
        for spelling in column.spellings:
            assert f"`{spelling}`" in readme, spelling
