"""Demo returns to custody: some people released come back (a new admission at the UPT that released them),
so the recidivism dashboard has something to measure. Drawn with a fixed seed; made once."""

from __future__ import annotations

import datetime as dt
import random

from inmates.models import Admission, Movement

RETURN_SHARE = 0.35


def load(*, today: dt.date, staff_by_institution: dict) -> int:
    if Admission.objects.filter(register_number__startswith="KEMBALI").exists():
        return 0
    rng = random.Random(2027)
    made = 0
    released = (
        Admission.objects.filter(released_on__isnull=False).exclude(release_type="death").order_by("pk")
    )
    for admission in released:
        if (
            rng.random() > RETURN_SHARE
            or admission.person.admissions.filter(released_on__isnull=True).exists()
        ):
            continue
        days_out = (today - admission.released_on).days
        if days_out < 30:
            continue
        back_on = admission.released_on + dt.timedelta(days=rng.randint(20, days_out))
        clerk = staff_by_institution.get(admission.institution_id)
        again = Admission.objects.create(
            person=admission.person,
            institution=admission.institution,
            register_number=f"KEMBALI {admission.pk:04d}/{back_on.year}",
            register_category="A.II",
            admitted_on=back_on,
            offence=admission.offence,
            created_by=clerk,
        )
        Movement.objects.create(
            admission=again,
            kind=Movement.Kind.ADMISSION,
            on=back_on,
            to_institution=admission.institution,
            recorded_by=clerk,
        )
        made += 1
    return made
