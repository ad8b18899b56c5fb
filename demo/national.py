"""A whole country's worth of synthetic data, for measuring pages and jobs at national scale (issue 16).

Written with PostgreSQL's COPY in large batches, ids assigned here (the database must be empty), every
constraint holding. A fixed seed makes every run the same. Distributions follow the published picture:
about half of the people in custody are held for narcotics; about a quarter of the people released are back
within three years; rows are spread over the years the system would hold.

So far: regions, UPT, users of every role, persons, custody spells with their movements, screenings. The
rehabilitation tables (programmes, enrolments, sessions, attendance, follow-ups) and the audit trail come
next.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections.abc import Iterator

from django.contrib.auth.hashers import make_password
from django.db import connections

# The 33 regional offices (Kanwil) by province and zone. Facts: Indonesia's provinces before the 2022 splits,
# one Kanwil Ditjenpas each.
PROVINCES = [
    ("Aceh", "Asia/Jakarta"), ("Sumatera Utara", "Asia/Jakarta"), ("Sumatera Barat", "Asia/Jakarta"),
    ("Riau", "Asia/Jakarta"), ("Jambi", "Asia/Jakarta"), ("Sumatera Selatan", "Asia/Jakarta"),
    ("Bengkulu", "Asia/Jakarta"), ("Lampung", "Asia/Jakarta"), ("Kepulauan Bangka Belitung", "Asia/Jakarta"),
    ("Kepulauan Riau", "Asia/Jakarta"), ("DKI Jakarta", "Asia/Jakarta"), ("Jawa Barat", "Asia/Jakarta"),
    ("Jawa Tengah", "Asia/Jakarta"), ("DI Yogyakarta", "Asia/Jakarta"), ("Jawa Timur", "Asia/Jakarta"),
    ("Banten", "Asia/Jakarta"), ("Bali", "Asia/Makassar"), ("Nusa Tenggara Barat", "Asia/Makassar"),
    ("Nusa Tenggara Timur", "Asia/Makassar"), ("Kalimantan Barat", "Asia/Jakarta"),
    ("Kalimantan Tengah", "Asia/Jakarta"), ("Kalimantan Selatan", "Asia/Makassar"),
    ("Kalimantan Timur", "Asia/Makassar"), ("Kalimantan Utara", "Asia/Makassar"),
    ("Sulawesi Utara", "Asia/Makassar"), ("Sulawesi Tengah", "Asia/Makassar"),
    ("Sulawesi Selatan", "Asia/Makassar"), ("Sulawesi Tenggara", "Asia/Makassar"),
    ("Gorontalo", "Asia/Makassar"),
    ("Sulawesi Barat", "Asia/Makassar"), ("Maluku", "Asia/Jayapura"), ("Maluku Utara", "Asia/Jayapura"),
    ("Papua", "Asia/Jayapura"),
]  # fmt: skip
FIRST = [
    "Ahmad",
    "Budi",
    "Dedi",
    "Eko",
    "Fajar",
    "Hendra",
    "Irfan",
    "Joko",
    "Rizky",
    "Slamet",
    "Wahyu",
    "Yusuf",
    "Agus",
    "Bambang",
    "Dani",
    "Heru",
]
MIDDLE = [
    "Saputra",
    "Nur",
    "Hidayat",
    "Pratama",
    "Setiawan",
    "Kurniawan",
    "Wijaya",
    "Santoso",
    "Gunawan",
    "Firmansyah",
]
LAST = [
    "Hasibuan",
    "Siregar",
    "Nasution",
    "Lubis",
    "Simanjuntak",
    "Harahap",
    "Tanjung",
    "Sinaga",
    "Purba",
    "Susanto",
    "Rahman",
    "Halim",
]
KINDS = ["lapas"] * 9 + ["rutan"] * 6 + ["lapas_narkotika", "lpp", "lpka", "cabang_rutan"]
TODAY = dt.date(2026, 12, 1)
PASSWORD = "rehab-national-2026"  # for benchmark sign-ins only; this data set never holds real people


class NotEmpty(Exception):
    """The target database already holds people or places: it may be real; nothing is written."""


class Writer:
    """Rows into one table by COPY, a batch at a time, ids counted here."""

    BATCH = 50_000

    def __init__(self, alias: str, table: str, columns: list[str]):
        self.alias, self.table, self.columns = alias, table, columns
        self.buffer, self.pending, self.count = io.StringIO(), 0, 0
        self.csv = csv.writer(self.buffer)

    def add(self, *values) -> int:
        self.count += 1
        self.csv.writerow(["\\N" if value is None else _text(value) for value in (self.count, *values)])
        self.pending += 1
        if self.pending >= self.BATCH:
            self.flush()
        return self.count

    def flush(self) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        columns = ", ".join(f'"{column}"' for column in ["id", *self.columns])
        with connections[self.alias].cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {self.table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", self.buffer
            )
        self.buffer, self.pending = io.StringIO(), 0
        self.csv = csv.writer(self.buffer)

    def finish(self) -> int:
        self.flush()
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), %s)", [max(self.count, 1)]
            )
        return self.count


def _text(value) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def moment(day: dt.date, rng: random.Random) -> str:
    """A working-hours timestamp on `day` (WIB), when a record would have been typed."""
    return f"{day.isoformat()} {rng.randint(8, 15):02d}:{rng.randint(0, 59):02d}:00+07"


def check_empty(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        for table in ("inmates_person", "institutions_institution", "institutions_region"):
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cursor.fetchone()[0]:
                raise NotEmpty(table)


def generate(alias: str, *, scale: float = 1.0, seed: int = 2026, log=print) -> dict[str, int]:
    """Write the national data set into the empty database `alias`; the number of rows per table."""
    if connections[alias].vendor != "postgresql":
        raise ValueError("generate_national writes with PostgreSQL's COPY")
    check_empty(alias)
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    regions, upts = _places(alias, rng, scale, counts)
    staff = _users(alias, regions, upts, counts)
    log(f"{counts['regions']} regions, {counts['upts']} UPT, {counts['users']} users")
    _people(alias, rng, upts, staff, scale, counts, log)
    return counts


def _places(alias, rng, scale, counts):
    regions = Writer(alias, "institutions_region", ["code", "name", "province", "time_zone"])
    upts = Writer(
        alias,
        "institutions_institution",
        ["code", "name", "kind", "klass", "region_id", "city", "capacity", "time_zone_override"],
    )
    region_ids, upt_rows = [], []
    total_upts = max(len(PROVINCES), round(530 * scale))
    for index, (province, zone) in enumerate(PROVINCES):
        code = "-".join(province.lower().replace("di ", "").split())[:20]
        region = regions.add(code, f"Kanwil Ditjenpas {province}", province, zone)
        region_ids.append(region)
        share = total_upts // len(PROVINCES) + (1 if index < total_upts % len(PROVINCES) else 0)
        for number in range(share):
            kind = rng.choice(KINDS)
            upt = upts.add(
                f"{code}-{kind}-{number}"[:50],
                f"{kind.replace('_', ' ').title()} {province} {number + 1}",
                kind,
                rng.choice(["I", "IIA", "IIA", "IIB", "IIB", "III"]),
                region,
                province,
                rng.randint(150, 2500),
                "",
            )
            upt_rows.append((upt, region))
    counts["regions"], counts["upts"] = regions.finish(), upts.finish()
    return region_ids, upt_rows


def _users(alias, regions, upts, counts):
    users = Writer(
        alias,
        "accounts_user",
        ["password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active",
         "date_joined"],
    )  # fmt: skip
    memberships = Writer(
        alias,
        "accounts_membership",
        ["user_id", "role", "institution_id", "agency_id", "region_id", "is_head", "created_at",
         "awaiting_confirmation"],
    )  # fmt: skip
    password = make_password(PASSWORD)
    joined = "2026-01-05 09:00:00+07"

    def user(username, role, institution=None, region=None, head=False) -> int:
        pk = users.add(password, False, username, "Bench", username, "", False, True, joined)
        memberships.add(pk, role, institution, None, region, head, joined, False)
        return pk

    user("national.bench", "national")
    user("dpo.bench", "dpo")
    for region in regions:
        user(f"regional.{region}", "regional", region=region)
    staff = {}
    for upt, _region in upts:
        staff[upt] = user(f"staff.{upt}", "upt_staff", institution=upt)
        user(f"head.{upt}", "upt_staff", institution=upt, head=True)
    counts["users"] = users.finish()
    counts["memberships"] = memberships.finish()
    return staff


def _names(rng) -> Iterator[str]:
    while True:
        parts = [rng.choice(FIRST)]
        if rng.random() < 0.6:
            parts.append(rng.choice(MIDDLE))
        parts.append(rng.choice(LAST))
        yield " ".join(parts)


def _people(alias, rng, upts, staff_of, scale, counts, log) -> None:
    """Persons; each with a first custody spell, and about a quarter of those released back within three
    years (a second spell); movements for every admission and release; an ASSIST screening for about a third
    of those held for narcotics."""
    from assessments import instruments

    persons = Writer(
        alias,
        "inmates_person",
        ["full_name", "other_names", "nik", "sex", "birth_date", "birth_place", "created_at"],
    )
    admissions = Writer(
        alias,
        "inmates_admission",
        ["person_id", "institution_id", "register_number", "register_category", "admitted_on", "offence",
         "sentence_months", "expected_release", "released_on", "release_type", "created_at"],
    )  # fmt: skip
    movements = Writer(
        alias,
        "inmates_movement",
        ["admission_id", "kind", "on", "from_institution_id", "to_institution_id", "note", "recorded_at"],
    )
    screenings = Writer(
        alias,
        "assessments_screening",
        ["person_id", "institution_id", "instrument", "version", "answers", "risk", "screened_on",
         "screened_by_id", "created_at"],
    )  # fmt: skip
    version = instruments.current_version("ASSIST")
    answers = _assist_answers()
    names = _names(rng)
    number_in = dict.fromkeys((upt for upt, _ in upts), 0)
    people = round(300_000 * scale)

    def spell(person: int, upt: int, admitted: dt.date, offence: str, ends_by=None) -> dt.date | None:
        number_in[upt] += 1
        months = rng.choice([6, 8, 12, 18, 24, 36, 48, 60, 84, 120])
        expected = admitted + dt.timedelta(days=months * 30)
        released = expected - dt.timedelta(days=rng.randint(0, months * 10)) if rng.random() < 0.75 else None
        if ends_by is not None:  # an earlier spell: over before the next one began
            released = max(admitted + dt.timedelta(days=30), min(released or expected, ends_by))
        if released is not None and released >= TODAY:
            released = None
        typed = moment(admitted, rng)
        how = rng.choice(["parole", "sentence_expiry", "conditional_leave"]) if released else ""
        admission = admissions.add(
            person, upt, f"B.I {number_in[upt]}/{admitted.year}", "B.I", admitted, offence, months, expected,
            released, how, typed,
        )  # fmt: skip
        movements.add(admission, "admission", admitted, None, upt, "", typed)
        if released:
            movements.add(admission, "release", released, upt, None, "", moment(released, rng))
        if offence != "non_narcotics" and rng.random() < 0.55:
            day = min(admitted + dt.timedelta(days=rng.randint(3, 60)), TODAY - dt.timedelta(days=1))
            risk = rng.choice(["lower", "moderate", "moderate", "high"])
            screenings.add(
                person, upt, "ASSIST", version, answers[risk], risk, day, staff_of[upt], moment(day, rng)
            )
        return released

    for index in range(people):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 45 * 365))
        sex = "male" if rng.random() < 0.94 else "female"
        upt, _region = rng.choice(upts)
        day = born.day + (40 if sex == "female" else 0)
        # 16 digits: province, regency and district codes, birth date (day + 40 for women), a serial; unique
        # through the index's digits.
        area = f"{11 + index % 84:02d}{(index // 10_000) % 100:02d}{(index // 1_000_000) % 100:02d}"
        nik = f"{area}{day:02d}{born:%m%y}{index % 10_000:04d}"
        admitted = dt.date(2019, 1, 1) + dt.timedelta(
            days=rng.randint(0, (TODAY - dt.date(2019, 1, 1)).days - 1)
        )
        person = persons.add(
            next(names), "", nik if index % 10 else None, sex, born, "Kota", moment(admitted, rng)
        )
        offence = rng.choices(["narcotics_user", "narcotics_other", "non_narcotics"], [30, 20, 50])[0]
        if rng.random() < 0.12:  # a spell before the system's years of data, over before this one
            earlier = admitted - dt.timedelta(days=rng.randint(2 * 365, 6 * 365))
            spell(person, upt, earlier, offence, ends_by=admitted - dt.timedelta(days=rng.randint(60, 600)))
        released = spell(person, upt, admitted, offence)
        if released and rng.random() < 0.25:
            back = released + dt.timedelta(days=rng.randint(30, 3 * 365))
            if back < TODAY:
                spell(person, rng.choice(upts)[0] if rng.random() < 0.3 else upt, back, offence)
        if index and index % 50_000 == 0:
            log(f"{index} persons")
    counts["persons"] = persons.finish()
    counts["admissions"] = admissions.finish()
    counts["movements"] = movements.finish()
    counts["screenings"] = screenings.finish()


def _assist_answers() -> dict[str, dict]:
    """Answers to ASSIST that score as each risk level (amphetamine-type stimulants; the rest never used)."""
    from assessments.instruments import assist

    never = {"q1": "no"}
    used = {"q1": "yes", "q3": "never", "q4": "never", "q5": "never", "q6": "no_never", "q7": "no_never"}
    rows = {
        "lower": never,
        "moderate": {**used, "q2": "weekly"},
        "high": {**used, "q2": "daily_or_almost_daily", "q3": "daily_or_almost_daily",
                 "q4": "daily_or_almost_daily", "q5": "daily_or_almost_daily"},
    }  # fmt: skip
    answers = {}
    for risk, row in rows.items():
        substances = dict.fromkeys(assist.SUBSTANCES, never)
        substances["amphetamine_type_stimulants"] = row
        answers[risk] = {"substances": substances, "q8": "no_never"}
    return answers
