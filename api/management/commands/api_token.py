"""Personal API tokens for scripts, set up by administrators:

python manage.py api_token create --user <username> --name <label> [--days N]   # prints the key once
python manage.py api_token revoke --user <username> --name <label>
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken
from audit.models import AuditEvent
from audit.services import audit_record


class Command(BaseCommand):
    help = "Create (printing the key once) or revoke a personal API token."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("--user", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--days", type=int, default=None, help="how long it lasts (default API_TOKEN_DAYS)"
        )

    def handle(self, *args, action: str, user: str, name: str, days: int | None, **options):
        owner = User.objects.filter(username=user, is_active=True).first()
        if owner is None:
            raise CommandError(f"No active user {user!r}.")
        if action == "create":
            days = days or settings.API_TOKEN_DAYS
            if not 1 <= days <= 366:
                raise CommandError("--days must be between 1 and 366.")
            token, key = ApiToken.issue(user=owner, name=name, days=days)
            audit_record(action=AuditEvent.Action.CREATE, obj=token, details={"api_token": token.prefix})
            self.stdout.write(key)
            self.stderr.write(
                f"Token {token} for {owner.username}, until {token.expires_at:%Y-%m-%d}: keep the key safe."
            )
            return
        tokens = ApiToken.objects.filter(user=owner, name=name, revoked_at__isnull=True)
        count = tokens.update(revoked_at=timezone.now())
        if not count:
            raise CommandError(f"{owner.username} has no token named {name!r} in use.")
        audit_record(
            action=AuditEvent.Action.CHANGE,
            object_type="api.apitoken",
            details={"revoked": name, "user": owner.pk},
        )
        self.stdout.write(f"Revoked {count} token(s) named {name!r} of {owner.username}.")
