"""How the OpenAPI schema describes the API beyond what drf-spectacular reads from the views: the two kinds of
token (extensions, loaded when ready) and the problem documents (api.problems) every operation may answer."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from api.base import ConditionalReadMixin
from api.problems import MEDIA_TYPE


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, `Authorization: Bearer rl_…` (manage.py api_token create).",
        }


class PartnerClientScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PartnerClientAuthentication"
    name = "partnerClient"

    def get_security_definition(self, auto_schema):
        from api.models import Scope

        return {
            "type": "oauth2",
            "description": "A partner system of an agency (manage.py api_client create): client credentials.",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/oauth/token/",
                    "scopes": {scope.value: str(scope.label) for scope in Scope},
                }
            },
        }

    def get_security_requirement(self, auto_schema):
        needed = getattr(auto_schema.view, "work_scope", None)
        if needed is None:
            return {self.name: []}
        return {self.name: list(needed) if isinstance(needed, (list, tuple)) else [needed]}


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem document, as api.problems writes it."""

    type = serializers.URLField(help_text="What kind of problem: https://rehab-lapas.id/problems/<kind>.")
    title = serializers.CharField(help_text="The status's title, in the caller's language.")
    status = serializers.IntegerField(min_value=400, max_value=599)
    detail = serializers.CharField(allow_blank=True, help_text="What went wrong, in the caller's language.")
    instance = serializers.CharField(required=False, help_text="The path and query of the request.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: the messages of each field (`non_field_errors` for the request as a whole).",
    )


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=description)


class ProblemAutoSchema(AutoSchema):
    """Every operation's answers, errors included: a client reading the schema learns each status code it may
    get and that its body is a problem document (`application/problem+json`), not the success's type."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # A view may answer its errors in a type of its own (FHIR: an OperationOutcome, fhir+json).
        media_type = getattr(self.view, "problem_media_type", MEDIA_TYPE)
        for code, description in self._problems().items():
            if str(code) not in responses:
                body = (
                    _problem(description)
                    if media_type == MEDIA_TYPE
                    else OpenApiResponse(OpenApiTypes.OBJECT, description=description)
                )
                responses[str(code)] = self._get_response_for_code(body, str(code), [media_type], direction)
        if self.method == "GET" and isinstance(self.view, ConditionalReadMixin):
            responses["304"] = {
                "description": "Not modified: the `If-None-Match` tag is the current one (no body).",
                "headers": {"ETag": {"schema": {"type": "string"}}},
            }
            responses.get("200", {}).setdefault("headers", {})["ETag"] = {
                "schema": {"type": "string"},
                "description": "A strong tag of this answer: send it back as `If-None-Match`.",
            }
        return responses

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "GET" and isinstance(self.view, ConditionalReadMixin):
            parameters = [
                *parameters,
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    location=OpenApiParameter.HEADER,
                    description="An `ETag` from an earlier answer: 304 with no body if nothing changed.",
                ),
            ]
        return parameters

    def _problems(self) -> dict[int, str]:
        takes_body = self.method in ("POST", "PUT", "PATCH")
        problems = {}
        if takes_body or self._validates_query():
            problems[400] = "A value is missing or not valid: `errors` names each field's problem."
        problems |= {
            401: "No token, or one that is not valid, has expired or was revoked.",
            403: "The token's user or client may not do this.",
            404: "Nothing here, or nothing you may see (for a list: a cursor that is not valid).",
            406: "The `Accept` header asks for a type this operation cannot give.",
        }
        if takes_body:
            problems[413] = "The body is larger than the server reads (DATA_UPLOAD_MAX_MEMORY_SIZE)."
            problems[415] = "The body's content type is not one this operation reads."
        problems[429] = "This token's budget of calls is spent for now: `Retry-After` says when to retry."
        return problems

    def _validates_query(self) -> bool:
        """Whether a list's filters answer 400 for a value that is not valid (django-filter's backend, or a
        view's own `validates_query`); the others drop such a value, as their pages do."""
        if self.method != "GET" or not self._is_list_view():
            return False
        backends = getattr(self.view, "filter_backends", None) or []
        return DjangoFilterBackend in backends or getattr(self.view, "validates_query", False)
