"""Writes for programmes, enrolments, sessions, attendance and notes. Each is one transaction; each checks
who may do it and leaves an audit event where a person's record is touched."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from accounts.models import Membership, Role
from assessments.models import Recommendation
from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Admission, Person
from institutions.local_days import local_midnight
from rehab import coverage, history
from rehab.models import (
    DROP_OUT_REASONS,
    Attendance,
    AttendanceMark,
    Enrolment,
    EnrolmentTransition,
    Facilitation,
    LeaveReason,
    Note,
    Programme,
    Session,
    SessionChange,
    SessionSeries,
)
from rehab.recurrence import MAX_OCCURRENCES

# --- Who may do what ------------------------------------------------------------------------------------


def delivers(user, programme: Programme) -> bool:
    """A counsellor of the delivering agency, while its agreement covering the work is in force there."""
    return Programme.objects.delivered_by(user).filter(pk=programme.pk).exists()


def may_run(user, programme: Programme) -> bool:
    """Schedule sessions, take attendance, move enrolments: the UPT's staff or the delivering counsellors."""
    return user.scope.can_write_at(programme.institution_id) or delivers(user, programme)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- Programmes -----------------------------------------------------------------------------------------


def _agreement_problem(programme: Programme, *, setting_up: bool) -> str | None:
    """Why the programme cannot rest on its agreement, or None. Set up, the agreement must be in force on its
    first day; changed later, on some day of it (so a running programme can move onto the renewal)."""
    agreement = programme.agreement
    ends = agreement.ends_on
    if not agreement.institutions.filter(pk=programme.institution_id).exists():
        return _("The institution is not a party to this agreement.")
    if not agreement.agencies.filter(pk=programme.agency_id).exists():
        return _("The delivering agency is not a party to this agreement.")
    if setting_up and not agreement.is_in_force_on(programme.starts_on):
        return _("The agreement is not in force on the programme's first day.")
    if not setting_up and not (
        agreement.signed_on is not None
        and agreement.valid_from <= programme.ends_on
        and (ends is None or ends >= programme.starts_on)
    ):
        return _("The agreement is not in force on any day of the programme.")
    if not agreement.scope_items.filter(scope=Programme.REQUIRED_SCOPE[programme.kind]).exists():
        return _("The agreement's scope does not cover this kind of programme.")
    return None


@transaction.atomic
def programme_create(*, by, programme: Programme, beyond_agreement: bool = False) -> Programme:
    """Set up a programme under an agreement in force on its first day. One that would run past every
    agreement covering its work is set up only with `beyond_agreement` (the user, warned, went ahead)."""
    _require(
        by.scope.can_write_at(programme.institution_id),
        _("Only staff of the institution can set up its programmes."),
    )
    if problem := _agreement_problem(programme, setting_up=True):
        raise ValidationError({"agreement": problem})
    programme.created_by = by
    programme.full_clean()
    coverage.refuse_unconfirmed(coverage.programme_gap(programme), beyond_agreement)
    programme.save()
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=programme)
    return programme


EDITABLE = (
    "name",
    "agreement",
    "starts_on",
    "ends_on",
    "capacity",
    "target",
    "required_sessions",
    "required_hours",
)


@transaction.atomic
def programme_update(*, by, programme: Programme, beyond_agreement: bool = False) -> Programme:
    """Save the programme's editable fields as `programme` (an edited copy) holds them. Its UPT, kind and
    agency never change here; its sessions must stay within its dates and its active members within its
    places. Dates past every agreement covering the work are saved only with `beyond_agreement`."""
    saved = Programme.objects.select_for_update().select_related("institution__region").get(pk=programme.pk)
    _require(
        by.scope.can_write_at(saved.institution_id),
        _("Only staff of the institution can change its programmes."),
    )
    for fixed in ("institution_id", "kind", "agency_id"):
        setattr(programme, fixed, getattr(saved, fixed))
    errors: dict[str, list[str]] = {}
    if problem := _agreement_problem(programme, setting_up=False):
        errors["agreement"] = [problem]
    zone = saved.institution.time_zone_info
    outside = [
        start
        for start in saved.sessions.not_cancelled().values_list("starts_at", flat=True)
        if not programme.starts_on <= start.astimezone(zone).date() <= programme.ends_on
    ]
    if outside:
        errors[NON_FIELD_ERRORS] = [
            ngettext(
                "%(count)s session falls outside these dates (%(first)s): move or cancel it first.",
                "%(count)s sessions fall outside these dates (from %(first)s): move or cancel them first.",
                len(outside),
            )
            % {"count": len(outside), "first": coverage.time_in_words(min(outside), zone)}
        ]
    active = saved.enrolments.filter(status=Enrolment.Status.ACTIVE).count()
    if programme.capacity is not None and programme.capacity < active:
        errors["capacity"] = [
            _("%(count)s participants are active: the places cannot be fewer.") % {"count": active}
        ]
    if errors:
        raise ValidationError(errors)
    programme.full_clean()
    coverage.refuse_unconfirmed(coverage.programme_gap(programme), beyond_agreement)
    changed = [name for name in EDITABLE if getattr(programme, name) != getattr(saved, name)]
    programme.save(update_fields=EDITABLE)
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=programme, details={"changed": changed})
    return programme


# --- Enrolment ------------------------------------------------------------------------------------------


def waiting_list(programme: Programme) -> list[Recommendation]:
    """People in custody at the programme's UPT with an approved recommendation for its kind, who are neither
    enrolled in nor have completed a programme of that kind; one entry per person (the latest approval)."""
    latest: dict[int, Recommendation] = {}
    for recommendation in _approved_for(programme):
        latest[recommendation.assessment.person_id] = recommendation  # ordered by approval: last one wins
    return sorted(latest.values(), key=lambda r: (r.approved_on, r.pk))


def _approved_for(programme: Programme):
    open_enrolments = Enrolment.objects.filter(status__in=Enrolment.OPEN, kind=programme.kind)
    return (
        Recommendation.objects.approved()
        .filter(
            kind__in=Programme.RECOMMENDATIONS[programme.kind],
            assessment__person__admissions__released_on__isnull=True,
            assessment__person__admissions__institution=programme.institution,
        )
        .exclude(assessment__person__in=open_enrolments.values("person"))
        .exclude(
            assessment__person__in=Enrolment.objects.filter(
                kind=programme.kind, status=Enrolment.Status.COMPLETED
            ).values("person")
        )
        .select_related("assessment__person")
        .order_by("approved_on", "pk")
    )


@transaction.atomic
def enrolment_create(
    *,
    by,
    programme: Programme,
    person: Person,
    recommendation: Recommendation | None = None,
    reason: str = "",
    on: dt.date | None = None,
) -> Enrolment:
    _require(
        may_run(by, programme), _("Only staff of the institution or the delivering counsellors can enrol.")
    )
    admission = Admission.objects.open().filter(person=person, institution=programme.institution).first()
    if admission is None:
        raise ValidationError(_("Only people held at this institution can be enrolled."))
    if programme.status == Programme.Status.ENDED:
        raise ValidationError(_("This programme has ended."))
    if recommendation is not None:
        approved = Recommendation.objects.approved().filter(
            pk=recommendation.pk,
            assessment__person=person,
            kind__in=Programme.RECOMMENDATIONS[programme.kind],
        )
        if not approved.exists():
            raise ValidationError(_("This recommendation is not an approved one for this kind of programme."))
    elif not reason.strip():
        raise ValidationError(
            {"reason": _("Without an approved recommendation, give the reason for enrolling.")}
        )
    if Enrolment.objects.filter(person=person, programme=programme, status__in=Enrolment.OPEN).exists():
        raise ValidationError(_("This person is already enrolled in this programme."))
    enrolment = Enrolment.objects.create(
        programme=programme,
        person=person,
        admission=admission,
        kind=programme.kind,
        recommendation=recommendation,
        direct_reason=reason.strip(),
    )
    EnrolmentTransition.objects.create(
        enrolment=enrolment,
        to_status=Enrolment.Status.WAITING,
        on=on or timezone.localdate(),
        by=by,
        reason=reason.strip(),
    )
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=enrolment, person_id=person.pk)
    return enrolment


@dataclass(frozen=True)
class Dose:
    sessions: int
    hours: Decimal
    required_sessions: int | None
    required_hours: Decimal | None

    @property
    def met(self) -> bool:
        sessions_ok = self.required_sessions is None or self.sessions >= self.required_sessions
        hours_ok = self.required_hours is None or self.hours >= self.required_hours
        return sessions_ok and hours_ok


def dose(enrolment: Enrolment) -> Dose:
    """Sessions attended (present or late) and their hours, against what the programme requires."""
    attended = Session.objects.filter(
        status=Session.Status.HELD,
        attendances__enrolment=enrolment,
        attendances__status__in=Attendance.ATTENDED,
    ).values_list("starts_at", "ends_at")
    hours = sum(
        (Decimal((end - start).total_seconds()) / Decimal(3600) for start, end in attended), Decimal(0)
    ).quantize(Decimal("0.1"))
    programme = enrolment.programme
    return Dose(len(attended), hours, programme.required_sessions, programme.required_hours)


def _withdraw_after(enrolment: Enrolment, day: dt.date, *, by) -> list[Session]:
    """Out of the programme from the day after `day` (in the institution's own calendar): off the roster of
    every session after it, whenever the step is recorded. A release typed three weeks late takes the person
    off the sessions held meanwhile, with what was marked for them there (they were not in custody to attend,
    and their "absent" would lower the rate). Returns those sessions, for the user to be told."""
    cut = local_midnight(day + dt.timedelta(days=1), enrolment.programme.institution.time_zone)
    rows = list(
        Attendance.objects.filter(enrolment=enrolment, session__starts_at__gte=cut)
        .select_related("session")
        .order_by("session__starts_at")
    )
    if rows:
        Attendance.objects.filter(pk__in=[row.pk for row in rows]).delete()
        history.marks_added(
            ((row.session_id, row.enrolment_id, AttendanceMark.WITHDRAWN) for row in rows), by=by
        )
        audit_record(
            action=AuditEvent.Action.DELETE,
            actor=by,
            obj=enrolment,
            person_id=enrolment.person_id,
            details={
                "withdrawn_after": day.isoformat(),
                "attendance": {str(row.session_id): row.status for row in rows},
            },
        )
    return [row.session for row in rows]


def _withdrawal_notice(enrolment: Enrolment, sessions: list[Session]) -> list[str]:
    """Tell the user which sessions already begun lost this person from their roster and attendance."""
    begun = [session for session in sessions if session.starts_at <= timezone.now()]
    if not begun:
        return []
    zone = enrolment.programme.institution.time_zone_info
    return [
        _("%(person)s was taken off the roster of %(count)s session(s) after that date: %(sessions)s.")
        % {
            "person": enrolment.person.full_name,
            "count": len(begun),
            "sessions": ", ".join(
                f"{session.starts_at.astimezone(zone):%d-%m-%Y %H:%M}" for session in begun
            ),
        }
    ]


def _join_sessions_to_come(enrolment: Enrolment, *, by) -> None:
    """A new active member is expected at group sessions still to come (individual ones are booked apart)."""
    sessions = (
        Session.objects.filter(programme_id=enrolment.programme_id, status=Session.Status.PLANNED)
        .filter(starts_at__gt=timezone.now())
        .exclude(kind=Session.Kind.INDIVIDUAL)
        .exclude(attendances__enrolment=enrolment)
    )
    joined = Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=enrolment) for session in sessions
    )
    history.marks_added(((row.session_id, enrolment.pk, "") for row in joined), by=by)


def _leave_reason(to: str, leave_reason: str, reason: str) -> str:
    """The structured reason for a step out of a programme: a drop-out names one of DROP_OUT_REASONS ("other"
    with the reason in words; words alone, as before reasons were structured, count as "other"); the other
    steps say it themselves."""
    if to == Enrolment.Status.DROPPED_OUT:
        leave_reason = leave_reason or (LeaveReason.OTHER if reason else "")
        if leave_reason not in DROP_OUT_REASONS:
            raise ValidationError({"leave_reason": _("Choose why the person dropped out.")})
        if leave_reason == LeaveReason.OTHER and not reason:
            raise ValidationError({"reason": _("Give the reason for dropping out.")})
        return leave_reason
    leaving: dict[str, str] = {
        Enrolment.Status.COMPLETED: LeaveReason.COMPLETED,
        Enrolment.Status.TRANSFERRED: LeaveReason.TRANSFERRED,
        Enrolment.Status.RELEASED: LeaveReason.RELEASED,
    }
    return leaving.get(to, "")


@transaction.atomic
def enrolment_move(
    *,
    by,
    enrolment: Enrolment,
    to: str,
    on: dt.date | None = None,
    reason: str = "",
    override: bool = False,
    leave_reason: str = "",
) -> Enrolment:
    """Move an enrolment along its lifecycle, refusing illegal steps; the step is stored as a row."""
    enrolment = Enrolment.objects.select_for_update().select_related("programme").get(pk=enrolment.pk)
    programme = enrolment.programme
    _require(
        may_run(by, programme), _("Only staff of the institution or the delivering counsellors can do this.")
    )
    on = on or timezone.localdate()
    if to not in Enrolment.TRANSITIONS.get(enrolment.status, ()):
        raise ValidationError(
            _("An enrolment cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Enrolment.Status(enrolment.status).label, "to": Enrolment.Status(to).label}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("This date is in the future.")})
    reason = reason.strip()
    last_step = enrolment.transitions.order_by("-on", "-pk").values_list("on", flat=True).first()
    if last_step and on < last_step:
        raise ValidationError({"on": _("This date is before the enrolment's previous step.")})
    if to == Enrolment.Status.ACTIVE and programme.status_on(on) == Programme.Status.ENDED:
        raise ValidationError({"on": _("The programme had ended by then.")})
    if to == Enrolment.Status.ACTIVE:
        Programme.objects.select_for_update().get(pk=programme.pk)  # one activation at a time per programme
        active = Enrolment.objects.filter(programme=programme, status=Enrolment.Status.ACTIVE).count()
        if active >= programme.capacity:
            raise ValidationError(
                _("The programme is full (%(capacity)s places).") % {"capacity": programme.capacity}
            )
    leave_reason = _leave_reason(to, leave_reason, reason)
    if to == Enrolment.Status.COMPLETED:
        achieved = dose(enrolment)
        if not achieved.met and not (override and reason):
            raise ValidationError(
                _(
                    "The requirement is not met yet (%(sessions)s sessions, %(hours)s hours attended). "
                    "To complete anyway, tick the override and give the reason."
                )
                % {"sessions": achieved.sessions, "hours": achieved.hours}
            )
    previous = enrolment.status
    enrolment.status = to
    try:
        with transaction.atomic():
            enrolment.save(update_fields=["status"])
    except IntegrityError as exc:
        raise ValidationError(_("This person is already active in a programme of this kind.")) from exc
    EnrolmentTransition.objects.create(
        enrolment=enrolment,
        from_status=previous,
        to_status=to,
        on=on,
        by=by,
        reason=reason,
        leave_reason=leave_reason,
    )
    if to not in Enrolment.OPEN:
        enrolment.notices = _withdrawal_notice(enrolment, _withdraw_after(enrolment, on, by=by))
    if to == Enrolment.Status.ACTIVE:
        _join_sessions_to_come(enrolment, by=by)
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=enrolment,
        person_id=enrolment.person_id,
        details={"from": previous, "to": to, "override": bool(override and to == Enrolment.Status.COMPLETED)},
    )
    return enrolment


def close_for_custody_change(*, admission: Admission, change: str, on: dt.date, by) -> list[str]:
    """A transfer or release ends the person's open enrolments at the institution they leave."""
    if change not in ("transfer", "release"):
        return []
    to = Enrolment.Status.TRANSFERRED if change == "transfer" else Enrolment.Status.RELEASED
    leave_reason = LeaveReason.TRANSFERRED if change == "transfer" else LeaveReason.RELEASED
    if change == "release" and admission.release_type == Admission.ReleaseType.DEATH:
        leave_reason = LeaveReason.DEATH
    notices = []
    for enrolment in Enrolment.objects.filter(admission=admission, status__in=Enrolment.OPEN).select_related(
        "programme__institution__region", "person"
    ):
        previous = enrolment.status
        enrolment.status = to
        enrolment.save(update_fields=["status"])
        EnrolmentTransition.objects.create(
            enrolment=enrolment,
            from_status=previous,
            to_status=to,
            on=on,
            by=by,
            reason=_("Custody change"),
            leave_reason=leave_reason,
        )
        withdrawn = _withdraw_after(enrolment, on, by=by)
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=by,
            obj=enrolment,
            person_id=enrolment.person_id,
            details={"from": previous, "to": to, "custody_change": change},
        )
        notices.append(
            _("The enrolment in “%(programme)s” was closed as “%(status)s”.")
            % {"programme": enrolment.programme.name, "status": Enrolment.Status(to).label}
        )
        notices += _withdrawal_notice(enrolment, withdrawn)
    return notices


# --- Sessions -------------------------------------------------------------------------------------------


def _when(session: Session) -> str:
    local = timezone.localtime(session.starts_at, session.institution.time_zone_info)
    return f"{date_format(local, 'j M Y H:i')} {local.tzname()}"


def conflicts(
    *,
    start: dt.datetime,
    end: dt.datetime,
    institution_id: int,
    room: str,
    facilitator_ids: Iterable[int],
    person_ids: Iterable[int],
    exclude: Iterable[int] = (),
    viewer=None,
) -> list[str]:
    """Every reason this slot is taken, naming the session in the way when `viewer` may see it (another
    agency's session is only "another session": its topic and who is in it are not theirs to know).
    Cancelled sessions never count."""
    overlapping = (
        Session.objects.overlapping(start, end).exclude(pk__in=list(exclude)).select_related("institution")
    )

    @functools.cache
    def seen() -> set[int] | None:
        # Read only when a slot is taken: a series of fifty free slots asks it never.
        return set(Session.objects.visible_to(viewer).values_list("pk", flat=True)) if viewer else None

    def topic(session: Session) -> str:
        visible = seen()
        return session.topic if visible is None or session.pk in visible else _("another session")

    problems = []
    for session in overlapping.filter(
        facilitations__user_id__in=list(facilitator_ids), facilitations__active=True
    ).distinct():
        problems.append(
            _("A facilitator is already in “%(topic)s” at %(place)s, %(when)s.")
            % {"topic": topic(session), "place": session.institution.name, "when": _when(session)}
        )
    for session in overlapping.filter(institution_id=institution_id, room__iexact=room):
        problems.append(
            _("%(room)s is already booked for “%(topic)s”, %(when)s.")
            % {"room": room, "topic": topic(session), "when": _when(session)}
        )
    for session in overlapping.filter(attendances__enrolment__person_id__in=list(person_ids)).distinct():
        problems.append(
            _("A participant is already in “%(topic)s”, %(when)s.")
            % {"topic": topic(session), "when": _when(session)}
        )
    return problems


@dataclass
class SessionPlan:
    kind: str
    topic: str
    room: str
    facilitators: list  # users
    participants: list  # enrolments


def _check_plan(
    programme: Programme,
    plan: SessionPlan,
    times: list[tuple[dt.datetime, dt.datetime]],
    editing: bool = False,
) -> None:
    plan.room = " ".join(plan.room.split())  # "Aula " and "aula" are one room (compared without case)
    plan.topic = " ".join(plan.topic.split())
    errors = []
    if not plan.room:
        errors.append(_("Give the room or place."))
    if not times:
        errors.append(_("These settings give no session: check the weekdays and the dates."))
    if not plan.facilitators:
        errors.append(_("Choose at least one facilitator."))
    counsellors = set(
        Membership.objects.in_effect()
        .filter(role=Role.COUNSELLOR, agency=programme.agency, user__is_service=False)
        .values_list("user_id", flat=True)
    )
    if any(user.pk not in counsellors for user in plan.facilitators):
        errors.append(_("Facilitators must be counsellors of the delivering agency."))
    if len(times) > MAX_OCCURRENCES:
        errors.append(
            _("A series can hold at most %(max)s sessions: choose an earlier last date.")
            % {"max": MAX_OCCURRENCES}
        )
    if plan.kind == Session.Kind.INDIVIDUAL and len(plan.participants) != 1 and not editing:
        errors.append(_("An individual session has exactly one participant."))
    if any(e.programme_id != programme.pk or e.status != Enrolment.Status.ACTIVE for e in plan.participants):
        errors.append(_("Participants must be active members of this programme."))
    zone = programme.institution.time_zone_info
    first_day, last_day = programme.starts_on, programme.ends_on
    if any(not first_day <= start.astimezone(zone).date() <= last_day for start, _end in times):
        errors.append(_("Sessions must fall within the programme's dates."))
    if errors:
        raise ValidationError(errors)


def _book(session: Session, plan: SessionPlan, *, by) -> None:
    Facilitation.objects.bulk_create(
        Facilitation(session=session, user=user, starts_at=session.starts_at, ends_at=session.ends_at)
        for user in plan.facilitators
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=enrolment) for enrolment in plan.participants
    )
    history.sessions_changed([session], kind=SessionChange.Kind.MADE, by=by)
    history.marks_added(((session.pk, enrolment.pk, "") for enrolment in plan.participants), by=by)


def _refuse_conflicts(
    *, by, programme: Programme, plan: SessionPlan, times: list[tuple[dt.datetime, dt.datetime]], exclude=()
) -> None:
    """Every slot checked for facilitator, room and participant conflicts; all problems named at once."""
    problems = []
    for start, end in times:
        problems += conflicts(
            start=start,
            end=end,
            institution_id=programme.institution_id,
            room=plan.room,
            facilitator_ids=[user.pk for user in plan.facilitators],
            person_ids=[enrolment.person_id for enrolment in plan.participants],
            exclude=exclude,
            viewer=by,
        )
    if problems:
        raise ValidationError(sorted(set(problems)))


@transaction.atomic
def sessions_schedule(
    *,
    by,
    programme: Programme,
    plan: SessionPlan,
    times: list[tuple[dt.datetime, dt.datetime]],
    series: SessionSeries | None = None,
    beyond_agreement: bool = False,
) -> list[Session]:
    """Book one session, or every occurrence of a series, or none: a conflict anywhere saves nothing.
    Sessions on days no agreement covers (rehab.coverage) are booked only with `beyond_agreement`."""
    _require(
        may_run(by, programme), _("Only staff of the institution or the delivering counsellors can schedule.")
    )
    _check_plan(programme, plan, times)
    _refuse_conflicts(by=by, programme=programme, plan=plan, times=times)
    coverage.refuse_unconfirmed(
        coverage.sessions_gap(programme, [start for start, _end in times]), beyond_agreement
    )
    sessions = []
    try:
        with transaction.atomic():  # the series too: a slot taken meanwhile leaves no empty series behind
            if series is not None:
                series.programme = programme
                series.created_by = by
                series.save()
            for start, end in times:
                session = Session.objects.create(
                    programme=programme,
                    institution_id=programme.institution_id,
                    series=series,
                    kind=plan.kind,
                    topic=plan.topic,
                    room=plan.room,
                    starts_at=start,
                    ends_at=end,
                )
                _book(session, plan, by=by)
                sessions.append(session)
    except (IntegrityError, OperationalError) as exc:
        # PostgreSQL's exclusion constraints: someone booked the slot meanwhile.
        if not _booked_meanwhile(exc):
            raise
        raise ValidationError(SLOT_TAKEN) from exc
    return sessions


SLOT_TAKEN = _lazy("A facilitator or the room was booked for the same time a moment ago.")
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE


def _booked_meanwhile(exc: Exception) -> bool:
    """Two bookings of the same slot at once: PostgreSQL refuses one by the exclusion constraint or, when each
    insert saw the other's row first, by aborting one of them as a deadlock. Either way the slot was taken;
    any other operational error stays an error."""
    if isinstance(exc, IntegrityError):
        return True
    return (
        getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_DETECTED
    )  # psycopg 3's error, as Django raised it


def _following(session: Session):
    if session.series_id is None:
        return Session.objects.filter(pk=session.pk)
    # Only sessions still planned: a held one keeps its times (they make up people's dose).
    return Session.objects.filter(
        series_id=session.series_id, starts_at__gte=session.starts_at, status=Session.Status.PLANNED
    )


def _moved_times(
    session: Session, targets: list[Session], *, start_time: dt.time, end_time: dt.time, day: dt.date | None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The new (start, end) of each target: the session moves to `day`, the others keep their own day."""
    zone = session.programme.institution.time_zone_info
    times = []
    for target in targets:
        local_day = day if (day and target.pk == session.pk) else target.starts_at.astimezone(zone).date()
        times.append(
            (
                dt.datetime.combine(local_day, start_time, tzinfo=zone).astimezone(dt.UTC),
                dt.datetime.combine(local_day, end_time, tzinfo=zone).astimezone(dt.UTC),
            )
        )
    return times


def moved_starts(
    *, session: Session, start_time: dt.time, end_time: dt.time, day: dt.date | None = None, following=False
) -> list[dt.datetime]:
    """Where `sessions_update` would put the session (and, with `following`, the rest of its series)."""
    targets = list(_following(session)) if following else [session]
    return [
        start
        for start, _end in _moved_times(session, targets, start_time=start_time, end_time=end_time, day=day)
    ]


@transaction.atomic
def sessions_update(
    *,
    by,
    session: Session,
    plan: SessionPlan,
    start_time: dt.time,
    end_time: dt.time,
    day: dt.date | None = None,
    following: bool = False,
    beyond_agreement: bool = False,
) -> list[Session]:
    """Change one occurrence (also its day: a move) or it and the rest of its series (times, room, topic,
    facilitators; each keeps its own day). Checked for conflicts and the agreement's end as a new booking."""
    programme = session.programme
    _require(
        may_run(by, programme),
        _("Only staff of the institution or the delivering counsellors can change it."),
    )
    if session.status != Session.Status.PLANNED:
        raise ValidationError(_("Only a planned session can be changed."))
    targets = list(_following(session).select_for_update()) if following else [session]
    times = _moved_times(session, targets, start_time=start_time, end_time=end_time, day=day)
    # Only those still active count: someone who left keeps their past attendance, not a say in the slot.
    participants = list(
        Enrolment.objects.filter(attendances__session=session, status=Enrolment.Status.ACTIVE).distinct()
    )
    plan.participants = participants
    _check_plan(programme, plan, times, editing=True)
    overlapping_each_other = any(
        a_start < b_end and b_start < a_end
        for i, (a_start, a_end) in enumerate(times)
        for b_start, b_end in times[i + 1 :]
    )
    if overlapping_each_other:
        raise ValidationError(_("With these times, two sessions of the series would overlap each other."))
    _refuse_conflicts(
        by=by, programme=programme, plan=plan, times=times, exclude=[target.pk for target in targets]
    )
    coverage.refuse_unconfirmed(
        coverage.sessions_gap(programme, [start for start, _end in times]), beyond_agreement
    )
    try:
        with transaction.atomic():
            for target, (start, end) in zip(targets, times, strict=True):
                target.kind, target.topic, target.room = plan.kind, plan.topic, plan.room
                target.starts_at, target.ends_at = start, end
                target.save(update_fields=["kind", "topic", "room", "starts_at", "ends_at"])
                history.sessions_changed([target], kind=SessionChange.Kind.CHANGED, by=by)
                target.facilitations.all().delete()
                Facilitation.objects.bulk_create(
                    Facilitation(session=target, user=user, starts_at=start, ends_at=end)
                    for user in plan.facilitators
                )
    except (IntegrityError, OperationalError) as exc:
        if not _booked_meanwhile(exc):
            raise
        raise ValidationError(SLOT_TAKEN) from exc
    return targets


@transaction.atomic
def sessions_cancel(*, by, session: Session, reason: str, following: bool = False) -> int:
    _require(
        may_run(by, session.programme),
        _("Only staff of the institution or the delivering counsellors can cancel."),
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    if session.status != Session.Status.PLANNED:
        raise ValidationError(_("Only a planned session can be cancelled."))
    targets = (
        _following(session).filter(status=Session.Status.PLANNED)
        if following
        else Session.objects.filter(pk=session.pk)
    )
    ids = list(targets.values_list("pk", flat=True))
    Session.objects.filter(pk__in=ids).update(status=Session.Status.CANCELLED, cancel_reason=reason.strip())
    history.sessions_changed(
        Session.objects.filter(pk__in=ids), kind=SessionChange.Kind.CANCELLED, by=by, reason=reason.strip()
    )
    Facilitation.objects.filter(session_id__in=ids).update(active=False)  # cancelled never blocks anyone
    return len(ids)


# --- Attendance and notes -------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, by, session: Session, marks: dict[int, tuple[str, str]]) -> Session:
    """Record attendance for the whole group at once ({attendance id: (status, reason)}); the session is
    then held. A participant left unmarked stays "not recorded", and the session is flagged for it; nothing
    marked at all is refused. Each problem names the participant it is about."""
    session = Session.objects.select_for_update().select_related("programme").get(pk=session.pk)
    _require(
        may_run(by, session.programme),
        _("Only staff of the institution or the delivering counsellors can do this."),
    )
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("A cancelled session has no attendance."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be taken once the session has started."))
    rows = {row.pk: row for row in session.attendances.select_related("enrolment__person")}
    errors = []
    now = timezone.now()
    if rows and not any(status for status, _reason in marks.values()):
        # Nothing marked would still make the session "held", with nobody's attendance in it.
        raise ValidationError(_("Nothing was saved: mark the attendance of at least one participant."))
    for pk, (status, reason) in marks.items():
        row = rows.get(pk)
        if row is None:
            errors.append(_("Unknown participant."))
            continue
        if status == Attendance.Status.EXCUSED and not reason:
            errors.append(
                _("%(name)s: give the reason for the excused absence.")
                % {"name": row.enrolment.person.full_name}
            )
            continue
        row.status, row.reason = status, (reason if status == Attendance.Status.EXCUSED else "")
        row.recorded_at = now if status else None
        row.recorded_by = by if status else None
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    Attendance.objects.bulk_update(rows.values(), ["status", "reason", "recorded_at", "recorded_by"])
    history.marks_added(((session.pk, rows[pk].enrolment_id, rows[pk].status) for pk in marks), by=by)
    if session.status != Session.Status.HELD:
        session.status = Session.Status.HELD
        session.save(update_fields=["status"])
        history.sessions_changed([session], kind=SessionChange.Kind.HELD, by=by)
    return session


@transaction.atomic
def note_add(*, by, session: Session, text: str, person: Person | None = None) -> Note:
    programme = session.programme
    _require(delivers(by, programme), _("Only counsellors of the delivering agency write notes."))
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    if person is not None and not session.attendances.filter(enrolment__person=person).exists():
        raise ValidationError({"person": _("This person is not a participant of the session.")})
    note = Note.objects.create(session=session, person=person, text=text.strip(), author=by)
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=note, person_id=person.pk if person else None)
    return note


@transaction.atomic
def enrolment_consent_withdrawn(*, by, enrolment: Enrolment, on: dt.date) -> list[str]:
    """Consent withdrawn (privacy.consent decides who may record it): an open enrolment ends as dropped out
    with that reason, off the roster of every session after `on`; what happened before stays. A closed
    enrolment stays as it is. Returns notices for the user."""
    enrolment = (
        Enrolment.objects.select_for_update().select_related("programme__institution").get(pk=enrolment.pk)
    )
    if enrolment.status not in Enrolment.OPEN:
        return []
    last_step = enrolment.transitions.order_by("-on", "-pk").values_list("on", flat=True).first()
    on = max(on, last_step) if last_step else on
    previous = enrolment.status
    enrolment.status = Enrolment.Status.DROPPED_OUT
    enrolment.save(update_fields=["status"])
    EnrolmentTransition.objects.create(
        enrolment=enrolment,
        from_status=previous,
        to_status=enrolment.status,
        on=on,
        by=by,
        reason=_("Consent withdrawn (UU 27/2022)"),
    )
    notices = _withdrawal_notice(enrolment, _withdraw_after(enrolment, on, by=by))
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=enrolment,
        person_id=enrolment.person_id,
        details={"from": previous, "to": enrolment.status, "consent_withdrawn": on.isoformat()},
    )
    return notices
