"""The OpenAPI schema's name for the FHIR operation routes.

drf-spectacular reads each route through Django admindocs' simplify_regex, which drops regex metacharacters,
"$" among them: `Patient/{id}/$everything` would be documented as `Patient/{id}/everything`, a path that
does not exist. This postprocessing hook puts the "$" back. It takes effect once listed in
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] (config/settings.py), after drf-spectacular's default hook.
"""

from __future__ import annotations

FHIR_PREFIX = "/api/v1/fhir/"
OPERATIONS = ("everything",)  # FHIR operation names the FHIR routes serve, written "$name" in their paths


def restore_operation_names(result: dict, generator=None, request=None, public=None) -> dict:
    paths = {}
    for path, item in result.get("paths", {}).items():
        if path.startswith(FHIR_PREFIX):
            head, _, last = path.rpartition("/")
            if last in OPERATIONS:
                path = f"{head}/${last}"
        paths[path] = item
    result["paths"] = paths
    return result
