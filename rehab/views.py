"""Programme, session and attendance pages (the calendars: calendar_views.py). Reads start from
``visible_to(user)`` (404 outside); writes are one service call, which checks again who may do them (403 for
read-only users)."""

from __future__ import annotations

import copy
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role, User
from audit.exports import hand_over_export
from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import ExportForm, apply_service_errors
from core.replica import reads_from_replica
from inmates.models import Person
from institutions.models import Institution, count_subquery
from rehab import coverage, phases, services
from rehab.forms import (
    AttendanceForm,
    CancelForm,
    EnrolForm,
    MoveForm,
    NoteForm,
    ProgrammeEditForm,
    ProgrammeForm,
    SessionForm,
    confirms,
)
from rehab.models import (
    Attendance,
    Enrolment,
    EnrolmentTransition,
    Note,
    Programme,
    QualityOfLife,
    Session,
    SessionSeries,
)
from rehab.recurrence import occurrences

# --- Programmes -----------------------------------------------------------------------------------------


def programme_list(request):
    programmes = (
        Programme.objects.visible_to(request.user)
        .select_related("institution", "agency")
        # Counted for the programmes shown (a subquery each), not over the nation's enrolments before the
        # page is chosen (110 ms for 2,000 programmes).
        .annotate(
            active=count_subquery(
                Enrolment.objects.filter(programme=OuterRef("pk"), status=Enrolment.Status.ACTIVE).values(
                    "programme"
                )
            )
        )
        .order_by("-starts_on", "name")
    )
    page = Paginator(programmes, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rehab/programme_list.html",
        {"page_obj": page, "can_create": bool(request.user.scope.staff_institution_ids)},
    )


@require_http_methods(["GET", "POST"])
def programme_create(request):
    user = request.user
    if not user.scope.staff_institution_ids:
        raise PermissionDenied(_("Only UPT staff set up programmes."))
    institutions = Institution.objects.filter(pk__in=user.scope.staff_institution_ids).order_by("name")
    form = ProgrammeForm(request.POST or None, institutions=institutions)
    gap, confirmed = None, False
    if request.method == "POST" and form.is_valid():
        programme = form.save(commit=False)
        gap, confirmed = _went_ahead(form, lambda: coverage.programme_gap(programme))
        try:
            programme = services.programme_create(by=user, programme=programme, beyond_agreement=confirmed)
        except coverage.BeyondAgreement as warning:
            gap, confirmed = warning.gap, False
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The programme has been set up."))
            return redirect(programme)
    return render(
        request,
        "rehab/programme_form.html",
        {"form": form, "gap": gap, "confirmed": confirmed, "go_ahead": _("Set it up anyway")},
    )


@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int):
    user = request.user
    programme = _visible_programme(user, pk)
    if not user.scope.can_write_at(programme.institution_id):
        raise PermissionDenied(_("Only staff of the institution can change its programmes."))
    # A copy: validation writes the typed values onto the instance, and the page's heading and breadcrumb
    # must keep showing the programme as it is saved (as agreements.views.agreement_edit does).
    form = ProgrammeEditForm(request.POST or None, instance=copy.copy(programme))
    gap, confirmed = None, False
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        gap, confirmed = _went_ahead(form, lambda: coverage.programme_gap(edited))
        try:
            services.programme_update(by=user, programme=edited, beyond_agreement=confirmed)
        except coverage.BeyondAgreement as warning:
            gap, confirmed = warning.gap, False
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The programme has been changed."))
            return redirect(programme)
    return render(
        request,
        "rehab/programme_form.html",
        {
            "form": form,
            "programme": programme,
            "gap": gap,
            "confirmed": confirmed,
            "go_ahead": _("Save anyway"),
        },
    )


def _went_ahead(form, find_gap) -> tuple[coverage.AgreementGap | None, bool]:
    """(the dates outside the agreement, whether the user went ahead for exactly those) when "go ahead
    anyway" is ticked; otherwise the service finds the gap itself, after every other check."""
    if not form.cleaned_data.get("beyond_agreement"):
        return None, False
    gap = find_gap()
    return gap, confirms(form, gap)


def _visible_programme(user, pk: int) -> Programme:
    return get_object_or_404(
        Programme.objects.visible_to(user).select_related("institution__region", "agency", "agreement"), pk=pk
    )


def programme_detail(request, pk: int):
    user = request.user
    programme = _visible_programme(user, pk)
    cohort = list(programme.enrolments.select_related("person").order_by("status", "person__full_name"))
    # Only people the user may reach today are named here: a counsellor whose access to a participant ended
    # (released, or the agreement ended) keeps the count, not the name or a link into the record.
    reachable = _reachable_people(user, [enrolment.person_id for enrolment in cohort])
    enrolments = [enrolment for enrolment in cohort if enrolment.person_id in reachable]
    attended = defaultdict(lambda: [0, 0.0])
    rows = Attendance.objects.filter(
        enrolment__programme=programme, session__status=Session.Status.HELD, status__in=Attendance.ATTENDED
    ).values_list("enrolment_id", "session__starts_at", "session__ends_at")
    for enrolment_id, start, end in rows:  # one query for the whole cohort's dose
        attended[enrolment_id][0] += 1
        attended[enrolment_id][1] += (end - start).total_seconds() / 3600
    taken = defaultdict(set)  # WHOQOL-BREF taken per enrolment, one query for the cohort
    for enrolment_id, timing in QualityOfLife.objects.filter(enrolment__programme=programme).values_list(
        "enrolment_id", "timing"
    ):
        taken[enrolment_id].add(timing)
    for enrolment in enrolments:
        enrolment.quality_of_life_taken = taken[enrolment.pk]
    now = timezone.now()
    may_run = services.may_run(user, programme)
    # Phases now (the institution's today), for every active participant: the counts include those out of
    # reach, whose names are not shown.
    active = [e.pk for e in cohort if e.status == Enrolment.Status.ACTIVE]
    today = timezone.localdate(timezone=programme.institution.time_zone_info)
    phase_now = phases.phases_on(active, today, now)
    phase_counts, in_no_phase = phases.participants_per_phase(programme, phase_now, active)
    for enrolment in enrolments:
        enrolment.phase_now = phase_now.get(enrolment.pk)
    return render(
        request,
        "rehab/programme_detail.html",
        {
            "programme": programme,
            "enrolments": [(e, attended[e.pk][0], round(attended[e.pk][1], 1)) for e in enrolments],
            "phase_counts": phase_counts,
            "today": today,
            "in_no_phase": in_no_phase,
            "may_move_phase": may_run and bool(phase_counts),
            "waiting": list(services.waiting_list(programme)) if may_run else [],
            "upcoming": programme.sessions.filter(starts_at__gte=now)
            .not_cancelled()
            .order_by("starts_at")[:10],
            "gaps": programme.sessions.with_attendance_gap().order_by("-starts_at")[:10],
            "agreement_gap": coverage.upcoming_gap(programme),
            "may_run": may_run,
            "may_edit": user.scope.can_write_at(programme.institution_id),
            "active_count": len(active),
            "out_of_reach": len(cohort) - len(enrolments),
            "move_form": MoveForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def enrolment_create(request, pk: int):
    user = request.user
    programme = _visible_programme(user, pk)
    if not services.may_run(user, programme):
        raise PermissionDenied(_("Only staff of the institution or the delivering counsellors can enrol."))
    people = Person.objects.filter(
        admissions__released_on__isnull=True, admissions__institution=programme.institution
    ).order_by("full_name")
    recommendation = None
    if recommendation_id := request.GET.get("recommendation") or request.POST.get("recommendation"):
        recommendation = next(
            (r for r in services.waiting_list(programme) if str(r.pk) == recommendation_id), None
        )
    initial = {"person": recommendation.assessment.person_id} if recommendation else None
    form = EnrolForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_create(
                by=user,
                programme=programme,
                person=form.cleaned_data["person"],
                recommendation=recommendation,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Enrolled: the person is waiting to start."))
            return redirect(programme)
    return render(
        request,
        "rehab/enrolment_form.html",
        {"form": form, "programme": programme, "recommendation": recommendation},
    )


@require_POST
def enrolment_move(request, pk: int):
    user = request.user
    enrolment = get_object_or_404(
        Enrolment.objects.filter(programme__in=Programme.objects.visible_to(user).values("pk")), pk=pk
    )
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            moved = services.enrolment_move(by=user, enrolment=enrolment, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {
                    "name": enrolment.person.full_name,
                    "status": Enrolment.Status(form.cleaned_data["to"]).label,
                },
            )
            for notice in getattr(moved, "notices", []):
                messages.info(request, notice)
    else:
        messages.error(request, _("Nothing was saved: choose a status and a valid date."))
    return redirect(enrolment.programme)


# --- Exports --------------------------------------------------------------------------------------------


def _reachable(user):
    """People the user may reach today, as a subquery: the rule `_reachable_people` applies in Python."""
    return Person.objects.visible_to(user).values("pk")


def _programme_export(
    request, programme: Programme, *, what: str, name: str, title: str, header: list, rows, people: int
):
    """CSV, or XLSX with ?format=xlsx, after asking who receives it and what for (as the WBP list export);
    handed over through a link that expires, audited with the programme exported."""
    as_xlsx = request.GET.get("format") == "xlsx"
    form = ExportForm(request.POST or None, people=people)
    if not (request.method == "POST" and form.is_valid()):
        return render(
            request,
            "exports/export_form.html",
            {
                "form": form,
                "people": people,
                "xlsx": as_xlsx,
                "title": title,
                "back": programme.get_absolute_url(),
                "back_label": programme.name,
            },
            status=400 if form.is_bound else 200,
        )
    today = timezone.localdate(timezone=programme.institution.time_zone_info)
    return redirect(
        hand_over_export(
            actor=request.user,
            filename=f"{name}-{programme.pk}-{today.isoformat()}.{'xlsx' if as_xlsx else 'csv'}",
            header=header,
            rows=rows,
            xlsx=as_xlsx,
            what=what,
            details={"programme": programme.pk, "format": "xlsx" if as_xlsx else "csv"},
            people=people,
            institution=programme.institution,
            **form.cleaned_data,
        )
    )


@require_http_methods(["GET", "POST"])
@reads_from_replica()  # the rows and their count: the hand-over and its audit are written as ever
def participant_export(request, pk: int):
    """The programme page's participants, one row per enrolment, with its dose: the same people the page
    names (a participant the user can no longer reach is left out, as there), in one query."""
    user = request.user
    programme = _visible_programme(user, pk)
    zone = programme.institution.time_zone_info
    steps = EnrolmentTransition.objects.filter(enrolment=OuterRef("pk"))
    last_step = steps.order_by("-on", "-pk")  # as services.enrolment_move reads "the previous step"
    held = Q(attendances__session__status=Session.Status.HELD)
    named = programme.enrolments.filter(person__in=_reachable(user))
    enrolments = (
        named.select_related("person", "admission__institution")
        .annotate(
            enrolled_on=Subquery(steps.order_by("on", "pk").values("on")[:1]),
            status_since=Subquery(last_step.values("on")[:1]),
            status_reason=Subquery(last_step.values("reason")[:1]),
            # Attended as the page and the completion rule count it: present or late at a held session.
            attended=Count("attendances", filter=held & Q(attendances__status__in=Attendance.ATTENDED)),
            held=Count("attendances", filter=held),
        )
        .order_by("status", "person__full_name", "pk")
    )
    header = [
        _("Full name"),
        _("Register number"),
        _("UPT"),
        _("Enrolled on"),
        _("Status"),
        _("Status since"),
        _("Left on"),
        _("Reason for leaving"),
        _("Sessions attended"),
        _("Sessions held"),
    ]

    def row(enrolment: Enrolment) -> list:
        enrolled_on = enrolment.enrolled_on or enrolment.created_at.astimezone(zone).date()
        left = not enrolment.is_open and enrolment.status_since
        return [
            enrolment.person.full_name,
            enrolment.admission.register_number,
            enrolment.admission.institution.name,
            enrolled_on.isoformat(),
            enrolment.get_status_display(),
            enrolment.status_since.isoformat() if enrolment.status_since else "",
            enrolment.status_since.isoformat() if left else "",
            enrolment.status_reason if left else "",
            enrolment.attended,
            enrolment.held,
        ]

    rows = (row(enrolment) for enrolment in enrolments.iterator(chunk_size=2000))
    return _programme_export(
        request,
        programme,
        what="programme_participants",
        name="peserta",
        title=_("Export the participants"),
        header=header,
        rows=rows,
        people=named.values("person").distinct().count(),
    )


@require_http_methods(["GET", "POST"])
@reads_from_replica()  # the rows and their count: the hand-over and its audit are written as ever
def attendance_export(request, pk: int):
    """Every attendance record of the programme's sessions, times in the institution's zone, in one query.
    As on the session page, a session that has started keeps every name (the record of the work done); one
    still to come names only people the user may reach now."""
    user = request.user
    programme = _visible_programme(user, pk)
    zone = programme.institution.time_zone_info
    records = (
        Attendance.objects.filter(session__programme=programme)
        .filter(Q(session__starts_at__lte=timezone.now()) | Q(enrolment__person__in=_reachable(user)))
        .select_related("session", "enrolment__person", "enrolment__admission")
        .order_by("session__starts_at", "session__pk", "enrolment__person__full_name", "pk")
    )
    header = [
        _("Date"),
        _("Starts at"),
        _("Ends at"),
        _("Time zone"),
        _("Kind of session"),
        _("Topic"),
        _("Session status"),
        _("Full name"),
        _("Register number"),
        _("Attendance"),
        _("Reason for absence"),
    ]
    zone_label = programme.institution.time_zone_label

    def row(record: Attendance) -> list:
        session = record.session
        starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        return [
            starts.date().isoformat(),
            starts.strftime("%H:%M"),
            ends.strftime("%H:%M"),
            zone_label,
            session.get_kind_display(),
            session.topic,
            session.get_status_display(),
            record.enrolment.person.full_name,
            record.enrolment.admission.register_number,
            record.get_status_display(),
            record.get_reason_display(),
        ]

    rows = (row(record) for record in records.iterator(chunk_size=2000))
    return _programme_export(
        request,
        programme,
        what="programme_attendance",
        name="kehadiran",
        title=_("Export the attendance"),
        header=header,
        rows=rows,
        people=records.order_by().values("enrolment__person").distinct().count(),
    )


# --- Sessions -------------------------------------------------------------------------------------------


def _counsellors(programme: Programme):
    return User.objects.filter(
        memberships__role=Role.COUNSELLOR,
        memberships__agency=programme.agency,
        memberships__awaiting_confirmation=False,  # a membership not yet confirmed gives no work
        is_active=True,
        is_service=False,  # a partner system's account facilitates nothing
    ).order_by("first_name", "username")


def _members(programme: Programme):
    return (
        programme.enrolments.filter(status=Enrolment.Status.ACTIVE)
        .select_related("person")
        .order_by("person__full_name")
    )


@require_http_methods(["GET", "POST"])
def session_create(request, pk: int):
    user = request.user
    programme = _visible_programme(user, pk)
    if not services.may_run(user, programme):
        raise PermissionDenied(_("Only staff of the institution or the delivering counsellors can schedule."))
    initial = {
        "day": request.GET.get("day") or timezone.localdate(),
        "start_time": request.GET.get("time") or "09:00",
        "end_time": "11:00",
        "facilitators": [user.pk] if user.scope.agency_ids else [],
    }
    form = SessionForm(
        request.POST or None,
        facilitators=_counsellors(programme),
        members=_members(programme),
        initial=initial,
    )
    gap, confirmed = None, False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = programme.institution.time_zone
        series = None
        if data["weekdays"]:
            times = list(
                occurrences(
                    weekdays=set(data["weekdays"]),
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                    first_day=data["day"],
                    until=data["until"],
                    count=data["count"],
                    time_zone=zone,
                )
            )
            series = SessionSeries(
                weekdays=sorted(data["weekdays"]),
                start_time=data["start_time"],
                end_time=data["end_time"],
                first_day=data["day"],
                until=data["until"],
                count=data["count"],
            )
        else:
            times = list(
                occurrences(
                    weekdays={data["day"].weekday()},
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                    first_day=data["day"],
                    count=1,
                    time_zone=zone,
                )
            )
        plan = services.SessionPlan(
            kind=data["kind"],
            topic=data["topic"],
            room=data["room"],
            facilitators=list(data["facilitators"]),
            participants=list(data["participants"]) or list(_members(programme)),
        )
        # Sessions past the agreement's end are booked once the user, warned which, goes ahead anyway.
        gap, confirmed = _went_ahead(form, lambda: coverage.sessions_gap(programme, [s for s, _e in times]))
        try:
            sessions = services.sessions_schedule(
                by=user,
                programme=programme,
                plan=plan,
                times=times,
                series=series,
                beyond_agreement=confirmed,
            )
        except coverage.BeyondAgreement as warning:
            gap, confirmed = warning.gap, False
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(count)s session(s) scheduled.") % {"count": len(sessions)})
            return redirect(sessions[0])
    return render(
        request,
        "rehab/session_form.html",
        {
            "form": form,
            "programme": programme,
            "creating": True,
            "gap": gap,
            "confirmed": confirmed,
            "go_ahead": _("Schedule anyway"),
        },
    )


def _visible_session(user, pk: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(user).select_related("programme__agency", "institution__region", "series"),
        pk=pk,
    )


def _reachable_people(user, person_ids: list[int]) -> set[int]:
    """Which of these people the user may reach today (one query)."""
    return set(Person.objects.visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))


def session_detail(request, pk: int):
    return _session_page(request, _visible_session(request.user, pk))


def _session_page(
    request, session: Session, *, attendance_form: AttendanceForm | None = None, all_present: bool = False
):
    """The session page; after a refused or "all present" attendance post, with that form as it stands."""
    user = request.user
    rows = list(
        session.attendances.select_related("enrolment__person").order_by("enrolment__person__full_name")
    )
    started = session.starts_at <= timezone.now()
    reachable = _reachable_people(user, [row.enrolment.person_id for row in rows])
    if not started:
        # A past session's roster is a record of the work done and keeps every name (never a link); a session
        # still to come names only people the user may reach now.
        rows = [row for row in rows if row.enrolment.person_id in reachable]
    may_run = services.may_run(user, session.programme)
    notes = list(Note.objects.visible_to(user).filter(session=session).select_related("person", "author"))
    may_write_notes = services.delivers(user, session.programme)
    for note in notes:  # every read of a confidential note is audited
        audit_record(action=AuditEvent.Action.VIEW, actor=user, obj=note, person_id=note.person_id)
    if may_run and attendance_form is None:
        attendance_form = AttendanceForm(rows=rows)
    return render(
        request,
        "rehab/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "may_run": may_run,
            "attendance_form": attendance_form if may_run else None,
            "all_present": all_present,
            "notes": notes,
            "note_form": NoteForm(people=_note_subjects(session, reachable)) if may_write_notes else None,
            "started": started,
            "time_zone": session.institution.time_zone,
        },
    )


def _note_subjects(session: Session, reachable: set[int]):
    """A note can be about a participant of the session whom the writer may still reach."""
    return Person.objects.filter(pk__in=reachable, enrolments__attendances__session=session).distinct()


@require_POST
def session_attendance(request, pk: int):
    """Save the marks; or, with "Mark all present", show the form again with everyone present and nothing
    saved yet (no script needed: the pages allow none inline). A refused form comes back with every mark
    as it was sent, each problem naming its participant."""
    user = request.user
    session = _visible_session(user, pk)
    if not services.may_run(user, session.programme):
        raise PermissionDenied(_("Only staff of the institution or the delivering counsellors can do this."))
    rows = list(
        session.attendances.select_related("enrolment__person").order_by("enrolment__person__full_name")
    )
    if "all_present" in request.POST:
        form = AttendanceForm(rows=rows, all_present=True)
        return _session_page(request, session, attendance_form=form, all_present=True)
    form = AttendanceForm(request.POST, rows=rows)
    if form.is_valid():
        try:
            services.attendance_record(by=user, session=session, marks=form.marks())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Attendance has been saved."))
            return redirect(session)
    return _session_page(request, session, attendance_form=form)


@require_POST
def note_create(request, pk: int):
    user = request.user
    session = _visible_session(user, pk)
    participants = session.attendances.values_list("enrolment__person_id", flat=True)
    form = NoteForm(request.POST, people=_note_subjects(session, _reachable_people(user, list(participants))))
    if form.is_valid():
        try:
            services.note_add(
                by=user, session=session, text=form.cleaned_data["text"], person=form.cleaned_data["person"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The note has been saved."))
    else:
        messages.error(request, _("Nothing was saved: the note is empty or too long."))
    return redirect(session)


@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    user = request.user
    session = _visible_session(user, pk)
    programme = session.programme
    if not services.may_run(user, programme):
        raise PermissionDenied(
            _("Only staff of the institution or the delivering counsellors can change it.")
        )
    zone = programme.institution.time_zone_info
    local_start, local_end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    initial = {
        "kind": session.kind,
        "topic": session.topic,
        "room": session.room,
        "facilitators": list(session.facilitators.all()),
        "day": request.GET.get("day") or local_start.date(),
        "start_time": request.GET.get("time") or local_start.time(),
        "end_time": local_end.time(),
    }
    form = SessionForm(
        request.POST or None,
        facilitators=_counsellors(programme),
        members=_members(programme),
        editing=True,
        initial=initial,
    )
    gap, confirmed = None, False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.SessionPlan(data["kind"], data["topic"], data["room"], list(data["facilitators"]), [])
        change = {
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "day": data["day"],
            "following": data.get("following", False),
        }
        gap, confirmed = _went_ahead(
            form, lambda: coverage.sessions_gap(programme, services.moved_starts(session=session, **change))
        )
        try:
            services.sessions_update(
                by=user, session=session, plan=plan, beyond_agreement=confirmed, **change
            )
        except coverage.BeyondAgreement as warning:
            gap, confirmed = warning.gap, False
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The session has been changed."))
            return redirect(session)
    return render(
        request,
        "rehab/session_form.html",
        {
            "form": form,
            "programme": programme,
            "session": session,
            "gap": gap,
            "confirmed": confirmed,
            "go_ahead": _("Change it anyway"),
        },
    )


@require_http_methods(["GET", "POST"])
def session_cancel(request, pk: int):
    user = request.user
    session = _visible_session(user, pk)
    if not services.may_run(user, session.programme):
        raise PermissionDenied(_("Only staff of the institution or the delivering counsellors can cancel."))
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.sessions_cancel(by=user, session=session, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(count)s session(s) cancelled.") % {"count": count})
            return redirect(session)
    return render(request, "rehab/session_cancel.html", {"form": form, "session": session})
