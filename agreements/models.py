"""Agreements (MoU / PKS) between UPTs and partner agencies: parties, scope, validity, documents.

An agreement's status is never typed: it follows from its dates (see ``Agreement.status_on`` and, for the
database, ``AgreementQuerySet.with_status``). Who may work where, today, is read from it by
``agreements.access``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements.storage import private_storage
from institutions.models import Agency, Institution

if TYPE_CHECKING:
    from accounts.models import User

# "Expiring" means the agreement ends within this many days (issue 3; the reminders start here too).
EXPIRING_WITHIN_DAYS = 90


def in_force_q(day: dt.date, prefix: str = "") -> Q:
    """Signed, started, and neither past its end nor past its termination on `day` (all dates inclusive)."""
    p = prefix
    return (
        Q(**{f"{p}signed_on__isnull": False, f"{p}valid_from__lte": day})
        & (Q(**{f"{p}valid_until__isnull": True}) | Q(**{f"{p}valid_until__gte": day}))
        & (Q(**{f"{p}terminated_on__isnull": True}) | Q(**{f"{p}terminated_on__gte": day}))
    )


def document_path(agreement: Agreement, filename: str) -> str:
    # The name users gave the file is kept in `document_name`; on disk it gets a name nobody can guess.
    return f"agreements/{dt.date.today():%Y}/{uuid.uuid4().hex}.pdf"


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AgreementQuerySet:
        scope = user.scope
        if scope.is_national:
            return self
        institutions = Agreement.institutions.through.objects.filter(agreement=OuterRef("pk"))
        agencies = Agreement.agencies.through.objects.filter(agreement=OuterRef("pk"))
        return self.filter(
            Exists(
                institutions.filter(
                    Q(institution_id__in=scope.staff_institution_ids)
                    | Q(institution__region_id__in=scope.region_ids)
                )
            )
            | Exists(agencies.filter(agency_id__in=scope.agency_ids))
        )

    def editable_by(self, user: User) -> AgreementQuerySet:
        """Agreements whose every UPT party is one the user may sign for (see ``Agreement.signable_by``)."""
        scope = user.scope
        if scope.is_national:
            return self
        if not (scope.region_ids or scope.staff_institution_ids):
            return self.none()
        outside = Agreement.institutions.through.objects.filter(agreement=OuterRef("pk")).exclude(
            Q(institution_id__in=scope.staff_institution_ids) | Q(institution__region_id__in=scope.region_ids)
        )
        return self.visible_to(user).filter(~Exists(outside))

    def in_force_on(self, day: dt.date) -> AgreementQuerySet:
        return self.filter(in_force_q(day))

    def ending_within(self, day: dt.date, days: int = EXPIRING_WITHIN_DAYS) -> AgreementQuerySet:
        """In force on `day` and ending (by expiry or termination) no later than `days` later."""
        last = day + dt.timedelta(days=days)
        return self.in_force_on(day).filter(Q(valid_until__lte=last) | Q(terminated_on__lte=last))

    def not_yet_renewed(self) -> AgreementQuerySet:
        """Without a signed renewal: the ones someone still has to act on before they end."""
        return self.exclude(renewed_by__signed_on__isnull=False)

    def with_end(self) -> AgreementQuerySet:
        """Annotate `ends`: the last day in force (the earlier of expiry and termination), None if open."""
        return self.annotate(
            ends=Least(Coalesce("terminated_on", "valid_until"), Coalesce("valid_until", "terminated_on"))
        )

    def with_status(self, day: dt.date) -> AgreementQuerySet:
        """Annotate `status` as of `day`: the same rule as ``Agreement.status_on``, in SQL for filtering."""
        last = day + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
        S = Agreement.Status
        return self.annotate(
            status=Case(
                When(signed_on__isnull=True, then=Value(S.DRAFT)),
                When(terminated_on__lt=day, then=Value(S.TERMINATED)),
                When(valid_until__lt=day, then=Value(S.EXPIRED)),
                When(valid_from__gt=day, then=Value(S.SCHEDULED)),
                When(Q(valid_until__lte=last) | Q(terminated_on__lte=last), then=Value(S.EXPIRING)),
                default=Value(S.ACTIVE),
                output_field=models.CharField(),
            )
        )


class Agreement(models.Model):
    """A signed MoU or PKS between one or more UPTs and one or more partner agencies."""

    class Kind(models.TextChoices):
        MOU = "mou", _("MoU (Nota Kesepahaman)")
        PKS = "pks", _("PKS (Perjanjian Kerja Sama)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (not yet signed)")
        # Signed, but its validity starts later: not in the list, but users need to tell it apart.
        SCHEDULED = "scheduled", _("Signed, not yet in force")
        ACTIVE = "active", _("Active")
        EXPIRING = "expiring", _("Expiring")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    class Scope(models.TextChoices):
        SCREENING_ASSESSMENT = "screening_assessment", _("Screening and assessment")
        MEDICAL_REHABILITATION = "medical_rehabilitation", _("Medical rehabilitation")
        SOCIAL_REHABILITATION = "social_rehabilitation", _("Social rehabilitation")
        COUNSELLING = "counselling", _("Counselling")
        EDUCATION = "education", _("Education (penyuluhan)")
        SKILLS_TRAINING = "skills_training", _("Skills training")
        AFTERCARE = "aftercare", _("After-care")

    number = models.CharField(
        _("number"),
        max_length=120,
        unique=True,
        help_text=_("As written on the signed document, e.g. W.17.PAS.PAS.6-UM.01.01-12/2025."),
        error_messages={"unique": _("An agreement with this number is already registered.")},
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices, default=Kind.MOU)
    institutions = models.ManyToManyField(
        Institution, related_name="agreements", verbose_name=_("institutions (UPT)")
    )
    agencies = models.ManyToManyField(Agency, related_name="agreements", verbose_name=_("partner agencies"))
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, help_text=_("Leave empty while the agreement is a draft.")
    )
    signed_place = models.CharField(_("signed at (place)"), max_length=160, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Last day in force. Leave empty for an open-ended agreement."),
    )
    notes = models.TextField(_("notes"), blank=True)
    document = models.FileField(
        _("signed document (PDF)"), storage=private_storage, upload_to=document_path, blank=True
    )
    document_name = models.CharField(_("document file name"), max_length=255, blank=True, editable=False)
    terminated_on = models.DateField(
        _("last day in force (terminated)"), null=True, blank=True, editable=False
    )
    termination_reason = models.TextField(_("reason for termination"), blank=True, editable=False)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("renews"),
        editable=False,
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "number"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("The validity cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | ~Q(termination_reason=""),
                name="%(app_label)s_%(class)s_termination_has_reason",
            ),
        ]
        indexes = [
            # Agreement list and dashboards: "ending soon", sorted by start.
            models.Index(fields=["valid_until"], name="agreements_valid_until_idx"),
            models.Index(fields=["valid_from"], name="agreements_valid_from_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("agreements:agreement-detail", args=[self.pk])

    @property
    def ends_on(self) -> dt.date | None:
        """The last day in force: the end of validity or, if earlier, the termination."""
        ends = [day for day in (self.valid_until, self.terminated_on) if day is not None]
        return min(ends) if ends else None

    def is_in_force_on(self, day: dt.date) -> bool:
        return self.status_on(day) in (self.Status.ACTIVE, self.Status.EXPIRING)

    def status_on(self, day: dt.date) -> Agreement.Status:
        if self.signed_on is None:
            return self.Status.DRAFT
        if self.terminated_on is not None and self.terminated_on < day:
            return self.Status.TERMINATED
        if self.valid_until is not None and self.valid_until < day:
            return self.Status.EXPIRED
        if self.valid_from > day:
            return self.Status.SCHEDULED
        if self.ends_on is not None and (self.ends_on - day).days <= EXPIRING_WITHIN_DAYS:
            return self.Status.EXPIRING
        return self.Status.ACTIVE

    def days_left_on(self, day: dt.date) -> int | None:
        return None if self.ends_on is None else (self.ends_on - day).days


class AgreementScope(models.Model):
    """One kind of work the agreement covers. Rows, not a list in a column, so access can be queried."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="scope_items", verbose_name=_("agreement")
    )
    scope = models.CharField(_("scope"), max_length=30, choices=Agreement.Scope.choices)

    class Meta:
        verbose_name = _("agreement scope")
        verbose_name_plural = _("agreement scopes")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "scope"], name="%(app_label)s_%(class)s_once")
        ]

    def __str__(self) -> str:
        return self.get_scope_display()


class Signatory(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("agreement")
    )
    name = models.CharField(_("name"), max_length=160)
    position = models.CharField(_("position"), max_length=200)
    party = models.CharField(_("party"), max_length=200, help_text=_("The institution or agency signed for."))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return f"{self.name} ({self.position}, {self.party})"


class AgreementEvent(models.Model):
    """What was done to an agreement, by whom and when: its recorded history (never overwritten)."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        AMENDED = "amended", _("Amended")
        DOCUMENT = "document", _("Signed document uploaded")
        TERMINATED = "terminated", _("Terminated")
        RENEWED = "renewed", _("Renewed")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="events", verbose_name=_("agreement")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    # Amendments: the labels of the fields that changed. Renewals: the other agreement's number.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class ExpiryReminder(models.Model):
    """One reminder sent (or skipped because a later one was due) for one threshold: never sent twice."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("agreement")
    )
    days_before = models.PositiveSmallIntegerField(_("days before the end"))
    # The end date the reminder was about: if the agreement is amended to end later, new reminders are due.
    ends_on = models.DateField(_("end date reminded of"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "ends_on", "days_before"], name="%(app_label)s_%(class)s_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.days_before}"
