"""Hands the signed-in session's emergency (break-glass) grants to the visibility rule and the audit trail.

The grants live in the session (privacy.emergency), so reading them costs no query: the visibility rule in
inmates reads `user.emergency_person_ids`, every audit event of the request names the grant, and the base
template shows the banner from `request.emergency_access`."""

from __future__ import annotations

from audit.context import current_batch
from privacy import emergency


class EmergencyAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        grants = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and emergency.SESSION_KEY in request.session:
            grants = emergency.active(request.session)
            user.emergency_person_ids = frozenset(person for _grant, person, _until in grants)
        request.emergency_access = grants
        if not grants:
            return self.get_response(request)
        token = current_batch.set({**(current_batch.get() or {}), "break_glass": [g for g, _p, _u in grants]})
        try:
            return self.get_response(request)
        finally:
            current_batch.reset(token)
