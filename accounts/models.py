"""Users and what they belong to. A user's reach is the union of their memberships (see accounts.scope)."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.models import Agency, Institution, Region


class Role(models.TextChoices):
    UPT_STAFF = "upt_staff", _("UPT staff")
    COUNSELLOR = "counsellor", _("Counsellor")
    REGIONAL = "regional", _("Regional officer")
    NATIONAL = "national", _("National officer")


class User(AbstractUser):
    """A person who logs in. Custom from the first migration so fields can be added later without pain."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def scope(self):
        """What this user may see, computed once per request from their memberships."""
        from accounts.scope import Scope

        return Scope.for_user(self)


class Membership(models.Model):
    """One role held by a user at one place: an institution, an agency, a region, or nationally."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("institution"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("agency"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("region"),
    )
    is_head = models.BooleanField(
        _("head of the UPT"),
        default=False,
        help_text=_("Kalapas / Karutan: approves rehabilitation recommendations for the institution."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # Each role is attached to exactly the kind of place it works at, and to nothing else.
            models.CheckConstraint(
                condition=(
                    Q(
                        role=Role.UPT_STAFF,
                        institution__isnull=False,
                        agency__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.COUNSELLOR,
                        agency__isnull=False,
                        institution__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.REGIONAL,
                        region__isnull=False,
                        institution__isnull=True,
                        agency__isnull=True,
                    )
                    | Q(
                        role=Role.NATIONAL,
                        region__isnull=True,
                        institution__isnull=True,
                        agency__isnull=True,
                    )
                ),
                name="%(app_label)s_%(class)s_place_matches_role",
                violation_error_message=_(
                    "UPT staff need an institution, counsellors an agency, regional officers a region, "
                    "and national officers none of these."
                ),
            ),
            # No user holds the same role twice at the same place.
            # Only UPT staff can head a UPT.
            models.CheckConstraint(
                condition=Q(is_head=False) | Q(role=Role.UPT_STAFF),
                name="%(app_label)s_%(class)s_head_is_upt_staff",
                violation_error_message=_("Only UPT staff can be the head of a UPT."),
            ),
            models.UniqueConstraint(
                fields=["user", "institution"],
                condition=Q(role=Role.UPT_STAFF),
                name="%(app_label)s_%(class)s_unique_staff",
            ),
            models.UniqueConstraint(
                fields=["user", "agency"],
                condition=Q(role=Role.COUNSELLOR),
                name="%(app_label)s_%(class)s_unique_counsellor",
            ),
            models.UniqueConstraint(
                fields=["user", "region"],
                condition=Q(role=Role.REGIONAL),
                name="%(app_label)s_%(class)s_unique_regional",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role=Role.NATIONAL),
                name="%(app_label)s_%(class)s_unique_national",
            ),
        ]

    def __str__(self) -> str:
        place = self.institution or self.agency or self.region or _("national")
        return f"{self.user} — {self.get_role_display()} ({place})"
