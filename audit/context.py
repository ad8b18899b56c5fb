"""Where the current request came from, so services can audit without being handed the request."""

from __future__ import annotations

import ipaddress
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str


current_origin: ContextVar[RequestOrigin | None] = ContextVar("audit_request_origin", default=None)
# Set while a batch (an SDP import) writes through the ordinary services: every event it causes names it.
current_batch: ContextVar[dict | None] = ContextVar("audit_batch", default=None)


@contextmanager
def batch(**details):
    """Within this block every audit event carries `details` (e.g. {"import": 42}), besides what the block it
    sits in already names (a break-glass grant, privacy.middleware)."""
    token = current_batch.set({**(current_batch.get() or {}), **details})
    try:
        yield
    finally:
        current_batch.reset(token)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address as our own proxies saw it; never a value the client could have written.

    Each trusted proxy (settings.TRUSTED_PROXY_COUNT, 0 by default) appends the address it received from to
    X-Forwarded-For, so the client is the entry that many places from the end; anything before it may be
    forged by the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = _valid_ip(hops[-proxies])
            if address:
                return address
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def origin_of(request) -> RequestOrigin:
    return RequestOrigin(
        ip_address=client_address(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300]
    )


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_origin.set(origin_of(request))
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
