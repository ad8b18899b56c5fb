"""Screenings, assessments, recommendations, programmes, sessions with their attendance, after-care plans
with their follow-ups, agreements and the UPTs in reach: each read through the model's own `visible_to`, each
write through the app's service (the form's own rules and messages), audited as the page's form is."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from agreements.access import Work, institutions_reached
from agreements.filters import AgreementFilter
from agreements.models import Agreement, AgreementScope
from api import record_serializers as s
from api.base import ReadOnlyResource, api_details
from api.models import Scope
from assessments import services as assessment_services
from assessments.models import Assessment, Recommendation, Screening
from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Person
from institutions.models import Agency, Institution, Region
from rehab import services as rehab_services
from rehab.filters import AftercareFilter
from rehab.models import AftercarePlan, Attendance, FollowUp, Programme, Session


def id_filter(field_name: str) -> django_filters.NumberFilter:
    """A filter by id that never tells whether a record exists: an id the caller may not see and one that does
    not exist both give an empty list (a choice filter would refuse the second with a 400). Bounded as an id
    is: a larger number overflows the database's integers."""
    return django_filters.NumberFilter(field_name=field_name, min_value=1, max_value=2**63 - 1)


class ScreeningFilter(django_filters.FilterSet):
    person = id_filter("person")
    screened_from = django_filters.DateFilter(field_name="screened_on", lookup_expr="gte")
    screened_until = django_filters.DateFilter(field_name="screened_on", lookup_expr="lte")

    class Meta:
        model = Screening
        fields = ["instrument", "risk"]


@extend_schema(tags=["screening and assessment"])
class ScreeningViewSet(mixins.CreateModelMixin, ReadOnlyResource):
    """Screenings (ASSIST, DAST-10, AUDIT) with their scores and instrument version. A new one is scored by
    the instrument (assessments.instruments), exactly as the form's; who may screen is the form's rule."""

    serializer_class = s.ScreeningSerializer
    queryset = Screening.objects.none()
    work_scope = Scope.ASSESSMENT
    filter_backends = [DjangoFilterBackend]
    filterset_class = ScreeningFilter

    def get_queryset(self):
        return Screening.objects.visible_to(self.request.user).select_related("institution")

    def perform_create(self, serializer):
        user = self.request.user
        data = serializer.validated_data
        person = Person.objects.visible_to(user, Work.ASSESSMENT).filter(pk=data["person_id"]).first()
        if person is None:
            raise exceptions.ValidationError({"person": [_("There is no such person you may screen.")]})
        serializer.instance = assessment_services.screening_record(
            by=user,
            person=person,
            instrument=data["instrument"],
            answers=data["answers"],
            screened_on=data["screened_on"],
        )  # audited there, as the form's screening is


class PersonFilter(django_filters.FilterSet):
    person = id_filter("person")

    class Meta:
        model = Assessment
        fields = []


@extend_schema(tags=["screening and assessment"])
class AssessmentViewSet(ReadOnlyResource):
    """Assessments (ASI-based interviews): the domain ratings, the team and the summary."""

    serializer_class = s.AssessmentSerializer
    queryset = Assessment.objects.none()
    work_scope = Scope.ASSESSMENT
    filter_backends = [DjangoFilterBackend]
    filterset_class = PersonFilter

    def get_queryset(self):
        return Assessment.objects.visible_to(self.request.user).select_related(
            "institution", "recommendation"
        )


class RecommendationFilter(django_filters.FilterSet):
    person = id_filter("assessment__person")
    approved = django_filters.BooleanFilter(field_name="approved_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Recommendation
        fields = ["kind"]


@extend_schema(tags=["screening and assessment"])
class RecommendationViewSet(ReadOnlyResource):
    """The assessment team's recommendations, and whether the head of the UPT has approved them."""

    serializer_class = s.RecommendationSerializer
    queryset = Recommendation.objects.none()
    work_scope = (Scope.ASSESSMENT, Scope.REHABILITATION)
    filter_backends = [DjangoFilterBackend]
    filterset_class = RecommendationFilter

    def get_queryset(self):
        return Recommendation.objects.visible_to(self.request.user).select_related("assessment")

    def person_of(self, obj) -> int:
        return obj.assessment.person_id


class ProgrammeFilter(django_filters.FilterSet):
    institution = id_filter("institution")
    agency = id_filter("agency")

    class Meta:
        model = Programme
        fields = ["kind"]


@extend_schema(tags=["rehabilitation"])
class ProgrammeViewSet(ReadOnlyResource):
    """Rehabilitation programmes: where, by whom, under which agreement, for how many."""

    serializer_class = s.ProgrammeSerializer
    queryset = Programme.objects.none()
    work_scope = Scope.REHABILITATION
    audit_reads = False  # no person's data
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProgrammeFilter

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user).select_related(
            "institution", "agency", "agreement"
        )


class InstantField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, in UTC: ISO allows offsets up to ±23:59, PostgreSQL only to ±15:59; a moment that
    UTC would move out of the calendar (year 1 or 9999) is refused, not a fault."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return moment
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(_("This moment is outside the calendar.")) from None


class InstantFilter(django_filters.IsoDateTimeFilter):
    field_class = InstantField


class SessionFilter(django_filters.FilterSet):
    programme = id_filter("programme")
    starts_from = InstantFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = InstantFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Session
        fields = ["status", "kind"]


@extend_schema_view(
    record_attendance=extend_schema(
        request=s.AttendanceMarksSerializer,
        responses={200: s.SessionDetailSerializer},
        description=(
            "Record the attendance of the session's participants at once, as the session page's form does: "
            "the session is then held; a participant left out stays not recorded."
        ),
    )
)
@extend_schema(tags=["rehabilitation"])
class SessionViewSet(ReadOnlyResource):
    """Sessions of the programmes in reach; one session with its participants' attendance."""

    queryset = Session.objects.none()
    work_scope = Scope.REHABILITATION
    filter_backends = [DjangoFilterBackend]
    filterset_class = SessionFilter

    def get_serializer_class(self):
        return s.SessionSerializer if self.action == "list" else s.SessionDetailSerializer

    def get_queryset(self):
        sessions = Session.objects.visible_to(self.request.user).select_related("institution")
        if self.action == "list":
            return sessions
        return sessions.prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("enrolment__person").order_by(
                    "enrolment__person__full_name", "pk"
                ),
            )
        )

    def audit_read(self, objects) -> None:
        if self.action == "list":
            return  # times, topics and rooms: no one's data
        # The participants' attendance is theirs: a view of each person's, as the session page's.
        self.audit_views(
            [(row, row.enrolment.person_id) for session in objects for row in session.attendances.all()]
        )

    @action(detail=True, methods=["post"], url_path="attendance")
    def record_attendance(self, request, pk=None):
        session = self.get_object()
        marks = s.AttendanceMarksSerializer(data=request.data)
        marks.is_valid(raise_exception=True)
        rows = {row.enrolment.person_id: row for row in session.attendances.all()}
        unknown = [mark["person"] for mark in marks.validated_data["marks"] if mark["person"] not in rows]
        if unknown:
            raise exceptions.ValidationError(
                {
                    "marks": [
                        _("Not a participant of this session: %(ids)s")
                        % {"ids": ", ".join(map(str, unknown))}
                    ]
                }
            )
        with transaction.atomic():
            rehab_services.attendance_record(
                by=request.user,
                session=session,
                marks={
                    rows[mark["person"]].pk: (mark["status"], mark.get("reason", ""))
                    for mark in marks.validated_data["marks"]
                },
            )
            audit_record(
                action=AuditEvent.Action.CHANGE,
                actor=request.user,
                obj=session,
                details={**api_details(request), "attendance": len(marks.validated_data["marks"])},
            )
        session = self.get_queryset().get(pk=session.pk)
        return Response(s.SessionDetailSerializer(session, context=self.get_serializer_context()).data)


@extend_schema(tags=["after-care"])
class AftercarePlanViewSet(ReadOnlyResource):
    """After-care plans after release, with their follow-ups (what was done and found, never the notes).
    Filters as on the after-care list: q (name or register number), status, institution, agency."""

    serializer_class = s.AftercarePlanSerializer
    queryset = AftercarePlan.objects.none()
    work_scope = Scope.AFTERCARE

    def get_queryset(self):
        user = self.request.user
        plans = AftercarePlan.objects.visible_to(user)
        if self.action == "list":
            plans = AftercareFilter(
                self.request.query_params or None,
                queryset=plans,
                institutions=institutions_reached(user, Work.AFTERCARE),
                agencies=Agency.objects.visible_to(user),
            ).qs
        return plans.select_related("agency", "admission__institution", "person").prefetch_related(
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("due_on", "pk"))
        )


@extend_schema(
    tags=["agreements"],
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description="Number or title."),
        OpenApiParameter("status", OpenApiTypes.STR, enum=list(Agreement.Status.values)),
        OpenApiParameter("region", OpenApiTypes.INT),
        OpenApiParameter("institution", OpenApiTypes.INT),
        OpenApiParameter("agency", OpenApiTypes.INT),
        OpenApiParameter("scope", OpenApiTypes.STR, enum=list(Agreement.Scope.values)),
    ],
)
class AgreementViewSet(ReadOnlyResource):
    """Agreements (MoU, PKS) the caller may see, with their parties and scope; filters as on the list."""

    serializer_class = s.AgreementSerializer
    queryset = Agreement.objects.none()
    audit_reads = False

    def get_queryset(self):
        user = self.request.user
        visible = Agreement.objects.visible_to(user)
        if self.action == "list":
            visible = AgreementFilter(
                self.request.query_params or None,
                queryset=visible.with_status(timezone.localdate()),
                regions=Region.objects.visible_to(user),
                institutions=Institution.objects.all(),
                agencies=Agency.objects.all(),
            ).qs
        return visible.prefetch_related(
            "institutions",
            "agencies",
            Prefetch("scope_items", queryset=AgreementScope.objects.order_by("scope")),
        )


class InstitutionFilter(django_filters.FilterSet):
    class Meta:
        model = Institution
        fields = ["code", "kind"]


@extend_schema(tags=["persons"])
class InstitutionViewSet(ReadOnlyResource):
    """The UPTs whose WBP the caller reaches (their own, their region's, or those their agency's agreements
    open): their ids are what the other resources' `institution` filters take."""

    serializer_class = s.InstitutionSerializer
    queryset = Institution.objects.none()
    audit_reads = False
    filter_backends = [DjangoFilterBackend]
    filterset_class = InstitutionFilter

    def get_queryset(self):
        return institutions_reached(self.request.user).select_related("region")
