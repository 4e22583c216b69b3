from django.urls import path

from . import views, views_editor
from .importing import views as import_views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("import/", import_views.plan_import, name="import"),
    path("<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_id>/outline/", views_editor.outline_editor, name="outline"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/document.docx", views.plan_docx, name="docx"),
    path("<int:plan_id>/document.pdf", views.plan_pdf, name="pdf"),
    path("<int:plan_id>/derive/", views.plan_derive_view, name="derive"),
    path("<int:plan_id>/issue/", views.plan_issue_view, name="issue"),
    path("<int:plan_id>/copy/", views.plan_copy_view, name="copy"),
    path("<int:plan_id>/amend/", views.plan_amend_view, name="amend"),
    path("<int:plan_id>/discard/", views.plan_discard_view, name="discard"),
    path("<int:plan_id>/board/", views.plan_board_view, name="board"),
    path("<int:plan_id>/tasks/<int:task_id>/assign/", views.task_assign_view, name="assign"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:task_id>/", views.task_progress_view, name="progress"),
    path(
        "tasks/<int:task_id>/progress/<int:progress_id>/file",
        views.task_progress_file,
        name="progress_file",
    ),
]
