"""Fictitious WBP with Indonesian names, generated the same way every time (a seeded generator)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

MALE_NAMES = [
    "Ahmad",
    "Budi",
    "Dedi",
    "Eko",
    "Fajar",
    "Hendra",
    "Irfan",
    "Joko",
    "Rudi",
    "Slamet",
    "Agus",
    "Bambang",
    "Dimas",
    "Rizky",
    "Wahyu",
    "Yusuf",
    "Hadi",
    "Iwan",
    "Teguh",
    "Arif",
    "Fauzan",
    "Gilang",
    "Hasan",
    "Ilham",
    "Muhammad",
    "Nur",
    "Rahmat",
    "Syahrul",
    "Taufik",
    "Zainal",
    "Yohanes",
    "Petrus",
    "Samuel",
    "Made",
]
FEMALE_NAMES = [
    "Siti",
    "Dewi",
    "Sri",
    "Rina",
    "Yuni",
    "Ani",
    "Fitri",
    "Nur",
    "Lestari",
    "Wulan",
    "Maria",
    "Yohana",
    "Agustina",
    "Ratna",
    "Indah",
    "Putri",
    "Novi",
    "Desi",
    "Maya",
    "Kartika",
]
FAMILY_NAMES = [
    "Saputra",
    "Pratama",
    "Hidayat",
    "Santoso",
    "Wijaya",
    "Setiawan",
    "Kurniawan",
    "Nugroho",
    "Rahman",
    "Hakim",
    "Syahputra",
    "Gunawan",
    "Firmansyah",
    "Susanto",
    "Halim",
    "Lubis",
    "Siregar",
    "Ndun",
    "Bria",
    "Laka",
    "Manafe",
    "Rahmadani",
    "Anwar",
    "Maulana",
    "Ramadhan",
    "Hasibuan",
    "Utomo",
    "Yulianti",
]
BIRTH_PLACES = {
    "6308": ["Amuntai", "Banjarmasin", "Barabai"],
    "6307": ["Barabai", "Kandangan", "Amuntai"],
    "5371": ["Kupang", "Soe", "Atambua"],
    "3510": ["Banyuwangi", "Jember", "Situbondo"],
    "1671": ["Palembang", "Prabumulih", "Lahat"],
}


@dataclass(frozen=True)
class DemoPerson:
    full_name: str
    sex: str
    birth_date: dt.date
    birth_place: str
    nik: str | None
    offence: str
    register_category: str
    admitted_days_ago: int
    sentence_months: int | None
    released_days_ago: int | None
    release_type: str
    transferred_from: str | None


def _nik(area: str, birth_date: dt.date, female: bool, serial: int) -> str:
    # NIK layout: province+regency (4), district (2), birth DDMMYY (women: day + 40), serial (4).
    day = birth_date.day + (40 if female else 0)
    return f"{area}{serial % 30 + 1:02d}{day:02d}{birth_date:%m%y}{serial:04d}"


def generate(
    institution_code: str,
    count: int,
    area: str,
    *,
    female_only: bool,
    juvenile: bool,
    transfer_from: str | None,
    seed: int,
) -> list[DemoPerson]:
    rng = random.Random(f"{institution_code}:{seed}")
    people = []
    for index in range(count):
        female = female_only or rng.random() < 0.08
        given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        full_name = f"{given} {rng.choice(FAMILY_NAMES)}"
        if rng.random() < 0.3:
            middle = rng.choice([name for name in (FEMALE_NAMES if female else MALE_NAMES) if name != given])
            full_name = f"{given} {middle} {rng.choice(FAMILY_NAMES)}"
        # Adults old enough to have been adults at an admission up to three years back (inmates.ages).
        age_years = rng.randint(14, 17) if juvenile else rng.randint(22, 58)
        birth_date = dt.date(2025 - age_years, rng.randint(1, 12), rng.randint(1, 28))
        roll = rng.random()
        offence = "narcotics_user" if roll < 0.3 else "narcotics_other" if roll < 0.55 else "non_narcotics"
        remand = rng.random() < 0.2
        category = rng.choice(["A.II", "A.III"]) if remand else rng.choice(["B.I", "B.I", "B.I", "B.IIa"])
        sentence = None if remand else rng.choice([8, 12, 18, 24, 36, 48, 60, 72])
        admitted_days_ago = rng.randint(20, 1100)
        released_days_ago = None
        release_type = ""
        if rng.random() < 0.15 and admitted_days_ago > 200:
            released_days_ago = rng.randint(5, admitted_days_ago - 150)
            release_type = rng.choice(
                ["sentence_expiry", "parole", "parole", "conditional_leave", "assimilation"]
            )
        people.append(
            DemoPerson(
                full_name=full_name,
                sex="female" if female else "male",
                birth_date=birth_date,
                birth_place=rng.choice(BIRTH_PLACES[area]),
                nik=None if rng.random() < 0.1 else _nik(area, birth_date, female, 100 * seed + index),
                offence=offence,
                register_category=category,
                admitted_days_ago=admitted_days_ago,
                sentence_months=sentence,
                released_days_ago=released_days_ago,
                release_type=release_type,
                transferred_from=transfer_from if transfer_from and rng.random() < 0.25 else None,
            )
        )
    return people
