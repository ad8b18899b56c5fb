"""Finding the same person registered again: by NIK; or by name and date of birth; or by a close name with the
same date and place of birth. The match is offered to the user, never applied silently."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inmates.models import DistinctPeople, Person

CLOSE_NAME = 0.8  # SequenceMatcher ratio on normalised names ("Moh. Rizky" ~ "Mohamad Rizki")


def normalised(name: str) -> str:
    return " ".join(name.casefold().replace(".", " ").split())


@dataclass(frozen=True)
class Match:
    person: Person
    reason: str  # lazy: shown in the language of whoever reads it


def find_matches(
    *,
    full_name: str,
    nik: str | None,
    birth_date: dt.date | None,
    birth_place: str = "",
    exclude_pk: int | None = None,
) -> list[Match]:
    """Possible earlier registrations of the same person, strongest reason first. With `exclude_pk` (a record
    looking for its duplicates), the people recorded as someone else than it are left out."""
    condition = Q(nik=nik) if nik else Q(pk__in=[])
    if birth_date:
        condition |= Q(birth_date=birth_date)
    told_apart = DistinctPeople.objects.others_than(exclude_pk) if exclude_pk else set()
    candidates = (
        Person.objects.filter(condition, merged_into__isnull=True)
        .exclude(pk=exclude_pk)
        .exclude(pk__in=told_apart)
        .prefetch_related("admissions__institution")
    )  # NIK is unique and people share a birth date with few others: no cap needed before the checks
    name = normalised(full_name)
    matches = []
    for person in candidates:
        other = normalised(person.full_name)
        if nik and person.nik == nik:
            matches.append(Match(person, _("same NIK")))
        elif birth_date and person.birth_date == birth_date and other == name:
            matches.append(Match(person, _("same name and date of birth")))
        elif (
            birth_date
            and person.birth_date == birth_date
            and birth_place
            and normalised(person.birth_place) == normalised(birth_place)
            and SequenceMatcher(None, name, other).ratio() >= CLOSE_NAME
        ):
            matches.append(Match(person, _("similar name, same date and place of birth")))
    return matches
