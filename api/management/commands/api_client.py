"""Partner systems' OAuth2 clients (client credentials), set up by administrators:

python manage.py api_client create --agency <code> --name <label> --scopes assessment,rehabilitation
    # prints the client id and the secret once
python manage.py api_client revoke --client-id <id>
python manage.py api_client list
"""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from api.models import PartnerClient, Scope
from api.oauth import partner_client_create
from audit.models import AuditEvent
from audit.services import audit_record
from institutions.models import Agency


class Command(BaseCommand):
    help = "Create (printing the secret once), list or revoke a partner system's OAuth2 client."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("--agency", help="the agency's code (create)")
        parser.add_argument("--name", help="a label for the partner system (create)")
        parser.add_argument(
            "--scopes",
            default=",".join(Scope.values),
            help=f"comma-separated, of {', '.join(Scope.values)} (create; default all)",
        )
        parser.add_argument("--client-id", help="the client to revoke")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, agency, name, scopes, **options):
        if not agency or not (name or "").strip():
            raise CommandError("create needs --agency and --name.")
        found = Agency.objects.filter(code=agency).first()
        if found is None:
            raise CommandError(f"No agency with code {agency!r}.")
        wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        unknown = sorted(set(wanted) - set(Scope.values))
        if unknown or not wanted:
            raise CommandError(
                f"Unknown or no scopes: {', '.join(unknown)}; choose from {', '.join(Scope.values)}."
            )
        client, secret = partner_client_create(agency=found, name=name.strip(), scopes=wanted)
        audit_record(
            action=AuditEvent.Action.CREATE,
            obj=client,
            details={"client_id": client.application.client_id, "scopes": client.scopes},
        )
        self.stdout.write(f"client_id={client.application.client_id}\nclient_secret={secret}")
        self.stderr.write(
            f"Partner client {client} with scopes {', '.join(client.scopes)}: keep the secret safe."
        )

    @transaction.atomic
    def _revoke(self, *, client_id, **options):
        client = PartnerClient.objects.filter(
            application__client_id=client_id or "", revoked_at__isnull=True
        ).first()
        if client is None:
            raise CommandError(f"No partner client in use with id {client_id!r}.")
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        # The secret replaced by one nobody knows (kept as a hash): no new access token is ever issued.
        client.application.client_secret = secrets.token_urlsafe(40)
        client.application.save(update_fields=["client_secret"])
        get_access_token_model().objects.filter(application=client.application).delete()
        audit_record(
            action=AuditEvent.Action.CHANGE, obj=client, details={"revoked": client.application.client_id}
        )
        self.stdout.write(f"Revoked {client}; its access tokens no longer work.")

    def _list(self, **options):
        for client in PartnerClient.objects.select_related("application", "agency"):
            state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "in use"
            self.stdout.write(
                f"{client.application.client_id}\t{client.agency.code}\t{','.join(client.scopes)}\t"
                f"{client.application.name}\t{state}"
            )
