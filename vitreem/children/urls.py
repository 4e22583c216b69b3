from django.urls import path

from . import views

app_name = "children"
urlpatterns = [
    path("", views.child_list, name="list"),
]
