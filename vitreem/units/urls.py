from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/members/", views.members, name="members"),
    path("<str:code>/members/add/", views.member_add, name="member_add"),
    path(
        "<str:code>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "<str:code>/agency-members/<int:membership_id>/remove/",
        views.agency_member_remove,
        name="agency_member_remove",
    ),
    path(
        "<str:code>/members/<int:membership_id>/sensitive/",
        views.member_sensitive,
        name="member_sensitive",
    ),
    path("<str:code>/agencies/new/", views.agency_new, name="agency_new"),
    path("<str:code>/agencies/standard/", views.agencies_standard, name="agencies_standard"),
]
