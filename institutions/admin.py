from django.contrib import admin

from core.admin import RecordChoicesAdmin
from institutions.models import Agency, Institution, Region


class RegionFixedOnceMadeMixin:
    """Moving an existing UPT or agency to another region changes which regional officers (and through them,
    whose audit trail and reports) reach its people: only a superuser does that. A new one gets its region."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            readonly.append("region")
        return readonly


@admin.register(Region)
class RegionAdmin(RecordChoicesAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "province", "time_zone"]
    search_fields = ["name", "code", "province"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Institution)
class InstitutionAdmin(RecordChoicesAdmin, RegionFixedOnceMadeMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "klass", "region", "city", "capacity"]
    list_filter = ["kind", "klass", "region"]
    search_fields = ["name", "code", "city"]
    list_select_related = ["region"]


@admin.register(Agency)
class AgencyAdmin(RecordChoicesAdmin, RegionFixedOnceMadeMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region", "parent"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "code", "city"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["parent"]
