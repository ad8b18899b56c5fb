"""The phases of a programme (issue 20: the stages of the Therapeutic Community) and participants' moves
between them: the writes (each one transaction, checking who may do it and leaving an audit event, as
rehab.services does) and the reads (a participant's phase on a day, the count per stage for the monthly
report).

A participant's phase on a day is their latest move dated on or before it (ties: the later recorded), as
recorded by a given moment: moves are rows that are never changed (PhaseMove), so a past month is re-read as
it stood."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from institutions.models import Institution
from rehab.models import Enrolment, EnrolmentTransition, PhaseMove, Programme, ProgrammePhase
from rehab.services import may_run

NONE = "none"  # people_by_stage's key for active people not (yet) in any phase
STAGES = (*ProgrammePhase.Stage.values, NONE)
MAX_PHASES = 20  # a TC has three or four; the cap keeps renumbering (below) within its offset
_PARKED = 1000  # positions are moved out of the way first: the unique (programme, position) is not deferred


# --- Who may do what ------------------------------------------------------------------------------------


def may_define(user, programme: Programme) -> bool:
    """Define a programme's phases: whoever may change the programme (its UPT's staff)."""
    return user.scope.can_write_at(programme.institution_id)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_define(by, programme: Programme) -> None:
    _require(may_define(by, programme), _("Only staff of the institution can change its programmes."))


# --- Defining phases ------------------------------------------------------------------------------------


def _renumber(programme: Programme, order: list[int]) -> None:
    """Give the programme's phases positions 1, 2, … in `order` (their pks)."""
    ProgrammePhase.objects.filter(programme=programme).update(position=F("position") + _PARKED)
    for position, pk in enumerate(order, start=1):
        ProgrammePhase.objects.filter(pk=pk).update(position=position)


def _locked_phases(programme: Programme) -> list[ProgrammePhase]:
    """The programme's phases in order, locked: one change of the order at a time per programme."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    return list(ProgrammePhase.objects.filter(programme=programme).order_by("position"))


@transaction.atomic
def phase_create(
    *, by, programme: Programme, stage: str, name: str, planned_weeks: int | None = None
) -> ProgrammePhase:
    """Add a phase after the programme's last one."""
    _require_define(by, programme)
    phases = _locked_phases(programme)
    if len(phases) >= MAX_PHASES:
        raise ValidationError(_("A programme has at most %(count)s phases.") % {"count": MAX_PHASES})
    phase = ProgrammePhase(
        programme=programme,
        position=len(phases) + 1,
        stage=stage,
        name=name.strip(),
        planned_weeks=planned_weeks,
    )
    phase.full_clean()
    phase.save()
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=phase, details={"programme": programme.pk})
    return phase


@transaction.atomic
def phase_update(*, by, phase: ProgrammePhase, position: int | None = None) -> ProgrammePhase:
    """Save the name, stage and planned weeks `phase` (an edited copy) holds, and put it at `position` (1 is
    first) when given. The stage of a phase someone has been in stays: past months' counts per stage read
    it (a phase of another stage is added instead)."""
    # Locked, as phase_move locks the phase it moves someone into: a move cannot slip in between the check
    # below and the change.
    saved = ProgrammePhase.objects.select_for_update().select_related("programme").get(pk=phase.pk)
    _require_define(by, saved.programme)
    if phase.stage != saved.stage and saved.moves.exists():
        raise ValidationError(
            {
                "stage": _(
                    "Participants have been in this phase: its stage cannot change (the monthly counts "
                    "read it). Add a phase instead."
                )
            }
        )
    phase.programme_id, phase.position = saved.programme_id, saved.position
    phase.name = phase.name.strip()
    phase.full_clean()
    order = None
    if position is not None and position != saved.position:
        order = [p.pk for p in _locked_phases(saved.programme) if p.pk != phase.pk]
        if not 1 <= position <= len(order) + 1:
            raise ValidationError(
                {"position": _("Choose a position from 1 to %(count)s.") % {"count": len(order) + 1}}
            )
        order.insert(position - 1, phase.pk)
    fields = ("name", "stage", "planned_weeks")
    changed = [name for name in fields if getattr(phase, name) != getattr(saved, name)]
    phase.save(update_fields=fields)
    if order is not None:
        _renumber(saved.programme, order)
        phase.position = position
        changed.append("position")
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=phase, details={"changed": changed})
    return phase


@transaction.atomic
def phases_reorder(*, by, programme: Programme, order: list[int]) -> list[ProgrammePhase]:
    """Put the programme's phases in `order` (their pks, each exactly once)."""
    _require_define(by, programme)
    phases = _locked_phases(programme)
    if sorted(order) != sorted(phase.pk for phase in phases):
        raise ValidationError(_("Give each phase of the programme exactly once."))
    _renumber(programme, order)
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=programme, details={"phase_order": order})
    return list(ProgrammePhase.objects.filter(programme=programme).order_by("position"))


@transaction.atomic
def phase_delete(*, by, phase: ProgrammePhase) -> None:
    """Remove a phase nobody has been in; the phases after it move up one place."""
    programme = phase.programme
    _require_define(by, programme)
    phases = _locked_phases(programme)
    ProgrammePhase.objects.select_for_update().filter(pk=phase.pk).first()  # no move slips in (phase_move)
    if PhaseMove.objects.filter(phase=phase).exists():
        raise ValidationError(
            _("Participants have been in this phase: it stays in their history and cannot be removed.")
        )
    audit_record(action=AuditEvent.Action.DELETE, actor=by, obj=phase, details={"programme": programme.pk})
    ProgrammePhase.objects.filter(pk=phase.pk).delete()
    _renumber(programme, [p.pk for p in phases if p.pk != phase.pk])


# --- Moving participants --------------------------------------------------------------------------------


def _latest(day: dt.date, known_at: dt.datetime) -> QuerySet:
    """Each outer enrolment's phase move in force on `day` as recorded by `known_at`, latest first."""
    return (
        PhaseMove.objects.as_of(day, known_at)
        .filter(enrolment=OuterRef("pk"))
        .order_by(*PhaseMove.LATEST_FIRST)
    )


def phases_on(
    enrolments: Iterable[int], day: dt.date, known_at: dt.datetime | None = None
) -> dict[int, ProgrammePhase]:
    """The phase each of `enrolments` (pks) was in on `day`, as recorded by `known_at` (now): two queries,
    whatever their number. Enrolments in no phase are left out."""
    known_at = known_at or timezone.now()
    current = dict(
        Enrolment.objects.filter(pk__in=list(enrolments))
        .annotate(phase_id=Subquery(_latest(day, known_at).values("phase")[:1]))
        .filter(phase_id__isnull=False)
        .values_list("pk", "phase_id")
    )
    phases = ProgrammePhase.objects.in_bulk(set(current.values()))
    return {enrolment: phases[phase] for enrolment, phase in current.items()}


def _start(enrolment: Enrolment) -> dt.date:
    """The day the enrolment became active (the programme's first day for one made active without a step)."""
    started = (
        enrolment.transitions.filter(to_status=Enrolment.Status.ACTIVE)
        .order_by("-on", "-pk")
        .values_list("on", flat=True)
        .first()
    )
    return started or enrolment.programme.starts_on


@transaction.atomic
def phase_move(*, by, enrolment: Enrolment, phase: ProgrammePhase, on: dt.date | None = None) -> PhaseMove:
    """Record that an active participant entered `phase` on `on` (today in the institution's zone)."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("programme__institution__region", "person")
        .get(pk=enrolment.pk)
    )
    programme = enrolment.programme
    _require(
        may_run(by, programme), _("Only staff of the institution or the delivering counsellors can do this.")
    )
    today = timezone.localdate(timezone=programme.institution.time_zone_info)
    on = on or today
    if phase.programme_id != programme.pk:
        raise ValidationError({"phase": _("This phase belongs to another programme.")})
    # Locked against a change of its stage or its removal meanwhile (phase_update, phase_delete).
    phase = ProgrammePhase.objects.select_for_update().filter(pk=phase.pk).first()
    if phase is None:
        raise ValidationError({"phase": _("This phase has just been removed.")})
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(_("Only an active participant can move to a phase."))
    if on > today:
        raise ValidationError({"on": _("This date is in the future.")})
    if on < (start := _start(enrolment)):
        raise ValidationError(
            {"on": _("This date is before the participant started (%(day)s).") % {"day": date_format(start)}}
        )
    latest = enrolment.phase_moves.order_by(*PhaseMove.LATEST_FIRST).first()
    if latest is not None:
        if latest.phase_id == phase.pk:
            raise ValidationError({"phase": _("The participant is already in this phase.")})
        if on < latest.on:
            raise ValidationError(
                {
                    "on": _("This date is before the participant's present phase began (%(day)s).")
                    % {"day": date_format(latest.on)}
                }
            )
    move = PhaseMove.objects.create(enrolment=enrolment, phase=phase, on=on, by=by)
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=enrolment,
        person_id=enrolment.person_id,
        details={"phase": phase.pk, "from_phase": latest.phase_id if latest else None, "on": on.isoformat()},
    )
    return move


# --- Counting for the monthly report --------------------------------------------------------------------


def active_at(places, last: dt.date, known_at: dt.datetime) -> QuerySet:
    """Enrolments at `places` (UPTs or their pks) active on `last` as recorded by `known_at`: a step into
    "active", none out of the programme, each dated by `last` and recorded by `known_at`. The one definition:
    the monthly report counts its active participants with it too (reports.figures), so the counts per stage
    add up to its active people."""
    steps = EnrolmentTransition.objects.filter(enrolment=OuterRef("pk"), on__lte=last, at__lte=known_at)
    return (
        Enrolment.objects.filter(programme__institution__in=places)
        .filter(Exists(steps.filter(to_status=Enrolment.Status.ACTIVE)))
        .exclude(Exists(steps.exclude(to_status__in=Enrolment.OPEN)))
    )


def active_with_stage(places, last: dt.date, known_at: dt.datetime) -> list[tuple]:
    """The enrolments at `places` active on `last` (active_at), each as (UPT, kind, person, stage of its
    phase on `last` or None, the day it moved there, the move's pk): the monthly report counts its active
    participants and their stages from the same rows (reports.figures). Two queries, whatever the number:
    the active enrolments, and the latest move of each enrolment at `places` (a window over the moves),
    matched here; three look-ups per active enrolment, one per column, took a fifth of a second for the
    nation's 31,000."""
    active = active_at(places, last, known_at).values_list("pk", "programme__institution", "kind", "person")
    latest = (
        PhaseMove.objects.as_of(last, known_at)
        .filter(enrolment__programme__institution__in=places)
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("enrolment_id")],
                order_by=[
                    OrderBy(F(name.lstrip("-")), descending=name.startswith("-"))
                    for name in PhaseMove.LATEST_FIRST
                ],
            )
        )
        .filter(newest=1)
        .values_list("enrolment", "phase__stage", "on", "pk")
        .order_by()
    )
    moves = {enrolment: move for enrolment, *move in latest}
    return [
        (upt, kind, person, *moves.get(enrolment, (None, None, None)))
        for enrolment, upt, kind, person in active.order_by()
    ]


def stages_of(active: list[tuple], upts) -> dict[int, dict[str, int]]:
    """For each UPT of `upts` (pks): the PEOPLE of the rows `active` (active_with_stage) by the stage of
    their phase; those in no phase under NONE. Every stage of STAGES is a key (0 where nobody is in it).

    Each person counts once per UPT, like the report's active people: someone active in two programmes
    there counts under the stage of their latest move (by date, then as recorded), and under NONE only when
    neither has a phase."""
    chosen: dict[tuple[int, int], tuple] = {}
    for upt, _kind, person, stage, moved_on, move in active:
        key = (upt, person)
        # Sorts after any move: a phase (any) wins over none, the later move over the earlier.
        rank = (moved_on is not None, moved_on or dt.date.min, move or 0)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, stage or NONE)
    counts: dict[int, dict[str, int]] = {upt: dict.fromkeys(STAGES, 0) for upt in upts}
    for (upt, _person), (_rank, stage) in chosen.items():
        counts.setdefault(upt, dict.fromkeys(STAGES, 0))[stage] += 1
    return counts


def people_by_stage(places, last: dt.date, known_at: dt.datetime) -> dict[int, dict[str, int]]:
    """For each UPT of `places` (Institutions, a queryset of them, or their pks): the people active at
    `last` by the stage of their phase on `last` as recorded by `known_at` (stages_of). Three queries at most
    (one to list the UPTs given as a queryset)."""
    return stages_of(active_with_stage(places, last, known_at), _upt_ids(places))


def _upt_ids(places) -> list[int]:
    if isinstance(places, QuerySet):
        return list(places.values_list("pk", flat=True))
    return [place.pk if isinstance(place, Institution) else int(place) for place in places]


# --- The programme page ---------------------------------------------------------------------------------


def participants_per_phase(programme: Programme, phases_now: dict[int, ProgrammePhase], active: list[int]):
    """(phase, how many of the `active` enrolments are in it now) for each of the programme's phases in
    order, and how many are in none."""
    in_phase: dict[int, int] = defaultdict(int)
    for enrolment in active:
        if enrolment in phases_now:
            in_phase[phases_now[enrolment].pk] += 1
    phases = list(programme.phases.order_by("position"))
    return [(phase, in_phase[phase.pk]) for phase in phases], len(active) - sum(in_phase.values())
