"""Personal API tokens: a user's own key for scripts, named, expiring, revocable, stored only as a hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8  # shown to the owner to tell tokens apart; the rest is never stored


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now: dt.datetime) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str, days: int) -> tuple[ApiToken, str]:
        """A new token and its key, which is shown once and never stored."""
        key = f"rl_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            user=user,
            name=name.strip(),
            prefix=key[3 : 3 + PREFIX_LENGTH],
            key_hash=digest(key),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return token, key


def revoke_tokens_of(*, user, **kwargs) -> int:
    """A new password ends the user's personal tokens: one made by whoever knew the old password (a session
    taken over, a shared PC) must not outlive it."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


class Scope(models.TextChoices):
    """What a partner client may ask for: the agreement work kinds (agreements.access.Work), nothing wider.
    Within a scope the client sees what its agency's counsellors see, following the agreements in force."""

    ASSESSMENT = "assessment", _("Screening and assessment")
    REHABILITATION = "rehabilitation", _("Rehabilitation")
    AFTERCARE = "aftercare", _("After-care")


class PartnerClientQuerySet(models.QuerySet):
    def usable(self) -> PartnerClientQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class PartnerClient(models.Model):
    """A partner system (BNN, IPWL, a health office) calling with OAuth2 client credentials.

    It acts through a service account of its own: a user with a counsellor's membership of the agency and
    no password, so every `visible_to` rule and every service treats it exactly as the agency's counsellors
    (no rule written a second time) and the audit trail names it. Its OAuth2 scopes narrow what it may call.
    """

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="partner"
    )
    agency = models.ForeignKey(
        "institutions.Agency",
        on_delete=models.PROTECT,
        related_name="partner_clients",
        verbose_name=_("agency"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_client"
    )
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = PartnerClientQuerySet.as_manager()

    class Meta:
        ordering = ["agency", "pk"]
        verbose_name = _("partner client")
        verbose_name_plural = _("partner clients")

    def __str__(self) -> str:
        return f"{self.application.name} ({self.agency})"
