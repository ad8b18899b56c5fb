"""A sample SDP export of one demo UPT, as an operator would download it from SDP, to try an import.

It lists the people the demo holds at the UPT, the way SDP writes them (Indonesian headers, "L"/"P", dates as
31-12-2025, sentences as "1 thn 6 bln", articles as text), with what a real day's export differs by:
- a few people SDP knows and this system does not yet (new admissions),
- a verdict: one remand prisoner now sentenced (A.III → B.I),
- two people SDP no longer lists (left according to SDP: staff confirm a release or a transfer),
- two rows an operator typed wrong (a 15-digit NIK, 31 February), which the preview rejects.
Generated from the database with a fixed seed, never committed as a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from demo.people import FAMILY_NAMES, MALE_NAMES
from inmates.models import Admission, sentence_as_text
from institutions.models import Institution

HEADERS = [
    "No. Register",
    "Nama Lengkap",
    "NIK",
    "Jenis Kelamin",
    "Tempat Lahir",
    "Tgl Lahir",
    "Tanggal Masuk",
    "Kategori",
    "Pasal",
    "Lama Pidana",
    "Tgl Ekspirasi",
]
# How SDP's operators write the articles behind each kind of offence (examples, for the sample only).
ARTICLES = {
    Admission.Offence.NARCOTICS_USER: "127 ayat (1) huruf a UU RI No. 35 Tahun 2009",
    Admission.Offence.NARCOTICS_OTHER: "114 ayat (1) Jo 132 ayat (1) UU RI No. 35 Tahun 2009",
    Admission.Offence.NON_NARCOTICS: "362 KUHP",
}
NEW_PEOPLE = 5
LEFT = 2


def _date(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def sample_rows(institution: Institution, *, today: dt.date) -> list[list[str]]:
    rng = random.Random(f"sdp-sample:{institution.code}")
    held = list(
        Admission.objects.filter(institution=institution, released_on__isnull=True)
        .select_related("person")
        .order_by("register_number", "pk")
    )
    listed = held[LEFT:]  # the first two have left according to SDP
    rows = []
    verdict_given = False
    for admission in listed:
        person = admission.person
        category, months = admission.register_category, admission.sentence_months
        if not verdict_given and category.startswith("A."):
            category, months, verdict_given = "B.I", 24, True
        rows.append(
            [
                admission.register_number,
                person.full_name.upper() if rng.random() < 0.3 else person.full_name,  # as SDP often does
                person.nik or "",
                "L" if person.sex == "male" else "P",
                person.birth_place,
                _date(person.birth_date),
                _date(admission.admitted_on),
                category,
                ARTICLES[admission.offence],
                sentence_as_text(months),
                _date(admission.expected_release),
            ]
        )
    for index in range(NEW_PEOPLE):
        born = dt.date(rng.randint(1970, 2002), rng.randint(1, 12), rng.randint(1, 28))
        admitted = today - dt.timedelta(days=rng.randint(1, 20))
        rows.append(
            [
                f"A.II {700 + index}/{today.year}",
                f"{rng.choice(MALE_NAMES)} {rng.choice(FAMILY_NAMES)}",
                f"6308{rng.randint(10, 30):02d}{born:%d%m%y}{9000 + index:04d}",
                "L",
                "Amuntai",
                _date(born),
                _date(admitted),
                "A.II",
                ARTICLES[Admission.Offence.NARCOTICS_USER],
                "",
                "",
            ]
        )
    # Two typing mistakes the preview must catch.
    rows.append(["A.II 798/2026", "Salah Ketik NIK", "630801170590001", "L", "Amuntai", "01-01-1990",
                 _date(today), "A.II", ARTICLES[Admission.Offence.NARCOTICS_USER], "", ""])  # fmt: skip
    rows.append(["A.II 799/2026", "Salah Ketik Tanggal", "", "L", "Amuntai", "31-02-1991",
                 _date(today), "A.II", ARTICLES[Admission.Offence.NARCOTICS_USER], "", ""])  # fmt: skip
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # as Excel saves CSV on an Indonesian-locale PC
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("cp1252", errors="replace")


def as_xlsx(rows: list[list[str]], *, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Daftar WBP"
    sheet.append([title])  # SDP puts the UPT's name above the header
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
