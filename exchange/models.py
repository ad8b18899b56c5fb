"""A record of every SDP import: who, when, which file (checksum and size), the mapping, what it changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.storage import private_storage
from inmates.models import Admission, Person
from institutions.models import Institution, Region


def _at_users_upts(scope) -> models.Q:
    """Rows of a UPT the user works at, or of a UPT in a region they oversee."""
    return models.Q(institution_id__in=scope.staff_institution_ids) | models.Q(
        institution__region_id__in=scope.region_ids
    )


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportRunQuerySet:
        """A UPT's imports: its staff, its region's officers, national officers. A region's file: its officers
        and national officers; the national file: national officers. Nobody else."""
        scope = user.scope
        if scope.is_national:
            return self
        return self.filter(
            _at_users_upts(scope) | models.Q(institution__isnull=True, region_id__in=scope.region_ids)
        )


class ImportRun(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not applied")
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Applied")
        FAILED = "failed", _("Failed: nothing was changed")

    # What the file covers: one UPT; or every UPT of a region, or of the country, named row by row in its UPT
    # column (region and institution both empty: the national file).
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("UPT")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    # Kept privately (outside the web roots, like signed agreements) so the preview and the task read the same
    # bytes; deleted after SDP_IMPORT_KEEP_DAYS.
    file = models.FileField(_("file"), storage=private_storage, upload_to="sdp/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"))
    checksum = models.CharField(_("SHA-256"), max_length=64)
    file_kind = models.CharField(_("file kind"), max_length=4)
    mapping = models.JSONField(_("column mapping"), default=dict)
    counts = models.JSONField(_("counts"), default=dict)  # the preview's, then what was applied
    rejected_rows = models.PositiveIntegerField(_("rejected rows"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows to apply"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)  # claims by a worker
    error = models.TextField(_("error"), blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SDP import")
        verbose_name_plural = _("SDP imports")
        indexes = [models.Index(fields=["institution", "-created_at"], name="exchange_run_inst_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.area_label} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("exchange:import-detail", args=[self.pk])

    @property
    def area_label(self) -> str:
        if self.institution is not None:
            return self.institution.name
        if self.region is not None:
            return _("Every UPT of %(region)s") % {"region": self.region.name}
        return str(_("Every UPT in the country"))

    @property
    def is_single_upt(self) -> bool:
        return self.institution_id is not None

    @property
    def area(self):
        from exchange.sdp.places import Area

        return Area(institution=self.institution, region=self.region)

    @property
    def waiting(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ImportItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportItemQuerySet:
        """What an import left to decide at a UPT: for its staff, its region's officers, national officers."""
        scope = user.scope
        if scope.is_national:
            return self
        return self.filter(_at_users_upts(scope))

    def still_open(self) -> ImportItemQuerySet:
        """Not decided yet. A person who left according to SDP and was meanwhile released or transferred by
        hand (on the person's page) no longer waits."""
        return self.filter(outcome="").exclude(
            models.Q(kind=ImportItem.Kind.LEFT)
            & (
                models.Q(admission__released_on__isnull=False)
                | ~models.Q(admission__institution_id=models.F("institution_id"))
            )
        )


class ImportItem(models.Model):
    """What an applied import could not decide from the file alone, kept for the UPT's staff to decide:
    people who left according to SDP, rows that may be someone already registered, and people held at another
    UPT in this system. Each decision goes through the same services as the forms."""

    class Kind(models.TextChoices):
        LEFT = "left", _("Left according to SDP")
        REVIEW = "review", _("May be someone already registered")
        TRANSFER = "transfer", _("Held at another UPT in this system")

    class Outcome(models.TextChoices):
        OPEN = "", _("To decide")
        RELEASED = "released", _("Release recorded")
        STILL_HELD = "still_held", _("Still held here: SDP is behind")
        LINKED = "linked", _("Admitted as someone already registered")
        CREATED = "created", _("Registered as a new person")
        NOTED = "noted", _("Noted; left to the other UPT")
        SUPERSEDED = "superseded", _("Replaced by a later import")

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="items", verbose_name=_("import")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("UPT")
    )
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    # The row as read (for a review or a transfer): what a registration by hand starts from.
    row = models.JSONField(_("row"), default=dict, blank=True)
    admission = models.ForeignKey(
        Admission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("custody"),
    )
    candidates = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("candidates"))
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices, blank=True, default="")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ImportItemQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "line", "pk"]
        verbose_name = _("import item to decide")
        verbose_name_plural = _("import items to decide")
        indexes = [
            models.Index(fields=["institution", "outcome", "kind"], name="exchange_item_open_idx"),
            models.Index(fields=["run", "kind", "line"], name="exchange_item_run_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.run_id}:{self.line or self.admission_id}"


class MappingProfile(models.Model):
    """Which of an operator's columns holds what, saved for a UPT (or a region's or the country's files) when
    a user corrected the mapping: the next file with the same headers is read with it at once."""

    area_key = models.CharField(_("area"), max_length=40, unique=True)  # "upt:12", "region:3", "national"
    header_keys = models.JSONField(_("columns"), default=dict)  # {normalised header: canonical key}
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saved by")
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("column profile")
        verbose_name_plural = _("column profiles")

    def __str__(self) -> str:
        return self.area_key
