"""Demo registrations on existing records: two people released from Rutan Barabai are registered at Lapas
Amuntai on their old records, one of them undone an hour later, so the head of Rutan Barabai and the
data-protection officers have a review list to work on (one link flagged). Made once."""

from __future__ import annotations

import datetime as dt

from inmates import services
from inmates.models import Admission, RegistrationLink

REASONS = [
    "NIK sama dengan data SDP; wajah cocok dengan foto register lama.",
    "Nama dan tanggal lahir sama; dikonfirmasi keluarga saat kunjungan.",
]


def load(*, today: dt.date, staff_by_institution: dict, institutions: dict) -> int:
    if RegistrationLink.objects.exists():
        return 0
    barabai, amuntai = institutions["rutan-barabai"], institutions["lapas-amuntai"]
    clerk = staff_by_institution[amuntai.pk]
    released = (
        Admission.objects.filter(institution=barabai, released_on__lt=today)
        .exclude(release_type=Admission.ReleaseType.DEATH)
        .exclude(person__admissions__released_on__isnull=True)
        .order_by("pk")[: len(REASONS)]
    )
    links = []
    for n, (admission, reason) in enumerate(zip(released, REASONS, strict=False)):
        new = services.admission_link(
            by=clerk,
            person=admission.person,
            admission=Admission(
                institution=amuntai,
                admitted_on=max(admission.released_on + dt.timedelta(days=1), today - dt.timedelta(days=3)),
                register_number=f"A.II {900 + n}/{today.year}",
                register_category=Admission.RegisterCategory.A_II,
                offence=admission.offence,
            ),
            reason=reason,
            match_reason="NIK sama" if n == 0 else "nama dan tanggal lahir sama",
        )
        links.append(new.registration_links.get())
    if len(links) > 1:  # taken back straight away: the pattern the reviewers are asked to look at
        services.registration_link_undo(
            by=clerk, link=links[1], reason="Ternyata orang lain dengan nama sama."
        )
    return len(links)
