"""A database gone for a moment (restarted, failed over, out of connections) answers 503 "try again in a
moment" instead of the server-error page.

Django's handler500 is the one place that sees every uncaught exception, raised by a view or by a
middleware (the first query of a request is often the session's, in a middleware, before any view runs);
it is called while the exception is being handled, so `sys.exc_info()` names it. Django's own exception
classes (django.db.utils) are matched, which wrap every driver's (psycopg2 or psycopg 3) alike. The error
is still logged and reported as the server error it is; only the answer to the user changes.

Nothing is half-written: every write goes through a service that runs in one transaction
(transaction.atomic), and PostgreSQL rolls back a transaction whose connection was lost. The page cannot
say whether the request's transaction committed before the database went (it may have, if only the page
after it failed), so it asks the user to check before entering anything again. The next request
reconnects: a connection that failed is closed at the end of its request, and CONN_HEALTH_CHECKS tests a
kept one before it is reused.

The page is rendered without the request, so no context processor (several read the database) runs; the
language is the one the visitor chose (the cookie config.middleware.ChosenLanguageMiddleware reads).
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.defaults import server_error

from api.problems import problem_response

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error_or_unavailable(request, template_name: str = "500.html") -> HttpResponse:
    """handler500: 503 when the database could not answer, Django's server error page otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return database_unavailable(request)
    return server_error(request, template_name=template_name)


def database_unavailable(request) -> HttpResponse:
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        if request.path_info.startswith("/api/"):
            response = problem_response(
                request, 503, _("The database cannot be reached just now. Try again in a moment.")
            )
        else:
            response = HttpResponse(render_to_string("503.html", {"language": language}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
