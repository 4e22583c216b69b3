from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("export.xlsx", views.assessment_export, name="export"),
    path("new/", views.assessment_new, name="new"),
    path("round/", views.assessment_round_open, name="round_open"),
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/file/", views.score_file_upload, name="file"),
    path("<int:assessment_id>/criteria/<int:number>/file/", views.score_file, name="file_get"),
    path("<int:assessment_id>/submit/", views.assessment_submit, name="submit"),
    path("<int:assessment_id>/appraise/", views.assessment_appraise, name="appraise"),
]
