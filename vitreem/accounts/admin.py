from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(User)
class VitreemUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "position", "is_active", "is_superuser"]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("vitreem", {"fields": ("full_name", "position")}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["digest", "created_at", "last_used_at"]
