"""People and their custody spells: the WBP pages' second door, through the same `visible_to` querysets and
the WBP list's own filters (inmates.filters.AdmissionFilter)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from agreements.access import institutions_reached
from api.base import ReadOnlyResource
from api.serializers import AdmissionSerializer, PersonSerializer
from inmates.filters import AdmissionFilter
from inmates.models import Admission, Person


@extend_schema(tags=["persons"])
class PersonViewSet(ReadOnlyResource):
    """People the caller may see (as on the WBP pages), with their custody spells."""

    serializer_class = PersonSerializer
    queryset = Person.objects.none()  # for the schema's types; every request reads get_queryset()

    def get_queryset(self):
        return Person.objects.visible_to(self.request.user).prefetch_related(
            Prefetch(
                "admissions", queryset=Admission.objects.select_related("institution").order_by("admitted_on")
            )
        )

    def person_of(self, obj) -> int:
        return obj.pk


CUSTODY_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Name, NIK or register number, as the WBP list."),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        enum=["in_custody", "released", "all"],
        description="Held in your scope now (default), released, or all you may see.",
    ),
    OpenApiParameter("institution", OpenApiTypes.INT, description="Id of a UPT (see /institutions/)."),
    OpenApiParameter("category", OpenApiTypes.STR, enum=list(Admission.RegisterCategory.values)),
    OpenApiParameter(
        "offence", OpenApiTypes.STR, enum=["narcotics", *Admission.Offence.values], description="Offence."
    ),
    OpenApiParameter("release", OpenApiTypes.STR, enum=["overdue", "soon"], description="Expected release."),
]


@extend_schema_view(list=extend_schema(parameters=CUSTODY_FILTERS))
@extend_schema(tags=["persons"])
class CustodyViewSet(ReadOnlyResource):
    """Custody spells: the WBP list, with its filters. A value that is not valid drops that filter only, as
    on the page."""

    serializer_class = AdmissionSerializer
    queryset = Admission.objects.none()

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            filterset = AdmissionFilter(
                self.request.query_params, user=user, institutions=institutions_reached(user)
            )
            rows = filterset.qs
        else:
            rows = Admission.objects.visible_to(user)
        return rows.select_related("institution", "person")
