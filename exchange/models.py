"""A record of every SDP import: who, when, which file (checksum and size), the mapping, what it changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.storage import private_storage
from institutions.models import Institution


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportRunQuerySet:
        """A UPT's imports: its staff, its region's officers, national officers. Nobody else."""
        scope = user.scope
        if scope.is_national:
            return self
        return self.filter(
            models.Q(institution_id__in=scope.staff_institution_ids)
            | models.Q(institution__region_id__in=scope.region_ids)
        )


class ImportRun(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not applied")
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Applied")
        FAILED = "failed", _("Failed: nothing was changed")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("UPT")
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
    error = models.TextField(_("error"), blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SDP import")
        verbose_name_plural = _("SDP imports")
        indexes = [models.Index(fields=["institution", "-created_at"], name="exchange_run_inst_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.institution_id} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("exchange:import-detail", args=[self.pk])

    @property
    def waiting(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
