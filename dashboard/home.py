"""The home page: a to-do list per role the user holds (dashboard.todo), then what each role works with —
a counsellor's sessions this week, a head's staff, an officer's UPT (or regions) with last month's figures
and their trend, and where work is piling up."""

import datetime as dt

from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Membership
from agreements.access import institution_ids_open_to
from agreements.models import EXPIRING_WITHIN_DAYS, Agreement
from core.replica import reads_from_replica
from dashboard.access_changes import access_changes_visible_to
from dashboard.piling import work_piling_up
from dashboard.todo import todo_groups
from dashboard.trends import COLUMNS, officer_trends
from inmates.models import Admission, RegistrationLink
from institutions.models import Agency, Institution, Region, with_custody_counts
from rehab.models import Attendance, Session

RECENT_REGISTRATIONS = 10
EXPIRING_SHOWN = 10
REVIEW_WINDOW = dt.timedelta(days=30)


def _ending_soon(user, today):
    """Agreements in the user's scope that end within 90 days, soonest first."""
    agreements = (
        Agreement.objects.visible_to(user)
        .ending_within(today)
        .not_yet_renewed()
        .prefetch_related(Prefetch("institutions", queryset=Institution.objects.order_by("name")))
        .with_end()
        .order_by("ends", "number")[:EXPIRING_SHOWN]
    )
    soonest = list(agreements)
    for agreement in soonest:
        agreement.days_left = agreement.days_left_on(today)
    return soonest


def _my_week(user, today: dt.date) -> dict:
    """The sessions the user facilitates this week (Monday to Sunday), each on its day in its UPT's zone:
    today's, then the rest of the week; past ones say whether attendance is still to be taken."""
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    sessions = (
        Session.objects.visible_to(user)
        .filter(
            facilitations__user=user,
            # A day's margin each side covers every zone; each session's own day is checked below.
            starts_at__gte=dt.datetime.combine(monday - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
            starts_at__lt=dt.datetime.combine(sunday + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC),
        )
        .exclude(status=Session.Status.CANCELLED)
        .select_related("programme", "institution__region")
        .annotate(gaps=Count("attendances", filter=Q(attendances__status=Attendance.Status.NOT_RECORDED)))
        .order_by("starts_at", "pk")
    )
    now = timezone.now()
    week = {"today": [], "later": [], "earlier": []}
    for session in sessions:
        local = session.starts_at.astimezone(session.institution.time_zone_info)
        if not monday <= local.date() <= sunday:
            continue
        session.local_start = local
        session.started = session.starts_at <= now
        session.attendance_missing = bool(session.gaps) and session.ends_at < now
        if local.date() == today:
            week["today"].append(session)
        elif local.date() > today:
            week["later"].append(session)
        elif session.attendance_missing:
            week["earlier"].append(session)  # past days: only those still waiting for attendance
    return week


def _staff_of(institution_ids) -> list[Membership]:
    return list(
        Membership.objects.filter(institution_id__in=institution_ids)
        .select_related("user", "institution")
        .order_by("institution__name", "-is_head", "user__first_name", "user__last_name", "pk")
    )


def home(request):
    user = request.user
    scope = user.scope
    today = timezone.localdate()
    context: dict = {"today": today, "todo_groups": todo_groups(user, today)}
    if scope.is_upt_staff:
        institutions = Institution.objects.filter(pk__in=scope.staff_institution_ids).with_custody_counts()
        context["staff_institutions"] = institutions
        context["recent_admissions"] = (
            Admission.objects.filter(institution_id__in=scope.staff_institution_ids)
            .select_related("person", "institution")
            .order_by("-created_at")[:RECENT_REGISTRATIONS]
        )
    if scope.head_institution_ids:
        context["staff_list"] = _staff_of(scope.head_institution_ids)
    if scope.is_counsellor:
        context["my_week"] = _my_week(user, today)
    if scope.is_regional or scope.is_national:
        # Counted over the whole region or nation, from figures no officer has just changed: the replica.
        with reads_from_replica():
            months, rows, total = officer_trends(user, today)
            context["trends"] = {"months": months, "rows": rows, "total": total, "columns": COLUMNS}
            context["piling"] = work_piling_up(user, today)
    if scope.is_regional:
        context["regional_regions"] = Region.objects.filter(pk__in=scope.region_ids)
        context["regional_institutions"] = (
            Institution.objects.filter(region_id__in=scope.region_ids)
            .select_related("region")
            .with_custody_counts()
        )
    if scope.is_upt_staff or scope.is_regional or scope.is_counsellor:
        context["ending_soon"] = _ending_soon(user, today)
        context["show_ending_soon"] = True
        context["expiring_days"] = EXPIRING_WITHIN_DAYS
    if scope.is_national:
        context["national_regions"] = with_custody_counts(Region.objects.with_institution_count())
    if scope.is_counsellor:
        context["counsellor_agencies"] = Agency.objects.filter(pk__in=scope.agency_ids).select_related(
            "region", "parent"
        )
        context["counsellor_institutions"] = (
            Institution.objects.filter(pk__in=institution_ids_open_to(scope.agency_ids))
            .select_related("region")
            .with_custody_counts()
        )
    if scope.head_institution_ids or scope.is_dpo:
        # Heads of UPT and data-protection officers watch who opened whose records, and who changed access.
        links = RegistrationLink.objects.for_review_by(user)
        context["review"] = {
            "links_open": links.filter(reviewed_at__isnull=True).count(),
            "links_flagged": links.flagged().filter(reviewed_at__isnull=True).count(),
            "access_changes": access_changes_visible_to(user)
            .filter(at__gte=timezone.now() - REVIEW_WINDOW)
            .count(),
            "window_days": REVIEW_WINDOW.days,
        }
    return render(request, "dashboard/home.html", context)
