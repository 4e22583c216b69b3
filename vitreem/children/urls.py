from django.urls import path, register_converter

from . import import_views, views


class PublicIdConverter:
    """A child's opaque public id (16 hex digits): no other path of the app can look like one."""

    regex = "[0-9a-f]{16}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicIdConverter, "pid")

app_name = "children"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("new/", views.child_new, name="new"),
    path("reads/", views.read_log, name="reads"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("prefill/<int:submission_id>/", views.prefill, name="prefill"),
    path("<pid:public_id>/", views.child_detail, name="detail"),
    path("<pid:public_id>/edit/", views.child_edit, name="edit"),
    path("<pid:public_id>/circumstances/new/", views.circumstance_new, name="circumstance_new"),
    path(
        "<pid:public_id>/circumstances/<int:circumstance_id>/end/",
        views.circumstance_end,
        name="circumstance_end",
    ),
    path("<pid:public_id>/support/new/", views.support_new, name="support_new"),
    path("<pid:public_id>/consents/new/", views.consent_new, name="consent_new"),
    path(
        "<pid:public_id>/consents/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "<pid:public_id>/duplicates/<int:duplicate_id>/resolve/",
        views.duplicate_resolve,
        name="duplicate_resolve",
    ),
]

# Import of a commune's children and their support from .xlsx templates.
urlpatterns += [
    path("import/", import_views.import_page, name="import"),
    path("import/<str:kind>.xlsx", import_views.import_template, name="import_template"),
]
