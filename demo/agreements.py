"""Demo agreements: the four the seed articles report (shared/seeds/), plus Sumatera Selatan examples that
show every status. Numbers are invented in the usual Kanwil style; dates the articles give are kept.

Where an article gives no date (Amuntai, Kupang), the dates are chosen so the demo shows what users meet
every day: Amuntai's MoU ends within 90 days of the day the demo is loaded, so the dashboards and reminders
have something to show.
"""

from __future__ import annotations

import datetime as dt

from agreements.models import Agreement, AgreementEvent, AgreementScope, Signatory

S = Agreement.Scope


def _years_later(day: dt.date, years: int) -> dt.date:
    """The last day of a term of `years` years that starts on `day`."""
    return day.replace(year=day.year + years) - dt.timedelta(days=1)


def agreements(today: dt.date) -> list[dict]:
    amuntai_until = today + dt.timedelta(days=60)
    amuntai_from = amuntai_until - dt.timedelta(days=3 * 365 - 1)
    return [
        {
            "number": "W.17.PAS.PAS.11-UM.01.01-0312/2025",
            "title": "Nota Kesepahaman tentang Kerja Sama Rehabilitasi bagi Warga Binaan Pemasyarakatan "
            "Penyalahguna Narkotika di Rutan Kelas IIB Barabai",
            "kind": Agreement.Kind.MOU,
            "institutions": ["rutan-barabai"],
            "agencies": ["bnnk-balangan"],
            # Seed 001: signed on Tuesday 25 March 2025 at the office of BNNK Balangan.
            "signed_on": dt.date(2025, 3, 25),
            "signed_place": "Kantor BNNK Balangan, Paringin",
            "valid_from": dt.date(2025, 3, 25),
            "valid_until": _years_later(dt.date(2025, 3, 25), 3),
            "scopes": [S.SCREENING_ASSESSMENT, S.SOCIAL_REHABILITATION, S.COUNSELLING, S.EDUCATION],
            "signatories": [
                ("I Komang Suparta", "Kepala Rutan Kelas IIB Barabai", "Rutan Kelas IIB Barabai"),
                ("Muhammad Faisal Sidiq", "Kepala BNNK Balangan", "BNNK Balangan"),
            ],
        },
        {
            "number": "W.15.PAS.PAS.7-HM.04.03-0222/2025",
            "title": "Perjanjian Kerja Sama Pembinaan dan Rehabilitasi Sosial bagi Warga Binaan Kasus "
            "Penyalahgunaan Narkotika di Lapas Kelas IIA Banyuwangi",
            "kind": Agreement.Kind.PKS,
            "institutions": ["lapas-banyuwangi"],
            "agencies": ["lrppn-bi-banyuwangi"],
            # Seed 003: signed on Saturday 22 February 2025.
            "signed_on": dt.date(2025, 2, 22),
            "signed_place": "Lapas Kelas IIA Banyuwangi",
            "valid_from": dt.date(2025, 2, 22),
            "valid_until": _years_later(dt.date(2025, 2, 22), 2),
            "scopes": [
                S.SCREENING_ASSESSMENT,
                S.SOCIAL_REHABILITATION,
                S.COUNSELLING,
                S.SKILLS_TRAINING,
                S.AFTERCARE,
            ],
            "signatories": [
                ("Mochamad Mukaffi", "Kepala Lapas Kelas IIA Banyuwangi", "Lapas Kelas IIA Banyuwangi"),
                ("Mohammad Hiksan", "Ketua DPD LRPPN-BI Banyuwangi", "IPWL LRPPN-BI Banyuwangi"),
            ],
        },
        {
            # No year in the number: the dates follow the load date, and a reload must find this one again.
            "number": "W.17.PAS.PAS.5-UM.01.01-0115",
            "title": "Nota Kesepahaman tentang Kerja Sama Rehabilitasi NAPZA bagi Warga Binaan "
            "Lapas Kelas IIB Amuntai",
            "kind": Agreement.Kind.MOU,
            "institutions": ["lapas-amuntai"],
            "agencies": ["bnnk-hsu"],
            # Seed 000: signed in Amuntai on a Monday; the article gives no date.
            "signed_on": amuntai_from,
            "signed_place": "Amuntai, Kabupaten Hulu Sungai Utara",
            "valid_from": amuntai_from,
            "valid_until": amuntai_until,
            "scopes": [
                S.SCREENING_ASSESSMENT,
                S.MEDICAL_REHABILITATION,
                S.SOCIAL_REHABILITATION,
                S.COUNSELLING,
            ],
            "signatories": [
                ("Yosef Leonard Sihombing", "Kepala Lapas Kelas IIB Amuntai", "Lapas Kelas IIB Amuntai"),
                ("Agus Rahmadi", "Kepala BNNK Hulu Sungai Utara", "BNNK Hulu Sungai Utara"),
            ],
        },
        {
            "number": "W.20.PAS.PAS.3-UM.01.01-0087/2025",
            "title": "Nota Kesepahaman tentang Program Rehabilitasi Pemasyarakatan bagi Warga Binaan "
            "Lapas Perempuan Kelas IIB Kupang",
            "kind": Agreement.Kind.MOU,
            "institutions": ["lpp-kupang"],
            "agencies": ["bnnp-ntt"],
            # Seed 002: assessment first, then medical and social rehabilitation; BNN provides counsellors.
            "signed_on": dt.date(2025, 5, 12),
            "signed_place": "Kupang",
            "valid_from": dt.date(2025, 5, 12),
            "valid_until": None,
            "scopes": [
                S.SCREENING_ASSESSMENT,
                S.MEDICAL_REHABILITATION,
                S.SOCIAL_REHABILITATION,
                S.COUNSELLING,
                S.EDUCATION,
            ],
            "signatories": [
                (
                    "Dewi Andriani",
                    "Kepala Lapas Perempuan Kelas IIB Kupang",
                    "Lapas Perempuan Kelas IIB Kupang",
                ),
                ("Dominikus Tupen Sabon", "Plt. Kepala BNNP Nusa Tenggara Timur", "BNNP Nusa Tenggara Timur"),
            ],
        },
        {
            "number": "W.6.PAS.PAS-UM.01.01-0044/2024",
            "title": "Nota Kesepahaman tentang Rehabilitasi Medis dan Sosial bagi Narapidana Narkotika "
            "di Lapas dan Rutan Wilayah Sumatera Selatan",
            "kind": Agreement.Kind.MOU,
            "institutions": ["lapas-palembang", "lapas-narkotika-palembang", "rutan-palembang"],
            "agencies": ["bnnp-sumsel"],
            # Seed 004: the Kanwil planned to extend rehabilitation to more UPT from 2024.
            "signed_on": dt.date(2024, 1, 18),
            "signed_place": "Kanwil Kemenkumham Sumatera Selatan, Palembang",
            "valid_from": dt.date(2024, 2, 1),
            "valid_until": dt.date(2028, 12, 31),
            "scopes": [
                S.SCREENING_ASSESSMENT,
                S.MEDICAL_REHABILITATION,
                S.SOCIAL_REHABILITATION,
                S.COUNSELLING,
                S.AFTERCARE,
            ],
            "signatories": [],
        },
        {
            "number": "W.6.PAS.PAS.4-HM.04.03-0019/2022",
            "title": "Perjanjian Kerja Sama Layanan Kesehatan dan Rehabilitasi Medis "
            "di Rutan Kelas I Palembang",
            "kind": Agreement.Kind.PKS,
            "institutions": ["rutan-palembang"],
            "agencies": ["dinkes-sumsel"],
            "signed_on": dt.date(2022, 3, 1),
            "signed_place": "Palembang",
            "valid_from": dt.date(2022, 3, 1),
            "valid_until": dt.date(2024, 2, 29),
            "scopes": [S.MEDICAL_REHABILITATION],
            "signatories": [],
        },
        {
            "number": "W.6.PAS.PAS.8-HM.04.03-0031/2024",
            "title": "Perjanjian Kerja Sama Konseling dan Penyuluhan bagi Anak Binaan LPKA Kelas I Palembang",
            "kind": Agreement.Kind.PKS,
            "institutions": ["lpka-palembang"],
            "agencies": ["ikai-sumsel"],
            "signed_on": dt.date(2024, 7, 1),
            "signed_place": "Palembang",
            "valid_from": dt.date(2024, 7, 1),
            "valid_until": dt.date(2027, 6, 30),
            "scopes": [S.COUNSELLING, S.EDUCATION],
            "signatories": [],
            "terminated": (
                dt.date(2025, 9, 30),
                "Diakhiri atas kesepakatan para pihak; diganti program Dinas Sosial.",
            ),
        },
        {
            "number": "DRAFT/LPKA-DINSOS/2026",
            "title": "Rancangan Perjanjian Kerja Sama Rehabilitasi Sosial bagi Anak Binaan "
            "LPKA Kelas I Palembang",
            "kind": Agreement.Kind.PKS,
            "institutions": ["lpka-palembang"],
            "agencies": ["dinsos-sumsel"],
            "signed_on": None,
            "signed_place": "",
            "valid_from": today.replace(day=1) + dt.timedelta(days=45),
            "valid_until": None,
            "scopes": [S.SOCIAL_REHABILITATION, S.SKILLS_TRAINING, S.AFTERCARE],
            "signatories": [],
        },
    ]


def load(*, today: dt.date, institutions: dict, agencies: dict, by) -> int:
    """Create the demo agreements that do not exist yet (matched by number); return how many were new."""
    created = 0
    for spec in agreements(today):
        if Agreement.objects.filter(number=spec["number"]).exists():
            continue
        terminated = spec.get("terminated")
        agreement = Agreement.objects.create(
            number=spec["number"],
            title=spec["title"],
            kind=spec["kind"],
            signed_on=spec["signed_on"],
            signed_place=spec["signed_place"],
            valid_from=spec["valid_from"],
            valid_until=spec["valid_until"],
            terminated_on=terminated[0] if terminated else None,
            termination_reason=terminated[1] if terminated else "",
            created_by=by,
        )
        agreement.institutions.set(institutions[code] for code in spec["institutions"])
        agreement.agencies.set(agencies[code] for code in spec["agencies"])
        AgreementScope.objects.bulk_create(
            AgreementScope(agreement=agreement, scope=s) for s in spec["scopes"]
        )
        Signatory.objects.bulk_create(
            Signatory(agreement=agreement, name=name, position=position, party=party)
            for name, position, party in spec["signatories"]
        )
        AgreementEvent.objects.create(agreement=agreement, kind=AgreementEvent.Kind.REGISTERED, by=by)
        if terminated:
            AgreementEvent.objects.create(
                agreement=agreement, kind=AgreementEvent.Kind.TERMINATED, by=by, note=terminated[1]
            )
        created += 1
    return created
