"""Errors as RFC 9457 problem details (`application/problem+json`), in the language the caller asked for
(`Accept-Language`, Indonesian by default): status, a title, what went wrong, and for invalid input the
message of each field. A service's own refusal (Django's ValidationError or PermissionDenied) reads the same
as the page's message."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

PROBLEM_TYPE = "https://rehab-lapas.id/problems/"
MEDIA_TYPE = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("The request is not valid"),
        401: _("Sign-in needed"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        412: _("Precondition failed"),
        413: _("Content too large"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
    }


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _lazy("The body is larger than the server reads.")
    default_code = "too_large"


def _from_django(exc):
    if isinstance(exc, RequestDataTooBig):
        return BodyTooLarge()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail)
    return exc


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): [str(item) for item in _as_list(value)] for key, value in detail.items()}
    return {"non_field_errors": [str(item) for item in _as_list(detail)]}


def _as_list(value) -> list:
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, items in value.items() for item in _as_list(items)]
    if isinstance(value, list):
        return [item for entry in value for item in _as_list(entry)]
    return [value]


def problem(status_code: int, detail: str, *, instance: str = "", errors=None, code: str = "") -> dict:
    body = {
        "type": f"{PROBLEM_TYPE}{code or status_code}",
        "title": _titles().get(status_code, str(status_code)),
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def problem_exception_handler(exc, context):
    """DRF's handler, its answer rewritten as a problem document."""
    exc = _from_django(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real fault: Django's 500 page and the error report
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = _("Some values are missing or not valid.")
        body = problem(response.status_code, detail, instance=instance, errors=errors, code="invalid")
    else:
        code = getattr(exc, "default_code", "") if isinstance(exc, exceptions.APIException) else ""
        if isinstance(exc, (Http404, exceptions.NotFound)):
            detail, code = _("Nothing here, or nothing you may see."), "not-found"
        elif isinstance(exc, (DjangoPermissionDenied, exceptions.PermissionDenied)):
            detail = str(getattr(exc, "detail", "") or exc) or _("You may not do this.")
        else:
            detail = str(response.data.get("detail", "")) if isinstance(response.data, dict) else ""
        body = problem(response.status_code, detail, instance=instance, code=code.replace("_", "-"))
    # Always JSON, whatever the view renders otherwise (the schema's YAML): a plain response, which DRF
    # passes on as it is, with the headers DRF's answer carried (WWW-Authenticate, Retry-After, Allow).
    answer = _json(body, response.status_code)
    for header, value in response.headers.items():
        if header.lower() not in ("content-type", "content-length"):
            answer[header] = value
    return answer


def _json(body: dict, status_code: int) -> JsonResponse:
    return JsonResponse(
        body, status=status_code, content_type=MEDIA_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def problem_response(request, status_code: int, detail: str, *, code: str = "") -> JsonResponse:
    """A problem document for an answer given before any API view runs (config.input_guard)."""
    return _json(problem(status_code, detail, instance=request.path, code=code), status_code)


@csrf_exempt  # a POST to no endpoint is a 404 too, not the CSRF failure page (nothing is changed here)
@login_not_required
def not_found(request, *args, **kwargs):
    """Any other path under /api/: a problem document, not the site's HTML page."""
    return problem_response(request, status.HTTP_404_NOT_FOUND, _("There is no such API endpoint."))
