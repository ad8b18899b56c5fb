"""Input no database can store is dealt with once, here, before any view sees it.

PostgreSQL refuses the NUL character in text and JSON ("\\u0000 cannot be converted to text"), and a lone
UTF-16 surrogate cannot be encoded at all; either reaching a query or an audit event used to answer 500.
No person types them: they come from scripts, scanners and broken copy-and-paste. So:

- a query parameter (a filter, a search, a page number) holding one is ignored, as any bad filter is, and the
  page says so (``request.ignored_parameters``, shown by base.html);
- a form holding one anywhere (a field's name or value, an uploaded file's name) is refused as a whole with a
  400 page in both languages: nothing is saved, and the browser's Back button still has what was typed;
- a cookie holding one is dropped (a forged session cookie is then simply no session), and headers the
  application reads (the browser's name, kept in the audit trail) lose those characters;
- a path holding one is not a page here: 404.

Under /api/ the same answers are problem documents (api.problems), as the API's own are.

It runs before the session and authentication middleware, so it must not need the user.
"""

from __future__ import annotations

import re

from django.http import Http404, QueryDict
from django.http.response import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from api.problems import problem_response

# NUL, and the surrogate code points that only a broken decoder or a hand-made request can produce.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Headers the application reads and keeps (audit trail). Others are never stored.
CLEANED_HEADERS = ("HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_X_FORWARDED_FOR")


def unstorable(text: str) -> bool:
    return bool(UNSTORABLE.search(text))


def without_unstorable(text: str) -> str:
    return UNSTORABLE.sub("", text)


def _clean_query(query: QueryDict) -> tuple[QueryDict, list[str]]:
    if not any(unstorable(key) or any(unstorable(v) for v in values) for key, values in query.lists()):
        return query, []
    kept, ignored = QueryDict(mutable=True), []
    for key, values in query.lists():
        if unstorable(key) or any(unstorable(v) for v in values):
            ignored.append(without_unstorable(key))
        else:
            kept.setlist(key, values)
    kept._mutable = False
    return kept, ignored


def _form_is_unstorable(request) -> bool:
    try:
        posted = request.POST
    except OSError:  # the client went away mid-upload: the CSRF check that follows answers it
        return False
    for key, values in posted.lists():
        if unstorable(key) or any(unstorable(value) for value in values):
            return True
    for key, files in request.FILES.lists():
        if unstorable(key) or any(unstorable(upload.name or "") for upload in files):
            return True
    return False


class UnstorableInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith("/api/")
        if unstorable(request.path_info):
            if api:
                return problem_response(request, 404, _("There is no such API endpoint."), code="not-found")
            raise Http404
        for name in CLEANED_HEADERS:
            if name in request.META:
                request.META[name] = without_unstorable(request.META[name])
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if not (unstorable(name) or unstorable(value))
        }
        request.GET, request.ignored_parameters = _clean_query(request.GET)
        if request.method not in ("GET", "HEAD", "OPTIONS") and _form_is_unstorable(request):
            if api:
                return problem_response(
                    request, 400, _("Some values are missing or not valid."), code="invalid"
                )
            return HttpResponseBadRequest(render_to_string("400_unstorable.html"))
        return self.get_response(request)
