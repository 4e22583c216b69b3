from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AgencyMembership, ApiToken, Membership, User
from .services import token_revoke, token_revoke_all


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["unit"]
    # Granted on the unit's members page only, where a second person decides and the unit's
    # leaders are told (accounts.services.membership_set_sensitive).
    readonly_fields = ["sensitive_data"]


class AgencyMembershipInline(admin.TabularInline):
    model = AgencyMembership
    extra = 0
    raw_id_fields = ["agency"]


@admin.register(User)
class VitreemUserAdmin(UserAdmin):
    inlines = [MembershipInline, AgencyMembershipInline]
    list_display = ["username", "full_name", "position", "is_active", "is_superuser"]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("vitreem", {"fields": ("full_name", "position")}))
    actions = ["revoke_api_tokens"]

    @admin.action(description=gettext_lazy("Thu hồi mọi mã truy cập API của người dùng đã chọn"))
    def revoke_api_tokens(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        assert isinstance(request.user, User)
        count = sum(token_revoke_all(actor=request.user, user=user) for user in queryset)
        self.message_user(request, _("Đã thu hồi %(count)d mã truy cập.") % {"count": count})


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
