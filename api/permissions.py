"""What a partner client's scopes allow: each view names the work it is part of (`work_scope`); a personal
token or a signed-in session is bound only by the user's roles, which the querysets and services apply."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractAccessToken
from rest_framework import permissions


class WorkScopePermission(permissions.BasePermission):
    message = _("This client's scopes do not include this kind of work.")

    def has_permission(self, request, view) -> bool:
        scopes = granted_scopes(request)
        if scopes is None:
            return True
        needed = getattr(view, "work_scope", None)
        if needed is None:  # open to every scope (a person's identity, the agreements)
            return bool(scopes)
        return bool(scopes & set(needed if isinstance(needed, (list, tuple)) else [needed]))


def granted_scopes(request) -> frozenset[str] | None:
    """The scopes a partner client's token carries; None for a personal token or a session (roles decide)."""
    token = request.auth
    return frozenset(token.scope.split()) if isinstance(token, AbstractAccessToken) else None
