"""Demo registrations on existing records: two people released elsewhere (Rutan Barabai first) are registered
at Lapas Amuntai on their old records, one of them taken back at once, so the head of Rutan Barabai and the
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
    # People released and not back yet, outside after-care (the demo's after-care work stays as it is):
    # from Rutan Barabai first, so its head has links to review, then from anywhere else.
    candidates = (
        Admission.objects.filter(released_on__lt=today)
        .exclude(institution=amuntai)
        .exclude(release_type=Admission.ReleaseType.DEATH)
        .exclude(person__admissions__released_on__isnull=True)
        .exclude(person__aftercare_plans__isnull=False)
    )
    released = [
        *candidates.filter(institution=barabai).order_by("pk"),
        *candidates.exclude(institution=barabai).order_by("pk"),
    ][: len(REASONS)]
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
