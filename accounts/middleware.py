"""Show times in the zone of the place the user works at (stored times are UTC); sign out idle sessions."""

import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone
from django.utils.translation import gettext as _


class UserTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = user.scope.time_zone if user is not None and user.is_authenticated else None
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Signs a user out after settings.SESSION_IDLE_TIMEOUT seconds without a request.

    The session's own age (SESSION_COOKIE_AGE) bounds a working day; this bounds a PC left unattended. The
    time of the last request is kept in the session, written at most once a minute so that ordinary browsing
    does not rewrite the session row on every click.
    """

    KEY = "last_activity"
    WRITE_EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        timeout = settings.SESSION_IDLE_TIMEOUT
        if timeout > 0 and user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY)
            if isinstance(last, int) and now - last > timeout:
                return self._sign_out(request, minutes=timeout // 60)
            if not isinstance(last, int) or now - last >= self.WRITE_EVERY_SECONDS:
                request.session[self.KEY] = now
        return self.get_response(request)

    @classmethod
    def start_clock(cls, sender, request, user, **kwargs) -> None:
        """At login (connected in accounts.apps): saved with the new session, so the first pages after a login
        do not write the session again."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())

    def _sign_out(self, request, *, minutes: int):
        request.signed_out_for = "idle"  # read by the audit receiver for the logout event
        logout(request)
        messages.info(
            request,
            _("You were signed out after %(minutes)s minutes without activity. Please log in again.")
            % {"minutes": minutes},
        )
        return redirect_to_login(request.get_full_path())
