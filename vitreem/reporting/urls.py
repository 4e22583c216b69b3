from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("national/", views.national, name="national"),
    path("national.xlsx", views.national_xlsx, name="national_xlsx"),
    path("<int:round_id>/", views.round_detail, name="round"),
    path("<int:round_id>/consolidated/", views.consolidated, name="consolidated"),
    path("<int:round_id>/rebuild/", views.round_rebuild, name="round_rebuild"),
    path("<int:round_id>/remind/", views.round_remind, name="round_remind"),
    path("<int:round_id>/reminders/", views.round_reminder_settings, name="round_reminders"),
    path("<int:round_id>/upload/", views.round_upload, name="round_upload"),
    path("<int:round_id>/consolidated.xlsx", views.consolidated_xlsx, name="consolidated_xlsx"),
    path("submissions/<int:submission_id>/form.xlsx", views.submission_xlsx, name="form_xlsx"),
    path("submissions/<int:submission_id>/report.docx", views.submission_docx, name="report_docx"),
    path("submissions/<int:submission_id>/upload/", views.submission_upload, name="upload"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission"),
    path("submissions/<int:submission_id>/decide/", views.submission_decide, name="decide"),
    path("submissions/<int:submission_id>/history/", views.cell_history, name="history"),
]
