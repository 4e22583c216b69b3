from django.contrib import admin

from .models import AdministrativeUnit, Agency


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind", "valid_from"]
    search_fields = ["code", "name_folded", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["province", "district"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "kind", "is_lead_for_children", "valid_from", "valid_to"]
    list_filter = ["kind", "is_lead_for_children"]
    search_fields = ["name_folded", "name", "unit__name_folded"]
    raw_id_fields = ["unit"]
