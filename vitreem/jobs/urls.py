from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<int:job_id>/", views.job_page, name="job"),
    path("<int:job_id>/result", views.job_result, name="result"),
]
