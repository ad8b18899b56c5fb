"""A whole country's worth of synthetic data, for measuring pages and jobs at national scale (issue 16).

Written with PostgreSQL's COPY in large batches, ids assigned here (the database must be empty), every
constraint holding. A fixed seed makes every run the same. Distributions follow the published picture:
about half of the people in custody are held for narcotics; about a quarter of the people released are back
within three years; rows are spread over the years the system would hold.

Regions, UPT, partner agencies and their agreements, users of every role, persons, custody spells with
their movements, screenings, programmes (medical and social, 2025 and 2026) with enrolments and their steps,
sessions with their history, facilitators and attendance, after-care plans with follow-ups, and the audit
trail of people's records being viewed.
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

from demo.people import FAMILY_NAMES, MALE_NAMES
from inmates.nik import PROVINCE_CODES

NIK_PROVINCES = sorted(PROVINCE_CODES)
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
            # psycopg 3's COPY: the driver's cursor under Django's wrapper.
            sql = f"COPY {self.table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                copy.write(self.buffer.getvalue())
        self.buffer, self.pending = io.StringIO(), 0
        self.csv = csv.writer(self.buffer)

    def finish(self) -> int:
        self.flush()
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), %s)", [max(self.count, 1)]
            )
        return self.count


class Accounts:
    """Users with one membership each, by COPY, all with one password hash (benchmark sign-ins only)."""

    def __init__(self, alias: str):
        self.users = Writer(
            alias,
            "accounts_user",
            ["password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
             "is_active", "date_joined", "language", "daily_digest"],
        )  # fmt: skip
        self.memberships = Writer(
            alias,
            "accounts_membership",
            ["user_id", "role", "institution_id", "agency_id", "region_id", "is_head", "created_at",
             "awaiting_confirmation"],
        )  # fmt: skip
        self.password = make_password(PASSWORD)

    def add(self, username, role, *, joined, last_name="", institution=None, agency=None, region=None,
            head=False) -> int:  # fmt: skip
        pk = self.users.add(
            self.password,
            False,
            username,
            "Bench",
            last_name or username,
            "",
            False,
            True,
            joined,
            "id",
            True,
        )
        self.memberships.add(pk, role, institution, agency, region, head, joined, False)
        return pk

    def finish(self) -> None:
        self.users.finish()
        self.memberships.finish()


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
    accounts = Accounts(alias)
    staff = _users(accounts, regions, upts, counts)
    log(f"{counts['regions']} regions, {counts['upts']} UPT, {counts['users']} users")
    spells = _people(alias, rng, upts, staff, scale, counts, log)
    log(f"{counts['persons']} persons, {counts['admissions']} custody spells")
    _rehabilitation(alias, rng, upts, staff, accounts, spells, counts, log)
    accounts.finish()
    _audit_trail(alias, rng, staff, spells, scale, counts)
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


def _users(accounts: Accounts, regions, upts, counts) -> dict[int, int]:
    """The national officer, a DPO, an officer per region, staff and a head per UPT; {UPT: its staff}."""
    joined = "2026-01-05 09:00:00+07"
    accounts.add("national.bench", "national", joined=joined)
    accounts.add("dpo.bench", "dpo", joined=joined)
    for region in regions:
        accounts.add(f"regional.{region}", "regional", joined=joined, region=region)
    staff = {}
    for upt, _region in upts:
        staff[upt] = accounts.add(f"staff.{upt}", "upt_staff", joined=joined, institution=upt)
        accounts.add(f"head.{upt}", "upt_staff", joined=joined, institution=upt, head=True)
    counts["users"] = accounts.users.count
    counts["memberships"] = accounts.memberships.count
    return staff


def _names(rng) -> Iterator[str]:
    while True:
        parts = [rng.choice(MALE_NAMES)]
        if rng.random() < 0.6:
            parts.append(rng.choice(MALE_NAMES))
        parts.append(rng.choice(FAMILY_NAMES))
        yield " ".join(parts)


def _people(alias, rng, upts, staff_of, scale, counts, log) -> list[tuple]:
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
        [
            "person_id",
            "institution_id",
            "register_number",
            "register_category",
            "admitted_on",
            "offence",
            "sentence_months",
            "expected_release",
            "released_on",
            "release_type",
            "created_at",
        ],
    )
    movements = Writer(
        alias,
        "inmates_movement",
        ["admission_id", "kind", "on", "from_institution_id", "to_institution_id", "note", "recorded_at"],
    )
    screenings = Writer(
        alias,
        "assessments_screening",
        [
            "person_id",
            "institution_id",
            "instrument",
            "version",
            "answers",
            "risk",
            "main_substance",
            "screened_on",
            "screened_by_id",
            "created_at",
        ],
    )
    version = instruments.current_version("ASSIST")
    answers = _assist_answers()
    main = {risk: instruments.score("ASSIST", given).main_substance for risk, given in answers.items()}
    names = _names(rng)
    number_in = dict.fromkeys((upt for upt, _ in upts), 0)
    people = round(300_000 * scale)

    spells = []  # (admission, person, upt, admitted, released, offence): what the rehabilitation part reads

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
            person,
            upt,
            f"B.I {number_in[upt]}/{admitted.year}",
            "B.I",
            admitted,
            offence,
            months,
            expected,
            released,
            how,
            typed,
        )
        movements.add(admission, "admission", admitted, None, upt, "", typed)
        spells.append((admission, person, upt, admitted, released, offence))
        if released:
            movements.add(admission, "release", released, upt, None, "", moment(released, rng))
        if offence != "non_narcotics" and rng.random() < 0.55:
            day = min(admitted + dt.timedelta(days=rng.randint(3, 60)), TODAY - dt.timedelta(days=1))
            risk = rng.choice(["lower", "moderate", "moderate", "high"])
            screenings.add(
                person,
                upt,
                "ASSIST",
                version,
                answers[risk],
                risk,
                main[risk],
                day,
                staff_of[upt],
                moment(day, rng),
            )
        return released

    for index in range(people):
        # Born by 1995: adults at every spell (the earliest from 2013), as the forms would have them.
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 35 * 365))
        sex = "male" if rng.random() < 0.94 else "female"
        upt, _region = rng.choice(upts)
        day = born.day + (40 if sex == "female" else 0)
        # 16 digits: province, regency and district codes, birth date (day + 40 for women), a serial; unique
        # through the index's digits; the province a real one (inmates.nik), so the forms take it unchanged.
        province = NIK_PROVINCES[index % len(NIK_PROVINCES)]
        area = f"{province}{(index // 10_000) % 100:02d}{(index // 1_000_000) % 100:02d}"
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
    return spells


def _assist_answers() -> dict[str, dict]:
    """Answers to ASSIST that score as each risk level (amphetamine-type stimulants; the rest never used)."""
    from assessments.instruments import assist

    never = {"q1": "no"}
    used = {"q1": "yes", "q3": "never", "q4": "never", "q5": "never", "q6": "no_never", "q7": "no_never"}
    rows = {
        "lower": never,
        "moderate": {**used, "q2": "weekly"},
        "high": {
            **used,
            "q2": "daily_or_almost_daily",
            "q3": "daily_or_almost_daily",
            "q4": "daily_or_almost_daily",
            "q5": "daily_or_almost_daily",
        },
    }
    answers = {}
    for risk, row in rows.items():
        substances = dict.fromkeys(assist.SUBSTANCES, never)
        substances["amphetamine_type_stimulants"] = row
        answers[risk] = {"substances": substances, "q8": "no_never"}
    return answers


ZONE_OFFSET = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}
SESSION_DAYS = (0, 2, 4)  # Monday, Wednesday, Friday, 09:00–11:00 local time
YEARS = (2025, 2026)


def _local(day: dt.date, hour: int, zone: str) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00+{ZONE_OFFSET[zone]:02d}"


def _rehabilitation(alias, rng, upts, staff_of, accounts, spells, counts, log) -> None:
    """Per region a BNNP and an MoU with its UPT; per UPT and year a medical and a social programme, each
    run by its own counsellor; about 94 people a year in each; three sessions a week, groups of about 11."""
    zones = {}
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT id, time_zone FROM institutions_region")
        zones = dict(cursor.fetchall())
    agencies = Writer(
        alias, "institutions_agency", ["code", "name", "kind", "region_id", "parent_id", "city"]
    )
    agreements = Writer(
        alias,
        "agreements_agreement",
        [
            "number",
            "title",
            "kind",
            "signed_on",
            "signed_place",
            "valid_from",
            "valid_until",
            "notes",
            "document",
            "document_name",
            "terminated_on",
            "termination_reason",
            "replaces_id",
            "created_at",
        ],
    )
    covered = Writer(alias, "agreements_agreement_institutions", ["agreement_id", "institution_id"])
    parties = Writer(alias, "agreements_agreement_agencies", ["agreement_id", "agency_id"])
    scopes = Writer(alias, "agreements_agreementscope", ["agreement_id", "scope"])
    by_region: dict[int, list[int]] = {}
    for upt, region in upts:
        by_region.setdefault(region, []).append(upt)
    agency_of, agreement_of = {}, {}
    for region, members in by_region.items():
        agency = agencies.add(f"bnnp-{region}", f"BNNP {region}", "bnnp", region, None, "Kota")
        agreement = agreements.add(
            f"MOU/{region}/2023",
            "Rehabilitasi WBP",
            "mou",
            "2023-01-02",
            "Kota",
            "2023-01-02",
            "2027-12-31",
            "",
            "",
            "",
            None,
            "",
            None,
            "2023-01-02 10:00:00+07",
        )
        parties.add(agreement, agency)
        for upt in members:
            covered.add(agreement, upt)
            agency_of[upt], agreement_of[upt] = agency, agreement
        for scope in ("screening_assessment", "medical_rehabilitation", "social_rehabilitation", "aftercare"):
            scopes.add(agreement, scope)
    counts["agencies"], counts["agreements"] = agencies.finish(), agreements.finish()
    covered.finish(), parties.finish(), scopes.finish()

    # Counsellors: one per programme (their sessions never overlap), members of the region's BNNP.
    before = accounts.users.count
    programmes = Writer(
        alias,
        "rehab_programme",
        [
            "institution_id",
            "kind",
            "name",
            "agency_id",
            "agreement_id",
            "starts_on",
            "ends_on",
            "capacity",
            "target",
            "required_sessions",
            "required_hours",
            "created_at",
        ],
    )
    enrolments = Writer(
        alias,
        "rehab_enrolment",
        [
            "programme_id",
            "person_id",
            "admission_id",
            "kind",
            "status",
            "recommendation_id",
            "direct_reason",
            "created_at",
        ],
    )
    steps = Writer(
        alias,
        "rehab_enrolmenttransition",
        ["enrolment_id", "from_status", "to_status", "on", "at", "by_id", "reason"],
    )
    sessions = Writer(
        alias,
        "rehab_session",
        [
            "programme_id",
            "institution_id",
            "series_id",
            "kind",
            "topic",
            "room",
            "starts_at",
            "ends_at",
            "status",
            "cancel_reason",
            "created_at",
        ],
    )
    changes = Writer(
        alias,
        "rehab_sessionchange",
        ["session_id", "kind", "status", "starts_at", "ends_at", "at", "by_id", "reason"],
    )
    facilitations = Writer(
        alias, "rehab_facilitation", ["session_id", "user_id", "starts_at", "ends_at", "active"]
    )
    attendance = Writer(
        alias,
        "rehab_attendance",
        ["session_id", "enrolment_id", "status", "reason", "recorded_at", "recorded_by_id"],
    )
    marks = Writer(alias, "rehab_attendancemark", ["session_id", "enrolment_id", "status", "at", "by_id"])

    narcotics_at: dict[int, list[tuple]] = {}
    for row in spells:
        if row[5] != "non_narcotics":
            narcotics_at.setdefault(row[2], []).append(row)
    enrolled_released = []
    for upt, region in upts:
        zone = zones[region]
        for year in YEARS:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            held = [s for s in narcotics_at.get(upt, []) if s[3] <= last and (s[4] is None or s[4] >= first)]
            rng.shuffle(held)
            for kind, share in (("social", 64), ("medical", 30)):
                counsellor = accounts.add(
                    f"counsellor.{upt}.{year}.{kind}",
                    "counsellor",
                    joined="2025-01-02 09:00:00+07",
                    last_name="Counsellor",
                    agency=agency_of[upt],
                )
                programme = programmes.add(
                    upt,
                    kind,
                    f"{'TC' if kind == 'social' else 'Rehabilitasi medis'} {year}",
                    agency_of[upt],
                    agreement_of[upt],
                    first,
                    last,
                    120,
                    80,
                    None,
                    None,
                    _local(first, 8, zone),
                )
                members = []
                for admission, person, _upt, admitted, released, _offence in held[:share]:
                    start = max(first, admitted) + dt.timedelta(days=rng.randint(0, 45))
                    if start >= min(last, TODAY):
                        continue
                    end, status = None, "active"
                    if released is not None and released <= last:
                        end, status = released, "released"
                    elif year < TODAY.year or rng.random() < 0.25:
                        end = min(
                            last,
                            TODAY - dt.timedelta(days=1),
                            start + dt.timedelta(days=rng.randint(90, 300)),
                        )
                        status = rng.choices(["completed", "dropped_out", "transferred"], [70, 20, 10])[0]
                    if end is not None and end <= start:
                        end = start + dt.timedelta(days=1)
                    typed = _local(start, 10, zone)
                    enrolment = enrolments.add(
                        programme, person, admission, kind, status, None, "Asesmen terpadu", typed
                    )
                    steps.add(enrolment, "", "waiting", start, typed, counsellor, "")
                    steps.add(enrolment, "waiting", "active", start, typed, counsellor, "")
                    if end is not None:
                        steps.add(enrolment, "active", status, end, _local(end, 15, zone), counsellor, "")
                        if status == "released":
                            enrolled_released.append((admission, person, upt, end))
                    members.append((enrolment, start, end))
                    held.remove((admission, person, _upt, admitted, released, _offence))
                _sessions(
                    rng,
                    programme,
                    upt,
                    zone,
                    first,
                    last,
                    counsellor,
                    members,
                    sessions,
                    changes,
                    facilitations,
                    attendance,
                    marks,
                )
        if upt % 50 == 0:
            log(f"UPT {upt}: {sessions.count} sessions, {attendance.count} attendance rows")
    counts["counsellors"] = accounts.users.count - before
    for name, writer in (
        ("programmes", programmes),
        ("enrolments", enrolments),
        ("enrolment steps", steps),
        ("sessions", sessions),
        ("session changes", changes),
        ("facilitations", facilitations),
        ("attendance", attendance),
        ("attendance marks", marks),
    ):
        counts[name] = writer.finish()
    _aftercare(alias, rng, spells, agency_of, staff_of, zones, dict(upts), counts)


def _sessions(
    rng,
    programme,
    upt,
    zone,
    first,
    last,
    counsellor,
    members,
    sessions,
    changes,
    facilitations,
    attendance,
    marks,
) -> None:
    day = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    while day <= last:
        for offset in SESSION_DAYS:
            when = day + dt.timedelta(days=offset)
            if when > last:
                break
            starts, ends = _local(when, 9, zone), _local(when, 11, zone)
            made = _local(when - dt.timedelta(days=7), 8, zone)
            past = when < TODAY
            roll = rng.random()
            status = "planned" if not past or roll > 0.97 else ("cancelled" if roll > 0.92 else "held")
            session = sessions.add(
                programme,
                upt,
                None,
                "group",
                "Kelompok",
                f"Ruang {programme}",
                starts,
                ends,
                status,
                "Lockdown" if status == "cancelled" else "",
                made,
            )
            changes.add(session, "made", "planned", starts, ends, made, counsellor, "")
            facilitations.add(session, counsellor, starts, ends, status != "cancelled")
            if status == "cancelled":
                changes.add(session, "cancelled", "cancelled", starts, ends, made, counsellor, "Lockdown")
                continue
            if status == "held":
                changes.add(session, "held", "held", starts, ends, ends, counsellor, "")
            on_roll = [e for e, start, end in members if start <= when and (end is None or end > when)]
            for enrolment in rng.sample(on_roll, min(len(on_roll), 11)) if past else []:
                marks.add(session, enrolment, "", made, counsellor)
                if status != "held":
                    attendance.add(session, enrolment, "", "", None, None)
                    continue
                mark = rng.choices(["present", "late", "excused", "absent"], [80, 5, 5, 10])[0]
                attendance.add(
                    session, enrolment, mark, "sick" if mark == "excused" else "", ends, counsellor
                )
                marks.add(session, enrolment, mark, ends, counsellor)
        day += dt.timedelta(days=7)


def _aftercare(alias, rng, spells, agency_of, staff_of, zones, region_of, counts) -> None:
    """An after-care plan for about 70% of the people released after a narcotics sentence since 2023, with
    follow-ups at 1, 3, 6 and 12 months: most done when due, some overdue, some still to come."""
    plans = Writer(
        alias,
        "rehab_aftercareplan",
        [
            "admission_id",
            "person_id",
            "agency_id",
            "contact_name",
            "contact_phone",
            "released_on",
            "created_at",
            "created_by_id",
        ],
    )
    follow_ups = Writer(
        alias,
        "rehab_followup",
        [
            "plan_id",
            "months_after",
            "due_on",
            "done_on",
            "method",
            "outcome",
            "urine_panel",
            "urine_results",
            "urine_positive",
            "notes",
            "cancelled",
            "called_off_why",
            "recorded_at",
            "agency_id",
            "recorded_by_id",
        ],
    )
    for admission, person, upt, _admitted, released, offence in spells:
        if released is None or offence == "non_narcotics" or released.year < 2023 or rng.random() > 0.7:
            continue
        zone = zones[region_of[upt]]
        plan = plans.add(
            admission,
            person,
            agency_of[upt],
            "Keluarga",
            "08120000000",
            released,
            _local(released, 9, zone),
            staff_of[upt],
        )
        for months in (1, 3, 6, 12):
            due = released + dt.timedelta(days=months * 30)
            done = None
            if due < TODAY - dt.timedelta(days=14) and rng.random() < 0.8:
                done = due + dt.timedelta(days=rng.randint(0, 10))
            outcome = rng.choices(["abstinent", "relapsed", "in_treatment", "unreachable"], [70, 12, 8, 10])[
                0
            ]
            positive = done is not None and outcome == "relapsed" and rng.random() < 0.6
            follow_ups.add(
                plan,
                months,
                due,
                done,
                "visit" if done else "",
                outcome if done else "",
                "",
                {},
                positive,
                "",
                False,
                "",
                _local(done, 16, zone) if done else None,
                agency_of[upt],
                None,
            )
    counts["aftercare plans"], counts["follow-ups"] = plans.finish(), follow_ups.finish()


def _audit_trail(alias, rng, staff_of, spells, scale, counts) -> None:
    """About a million views of people's records by the staff of their UPT over two years."""
    events = Writer(
        alias,
        "audit_auditevent",
        [
            "at",
            "actor_id",
            "username",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "person_id",
            "ip_address",
            "user_agent",
            "details",
        ],
    )
    recent = [row for row in spells if row[4] is None or row[4] >= dt.date(2025, 1, 1)]
    for _ in range(round(1_000_000 * scale)):
        _admission, person, upt, _admitted, _released, _offence = rng.choice(recent)
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, (TODAY - dt.date(2025, 1, 1)).days - 1))
        actor = staff_of[upt]
        events.add(
            moment(day, rng),
            actor,
            f"staff.{upt}",
            "view",
            "inmates.person",
            person,
            f"#{person}",
            person,
            "10.0.0.1",
            "bench",
            {},
        )
    counts["audit events"] = events.finish()
