from django.contrib import admin

from institutions.models import Agency, Institution, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "province", "time_zone"]
    search_fields = ["name", "code", "province"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "klass", "region", "city", "capacity"]
    list_filter = ["kind", "klass", "region"]
    search_fields = ["name", "code", "city"]
    list_select_related = ["region"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region", "parent"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "code", "city"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["parent"]
