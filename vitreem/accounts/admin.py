from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ApiToken, Membership, User
from .services import token_revoke


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
    """Administrators see and revoke tokens; nobody creates one here (its value is shown only
    to the client that signs in)."""

    list_display = ["user", "name", "created_at", "last_used_at", "expires_at"]
    list_filter = ["expires_at"]
    search_fields = ["user__username", "name"]
    list_select_related = ["user"]
    fields = ["user", "name", "created_at", "last_used_at", "expires_at"]
    readonly_fields = ["user", "name", "created_at", "last_used_at", "expires_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    # Revoking goes through the service, so that it is audited like the owner's own revocation.
    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        assert isinstance(request.user, User)
        token_revoke(actor=request.user, token=obj, reason="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        assert isinstance(request.user, User)
        for token in queryset.select_related("user"):
            token_revoke(actor=request.user, token=token, reason="admin")
