"""Content Security Policy: the pages run only the scripts and styles served from this site.

No page needs an inline script or style (progressive enhancement lives in static/js, charts are images),
so a script slipped into a name or a note by an attacker cannot run even if some template forgot to escape
it. The admin's change list carries one inline <style> of Django's own, so /admin/ alone also allows inline
styles (never inline scripts).
"""

from django.conf import settings


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
