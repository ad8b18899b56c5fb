"""Screenings (ASSIST, DAST-10, AUDIT), ASI-based assessments and the team's recommendation.

Every answer set keeps the instrument code and version it was given in and is re-scored with that version
whenever it is shown (``result()``); the summary stored beside it (`risk`) only serves lists and reports,
and cannot drift, because a used version never changes (see assessments.instruments).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements.access import Work
from assessments import instruments
from inmates.models import Person
from institutions.models import Institution

if TYPE_CHECKING:
    from accounts.models import User


def _persons_reachable(user: User):
    """Screening and assessment records follow the person, for whoever may do assessment work with them."""
    return Person.objects.visible_to(user, Work.ASSESSMENT).values("pk")


class ScreeningQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ScreeningQuerySet:
        if user.scope.is_national:
            return self
        return self.filter(person__in=_persons_reachable(user))


class Screening(models.Model):
    class Instrument(models.TextChoices):
        ASSIST = "ASSIST", _("WHO-ASSIST")
        DAST10 = "DAST-10", _("DAST-10")
        AUDIT = "AUDIT", _("AUDIT")

    class Risk(models.TextChoices):
        # ASSIST: the highest risk over all substances; DAST-10 and AUDIT: their band.
        LOWER = "lower", _("Lower risk")
        MODERATE = "moderate", _("Moderate risk")
        HIGH = "high", _("High risk")
        NONE = "none", _("No problems reported")
        LOW = "low", _("Low")
        SUBSTANTIAL = "substantial", _("Substantial")
        SEVERE = "severe", _("Severe")
        ZONE_I = "I", _("Zone I")
        ZONE_II = "II", _("Zone II")
        ZONE_III = "III", _("Zone III")
        ZONE_IV = "IV", _("Zone IV")

    # The ASSIST results that call for an assessment (shared/DOMAIN.md: moderate or high risk).
    NEEDS_ASSESSMENT = (Risk.MODERATE, Risk.HIGH)

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="screenings", verbose_name=_("person")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    instrument = models.CharField(_("instrument"), max_length=10, choices=Instrument.choices)
    version = models.CharField(_("instrument version"), max_length=20)
    answers = models.JSONField(_("answers"))
    risk = models.CharField(_("result"), max_length=12, choices=Risk.choices)
    # ASSIST: the substance with the highest specific involvement score, as scored when recorded ("none"
    # where none scores); read by the monthly reports instead of scoring every answer set again. Blank for the
    # other instruments.
    main_substance = models.CharField(
        _("main substance"), max_length=40, blank=True, default="", db_default="", editable=False
    )
    screened_on = models.DateField(_("screened on"))
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("screened by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-screened_on", "-pk"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        indexes = [
            # Person page (history) and the "to assess" work list (latest screening per person).
            models.Index(fields=["person", "screened_on"], name="assess_scr_person_day_idx"),
            # Monthly reports: screened by instrument and risk.
            models.Index(fields=["instrument", "risk", "screened_on"], name="assess_scr_risk_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.screened_on}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:screening-detail", args=[self.pk])

    def result(self):
        """Scored again, with the version the answers were given in."""
        return instruments.score(self.instrument, self.answers, version=self.version)


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AssessmentQuerySet:
        if user.scope.is_national:
            return self
        return self.filter(person__in=_persons_reachable(user))


class Assessment(models.Model):
    """An ASI-based interview: the client's and the interviewer's ratings per domain, and the team."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("person")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    screening = models.ForeignKey(
        Screening,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("after screening"),
    )
    assessed_on = models.DateField(_("assessed on"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("interviewer")
    )
    team = models.TextField(
        _("assessment team"), help_text=_("One member per line: name and role, e.g. dr. Rina — doctor.")
    )
    version = models.CharField(_("instrument version"), max_length=20)
    answers = models.JSONField(_("domain ratings"))
    domain_notes = models.JSONField(_("domain notes"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["person", "assessed_on"], name="assess_ass_person_day_idx")]

    def __str__(self) -> str:
        return f"ASI {self.assessed_on}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:assessment-detail", args=[self.pk])

    def result(self):
        return instruments.score("ASI", self.answers, version=self.version)

    @property
    def team_members(self) -> list[str]:
        return [line.strip() for line in self.team.splitlines() if line.strip()]


class RecommendationQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> RecommendationQuerySet:
        if user.scope.is_national:
            return self
        return self.filter(assessment__person__in=_persons_reachable(user))

    def approved(self) -> RecommendationQuerySet:
        return self.filter(approved_on__isnull=False)

    def awaiting_approval(self) -> RecommendationQuerySet:
        return self.filter(approved_on__isnull=True)


class Recommendation(models.Model):
    """The team's decision on the rehabilitation path: clinical judgement, recorded with who and when."""

    class Kind(models.TextChoices):
        EDUCATION = "education", _("Education only (no treatment)")
        MEDICAL = "medical", _("Medical rehabilitation")
        SOCIAL = "social", _("Social rehabilitation")
        MEDICAL_THEN_SOCIAL = "medical_then_social", _("Medical, then social rehabilitation")
        REFERRAL = "referral", _("Referral outside the prison")

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="recommendation", verbose_name=_("assessment")
    )
    kind = models.CharField(_("recommendation"), max_length=20, choices=Kind.choices)
    reasons = models.TextField(_("reasons"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    # Approval by the head of the UPT (Kalapas / Karutan), by decree. It puts the person on the waiting list.
    decree_number = models.CharField(_("decree number"), max_length=120, blank=True)
    approved_on = models.DateField(_("decree date"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approval recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True, approved_by__isnull=True, decree_number="")
                | Q(approved_on__isnull=False, approved_by__isnull=False) & ~Q(decree_number=""),
                name="%(app_label)s_%(class)s_approval_complete",
                violation_error_message=_("An approval needs the decree number, its date and who approved."),
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(approved_on__gte=models.F("decided_on")),
                name="%(app_label)s_%(class)s_approved_after_decision",
                violation_error_message=_("The decree cannot be dated before the recommendation."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None
