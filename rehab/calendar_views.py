"""Calendar pages: a UPT's, a region's or the nation's sessions by week or month, and a counsellor's own
week, each session in its institution's zone. Reads start from ``visible_to(user)``."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from institutions.models import Institution
from rehab import services
from rehab.forms import CalendarFilterForm
from rehab.models import Attendance, Programme, Session


def _calendar_sessions(sessions):
    return (
        sessions.select_related("programme", "institution__region")
        .prefetch_related(Prefetch("facilitators", queryset=User.objects.order_by("first_name")))
        .annotate(gaps=Count("attendances", filter=Q(attendances__status=Attendance.Status.NOT_RECORDED)))
    )


def _by_local_day(sessions) -> dict[dt.date, list]:
    days = defaultdict(list)
    now = timezone.now()
    for session in sessions:
        # Over, not cancelled, someone unmarked: "attendance not recorded", as on the home page.
        session.attendance_missing = (
            bool(session.gaps)
            and session.status != Session.Status.CANCELLED
            and (session.status == Session.Status.HELD or session.ends_at < now)
        )
        local = session.starts_at.astimezone(session.institution.time_zone_info)
        session.local_start = local
        session.local_end = session.ends_at.astimezone(session.institution.time_zone_info)
        days[local.date()].append(session)
    return days


CALENDAR_SESSION_LIMIT = 200  # sessions one page shows one by one; above it, counts per UPT


def _sessions_per_upt(sessions, columns: list) -> dict:
    """{"columns": days or weeks, "rows": [(UPT, [count per column], total)]}: each session counted on its
    local day at its UPT (a week's column counts its seven days)."""
    upts = {
        upt.pk: upt
        for upt in Institution.objects.filter(pk__in=sessions.values("institution")).select_related("region")
    }
    column_of = {}
    for index, column in enumerate(columns):
        for date in column if isinstance(column, list) else [column]:
            column_of[date] = index
    counts: dict[int, list[int]] = {pk: [0] * len(columns) for pk in upts}
    for upt, starts_at in sessions.values_list("institution", "starts_at").order_by():
        index = column_of.get(starts_at.astimezone(upts[upt].time_zone_info).date())
        if index is not None:
            counts[upt][index] += 1
    rows = sorted(
        ((upts[pk], row, sum(row)) for pk, row in counts.items() if sum(row)), key=lambda item: item[0].name
    )
    return {"columns": columns, "rows": rows, "total": sum(total for _upt, _row, total in rows)}


def calendar_view(request):
    user = request.user
    programmes = Programme.objects.visible_to(user)
    form = CalendarFilterForm(
        request.GET or None,
        institutions=Institution.objects.filter(pk__in=programmes.values("institution")).order_by("name"),
        programmes=programmes,
    )
    valid = form.is_valid()
    filters = form.cleaned_data if valid else {}
    day = form.day()
    view = filters.get("view") or "week"
    if view == "month":
        first = day.replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        start = first - dt.timedelta(days=first.weekday())
        end = last + dt.timedelta(days=6 - last.weekday())
    else:
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
    sessions = Session.objects.visible_to(user).filter(
        # A day's bounds in UTC, widened by a day so every zone's local day is covered, then bucketed locally.
        starts_at__gte=dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
        starts_at__lt=dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC),
    )
    if institution := filters.get("institution"):
        sessions = sessions.filter(institution=institution)
    programme = filters.get("programme")
    if programme:
        sessions = sessions.filter(programme=programme)
    if counsellor := filters.get("counsellor"):
        sessions = sessions.filter(facilitations__user=counsellor)
    dates = [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]
    weeks = [dates[i : i + 7] for i in range(0, len(dates), 7)]
    # A region's or the nation's calendar holds thousands of sessions: above the limit, sessions per UPT
    # (per day in a week, per week in a month), each UPT a link to its own calendar.
    crowded = sessions.count() > CALENDAR_SESSION_LIMIT
    by_day = {} if crowded else _by_local_day(_calendar_sessions(sessions).order_by("starts_at"))
    return render(
        request,
        "rehab/calendar.html",
        {
            "form": form,
            "view": view,
            "day": day,
            "weeks": [[(date, by_day.get(date, [])) for date in week] for week in weeks],
            "per_upt": _sessions_per_upt(sessions, dates if view == "week" else weeks) if crowded else None,
            "choose_upt_first": form.choose_upt_first,
            "session_limit": CALENDAR_SESSION_LIMIT,
            "previous": (start - dt.timedelta(days=1))
            if view == "week"
            else (day.replace(day=1) - dt.timedelta(days=1)),
            "next": (end + dt.timedelta(days=1)),
            "month_days": view == "month",
            # An empty day becomes a link to a new session once a programme the user runs is chosen.
            "add_to": programme if programme and services.may_run(user, programme) else None,
        },
    )


def my_week(request):
    """A counsellor's sessions across every institution they work at, each in that institution's zone."""
    user = request.user
    form = CalendarFilterForm(
        request.GET or None,
        institutions=Institution.objects.none(),
        programmes=Programme.objects.none(),
    )
    day = form.day()
    start = day - dt.timedelta(days=day.weekday())
    end = start + dt.timedelta(days=6)
    sessions = Session.objects.visible_to(user).filter(
        facilitations__user=user,
        starts_at__gte=dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
        starts_at__lt=dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC),
    )
    by_day = _by_local_day(_calendar_sessions(sessions).order_by("starts_at"))
    dates = [start + dt.timedelta(days=offset) for offset in range(7)]
    return render(
        request,
        "rehab/my_week.html",
        {
            "days": [(date, by_day.get(date, [])) for date in dates],
            "previous": start - dt.timedelta(days=7),
            "next": start + dt.timedelta(days=7),
            "start": start,
        },
    )
