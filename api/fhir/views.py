"""`GET /api/v1/fhir/Patient/<pk>/$everything`: one person's record as a FHIR R4 Bundle, for whoever may see
the person (Person.objects.visible_to, else 404), audited as a view of the record like the person page."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from api.base import CallerZoneMixin, ConditionalReadMixin, api_details
from api.fhir import bundle
from api.permissions import granted_scopes
from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Person

# FHIR's issue types for the answers other than 200 (OperationOutcome.issue.code).
ISSUE_CODES = {401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported", 429: "throttled"}


class FhirJSONRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


class FhirOnly(BaseContentNegotiation):
    """Always FHIR JSON: a caller asking for application/json (or anything else) gets it too, not a 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


EXAMPLE = {
    "resourceType": "Bundle",
    "type": "searchset",
    "timestamp": "2026-03-02T01:00:00+00:00",
    "total": 1,
    "link": [{"relation": "self", "url": "https://rehab.example/api/v1/fhir/Patient/12/$everything"}],
    "entry": [
        {
            "fullUrl": "https://rehab.example/api/v1/fhir/Patient/12",
            "resource": {
                "resourceType": "Patient",
                "id": "12",
                "meta": {"profile": ["https://fhir.kemkes.go.id/r4/StructureDefinition/Patient"]},
                "identifier": [{"use": "official", "system": bundle.NIK_SYSTEM, "value": "6308011705900001"}],
                "name": [{"use": "official", "text": "Ahmad Fauzan"}],
                "gender": "male",
                "birthDate": "1990-05-17",
            },
            "search": {"mode": "match"},
        },
        {
            "fullUrl": "https://rehab.example/api/v1/fhir/Observation/screening-7-risk",
            "resource": {
                "resourceType": "Observation",
                "id": "screening-7-risk",
                "status": "final",
                "code": {
                    "coding": [
                        {
                            "system": "https://rehab-lapas.id/fhir/CodeSystem/screening-observation",
                            "code": "assist-risk-level",
                        }
                    ]
                },
                "subject": {"reference": "Patient/12"},
                "valueCodeableConcept": {
                    "coding": [
                        {"system": "https://rehab-lapas.id/fhir/CodeSystem/assist-risk", "code": "moderate"}
                    ]
                },
            },
            "search": {"mode": "include"},
        },
    ],
}


class PatientEverything(CallerZoneMixin, ConditionalReadMixin, APIView):
    """The default authentication and permission (config.settings REST_FRAMEWORK): a Bearer token or a
    signed-in session; anonymous callers get 401 with the Bearer challenge."""

    renderer_classes = [FhirJSONRenderer]
    content_negotiation_class = FhirOnly
    problem_media_type = "application/fhir+json"  # its errors are OperationOutcomes (handle_exception)

    @extend_schema(
        tags=["fhir"],
        operation_id="fhir_patient_everything",
        summary="A person's rehabilitation record as a FHIR R4 Bundle",
        description=(
            "Patient, EpisodeOfCare per enrolment, Encounter per session attended, QuestionnaireResponse per "
            "screening with the Questionnaire of each instrument version, Observation per score and risk "
            "level, CarePlan per recommendation: what the caller may see. Counselling and follow-up notes "
            "and other narrative fields are never included. See docs/fhir.md."
        ),
        responses={
            (200, "application/fhir+json"): OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="A Bundle of type searchset (FHIR R4).",
                examples=[OpenApiExample("A bundle (shortened)", value=EXAMPLE)],
            ),
            (401, "application/fhir+json"): OpenApiResponse(
                response=OpenApiTypes.OBJECT, description="No valid token: an OperationOutcome."
            ),
            (404, "application/fhir+json"): OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="No such person, or not one the caller may see: an OperationOutcome.",
            ),
        },
    )
    def get(self, request, pk: int):
        person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
        record = bundle.record_for(request.user, person, granted_scopes(request))
        path = request.path
        data = bundle.everything(
            record,
            base_url=request.build_absolute_uri(path[: path.rindex("Patient/")]),
            self_url=request.build_absolute_uri(),
            now=timezone.now(),
        )
        audit_record(
            action=AuditEvent.Action.VIEW,
            actor=request.user,
            object_type="inmates.person",
            object_id=str(person.pk),
            person_id=person.pk,
            details={**api_details(request), "fhir": True},
        )
        return Response(data)

    def etag_source(self, response) -> bytes:
        # The Bundle's `timestamp` says when it was assembled: the same record gives the same tag.
        content = {key: value for key, value in response.data.items() if key != "timestamp"}
        return json.dumps(content, sort_keys=True, default=str).encode()

    def get_exception_handler(self):
        return exception_handler  # DRF's own: its answer becomes an OperationOutcome below, not a problem

    def handle_exception(self, exc):
        """Refusals as FHIR says: an OperationOutcome (the status code and headers stay DRF's)."""
        response = super().handle_exception(exc)
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": ISSUE_CODES.get(response.status_code, "exception"),
                    "diagnostics": str(detail),
                }
            ],
        }
        return response


@csrf_exempt
@login_not_required
def not_found(request, *args, **kwargs):
    return JsonResponse(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": "error", "code": "not-found", "diagnostics": _("There is no such API endpoint.")}
            ],
        },
        status=404,
        content_type="application/fhir+json",
    )
