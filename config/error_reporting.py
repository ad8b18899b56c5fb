"""Telling the people who run the system that something broke, without telling anyone about a person.

Two channels, both off until configured:
- Mail to ADMINS (DJANGO_ADMINS) on every ERROR record, in production. Django's own AdminEmailHandler puts
  the whole request in the mail: the signed-in user's name, GET and POST data, cookies (the session!) and
  headers. AdminErrorEmailHandler sends the route, status, request id, user id and the traceback (code lines
  and the exception's message, scrubbed), which is enough to find the request's lines in the logs.
- A Sentry-compatible server (SENTRY_DSN), through sentry-sdk with send_default_pii off, no local variables,
  and scrub_event() run on every event before it leaves: no request body, cookies, query string or headers
  but a harmless few, the URL replaced by the route, only the user's id, no frame variables, no breadcrumb
  data, and every remaining string passed through config.scrub.
"""

from __future__ import annotations

import logging
import traceback
import warnings
from email.utils import getaddresses
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.log import AdminEmailHandler

from config.scrub import scrub_text


def parse_admins(raw: str) -> list[tuple[str, str]]:
    """DJANGO_ADMINS="Tim Operasional <ops@example.go.id>, oncall@example.go.id" → [(name, address), ...]."""
    if not raw.strip():
        return []
    admins = []
    for name, address in getaddresses([raw]):
        if "@" not in address:
            raise ImproperlyConfigured(
                f"DJANGO_ADMINS must be a comma-separated list of 'Name <address>' or addresses, got {raw!r}"
            )
        admins.append((name or address, address))
    return admins


class AdminErrorEmailHandler(AdminEmailHandler):
    """Mails ADMINS the where and what of an error, never the request's contents (see module docstring)."""

    def __init__(self):
        super().__init__(include_html=False)

    def emit(self, record: logging.LogRecord) -> None:
        from django.conf import settings

        if not settings.ADMINS:
            return
        route = getattr(record, "route", None) or _route_of_request(record) or "-"
        error = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else record.levelname
        place = route if route != "-" else getattr(record, "task_name", None) or record.name
        subject = self.format_subject(f"{record.levelname}: {error} at {place}")
        lines = [
            f"Route: {route}",
            f"Status: {getattr(record, 'status_code', None) or getattr(record, 'status', None) or '-'}",
            f"Request id: {getattr(record, 'request_id', None) or '-'}",
            f"User id: {getattr(record, 'user_id', None) or '-'}",
            f"Task: {getattr(record, 'task_name', None) or '-'} {getattr(record, 'task_id', None) or ''}",
            f"Logger: {record.name}",
            "",
            "Find the request's lines in the logs by its id. The request's data, cookies and the user's name",
            "are deliberately left out of this mail.",
        ]
        if record.exc_info:
            lines += ["", "".join(traceback.format_exception(*record.exc_info))]
        self.send_mail(subject, scrub_text("\n".join(lines)), fail_silently=True)


def _route_of_request(record: logging.LogRecord) -> str | None:
    from config.logs import route_of

    return route_of(getattr(record, "request", None))


# --- Sentry ---------------------------------------------------------------------------------------------

# Request headers that say nothing about who is asking; every other header (Cookie, Authorization, the
# forwarded client address, Referer with its query string) is dropped.
_KEPT_HEADERS = {"content-type", "content-length", "accept", "accept-language", "x-request-id"}


def _scrub_strings(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_strings(item) for item in value]
    return value


def _scrub_frames(event: dict) -> None:
    exceptions = (event.get("exception") or {}).get("values") or []
    threads = (event.get("threads") or {}).get("values") or []
    for holder in (*exceptions, *threads, event):
        for frame in (holder.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Sentry's before_send: strip what could identify a person; see the module docstring."""
    request = event.get("request")
    if isinstance(request, dict):
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "url": event.get("transaction") or "-",  # the route (transaction_style="url"), not the path
            "headers": {key: value for key, value in headers.items() if key.lower() in _KEPT_HEADERS},
        }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    _scrub_frames(event)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        crumb.pop("data", None)
    # Extra data are whatever an integration chose to attach (Celery puts the task's arguments there).
    event.pop("extra", None)
    return _scrub_strings(event)


def init_sentry(*, dsn: str, environment: str, release: str | None = None, transport=None):
    """Starts sentry-sdk; returns its guard, whose exit flushes and stops it (tests use that)."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from config.logs import current_context

    def before_send(event: dict, hint: dict) -> dict:
        # The request id joins an event to the request's log lines; the user id is all Sentry learns of them.
        context = current_context()
        event.setdefault("tags", {})["request_id"] = context.request_id
        if context.user_id is not None:
            event["user"] = {"id": context.user_id}
        return scrub_event(event, hint)

    with warnings.catch_warnings():
        # sentry-sdk 2.76+ prefers its data_collection option; send_default_pii=False asks the same of every
        # 2.x release (no user details, cookies, headers or bodies), and scrub_event() checks it anyway.
        warnings.filterwarnings("ignore", "The send_default_pii option is deprecated", DeprecationWarning)
        return sentry_sdk.init(
            dsn=dsn,
            environment=environment,
            release=release,
            transport=transport,
            send_default_pii=False,
            include_local_variables=False,
            max_request_body_size="never",
            integrations=[DjangoIntegration(transaction_style="url")],
            before_send=before_send,
            before_send_transaction=lambda event, hint: scrub_event(event, hint),
            before_breadcrumb=_scrub_breadcrumb,
            # No performance tracing (traces_sample_rate unset): spans would carry SQL and paths.
        )


def _scrub_breadcrumb(crumb: dict, hint: dict) -> dict:
    # SQL breadcrumbs keep the statement (placeholders only), never its parameters.
    return {**crumb, "data": None, "message": scrub_text(crumb.get("message") or "")}
