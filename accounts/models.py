"""Users and what they belong to. A user's reach is the union of their memberships (see accounts.scope)."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.signals import password_set
from audit.models import AppendOnlyModel, AppendOnlyQuerySet
from institutions.models import Agency, Institution, Region


class Role(models.TextChoices):
    UPT_STAFF = "upt_staff", _("UPT staff")
    COUNSELLOR = "counsellor", _("Counsellor")
    REGIONAL = "regional", _("Regional officer")
    NATIONAL = "national", _("National officer")
    # Data-protection officer (UU 27/2022 Art. 53): nationally, or for one region. Sees the privacy pages and
    # the audit trail of their scope; never people's records, counselling or follow-up notes.
    DPO = "dpo", _("Data-protection officer")


class User(AbstractUser):
    """A person who logs in. Custom from the first migration so fields can be added later without pain."""

    # The pages follow it from sign-in (and the language switcher keeps it); mails are written in it.
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # A partner system's account (api.PartnerClient): it calls the API as a counsellor of its agency, but
    # never signs in, is never offered as a facilitator and is never mailed.
    is_service = models.BooleanField(_("service account"), default=False, db_default=False, editable=False)
    daily_digest = models.BooleanField(
        _("daily email of my to-do list"),
        default=True,
        help_text=_("Each morning, a short email of what is waiting for you; sent only when something is."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs):
        # AbstractBaseUser.set_password keeps the new raw password here until saved; the stubs omit it.
        changed_password = self.pk is not None and self._password is not None  # type: ignore[attr-defined]
        super().save(*args, **kwargs)
        if changed_password:
            password_set.send(sender=type(self), user=self)

    @cached_property
    def scope(self):
        """What this user may see, computed once per request from their memberships."""
        from accounts.scope import Scope

        return Scope.for_user(self)


class MembershipQuerySet(models.QuerySet):
    def in_effect(self) -> MembershipQuerySet:
        """Memberships that give access: all but those still awaiting a second administrator."""
        return self.filter(awaiting_confirmation=False)


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
    # Who granted it, and, for a membership that opens counselling notes and was not granted by a superuser,
    # the second administrator who confirmed it (accounts.services). Until then it gives no access at all.
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    awaiting_confirmation = models.BooleanField(
        _("awaiting confirmation"),
        default=False,
        help_text=_("Gives no access until a second administrator confirms it."),
    )
    confirmed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

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
                    # A data-protection officer works nationally (no region) or for one region.
                    | Q(role=Role.DPO, institution__isnull=True, agency__isnull=True)
                ),
                name="%(app_label)s_%(class)s_place_matches_role",
                violation_error_message=_(
                    "UPT staff need an institution, counsellors an agency, regional officers a region, "
                    "national officers none of these, and data-protection officers a region or none."
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
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role=Role.DPO),
                name="%(app_label)s_%(class)s_unique_dpo",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.describe()}"

    def describe(self) -> str:
        place = self.institution or self.agency or self.region or _("national")
        head = f", {_('head of the UPT')}" if self.is_head else ""
        return f"{self.get_role_display()} ({place}{head})"

    @property
    def opens_notes(self) -> bool:
        """A counsellor membership reads the agency's confidential counselling and follow-up notes; a
        data-protection officer can hand a person's notes over to them (an access bundle with notes)."""
        return self.role in (Role.COUNSELLOR, Role.DPO)

    def snapshot(self) -> dict:
        """What this membership grants, as recorded before and after a change."""
        return {
            "role": self.role,
            "institution": self.institution_id,
            "agency": self.agency_id,
            "region": self.region_id,
            "is_head": self.is_head,
            "awaiting_confirmation": self.awaiting_confirmation,
            "text": self.describe(),
        }


class AccessChange(AppendOnlyModel):
    """One change of who may see what: a membership granted, changed, confirmed or revoked, an account's
    rights changed, a password link sent. Append-only, with the state before and after.

    Shown on the user's own account page, to the heads of the UPT concerned and to the data-protection officer
    (accounts.views). The places concerned are kept as columns so those lists are plain indexed filters.
    """

    class Kind(models.TextChoices):
        MEMBERSHIP_GRANTED = "membership_granted", _("Membership granted")
        MEMBERSHIP_CHANGED = "membership_changed", _("Membership changed")
        MEMBERSHIP_CONFIRMED = "membership_confirmed", _("Membership confirmed")
        MEMBERSHIP_REVOKED = "membership_revoked", _("Membership revoked")
        ACCOUNT_CREATED = "account_created", _("Account created")
        RIGHTS_CHANGED = "rights_changed", _("Account rights changed")
        EMAIL_CHANGED = "email_changed", _("E-mail address changed")
        PASSWORD_RESET_SENT = "password_reset_sent", _("Password reset link sent")
        PASSWORD_SET = "password_set", _("Password set from a link")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="access_changes", verbose_name=_("account")
    )
    kind = models.CharField(_("change"), max_length=30, choices=Kind.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access change")
        verbose_name_plural = _("access changes")
        indexes = [
            # The account page lists one user's changes; the heads' and DPO's lists filter by place.
            models.Index(fields=["user", "-at"], name="accounts_change_user_idx"),
            models.Index(fields=["institution", "-at"], name="accounts_change_inst_idx"),
            models.Index(fields=["agency", "-at"], name="accounts_change_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.user}"
