"""What an SDP export of one UPT would change here: the preview, computed before anything is written.

Each valid row is matched against the people already known, strongest rule first (the rules registration
uses): the same NIK; else the same register number at the same UPT; else the same name and date of birth. A
row that matches several people, or only a similar name, goes to review: an import never merges people or
guesses. The file is a snapshot of the UPT's custody, so people held here whom the file does not list have
"left according to SDP", for staff to confirm as a release or a transfer. A region's or the country's file is
the snapshot of every UPT it names.

Rows are matched in chunks with one query per rule and chunk, so a 300,000-row national file costs a few
hundred queries, not a million.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import islice

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from exchange.sdp.places import Area
from exchange.sdp.rows import SdpRow
from inmates import ages
from inmates.matching import CLOSE_NAME, normalised
from inmates.models import Admission, Person
from inmates.services import REGISTER_FIELDS
from institutions.models import Institution

CHUNK = 1_000
LEFT_BATCH = 5_000


@dataclass
class Change:
    field: str
    before: object
    after: object

    @property
    def label(self) -> str:
        return str(Admission._meta.get_field(self.field).verbose_name)


@dataclass
class Planned:
    row: SdpRow
    person: Person | None = None
    admission: Admission | None = None  # the open spell it matches, if any
    changes: list[Change] = field(default_factory=list)
    candidates: list[Person] = field(default_factory=list)  # for review
    held_at: Institution | None = None  # for a transfer: where this system holds them now
    refusal: str = ""  # why it cannot be applied (refused rows)


KINDS = ("new_people", "returns", "changed", "unchanged", "transfers_in", "review")
SAMPLE = 50  # rows of each kind a plan keeps to show; the rest are only counted (memory stays flat)


@dataclass
class Plan:
    """The counts of each kind of row and a sample of each (the preview shows them); whoever needs every row
    (the apply) takes them chunk by chunk as the plan is made (plan_import's `each_chunk`)."""

    area: Area
    new_people: list[Planned] = field(default_factory=list)
    returns: list[Planned] = field(default_factory=list)  # known people, not in custody: a new admission
    changed: list[Planned] = field(default_factory=list)
    unchanged: list[Planned] = field(default_factory=list)
    transfers_in: list[Planned] = field(default_factory=list)  # held at another UPT here
    review: list[Planned] = field(default_factory=list)
    # Rows the file cannot apply as they are (a register number someone else here holds): given back with
    # the rows the reader rejected (exchange.services.import_preview), not counted among the kinds.
    refused: list[Planned] = field(default_factory=list)
    left: list[Admission] = field(default_factory=list)  # a sample of those in custody here, not in the file
    left_ids: list[int] = field(default_factory=list)  # all of them
    places: set[int] = field(default_factory=set)  # the UPTs the file is the list of
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def counts(self) -> dict[str, int]:
        return {**self.totals, "left": len(self.left_ids)}

    def take(self, part: Plan, *, keep: int) -> None:
        for kind in KINDS:
            rows = getattr(part, kind)
            self.totals[kind] += len(rows)
            sample = getattr(self, kind)
            sample.extend(rows[: max(0, keep - len(sample))])
        self.refused.extend(part.refused[: max(0, keep - len(self.refused))])


def _chunks(rows: Iterable[SdpRow]):
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _open_admissions():
    return Prefetch(
        "admissions",
        queryset=Admission.objects.filter(released_on__isnull=True).select_related("institution"),
        to_attr="open_admissions",
    )


def _match_chunk(chunk: list[SdpRow]) -> dict[int, list[tuple[Person, bool]]]:
    """{row line: [(person, strong)]} for every row of the chunk that matches anyone."""
    people = Person.objects.filter(merged_into__isnull=True).prefetch_related(_open_admissions())
    by_nik = {p.nik: p for p in people.filter(nik__in=[row.nik for row in chunk if row.nik])}
    by_register = defaultdict(set)
    registers = {row.register_number for row in chunk}
    places = {row.institution_id for row in chunk}
    for admission in Admission.objects.filter(institution_id__in=places, register_number__in=registers).only(
        "person_id", "register_number", "institution_id"
    ):
        by_register[admission.institution_id, admission.register_number.casefold()].add(admission.person_id)

    found_by_line: dict[int, list[tuple[int, bool]]] = {}
    unmatched = []
    for row in chunk:
        if row.nik and row.nik in by_nik:
            continue
        register_key = (row.institution_id, row.register_number.casefold())
        if pks := by_register.get(register_key):
            found_by_line[row.line] = [(pk, True) for pk in pks]
        else:
            unmatched.append(row)
    for line, found in _by_name_and_birth(unmatched).items():
        found_by_line[line] = found
    loaded = {
        p.pk: p for p in people.filter(pk__in={pk for found in found_by_line.values() for pk, _ in found})
    }

    matches: dict[int, list[tuple[Person, bool]]] = {}
    for row in chunk:
        if row.nik and row.nik in by_nik:
            matches[row.line] = [(by_nik[row.nik], True)]
        elif found := [
            (loaded[pk], strong) for pk, strong in found_by_line.get(row.line, ()) if pk in loaded
        ]:
            if (row.institution_id, row.register_number.casefold()) in by_register:
                # Same register number here but a different NIK: a typo on one side, or a reused number.
                found = [(p, not (row.nik and p.nik and p.nik != row.nik)) for p, _strong in found]
            matches[row.line] = found
    return matches


def _by_name_and_birth(rows: list[SdpRow]) -> dict[int, list[tuple[int, bool]]]:
    """{row line: [(person pk, strong)]}: the same name and date of birth (strong), else a close name on that
    date (weak). A person with a NIK matches by name only a row without one (two NIKs that differ are two
    people). Read as plain tuples: on a national table one date of birth is shared by dozens of people."""
    open_dates = {row.birth_date for row in rows if row.birth_date and not row.nik}
    nik_dates = {row.birth_date for row in rows if row.birth_date and row.nik} - open_dates
    if not open_dates and not nik_dates:
        return {}
    same_day = defaultdict(list)
    for pk, name, nik, born in (
        Person.objects.filter(merged_into__isnull=True)
        .filter(Q(birth_date__in=open_dates) | Q(birth_date__in=nik_dates, nik__isnull=True))
        .values_list("pk", "full_name", "nik", "birth_date")
    ):
        same_day[born].append((pk, normalised(name), nik))
    found: dict[int, list[tuple[int, bool]]] = {}
    for row in rows:
        candidates = [
            (pk, name) for pk, name, nik in same_day.get(row.birth_date, ()) if not (row.nik and nik)
        ]
        if not candidates:
            continue
        name = normalised(row.full_name)
        if exact := [pk for pk, other in candidates if other == name]:
            found[row.line] = [(pk, True) for pk in exact]
        elif close := [pk for pk, other in candidates if _close(name, other)]:
            found[row.line] = [(pk, False) for pk in close]
    return found


def _close(name: str, other: str) -> bool:
    matcher = SequenceMatcher(None, name, other)
    # The quick ratios are upper bounds of the ratio: most names are ruled out without computing it.
    return (
        matcher.real_quick_ratio() >= CLOSE_NAME
        and matcher.quick_ratio() >= CLOSE_NAME
        and (matcher.ratio() >= CLOSE_NAME)
    )


def _changes(admission: Admission, row: SdpRow) -> list[Change]:
    return [
        Change(name, getattr(admission, name), getattr(row, name))
        for name in REGISTER_FIELDS
        if getattr(row, name) is not None and getattr(admission, name) != getattr(row, name)
    ]


def plan_import(
    rows: Iterable[SdpRow],
    *,
    area: Area,
    today: dt.date,
    each_chunk: Callable[[Plan], None] | None = None,
    keep: int = SAMPLE,
) -> Plan:
    """Plan the rows (each with its UPT resolved) chunk by chunk. `each_chunk` receives every chunk's whole
    plan as soon as it is made (the apply writes it before the next chunk is matched); the returned plan keeps
    counts and samples only."""
    plan = Plan(area=area)
    # Who is in custody in the area before the file is read: those the file does not list have left (the
    # people an apply admits meanwhile come after this mark).
    last_before = Admission.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    seen: set[int] = set()
    places: set[int] = {area.institution.pk} if area.is_single_upt else set()
    for chunk in _chunks(rows):
        places.update(row.institution_id for row in chunk)
        part = _plan_chunk(chunk, area, seen)
        if each_chunk is not None:
            each_chunk(part)
        plan.take(part, keep=keep)
    plan.places = places
    plan.left_ids = _left(seen, places, last_before)
    plan.left = list(
        Admission.objects.filter(pk__in=plan.left_ids[:keep])
        .select_related("person", "institution")
        .order_by("person__full_name", "pk")
    )
    return plan


def _left(seen: set[int], places: set[int], last_before: int) -> list[int]:
    """The spells open at a UPT the file covers, from before it was read, that it does not list (a region's
    file with no row of a UPT says nothing about that UPT). Streamed: only `seen` is held in memory."""
    still_open = (
        Admission.objects.filter(institution_id__in=places, released_on__isnull=True, pk__lte=last_before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in still_open.iterator(chunk_size=LEFT_BATCH) if pk not in seen]


@dataclass(frozen=True)
class Holder:
    spell: int
    name: str


def _register_holders(chunk: list[SdpRow]) -> dict[tuple[int, str], Holder]:
    """{(UPT, register number in capitals): its holder} for the open custody spells at the chunk's UPTs with
    the chunk's numbers, compared as the unique constraint on open spells compares them; one query."""
    spells = Admission.objects.open().filter(
        institution_id__in={row.institution_id for row in chunk},
        register_number__upper__in={row.register_number.upper() for row in chunk},
    )
    return {
        (place, number.upper()): Holder(pk, name)
        for pk, place, number, name in spells.values_list(
            "pk", "institution_id", "register_number", "person__full_name"
        )
    }


def _refusal(row: SdpRow, holders: dict[tuple[int, str], Holder], *, spell: int | None = None) -> str:
    """Why the row's register number cannot be its custody spell's here: someone else in custody at the UPT
    holds it (`spell`, the row's own open spell, aside). Empty when it can."""
    holder = holders.get((row.institution_id, row.register_number.upper()))
    if holder is None or holder.spell == spell:
        return ""
    return _(
        "Register number %(number)s is already used here by %(name)s, in custody. If this row is the same "
        "person, correct the NIK (in the file or on their record); if not, correct the register number."
    ) % {"number": row.register_number, "name": holder.name}


def _children_at_adult_upts(chunk: list[SdpRow]) -> dict[int, int]:
    """{row line: age} of the rows of people under 18 at admission to a UPT that is not an LPKA: registered
    by hand, where the form asks for the reason (inmates.ages). A query only when there are children."""
    children = {
        row.line: row
        for row in chunk
        if row.birth_date and ages.age_on(row.birth_date, row.admitted_on) < ages.ADULT_AGE
    }
    if not children:
        return {}
    for_children = set(
        Institution.objects.filter(
            pk__in={row.institution_id for row in children.values()}, kind=Institution.Kind.LPKA
        ).values_list("pk", flat=True)
    )
    return {
        line: ages.age_on(row.birth_date, row.admitted_on)
        for line, row in children.items()
        if row.institution_id not in for_children
    }


def _plan_chunk(chunk: list[SdpRow], area: Area, seen: set[int]) -> Plan:
    part = Plan(area=area)
    matches = _match_chunk(chunk)
    holders = _register_holders(chunk)
    children = _children_at_adult_upts(chunk)
    for row in chunk:
        found = matches.get(row.line, [])
        person = found[0][0] if len(found) == 1 and found[0][1] else None
        open_spell = person.open_admissions[0] if person and person.open_admissions else None
        if open_spell is not None and open_spell.institution_id != row.institution_id:
            part.transfers_in.append(
                Planned(row, person=person, admission=open_spell, held_at=open_spell.institution)
            )
        elif refusal := _refusal(row, holders, spell=open_spell.pk if open_spell else None):
            # A new spell here, or a changed number, would take a number someone else here holds.
            part.refused.append(Planned(row, refusal=refusal))
        elif open_spell is None and row.line in children:
            refusal = _(
                "Aged %(age)s at admission, at a UPT for adults: children are held in an LPKA. If they must "
                "be held here, register them by hand, with the reason."
            ) % {"age": children[row.line]}
            part.refused.append(Planned(row, refusal=refusal))
        elif not found:
            part.new_people.append(Planned(row))
        elif person is None:  # several people, or only a similar name
            part.review.append(Planned(row, candidates=[candidate for candidate, _strong in found]))
        elif open_spell is None:
            part.returns.append(Planned(row, person=person))
        else:
            seen.add(open_spell.pk)
            changes = _changes(open_spell, row)
            target = part.changed if changes else part.unchanged
            target.append(Planned(row, person=person, admission=open_spell, changes=changes))
    return part
