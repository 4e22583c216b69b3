"""A task's progress with its file through the API (multipart): the same checks as the page —
PDF, Word, Excel or an image by its content, 10 MB at most, the task's own agency only — and a
refusal keeps nothing, neither in the database nor on the disk."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vitreem.accounts.services import token_issue
from vitreem.accounts.tests import test_agency_access
from vitreem.core.models import AuditEvent
from vitreem.plans.models import TaskProgress
from vitreem.plans.tests.test_task_evidence import EXE, PDF, PNG, docx_bytes

pytestmark = pytest.mark.django_db

ward = test_agency_access.ward  # phường Bắc Kạn's police and school and its issued plan
agency = test_agency_access.agency


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, user, task, name=None, data=b"", **fields):
    body = {"status": "in_progress", "note": "", **fields}
    if name is not None:
        body["attachment"] = SimpleUploadedFile(name, data)
    headers = {"Authorization": f"Bearer {token_issue(user=user)}"} if user else {}
    return client.post(f"/api/v1/tasks/{task.pk}/progress/upload", body, headers=headers)


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def test_the_police_report_a_pdf_through_the_api_and_the_ward_downloads_it(
    client, personas, ward, media
):
    task = ward.police_tasks[0]
    response = upload(
        client,
        ward.police_officer,
        task,
        "bao-cao-tuan-tra.pdf",
        PDF,
        note="Đã bố trí 4 tổ tuần tra",
    )
    assert response.status_code == 201
    answer = response.json()
    assert answer["attachment_filename"] == "bao-cao-tuan-tra.pdf"
    assert (answer["task_id"], answer["status"]) == (task.pk, "in_progress")
    assert answer["note"] == "Đã bố trí 4 tổ tuần tra"
    progress = TaskProgress.objects.get(task=task)
    assert progress.agency == ward.police
    task.refresh_from_db()
    assert task.status == "in_progress"
    # The ward's officer opens it from the task's page, as any file of a report.
    client.force_login(personas.officer_a)
    download = client.get(f"/plans/tasks/{task.pk}/progress/{progress.pk}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(("name", "data"), [("anh.png", PNG), ("bien-ban.docx", docx_bytes())])
def test_an_image_and_a_word_document_are_taken_through_the_api(client, ward, name, data):
    task = ward.police_tasks[0]
    assert upload(client, ward.police_officer, task, name, data).status_code == 201
    assert TaskProgress.objects.get(task=task).attachment_filename == name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("chuong-trinh.exe", EXE, "Chỉ nhận tệp"),
        ("bao-cao.pdf", EXE, "không phải là tệp PDF, Word, Excel hoặc ảnh"),
        ("anh.png", PDF, "không phải là tệp PDF, Word, Excel hoặc ảnh"),
        ("bien-ban.docx", b"PK\x03\x04" + b"\x00" * 60, "không phải là tệp PDF, Word, Excel"),
        ("danh-sach.xlsx", docx_bytes(), "không phải là tệp PDF, Word, Excel hoặc ảnh"),
        ("lon.pdf", PDF + b"0" * (10 * 2**20), "Tệp quá lớn: tối đa 10 MB"),
    ],
)
def test_a_file_not_what_it_says_or_over_10_mb_is_refused_by_the_api_and_nothing_is_kept(
    client, ward, media, name, data, message
):
    task = ward.police_tasks[0]
    response = upload(client, ward.police_officer, task, name, data, status="done")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["attachment"]
    assert message in errors[0]["message"]
    assert not TaskProgress.objects.exists()
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(action="task.progress").exists()
    task.refresh_from_db()
    assert task.status == "not_started"


def test_a_body_far_over_the_files_limit_is_refused_before_it_is_read(client, ward, media):
    response = upload(
        client, ward.police_officer, ward.police_tasks[0], "lon.pdf", PDF + b"0" * (12 * 2**20)
    )
    assert response.status_code == 413
    assert "tối đa 11 MB" in response.json()["detail"]
    assert not TaskProgress.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"note": "x" * 4001}, "note"),
        ({"note": "Lê\x00Văn"}, "note"),
    ],
)
def test_bad_fields_beside_the_file_are_refused_and_nothing_is_kept(
    client, ward, media, fields, field
):
    response = upload(client, ward.police_officer, ward.police_tasks[0], "a.pdf", PDF, **fields)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not TaskProgress.objects.exists()
    assert stored_files(media) == []


def test_the_file_is_required_here(client, ward):
    response = upload(client, ward.police_officer, ward.police_tasks[0])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["attachment"]
    assert not TaskProgress.objects.exists()


def test_another_agency_another_unit_a_viewer_and_a_stranger_are_refused(
    client, personas, ward, media
):
    police_task = ward.police_tasks[0]
    # The school's officer, and an officer of another ward: as if there were no such task.
    assert upload(client, ward.school_officer, police_task, "a.pdf", PDF).status_code == 404
    assert upload(client, personas.officer_b, police_task, "a.pdf", PDF).status_code == 404
    assert upload(client, personas.old_officer, police_task, "a.pdf", PDF).status_code == 404
    # The police report on another agency's task: not theirs either.
    school_task = ward.school_tasks[0]
    assert upload(client, ward.police_officer, school_task, "a.pdf", PDF).status_code == 404
    # The province's viewer reads the task, and may not report on it.
    assert upload(client, personas.viewer, police_task, "a.pdf", PDF).status_code == 403
    # Nobody signed in.
    assert upload(client, None, police_task, "a.pdf", PDF).status_code == 401
    assert not TaskProgress.objects.exists()
    assert stored_files(media) == []
