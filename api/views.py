"""The partner API's resources: each a second door onto the same `visible_to` querysets as the pages, and
audited the same way (a person's record read is a view in the audit trail)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import pagination, viewsets

from api.serializers import PersonSerializer
from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Admission, Person


class IdCursor(pagination.CursorPagination):
    ordering = "-id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


@extend_schema(tags=["persons"])
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People the caller may see (as on the WBP pages), with their custody spells."""

    serializer_class = PersonSerializer
    pagination_class = IdCursor
    queryset = Person.objects.none()  # for the schema's types; every request reads get_queryset()

    def get_queryset(self):
        return Person.objects.visible_to(self.request.user).prefetch_related(
            Prefetch(
                "admissions", queryset=Admission.objects.select_related("institution").order_by("admitted_on")
            )
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["editable_ids"] = (
            frozenset(Person.objects.editable_by(self.request.user).values_list("pk", flat=True))
            if self.request.user.scope.staff_institution_ids
            else frozenset()
        )
        return context

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_record(
            action=AuditEvent.Action.VIEW,
            actor=request.user,
            object_type="inmates.person",
            object_id=str(response.data["id"]),
            person_id=response.data["id"],
            details={"api": True},
        )
        return response
