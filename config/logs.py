"""Log lines that an operator can search and a data-protection officer can read without finding a person.

Every record carries the context of the work it belongs to, from a context variable: for a request its id
(the proxy's X-Request-ID when it sends a sane one, so the proxy's and the app's lines join up), the signed-in
user's primary key and the route (the URL pattern's name, never the path: paths carry people's ids); for a
Celery task its name and id. DJANGO_LOG_FORMAT=json writes one JSON object per line (production), text
writes a readable line (a laptop).

Never logged: query strings, request bodies, usernames, names. Messages and exception texts go through
config.scrub, which masks NIKs, phone numbers, email addresses and the values in database constraint errors.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from dataclasses import asdict, dataclass, replace

from django.utils.functional import empty

from config.scrub import scrub_text

request_logger = logging.getLogger("rehab.request")


@dataclass(frozen=True)
class LogContext:
    request_id: str | None = None
    user_id: int | None = None
    route: str | None = None
    task_name: str | None = None
    task_id: str | None = None


_context: contextvars.ContextVar[LogContext] = contextvars.ContextVar("log_context", default=LogContext())  # noqa: B039


def current_context() -> LogContext:
    return _context.get()


def update_context(**fields) -> None:
    _context.set(replace(_context.get(), **fields))


class ContextFilter(logging.Filter):
    """Puts the current context's fields on every record (as attributes), for both formats and the mail."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        request = getattr(record, "request", None)
        if context.request_id is None and request is not None:
            # Django logs a 4xx response after the last middleware has returned, outside the request's
            # context; the request it passes along says the same.
            context = LogContext(
                request_id=getattr(request, "request_id", None),
                user_id=_user_id(request),
                route=route_of(request),
            )
        for name, value in asdict(context).items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


# What Django itself writes about a request names its path ("Not Found: /persons/17/"): those records get
# the route in place of the path (see _message).
_RECORD_FIELDS = ("status", "method", "duration_ms")


def _message(record: logging.LogRecord) -> str:
    message = record.getMessage()
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if isinstance(path, str) and path:
        route = getattr(record, "route", None) or route_of(request) or "-"
        message = message.replace(request.get_full_path(), route).replace(path, route)
        # log_response escapes the path it writes (unicode_escape) before formatting.
        message = message.replace(path.encode("unicode_escape").decode("ascii"), route)
    return scrub_text(message)


def _exception(record: logging.LogRecord, formatter: logging.Formatter) -> str | None:
    if record.exc_info:
        # The traceback module prints code and the exception's message, never local variables.
        return scrub_text(formatter.formatException(record.exc_info))
    return None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
        }
        for name in (*LogContext.__dataclass_fields__, *_RECORD_FIELDS):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if (exception := _exception(record, self)) is not None:
            entry["exception"] = exception
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        context = " ".join(
            f"{name}={value}"
            for name in (*LogContext.__dataclass_fields__, *_RECORD_FIELDS)
            if (value := getattr(record, name, None)) is not None
        )
        line = f"{when} {record.levelname:<7} {record.name}: {_message(record)}"
        if context:
            line += f"  [{context}]"
        if (exception := _exception(record, self)) is not None:
            line += "\n" + exception
        return line


def route_of(request) -> str | None:
    """The matched URL pattern's name ("inmates:person-detail"), or its route for an unnamed one."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    return match.view_name or match.route or None


# A proxy's request id is taken as it is when it looks like one (nginx's $request_id is 32 hex digits, a UUID
# has dashes); anything else is replaced, so a client cannot write arbitrary text into the logs.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,99}$")


def request_id_for(request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    # request.user is loaded lazily from the session; logging never loads it (a query, which fails while the
    # database is away, and a 503 page must not become a 500 for a log line). The middlewares after this one
    # load it for every request that reaches them.
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # a user that cannot be read is no reason to lose the line
        return None


class RequestLogMiddleware:
    """First in MIDDLEWARE: opens the request's log context, writes one line per request (route, status,
    duration, user id) and echoes the request id in the response (X-Request-ID)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = request_id_for(request)
        token = _context.set(LogContext(request_id=request.request_id))
        try:
            response = self.get_response(request)
            update_context(route=route_of(request), user_id=_user_id(request))
            request_logger.info(
                "%s %s",
                request.method,
                route_of(request) or "-",
                extra={
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            _context.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The URL is resolved and the user known: lines written by the view carry both.
        update_context(route=route_of(request), user_id=_user_id(request))


# The tokens of running tasks' contexts: an eager task (a laptop, no broker) runs inside a request, whose
# context comes back when the task ends.
_task_tokens: dict[str, contextvars.Token] = {}


def task_started(sender=None, task_id=None, task=None, **kwargs) -> None:
    """Celery's task_prerun: the task's lines carry its name and id (connected in config.celery)."""
    context = replace(_context.get(), task_name=getattr(task, "name", None), task_id=task_id)
    _task_tokens[task_id] = _context.set(context)


def task_finished(sender=None, task_id=None, task=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:  # finished in another context than it started in: start clean
            _context.set(LogContext())
