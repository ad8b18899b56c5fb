"""Language: Bahasa Indonesia unless the user chose English with the switcher.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC set up in English
would greet staff in English. The working language is Indonesian; only an explicit choice (the cookie set
by the language switcher) changes it.

The partner API (/api/) is read by programs, which say what they want: there `Accept-Language` counts.
"""

from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.defaults import page_not_found


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        for_programs = request.path_info.startswith("/api/")
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.available:
            language = (
                translation.get_language_from_request(request) if for_programs else settings.LANGUAGE_CODE
            )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if for_programs else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class NoUrlListMiddleware:
    """With DEBUG on (the default of `make run`), Django answers a missing page with every URL pattern of the
    site. A demo on an office network is not development: the application's own "not found" page is shown
    unless a developer asks for the list (DJANGO_DEBUG_URL_LIST=1). Error pages (500) are left as DEBUG
    makes them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and not settings.DEBUG_URL_LIST
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return page_not_found(request, Http404())
        return response
