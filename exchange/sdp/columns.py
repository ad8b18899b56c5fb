"""The canonical columns of an SDP export and the header spellings recognised for each.

SDP's exports differ by version and by operator: "No. Register", "No Reg", "NOMOR REGISTER" are one column.
Headers are compared after normalisation (case, punctuation, repeated spaces), so "Tgl. Lahir" and "TGL LAHIR"
are the same. A user can correct the mapping on the preview page; the README lists these spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # lazy: in the reader's language
    spellings: tuple[str, ...]
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "full_name",
        _("Full name"),
        ("nama", "nama lengkap", "nama wbp", "nama narapidana", "nama tahanan", "name", "full name"),
        required=True,
    ),
    Column(
        "register_number",
        _("Register number"),
        (
            "no register",
            "no reg",
            "nomor register",
            "no registrasi",
            "nomor registrasi",
            "no induk",
            "register number",
            "register no",
            "reg no",
        ),
        required=True,
    ),
    Column("nik", _("NIK"), ("nik", "no ktp", "nomor ktp", "nomor induk kependudukan", "national id")),
    Column("sex", _("Sex"), ("jenis kelamin", "jk", "l p", "kelamin", "sex", "gender"), required=True),
    Column("birth_place", _("Place of birth"), ("tempat lahir", "tmp lahir", "place of birth", "birthplace")),
    Column(
        "birth_date",
        _("Date of birth"),
        ("tgl lahir", "tanggal lahir", "tgl lhr", "date of birth", "birth date", "dob"),
    ),
    Column(
        "admitted_on",
        _("Admission date"),
        (
            "tanggal masuk",
            "tgl masuk",
            "tgl penerimaan",
            "tanggal penerimaan",
            "admission date",
            "date admitted",
        ),
        required=True,
    ),
    Column(
        "register_category",
        _("Register category"),
        ("kategori", "kategori register", "golongan register", "register category", "category"),
        required=True,
    ),
    # The offence is read from the articles, or (in this system's own exports) from the kind of offence.
    Column("article", _("Articles (Pasal)"), ("pasal", "pasal yang dilanggar", "articles", "article")),
    Column(
        "offence",
        _("Kind of offence"),
        ("jenis tindak pidana", "jenis kejahatan", "tindak pidana", "kind of offence", "offence"),
    ),
    Column("sentence", _("Sentence length"), ("lama pidana", "lama hukuman", "masa pidana", "sentence")),
    Column(
        "expiry_date",
        _("Sentence expiry date"),
        ("tgl ekspirasi", "tanggal ekspirasi", "tgl expirasi", "expiry date", "sentence expiry"),
    ),
    Column(
        "release_date",
        _("Expected release date"),
        ("tgl bebas", "tanggal bebas", "tgl pembebasan", "expected release", "release date"),
    ),
    # Region or national files carry the UPT of each row (its code or its name).
    Column("institution", _("UPT"), ("upt", "nama upt", "kode upt", "satker", "satuan kerja", "institution")),
)

BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = tuple(column.key for column in COLUMNS if column.required)


def normalised(header: str) -> str:
    """'Tgl. Lahir ' → 'tgl lahir'; 'L/P' → 'l p'; 'NO.REG' → 'no reg'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(header).casefold()).split())


_SPELLINGS = {spelling: column.key for column in COLUMNS for spelling in column.spellings}


def recognise(headers: list[str]) -> dict[str, int]:
    """{canonical key: index of the column in the file} for every header recognised; the first wins."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = _SPELLINGS.get(normalised(header))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def missing_required(mapping: dict[str, int], *, needs_institution: bool = False) -> list[str]:
    keys = [*REQUIRED, "institution"] if needs_institution else list(REQUIRED)
    missing = [key for key in keys if key not in mapping]
    if "article" not in mapping and "offence" not in mapping:
        missing.append("article")  # one of the two says what the offence was
    return missing
