"""Throttling per token: each personal token and each partner client has its own budget of calls
(API_THROTTLE_RATE), so one busy script cannot starve the others or the pages."""

from __future__ import annotations

from oauth2_provider.models import AbstractAccessToken
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken):
            ident = f"token-{token.pk}"
        elif isinstance(token, AbstractAccessToken):
            ident = f"client-{token.application_id}"  # a client's new access tokens share its budget
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"  # the documentation page, signed in
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
