"""The WBP list's search, shared by every list that finds people by name, register number or NIK."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

from inmates.models import Admission, Person

# Words this long or longer are also matched with small spelling differences (PostgreSQL): shorter ones
# share too few trigrams with anything to tell a misspelling from another name.
TOLERANT_FROM = 5
# No name field holds a longer word, and no register number is longer: such a query finds nobody, and is not
# sent to the database, which compares a word with every name in reach (a word of 5,000 characters took 12 s
# for a region's officer on the demo's data).
LONGEST_NAME = max(Person._meta.get_field(name).max_length for name in ("full_name", "other_names"))
LONGEST_REGISTER_NUMBER = Admission._meta.get_field("register_number").max_length
NOBODY = Q(pk__in=[])


def search_q(query: str) -> Q:
    """A query with a digit is a register number (any part of it) or a NIK (whole, spaces allowed); any other
    is a name: every word in the name or other names, in any order ("Hasibuan Budi" finds "Budi Hasibuan"),
    on PostgreSQL also spelt a little differently ("Zaenal" finds "Zainal").
    Names only, so that on PostgreSQL they are found through the trigram indexes on names (migration inmates
    0006) before any custody spell is read. A word longer than any name, or a number longer than any register
    number, finds nobody."""
    digits = query.replace(" ", "")
    if digits.isdigit() and len(digits) == 16:
        return Q(person__nik=digits)
    if any(character.isdigit() for character in query):
        return Q(register_number__icontains=query) if len(query) <= LONGEST_REGISTER_NUMBER else NOBODY
    condition = Q()
    tolerant = connection.vendor == "postgresql"
    for word in query.split()[:8]:  # a pasted paragraph is not a name
        if len(word) > LONGEST_NAME:
            return NOBODY
        match = Q(person__full_name__icontains=word) | Q(person__other_names__icontains=word)
        if tolerant and len(word) >= TOLERANT_FROM:  # "Zaenal" finds "Zainal" (inmates.lookups)
            match |= Q(person__full_name__upper__word_similar=word.upper()) | Q(
                person__other_names__upper__word_similar=word.upper()
            )
        condition &= match
    return condition
