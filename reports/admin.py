from django.contrib import admin

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: admins see every report's status and, for a failed one, its error."""

    list_display = ["__str__", "edition", "status", "attempts", "finished_at"]
    list_filter = ["status", "scope", "language"]
    readonly_fields = [field.name for field in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
