"""How the OpenAPI schema describes the two kinds of token (drf-spectacular extensions, loaded when ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
