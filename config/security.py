"""Content Security Policy: the pages run only the scripts and styles served from this site.

No page needs an inline script or style (progressive enhancement lives in static/js, charts are images),
so a script slipped into a name or a note by an attacker cannot run even if some template forgot to escape
it. The admin's change list carries one inline <style> of Django's own, so /admin/ alone also allows inline
styles (never inline scripts).
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


def _header(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{directive} {' '.join(sources)}".strip() for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = _header(settings.CONTENT_SECURITY_POLICY)
        admin_policy = {**settings.CONTENT_SECURITY_POLICY, "style-src": ["'self'", "'unsafe-inline'"]}
        self.admin_policy = _header(admin_policy)
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            is_admin = request.path.startswith(self.admin_prefix)
            response.headers["Content-Security-Policy"] = self.admin_policy if is_admin else self.policy
        return response


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in user is shown is kept by the browser or a proxy.

    Every page behind the login holds personal or health data, or leads to it; a shared office PC's browser
    cache would otherwise keep people's records (and CSV and PDF downloads) for the next user to find after
    signing out. Pages for signed-out visitors (login, errors) and static files keep normal caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
