"""The home page: one panel per role the user holds, each with that role's figures and work."""

from django.shortcuts import render

from inmates.models import Admission
from institutions.models import Agency, Institution, Region

RECENT_REGISTRATIONS = 10


def home(request):
    scope = request.user.scope
    context: dict = {}
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
    if scope.is_national:
        context["national_regions"] = Region.objects.with_custody_counts()
    if scope.is_counsellor:
        context["counsellor_agencies"] = Agency.objects.filter(pk__in=scope.agency_ids).select_related(
            "region", "parent"
        )
    return render(request, "accounts/home.html", context)
