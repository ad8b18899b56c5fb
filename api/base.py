"""What every resource of the API shares: cursor pages, ETags on reads, and the audit of person data read.

Resources are thin: a `visible_to` queryset for what the caller may see, a service from the app for what
they may do; these classes add only what is particular to being an API.
"""

from __future__ import annotations

import hashlib
import zoneinfo

from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, quote_etag
from oauth2_provider.models import AbstractAccessToken
from rest_framework import pagination, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.models import ApiToken
from audit.models import AuditEvent
from audit.services import audit_records_bulk


def api_details(request) -> dict:
    """What the audit trail records of an API call: that it was one, and by which token (its first
    characters, or the partner client's id), so that a leaked token's reads can be traced."""
    token = request.auth
    if isinstance(token, ApiToken):
        return {"api": True, "token": token.prefix}
    if isinstance(token, AbstractAccessToken):
        return {"api": True, "client": token.application.client_id}
    return {"api": True}


class IdCursor(pagination.CursorPagination):
    """Stable pages at any size: a cursor on the id, newest first (page numbers would skip or repeat rows
    while records are added)."""

    ordering = "-id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def decode_cursor(self, request):
        """DRF's cursor, its position checked to be an id: a made-up one is a 404, never a 500."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                position = int(cursor.position)
            except (TypeError, ValueError):
                raise NotFound(self.invalid_cursor_message) from None
            if not 0 <= position <= 2**63 - 1:
                raise NotFound(self.invalid_cursor_message)
        return cursor


class CallerZoneMixin:
    """Times in the caller's zone, as the pages show them (accounts.middleware.UserTimezoneMiddleware, which
    runs before a token is read): a UPT's staff read WITA times for Amuntai. Every time carries its offset."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        zone = request.user.scope.time_zone if request.user is not None else None
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))


class ConditionalReadMixin:
    """A strong ETag on every successful read; `If-None-Match` with it answers 304 with no body. Private to
    the caller (personal data): `Cache-Control: private, no-cache`."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if isinstance(response, Response):
            response.render()
        etag = quote_etag(hashlib.sha256(self.etag_source(response)).hexdigest()[:40])
        patch_cache_control(response, private=True, no_cache=True)
        # Weak comparison, as RFC 9110 asks of If-None-Match (a proxy may have weakened the tag), and "*".
        asked = parse_etags(request.headers.get("If-None-Match", ""))
        if "*" in asked or etag in (tag.removeprefix("W/") for tag in asked):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            for header in ("Cache-Control", "Vary", "Content-Language"):
                if header in response:
                    not_modified[header] = response[header]
            return not_modified
        response["ETag"] = etag
        return response

    def etag_source(self, response) -> bytes:
        """What the tag is a digest of: the body, unless a view's answer carries the moment it was made."""
        return response.content


class AuditedReadMixin:
    """Each record of a person's read, in a list or alone, is a view in the audit trail, as the page
    showing it would be (one statement for a whole page of them). `person_of(obj)` names whose it is."""

    audit_reads = True

    def person_of(self, obj) -> int | None:
        return obj.person_id

    def audit_read(self, objects) -> None:
        if self.audit_reads:
            self.audit_views([(obj, self.person_of(obj)) for obj in objects])

    def audit_views(self, pairs) -> None:
        """A view event for each (record, whose person id) pair, in one statement. HEAD shows nothing."""
        if self.request.method == "HEAD":
            return
        audit_records_bulk(
            [
                {
                    "action": AuditEvent.Action.VIEW,
                    "actor": self.request.user,
                    "obj": obj,
                    "person_id": person_id,
                    "details": api_details(self.request),
                }
                for obj, person_id in pairs
            ]
        )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = self.get_serializer(rows, many=True).data
        self.audit_read(rows)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        self.audit_read([instance])
        return Response(data)


class ReadOnlyResource(
    CallerZoneMixin, ConditionalReadMixin, AuditedReadMixin, viewsets.ReadOnlyModelViewSet
):
    pagination_class = IdCursor
