"""Monthly reports: one record per scope, month, language and edition, holding the figures it was rendered
from (a JSON snapshot with its checksum and the generator version) and the PDF."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from agreements.storage import private_storage
from institutions.models import Institution, Region

if TYPE_CHECKING:
    from accounts.models import User

# Bump when the figures or their layout change: every PDF records the version. 1.2: the active table and the
# people treated protected together, no mean change beside an unpublished number of people (2026-12-07).
GENERATOR_VERSION = "1.2"

# Why a run stopped, kept in English in Report.error and shown to the report's readers in their language
# (Report.stop_reason); any other error is an exception's text, for the administrators.
WORKER_STOPPED = gettext_noop(
    "The first attempt stopped before the report was finished (its worker was stopped or ran out of "
    "memory): it is being generated again."
)
WORKER_STOPPED_AGAIN = gettext_noop(
    "Generating this report stopped twice before it was finished (its worker was stopped or ran out of "
    "memory), so it was not tried again. Generate it again from the list of monthly reports; if it fails "
    "again, tell the administrators."
)


def place_key(place) -> str:
    """ "national", "region:<pk>" or "institution:<pk>" for anything placed as a report is (scope,
    institution_id, region_id): a report, a signature block, a subscription. Figure sets, the forms' choices
    and the subscriptions all name places so."""
    if place.scope == Report.Scope.INSTITUTION:
        return f"institution:{place.institution_id}"
    return f"region:{place.region_id}" if place.scope == Report.Scope.REGION else "national"


def place_fields(key: str) -> dict:
    """The scope and place-id fields of a place key (the inverse of place_key)."""
    kind, _sep, pk = key.partition(":")
    return {"scope": kind} if kind == Report.Scope.NATIONAL else {"scope": kind, f"{kind}_id": int(pk)}


def place_matches_scope() -> models.CheckConstraint:
    """The check of every model placed as a report is (scope, institution, region): a report, a signature
    block, a subscription. A UPT's has its institution only, a region's its region only, the nation's
    neither."""
    return models.CheckConstraint(
        condition=Q(scope="institution", institution__isnull=False, region__isnull=True)
        | Q(scope="region", region__isnull=False, institution__isnull=True)
        | Q(scope="national", region__isnull=True, institution__isnull=True),
        name="%(app_label)s_%(class)s_place_matches_scope",
    )


def report_path(report: Report, filename: str) -> str:
    return f"reports/{report.month:%Y-%m}/{report.scope_code}-{report.language}-{report.edition}.pdf"


class ReportQuerySet(models.QuerySet):
    def with_latest_edition(self) -> ReportQuerySet:
        """Each report with the highest edition of its place, month and language: an earlier one was
        superseded (by a reissue, or by the final edition of a provisional month)."""
        # Compared per scope: the place a scope does not use is NULL, and NULL never equals NULL in SQL.
        family = Report.objects.filter(
            Q(scope=Report.Scope.INSTITUTION, institution=OuterRef("institution"))
            | Q(scope=Report.Scope.REGION, region=OuterRef("region"))
            | Q(scope=Report.Scope.NATIONAL),
            scope=OuterRef("scope"),
            month=OuterRef("month"),
            language=OuterRef("language"),
        )
        return self.annotate(latest_edition=Subquery(family.order_by("-edition").values("edition")[:1]))

    def visible_to(self, user: User) -> ReportQuerySet:
        """National: all. Regional: their region's and its UPTs'. UPT staff: their UPTs'."""
        scope = user.scope
        if scope.is_national:
            return self
        return self.filter(
            Q(institution_id__in=scope.staff_institution_ids)
            | Q(institution__region_id__in=scope.region_ids)
            | Q(region_id__in=scope.region_ids)
        )


class Report(models.Model):
    class Scope(models.TextChoices):
        INSTITUTION = "institution", _("UPT")
        REGION = "region", _("Region")
        NATIONAL = "national", _("National")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month reported on
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="id")
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    reissue_reason = models.TextField(_("reason for reissue"), blank=True)
    # The running month's report is provisional: its figures stop at the moment it was generated, and the
    # month's final edition replaces it once the month is over.
    provisional = models.BooleanField(_("provisional"), default=False)
    data_cutoff = models.DateTimeField(_("data up to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    snapshot = models.JSONField(_("figures"), null=True, blank=True)
    checksum = models.CharField(_("checksum (SHA-256 of the figures)"), max_length=64, blank=True)
    generator_version = models.CharField(_("generator version"), max_length=20, blank=True)
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to=report_path, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "scope", "-edition"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            place_matches_scope(),
            # One report per place, month, language and edition: a second "generate" finds the first.
            models.UniqueConstraint(
                fields=["institution", "month", "language", "edition"],
                condition=Q(scope="institution"),
                name="%(app_label)s_%(class)s_once_per_upt",
            ),
            models.UniqueConstraint(
                fields=["region", "month", "language", "edition"],
                condition=Q(scope="region"),
                name="%(app_label)s_%(class)s_once_per_region",
            ),
            models.UniqueConstraint(
                fields=["month", "language", "edition"],
                condition=Q(scope="national"),
                name="%(app_label)s_%(class)s_once_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_name} {self.month:%Y-%m} ({self.language})"

    def get_absolute_url(self) -> str:
        return reverse("reports:report-detail", args=[self.pk])

    @property
    def stop_reason(self) -> str:
        """Why an earlier run stopped, in the reader's language, when it is a reason for them ("" else)."""
        return gettext(self.error) if self.error in (WORKER_STOPPED, WORKER_STOPPED_AGAIN) else ""

    @property
    def scope_code(self) -> str:
        # The place is set exactly as the scope says (the place_matches_scope constraint).
        if self.institution is not None:
            return self.institution.code
        return self.region.code if self.region is not None else "national"

    @property
    def scope_name(self) -> str:
        if self.institution is not None:
            return self.institution.name
        return self.region.name if self.region is not None else str(_("Indonesia (national)"))


class FigureSet(models.Model):
    """Every scope's figures of one month at its end, computed together, with the cells each may not
    publish. All the month's final reports (each UPT, each region, the nation) are rendered from it, so
    what one withholds cannot be worked out from another (reports.publication)."""

    month = models.DateField(_("month"))
    data_cutoff = models.DateTimeField(_("data up to"))
    figures = models.JSONField(default=dict)  # {"national" | "region:<pk>" | "institution:<pk>": figures}
    withheld = models.JSONField(default=dict)  # {scope: {cell path: "<5" or "×"}}, only where not shown
    # A few published counts of every scope ({scope: {cell path: count, "<5" or "×"}}), small enough for the
    # officers' home page to read twelve months of without the whole figures (reports.publication.HEADLINE).
    headline = models.JSONField(default=dict)
    ready = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("figure set")
        verbose_name_plural = _("figure sets")
        constraints = [
            models.UniqueConstraint(fields=["month", "data_cutoff"], name="%(app_label)s_%(class)s_once")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} @ {self.data_cutoff:%Y-%m-%d %H:%M}"


class ReleaseOutcome(models.Model):
    """Each release with what followed it, looked up once: the next admission anywhere, a death recorded at
    a follow-up, the first follow-up done and the first relapse. Rebuilt whole by a scheduled job
    (reports.release_outcomes.refresh) so the recidivism dashboard counts over one table instead of looking
    up every release's future on each request; the page says how old it is. Holds no names: who may see
    which releases is decided at request time, by the releasing institution."""

    admission = models.OneToOneField(
        "inmates.Admission", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    released_on = models.DateField()
    readmitted_on = models.DateField(null=True)  # the next admission, at any UPT
    deceased_on = models.DateField(null=True)  # a death recorded at an after-care follow-up
    participation = models.CharField(max_length=16)  # reports.cohorts.PARTICIPATION
    programme_kind = models.CharField(max_length=32)  # rehab.models.Programme.Kind, or "none"
    first_follow_up_on = models.DateField(null=True)
    first_relapse_on = models.DateField(null=True)  # relapse, or a positive urine test, at a follow-up

    class Meta:
        verbose_name = _("release outcome")
        verbose_name_plural = _("release outcomes")

    def __str__(self) -> str:
        return f"{self.admission_id}: {self.released_on}"


class ReleaseOutcomeRefresh(models.Model):
    """When the release outcomes were last rebuilt, how many and how long it took (one row)."""

    refreshed_at = models.DateTimeField(_("data as of"))
    releases = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    # New at every rebuild: what was counted from one build (reports.views' cache) is never read for another.
    generation = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("release outcome refresh")
        verbose_name_plural = _("release outcome refreshes")

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M} ({self.releases})"


NIP_DIGITS = 18  # a civil servant's number (NIP) has 18 digits (PP 17/2020 and BKN's format)


class Signatory(models.Model):
    """Who signs a scope's monthly reports, as its office set it: the block at the end of the PDF
    ("Mengetahui," position, name, NIP). Each report keeps the block it was made with in its snapshot, so a
    later change of head never alters a report already made."""

    scope = models.CharField(_("scope"), max_length=12, choices=Report.Scope.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    heading = models.CharField(_("heading"), max_length=60, default="Mengetahui,")
    position = models.CharField(_("position"), max_length=200)
    name = models.CharField(_("name"), max_length=160)
    nip = models.CharField(
        _("NIP"),
        max_length=NIP_DIGITS,
        blank=True,
        validators=[
            RegexValidator(rf"^\d{{{NIP_DIGITS}}}$", _("A NIP has 18 digits, without spaces or dots."))
        ],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report signatory")
        verbose_name_plural = _("report signatories")
        constraints = [
            place_matches_scope(),
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(scope="institution"),
                name="%(app_label)s_%(class)s_one_per_upt",
            ),
            models.UniqueConstraint(
                fields=["region"], condition=Q(scope="region"), name="%(app_label)s_%(class)s_one_per_region"
            ),
            models.UniqueConstraint(
                fields=["scope"], condition=Q(scope="national"), name="%(app_label)s_%(class)s_one_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.name}"

    def as_block(self) -> dict[str, str]:
        return {"heading": self.heading, "position": self.position, "name": self.name, "nip": self.nip}
