"""Where the current request came from, so services can audit without being handed the request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str


current_origin: ContextVar[RequestOrigin | None] = ContextVar("audit_request_origin", default=None)


def origin_of(request) -> RequestOrigin:
    # Behind the production proxy the client's address is the first of X-Forwarded-For (set by the proxy).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    return RequestOrigin(ip_address=address or None, user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_origin.set(origin_of(request))
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
