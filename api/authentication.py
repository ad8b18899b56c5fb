"""Two kinds of `Authorization: Bearer <key>`: a personal API token (`rl_…`, api.models.ApiToken) and a
partner system's OAuth2 access token (client credentials, api.models.PartnerClient). A revoked, expired or
unknown key answers 401; the key itself never reaches a log or the audit trail (only its hash is read)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import authentication, exceptions

from api.models import ApiToken, PartnerClient, digest

PERSONAL_PREFIX = "rl_"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after the word Bearer, and nothing else.")
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from exc
        if not key.startswith(PERSONAL_PREFIX):
            return None  # a partner's OAuth2 access token: PartnerClientAuthentication reads it
        now = timezone.now()
        token = ApiToken.objects.usable(now).select_related("user").filter(key_hash=digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid, has expired or was revoked."))
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most once a minute
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class PartnerClientAuthentication(OAuth2Authentication):
    """An OAuth2 access token of a partner client: the call acts as the client's service account (a
    counsellor of its agency), so the same visibility rules apply; the token's scopes are checked per view
    (api.permissions.WorkScopePermission)."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if len(header) != 2 or header[0].lower() != b"bearer":
            return None
        result = super().authenticate(request)
        if result is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid, has expired or was revoked."))
        access_token = result[1]
        client = (
            PartnerClient.objects.usable()
            .select_related("user")
            .filter(application_id=access_token.application_id)
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed(_("This partner client has been revoked."))
        return client.user, access_token

    def authenticate_header(self, request):
        return "Bearer"
