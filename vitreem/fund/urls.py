from django.urls import path

from . import views

app_name = "fund"
urlpatterns = [
    path("", views.fund_list, name="list"),
]
