"""A record of every SDP import: who, when, which file (checksum and size), the mapping, what it changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution


class ImportRun(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not applied")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed: nothing was changed")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("UPT")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREVIEWED)
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
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SDP import")
        verbose_name_plural = _("SDP imports")
        indexes = [models.Index(fields=["institution", "-created_at"], name="exchange_run_inst_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.institution_id} ({self.created_at:%Y-%m-%d})"
