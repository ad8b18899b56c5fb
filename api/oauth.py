"""OAuth2 client credentials for partner systems (django-oauth-toolkit): which scopes each client may ask
for, and how one is set up (api_client command)."""

from __future__ import annotations

import secrets

from django.db import transaction
from oauth2_provider.models import get_application_model
from oauth2_provider.scopes import BaseScopes

from accounts.models import Membership, Role, User
from api.models import PartnerClient, Scope


class PartnerScopes(BaseScopes):
    """A client may ask only for the scopes it was given; by default it gets all of them."""

    def get_all_scopes(self):
        return {scope.value: str(scope.label) for scope in Scope}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        if application is None:
            return list(Scope.values)
        client = PartnerClient.objects.usable().filter(application=application).first()
        return list(client.scopes) if client else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)


@transaction.atomic
def partner_client_create(*, agency, name: str, scopes: list[str]) -> tuple[PartnerClient, str]:
    """A new client and its secret, which is shown once (the application keeps only its hash)."""
    Application = get_application_model()
    user = User.objects.create(
        username=f"client-{secrets.token_hex(6)}",
        first_name=name[:150],
        language="id",
        is_service=True,
        daily_digest=False,
    )
    user.set_unusable_password()  # a service account: it never signs in to the pages
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, role=Role.COUNSELLOR, agency=agency)
    secret = secrets.token_urlsafe(40)
    application = Application.objects.create(
        name=name,
        user=user,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
    )
    client = PartnerClient.objects.create(
        application=application, agency=agency, user=user, scopes=sorted(set(scopes))
    )
    return client, secret
