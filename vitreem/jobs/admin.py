from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs are read here (what ran, for whom, how it ended); they are made by the pages."""

    list_display = ["created_at", "kind", "status", "started_by", "unit", "runs", "finished_at"]
    list_filter = ["kind", "status"]
    date_hierarchy = "created_at"
    exclude = ["input_file", "result_file"]  # served through the job's page and its access rule

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
