"""The home page: one panel per role the user holds, each with that role's figures and work.

It lives in config because it draws on every app (inmates, agreements, institutions), and config is the
only layer that may import them all.
"""

import datetime as dt

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from agreements.access import institution_ids_open_to
from agreements.models import EXPIRING_WITHIN_DAYS, Agreement
from config.access_changes import access_changes_visible_to
from inmates.models import Admission, RegistrationLink
from institutions.models import Agency, Institution, Region, with_custody_counts
from rehab.models import Session

RECENT_REGISTRATIONS = 10
EXPIRING_SHOWN = 10
ATTENDANCE_GAPS_SHOWN = 10
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


def home(request):
    user = request.user
    scope = user.scope
    today = timezone.localdate()
    context: dict = {"today": today}
    if scope.is_upt_staff:
        institutions = Institution.objects.filter(pk__in=scope.staff_institution_ids).with_custody_counts()
        context["staff_institutions"] = institutions
        context["recent_admissions"] = (
            Admission.objects.filter(institution_id__in=scope.staff_institution_ids)
            .select_related("person", "institution")
            .order_by("-created_at")[:RECENT_REGISTRATIONS]
        )
    if scope.is_regional:
        context["regional_regions"] = Region.objects.filter(pk__in=scope.region_ids)
        context["regional_institutions"] = (
            Institution.objects.filter(region_id__in=scope.region_ids)
            .select_related("region")
            .with_custody_counts()
        )
    if scope.is_upt_staff or scope.is_regional:
        context["ending_soon"] = _ending_soon(user, today)
        context["show_ending_soon"] = True
        context["expiring_days"] = EXPIRING_WITHIN_DAYS
    if scope.is_upt_staff or scope.is_counsellor:
        # Held (or over) but attendance not taken: flagged, never counted as full attendance.
        gaps = Session.objects.visible_to(user).with_attendance_gap()
        if scope.is_counsellor and not scope.is_upt_staff:
            gaps = gaps.filter(facilitations__user=user)
        context["attendance_gaps"] = list(
            gaps.select_related("programme", "institution__region").order_by("-starts_at")[
                :ATTENDANCE_GAPS_SHOWN
            ]
        )
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
    return render(request, "home.html", context)
