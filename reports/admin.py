from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import RecordChoicesAdmin
from reports.models import Report


@admin.register(Report)
class ReportAdmin(RecordChoicesAdmin, admin.ModelAdmin):
    """Read-only: admins see every report's status and, for a failed one, its error."""

    list_display = ["__str__", "edition", "status", "attempts", "finished_at"]
    list_filter = ["status", "scope", "language"]
    # The PDF lives in private storage, which has no URL: it is linked through the scoped, audited download.
    readonly_fields = [field.name for field in Report._meta.fields if field.name != "pdf"] + ["pdf_download"]
    exclude = ["pdf"]

    @admin.display(description=_("PDF"))
    def pdf_download(self, report: Report) -> str:
        if not report.pdf:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:report-download", args=[report.pk]), _("Download")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
