"""What the API says about screenings, assessments, recommendations, programmes, sessions, after-care and
agreements: the fields their pages show. Never a counselling or follow-up note (they stay on the pages, for
the agency's counsellors only)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from agreements.models import Agreement
from assessments.models import Assessment, Recommendation, Screening
from institutions.models import Institution
from rehab.models import AftercarePlan, Attendance, FollowUp, Programme, Session


def result_summary(instrument: str, result) -> dict[str, Any]:
    """The scores as the screening page shows them: per substance for ASSIST, the total and band for the
    others. Computed by the instrument itself (assessments.instruments), never here."""
    if instrument == Screening.Instrument.ASSIST:
        return {
            "highest_risk": result.highest_risk,
            "substances": {
                code: {"score": row.score, "risk": row.risk}
                for code, row in result.substances.items()
                if row.used_ever
            },
            "injecting": result.injecting,
            "injecting_action": result.injecting_action,
        }
    summary = {"score": result.score, "band": result.band}
    for extra in ("escalate", "intervention_band"):
        if hasattr(result, extra):
            summary[extra] = getattr(result, extra)
    return summary


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A UPT",
            response_only=True,
            value={
                "id": 1,
                "code": "lapas-amuntai",
                "name": "Lapas Kelas IIB Amuntai",
                "kind": "lapas",
                "region": "kalsel",
            },
        )
    ]
)
class InstitutionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "code", "name", "kind", "region"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "DAST-10",
            request_only=True,
            value={
                "person": 12,
                "instrument": "DAST-10",
                "screened_on": "2026-11-02",
                "answers": {f"d{n}": n in (1, 2, 4) for n in range(1, 11)},
            },
        ),
        OpenApiExample(
            "DAST-10, scored",
            response_only=True,
            value={
                "id": 40,
                "person": 12,
                "institution": "lapas-amuntai",
                "instrument": "DAST-10",
                "version": "1982-10",
                "screened_on": "2026-11-02",
                "answers": {f"d{n}": n in (1, 2, 4) for n in range(1, 11)},
                "risk": "moderate",
                "result": {"score": 4, "band": "moderate"},
                "created_at": "2026-11-02T10:15:00+08:00",
            },
        ),
    ]
)
class ScreeningSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", min_value=1, max_value=2**63 - 1)
    institution = serializers.CharField(source="institution.code", read_only=True)
    answers = serializers.JSONField(
        help_text="The answers in the instrument's own format (see assessments/instruments/)."
    )
    result = serializers.SerializerMethodField()

    class Meta:
        model = Screening
        fields = [
            "id",
            "person",
            "institution",
            "instrument",
            "version",
            "screened_on",
            "answers",
            "risk",
            "result",
            "created_at",
        ]
        read_only_fields = ["version", "risk", "created_at"]

    @extend_schema_field(serializers.DictField())
    def get_result(self, screening: Screening) -> dict:
        return result_summary(screening.instrument, screening.result())


class AssessmentSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    recommendation = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "person",
            "institution",
            "screening",
            "assessed_on",
            "version",
            "answers",
            "team",
            "summary",
            "recommendation",
            "created_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_recommendation(self, assessment: Assessment) -> int | None:
        recommendation = getattr(assessment, "recommendation", None)  # none yet: the reverse side raises
        return recommendation.pk if recommendation else None


class RecommendationSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="assessment.person_id", read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "assessment",
            "person",
            "kind",
            "reasons",
            "decided_on",
            "decree_number",
            "approved_on",
            "created_at",
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A programme",
            response_only=True,
            value={
                "id": 2,
                "name": "Rehabilitasi Sosial 2026 Tahap I",
                "kind": "social",
                "institution": "lapas-amuntai",
                "agency": "bnnk-hsu",
                "agreement": "PKS/0001/2025",
                "starts_on": "2026-02-01",
                "ends_on": "2026-07-31",
                "capacity": 30,
                "target": 25,
                "required_sessions": 24,
                "required_hours": None,
            },
        )
    ]
)
class ProgrammeSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True, allow_null=True)
    agreement = serializers.CharField(source="agreement.number", read_only=True, allow_null=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "kind",
            "institution",
            "agency",
            "agreement",
            "starts_on",
            "ends_on",
            "capacity",
            "target",
            "required_sessions",
            "required_hours",
        ]


class SessionSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)

    class Meta:
        model = Session
        fields = ["id", "programme", "institution", "kind", "topic", "room", "starts_at", "ends_at", "status"]


class AttendanceSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="enrolment.person_id", read_only=True)
    person_name = serializers.CharField(source="enrolment.person.full_name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "enrolment", "person", "person_name", "status", "reason", "recorded_at"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A session and its attendance",
            response_only=True,
            value={
                "id": 64,
                "programme": 2,
                "institution": "lapas-amuntai",
                "kind": "group",
                "topic": "Kelompok dukungan sebaya",
                "room": "Aula Pembinaan",
                "starts_at": "2026-12-03T09:00:00+08:00",
                "ends_at": "2026-12-03T11:00:00+08:00",
                "status": "held",
                "attendance": [
                    {
                        "id": 505,
                        "enrolment": 9,
                        "person": 36,
                        "person_name": "Agus Gunawan",
                        "status": "present",
                        "reason": "",
                        "recorded_at": "2026-12-03T11:05:00+08:00",
                    }
                ],
            },
        )
    ]
)
class SessionDetailSerializer(SessionSerializer):
    attendance = AttendanceSerializer(source="attendances", many=True, read_only=True)

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "attendance"]


class MarkSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(choices=[c for c in Attendance.Status.values if c])
    reason = serializers.ChoiceField(choices=[c for c in Attendance.Reason.values if c], required=False)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Two participants",
            value={
                "marks": [
                    {"person": 12, "status": "present"},
                    {"person": 15, "status": "excused", "reason": "sick"},
                ]
            },
        )
    ]
)
class AttendanceMarksSerializer(serializers.Serializer):
    # A list field, not `many=True`: drf-spectacular writes a list field's bounds into the schema (minItems,
    # maxItems) and ignores a list serializer's.
    marks = serializers.ListField(child=MarkSerializer(), allow_empty=False, min_length=1, max_length=500)


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        # Never `notes`: follow-up notes are the agency's counsellors' alone, on the pages.
        fields = [
            "id",
            "months_after",
            "due_on",
            "done_on",
            "method",
            "outcome",
            "urine_panel",
            "urine_positive",
            "cancelled",
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A plan and its follow-ups",
            response_only=True,
            value={
                "id": 7,
                "person": 36,
                "admission": 120,
                "institution": "lapas-amuntai",
                "agency": "bnnk-hsu",
                "released_on": "2026-02-20",
                "follow_ups": [
                    {
                        "id": 25,
                        "months_after": 1,
                        "due_on": "2026-03-20",
                        "done_on": "2026-03-18",
                        "method": "visit",
                        "outcome": "abstinent",
                        "urine_panel": "6-parameter",
                        "urine_positive": False,
                        "cancelled": False,
                    }
                ],
            },
        )
    ]
)
class AftercarePlanSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True, allow_null=True)
    institution = serializers.CharField(source="admission.institution.code", read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = AftercarePlan
        fields = ["id", "person", "admission", "institution", "agency", "released_on", "follow_ups"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A cooperation agreement",
            response_only=True,
            value={
                "id": 3,
                "number": "PKS/0001/2025",
                "title": "Kerja sama rehabilitasi",
                "kind": "pks",
                "signed_on": "2025-01-01",
                "valid_from": "2025-01-01",
                "valid_until": "2027-12-31",
                "terminated_on": None,
                "institutions": ["lapas-amuntai"],
                "agencies": ["bnnk-hsu"],
                "scopes": ["counselling", "screening_assessment", "social_rehabilitation"],
            },
        )
    ]
)
class AgreementSerializer(serializers.ModelSerializer):
    institutions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    agencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    scopes = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "number",
            "title",
            "kind",
            "signed_on",
            "valid_from",
            "valid_until",
            "terminated_on",
            "institutions",
            "agencies",
            "scopes",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_scopes(self, agreement: Agreement) -> list[str]:
        return [item.scope for item in agreement.scope_items.all()]
