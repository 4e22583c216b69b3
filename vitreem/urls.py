from django.contrib import admin
from django.urls import include, path

from vitreem.api import api
from vitreem.reporting.views import (
    dashboard,
    dashboard_national,
    dashboard_national_xlsx,
    dashboard_xlsx,
)

urlpatterns = [
    path("", include("vitreem.web.urls")),
    path("units/", include("vitreem.units.urls")),
    path("plans/", include("vitreem.plans.urls")),
    path("reports/", include("vitreem.reporting.urls")),
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/xlsx/", dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard/national/", dashboard_national, name="dashboard_national"),
    path("dashboard/national/xlsx/", dashboard_national_xlsx, name="dashboard_national_xlsx"),
    path("children/", include("vitreem.children.urls")),
    path("funds/", include("vitreem.fund.urls")),
    path("assessments/", include("vitreem.assessments.urls")),
    path("accounts/", include("vitreem.accounts.urls")),
    path("notifications/", include("vitreem.notifications.urls")),
    path("jobs/", include("vitreem.jobs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# Our Vietnamese error pages (403.html, 404.html are found by Django's own views).
handler500 = "vitreem.web.views.server_error"
