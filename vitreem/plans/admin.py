from django.contrib import admin

from .models import Assignment, Plan, Target, Task


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["assignee_unit", "assignee_agency"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "symbol", "year", "issuer_unit", "kind", "status"]
    list_filter = ["kind", "status", "year"]
    search_fields = ["title", "header_name"]
    raw_id_fields = ["issuer_unit", "issuer_agency", "parent", "amends", "created_by"]
    inlines = [TargetInline, AssignmentInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "assignment", "role", "due_on", "status"]
    list_filter = ["role", "status"]
