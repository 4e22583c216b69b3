"""Tasks as work that can be checked: reports with notes and files, read back through the access
rule; the lead alone closes a task; the board; notices of given tasks and of cooperating parts;
issuing a plan with tasks given to nobody asks first."""

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from docx import Document

from vitreem.accounts.tests import test_agency_access
from vitreem.notifications.models import Notification
from vitreem.plans.models import Assignment, Plan, Task, TaskProgress
from vitreem.plans.services import task_progress_post

pytestmark = pytest.mark.django_db

ward = test_agency_access.ward  # phường Bắc Kạn's police and school and its issued plan
agency = test_agency_access.agency

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 4


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("Báo cáo kết quả tuần tra khu vui chơi")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def post_progress(client, task, status="in_progress", note="", name=None, data=b""):
    body = {"status": status, "note": note}
    if name:
        body["attachment"] = SimpleUploadedFile(name, data)
    return client.post(f"/plans/tasks/{task.pk}/", body)


# --- files: stored, shown as links, served to the task's readers only ------------------------


def test_a_reports_file_is_a_link_that_downloads_to_the_tasks_readers_only(client, personas, ward):
    task = ward.police_tasks[0]
    client.force_login(ward.police_officer)
    response = post_progress(
        client, task, note="Đã bố trí 4 tổ tuần tra", name="bao cao.pdf", data=PDF
    )
    assert response.status_code == 302
    progress = TaskProgress.objects.get(task=task)
    url = f"/plans/tasks/{task.pk}/progress/{progress.pk}/file"

    page = client.get(f"/plans/tasks/{task.pk}/").content.decode()
    assert f'href="{url}"' in page
    assert progress.attachment.name not in page  # never where the file is stored

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition
    assert ".pdf" in disposition

    # The ward's own officer and the province read the task: they download it too.
    for reader in (personas.officer_a, personas.supervisor):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    # Another agency of the ward, another ward: as if there were no such file.
    for stranger in (ward.school_officer, personas.officer_b, personas.old_officer):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_file_is_reached_only_through_its_own_task(client, ward):
    police_task, other = ward.police_tasks
    client.force_login(ward.police_officer)
    post_progress(client, police_task, name="bao-cao.pdf", data=PDF)
    post_progress(client, other, note="Không có tệp")
    with_file = TaskProgress.objects.get(task=police_task)
    without_file = TaskProgress.objects.get(task=other)
    assert client.get(f"/plans/tasks/{other.pk}/progress/{with_file.pk}/file").status_code == 404
    assert client.get(f"/plans/tasks/{other.pk}/progress/{without_file.pk}/file").status_code == 404


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
def test_a_file_that_is_not_what_it_says_or_too_large_is_refused_and_nothing_changes(
    client, ward, name, data, message
):
    task = ward.police_tasks[0]
    client.force_login(ward.police_officer)
    response = post_progress(client, task, status="done", note="Xong", name=name, data=data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TaskProgress.objects.exists()
    task.refresh_from_db()
    assert task.status == "not_started"


@pytest.mark.parametrize(
    ("name", "data"), [("anh-tuan-tra.png", PNG), ("bien-ban.docx", docx_bytes())]
)
def test_an_image_and_a_word_document_are_taken(client, ward, name, data):
    task = ward.police_tasks[0]
    client.force_login(ward.police_officer)
    assert post_progress(client, task, name=name, data=data).status_code == 302
    assert TaskProgress.objects.get(task=task).attachment_filename == name


def test_another_agencys_task_refuses_the_report_and_keeps_nothing(client, ward):
    school_task = ward.school_tasks[0]
    client.force_login(ward.police_officer)
    response = post_progress(client, school_task, status="done", name="bao-cao.pdf", data=PDF)
    assert response.status_code == 404
    with pytest.raises(Http404):
        task_progress_post(actor=ward.police_officer, task=school_task, status="done")
    assert not TaskProgress.objects.exists()
    school_task.refresh_from_db()
    assert school_task.status == "not_started"


# --- accept, report, close: the lead closes, a cooperating agency reports its part -----------


def test_the_assignee_accepts_reports_and_closes_its_task(client, ward):
    task = ward.police_tasks[0]
    client.force_login(ward.police_officer)
    page = client.get(f"/plans/tasks/{task.pk}/").content.decode()
    assert "Nhận nhiệm vụ" in page
    assert post_progress(client, task, status="accepted").status_code == 302
    task.refresh_from_db()
    assert task.status == "accepted"
    post_progress(client, task, status="in_progress", note="Đã tuần tra 3 buổi")
    post_progress(client, task, status="done", note="Hoàn thành", name="ket-qua.pdf", data=PDF)
    task.refresh_from_db()
    assert task.status == "done"
    assert list(TaskProgress.objects.filter(task=task).values_list("status", flat=True)) == [
        "done",
        "in_progress",
        "accepted",
    ]


def test_a_cooperating_agency_reports_its_part_and_only_the_lead_closes(client, ward):
    group_task = ward.group_tasks[0]  # given to all the ward's agencies; the police lead
    ward.police.is_lead_for_children = True
    ward.police.save(update_fields=["is_lead_for_children"])
    client.force_login(ward.school_officer)
    page = client.get(f"/plans/tasks/{group_task.pk}/").content.decode()
    assert "báo cáo phần việc của cơ quan" in page
    post_progress(client, group_task, status="done", note="Đã tổ chức diễn đàn ở trường")
    group_task.refresh_from_db()
    assert group_task.status == "in_progress"  # the school's part is done; the task is open
    part = TaskProgress.objects.get(task=group_task)
    assert (part.agency, part.status) == (ward.school, "done")

    # The lead is told of the part, with the date and a link to the task.
    told = Notification.objects.filter(event="task_comment")
    assert {n.user for n in told} == {ward.police_officer, ward.police_leader}
    notice = told.first()
    assert "Trường Tiểu học Đức Xuân" in notice.text
    assert "Đã tổ chức diễn đàn ở trường" in notice.text
    assert notice.link == f"/plans/tasks/{group_task.pk}/"

    client.force_login(ward.police_officer)
    post_progress(client, group_task, status="done", note="Tổng hợp xong")
    group_task.refresh_from_db()
    assert group_task.status == "done"
    assert told.count() == 2  # the lead's own report tells nobody


def test_a_cooperating_row_of_an_agency_is_closed_by_the_unit(client, personas, ward):
    assignment = ward.police_tasks[0].assignment
    task = Task.objects.create(
        assignment=assignment,
        order=9,
        text="Phối hợp kiểm tra các điểm vui chơi",
        role="cooperate",
        lead_label="Công chức Văn hóa - Xã hội",
    )
    client.force_login(ward.police_officer)
    post_progress(client, task, status="done", note="Đã kiểm tra 5 điểm")
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert set(
        Notification.objects.filter(event="task_comment").values_list("user", flat=True)
    ) == {personas.officer_a.pk}
    client.force_login(personas.officer_a)
    post_progress(client, task, status="done")
    task.refresh_from_db()
    assert task.status == "done"


def test_api_progress_of_a_cooperating_agency_does_not_close_the_task(api_client, ward):
    group_task = ward.group_tasks[0]
    api_client.login(ward.school_officer)
    response = api_client.post(f"/api/v1/tasks/{group_task.pk}/progress", {"status": "done"})
    assert response.status_code == 201
    group_task.refresh_from_db()
    assert group_task.status == "in_progress"


# --- notices of given tasks ------------------------------------------------------------------


def draft_with_tasks(unit, police, *, unassigned: bool = False) -> Plan:
    plan = Plan.objects.create(
        issuer_unit=unit,
        header_name="Ủy ban nhân dân phường Bắc Kạn",
        title="Kế hoạch bảo vệ trẻ em năm 2026",
        kind="child_protection",
        year=2026,
        place="Bắc Kạn",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    given = Assignment.objects.create(
        plan=plan, order=1, assignee_label=police.name, assignee_agency=police
    )
    Task.objects.create(
        assignment=given,
        text="Xử lý tin báo xâm hại trẻ em",
        role="lead",
        due_on=date(2026, 6, 15),
    )
    if unassigned:
        nobody = Assignment.objects.create(plan=plan, order=2, assignee_label="Chưa phân công")
        Task.objects.create(assignment=nobody, text="Tập huấn kỹ năng sống", role="lead")
    return plan


def test_issuing_tells_the_agency_and_the_units_officers_of_each_task(
    client, personas, ward, django_capture_on_commit_callbacks
):
    plan = draft_with_tasks(ward.unit, ward.police)
    ward.police_officer.email = "congan.backan@example.vn"
    ward.police_officer.save(update_fields=["email"])
    client.force_login(personas.leader_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/plans/{plan.pk}/issue/", {"issued_on": "02/01/2026"})
    assert response.status_code == 302
    task = Task.objects.get(assignment__plan=plan)
    told = Notification.objects.filter(event="task_assigned")
    assert {n.user for n in told} == {ward.police_officer, ward.police_leader, personas.officer_a}
    notice = told.first()
    assert "Xử lý tin báo xâm hại trẻ em" in notice.text
    assert "ngày 02/01/2026" in notice.text
    assert "hạn 15/06/2026" in notice.text
    assert notice.link == f"/plans/tasks/{task.pk}/"
    assert [m.to for m in mail.outbox if "Xử lý tin báo" in m.subject] == [
        ["congan.backan@example.vn"]
    ]
    # The officer follows the link to the task.
    client.force_login(ward.police_officer)
    assert client.get(notice.link).status_code == 200


# --- issuing with tasks given to nobody asks first -------------------------------------------


def test_the_issue_page_lists_the_unassigned_tasks_and_needs_a_confirmation(client, personas, ward):
    plan = draft_with_tasks(ward.unit, ward.police, unassigned=True)
    client.force_login(personas.leader_a)
    response = client.post(f"/plans/{plan.pk}/issue/", {"issued_on": "02/01/2026"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tập huấn kỹ năng sống" in page
    assert "Chưa giao" in page
    assert 'name="confirm_unassigned"' in page
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert not Notification.objects.exists()

    response = client.post(
        f"/plans/{plan.pk}/issue/", {"issued_on": "02/01/2026", "confirm_unassigned": "on"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "issued"


def test_the_api_answers_409_with_the_unassigned_tasks_until_confirmed(api_client, personas, ward):
    plan = draft_with_tasks(ward.unit, ward.police, unassigned=True)
    api_client.login(personas.leader_a)
    response = api_client.post(f"/api/v1/plans/{plan.pk}/issue", {"issued_on": "2026-01-02"})
    assert response.status_code == 409
    body = response.json()
    nobody = Task.objects.get(assignment__plan=plan, text="Tập huấn kỹ năng sống")
    assert body["errors"] == [{"field": f"tasks.{nobody.pk}", "message": "Tập huấn kỹ năng sống"}]
    assert "chưa giao" in body["detail"]
    plan.refresh_from_db()
    assert plan.status == "draft"

    response = api_client.post(
        f"/api/v1/plans/{plan.pk}/issue",
        {"issued_on": "2026-01-02", "confirm_unassigned": True},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "issued"
    plan.refresh_from_db()
    assert plan.status == "issued"


def test_another_wards_people_cannot_issue_through_the_api(api_client, personas, ward):
    plan = draft_with_tasks(ward.unit, ward.police)
    for stranger, status in ((personas.officer_b, 404), (personas.officer_a, 403)):
        api_client.login(stranger)
        response = api_client.post(
            f"/api/v1/plans/{plan.pk}/issue",
            {"issued_on": "2026-01-02", "confirm_unassigned": True},
        )
        assert response.status_code == status
    plan.refresh_from_db()
    assert plan.status == "draft"


# --- the board -------------------------------------------------------------------------------


def test_the_board_shows_the_latest_reports_who_when_and_files(client, personas, ward):
    task = ward.police_tasks[0]
    client.force_login(ward.police_officer)
    with time_machine.travel(datetime(2026, 6, 10, 2, 30, tzinfo=UTC), tick=False):
        post_progress(client, task, note="Đã tuần tra buổi tối", name="anh.png", data=PNG)
    progress = TaskProgress.objects.get(task=task)
    client.force_login(personas.leader_a)
    page = client.get(f"/plans/{ward.plan.pk}/board/").content.decode()
    assert "Đã tuần tra buổi tối" in page
    assert "10/06/2026 09:30" in page  # Vietnam's time
    assert "Công an phường Bắc Kạn" in page
    assert ward.police_officer.username in page or ward.police_officer.get_full_name() in page
    assert f'href="/plans/tasks/{task.pk}/progress/{progress.pk}/file"' in page
    assert progress.attachment.name not in page


def test_the_board_shows_an_agencys_member_only_the_reports_of_its_own_tasks(client, ward):
    client.force_login(ward.school_officer)
    post_progress(client, ward.school_tasks[0], note="Diễn đàn có 120 em", name="a.pdf", data=PDF)
    client.force_login(ward.police_officer)
    page = client.get(f"/plans/{ward.plan.pk}/board/").content.decode()
    assert "Tổ chức diễn đàn học sinh" in page  # the task and its status are the plan's
    assert "Diễn đàn có 120 em" not in page
    assert "/file" not in page


def test_unassigned_tasks_look_unassigned_on_the_board(client, personas, ward):
    nobody = Assignment.objects.create(plan=ward.plan, order=9, assignee_label="Chưa phân công")
    Task.objects.create(assignment=nobody, text="Tập huấn kỹ năng sống", role="lead")
    client.force_login(personas.leader_a)
    page = client.get(f"/plans/{ward.plan.pk}/board/").content.decode()
    section = page.split("Tập huấn kỹ năng sống", 1)[0].rsplit("<section", 1)[1]
    assert "Chưa giao" in section
    only = client.get(f"/plans/{ward.plan.pk}/board/?agency=none").content.decode()
    assert "Tập huấn kỹ năng sống" in only
    assert "Bảo đảm an ninh khu vui chơi" not in only


def test_the_board_filters_by_agency_status_and_overdue(client, personas, ward):
    late, on_time = ward.police_tasks
    Task.objects.filter(pk=late.pk).update(due_on=date(2026, 6, 5), status="in_progress")
    Task.objects.filter(pk=on_time.pk).update(due_on=date(2026, 6, 28))
    client.force_login(personas.leader_a)
    board = f"/plans/{ward.plan.pk}/board/"
    with time_machine.travel(datetime(2026, 6, 10, 3, 0, tzinfo=UTC), tick=False):
        police = client.get(f"{board}?agency={ward.police.pk}").content.decode()
        overdue = client.get(f"{board}?overdue=on").content.decode()
        started = client.get(f"{board}?status=in_progress").content.decode()
    assert late.text in police
    assert on_time.text in police
    assert ward.school_tasks[0].text not in police
    assert late.text in overdue
    assert on_time.text not in overdue
    assert ward.ward_tasks[0].text not in overdue
    assert late.text in started
    assert on_time.text not in started


@pytest.mark.parametrize(
    "query", ["agency=99999999", "agency=abc", "status=xong", "status=xong&agency=%00"]
)
def test_bad_board_filters_are_said_and_left_out_never_an_error(client, personas, ward, query):
    client.force_login(personas.leader_a)
    response = client.get(f"/plans/{ward.plan.pk}/board/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert ward.police_tasks[0].text in page
    assert "không hợp lệ; bộ lọc này được bỏ qua" in page


def board_queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/plans/{plan.pk}/board/").status_code == 200
    return len(queries)


def test_the_board_costs_the_same_queries_however_many_tasks_and_reports(client, personas, ward):
    client.force_login(ward.police_officer)
    post_progress(client, ward.police_tasks[0], note="Một", name="a.pdf", data=PDF)
    client.force_login(personas.leader_a)
    few = board_queries(client, ward.plan)
    for n in range(12):
        school = agency(ward.unit, f"Trường Mầm non số {n}", "school")
        assignment = Assignment.objects.create(
            plan=ward.plan, order=10 + n, assignee_label=school.name, assignee_agency=school
        )
        for i in range(3):
            task = Task.objects.create(
                assignment=assignment, order=i, text=f"Việc {n}.{i}", role="lead"
            )
            for k in range(2):
                TaskProgress.objects.create(
                    task=task,
                    agency=school,
                    status="in_progress",
                    note=f"Báo cáo {k}",
                    created_by=personas.officer_a,
                )
    assert board_queries(client, ward.plan) == few


def test_the_board_of_another_wards_plan_is_hidden(client, personas, ward):
    client.force_login(personas.officer_b)
    assert client.get(f"/plans/{ward.plan.pk}/board/").status_code == 404


def test_a_task_status_outside_the_list_is_refused_by_the_service(ward):
    with pytest.raises(ValidationError):
        task_progress_post(actor=ward.police_officer, task=ward.police_tasks[0], status="xong")
    assert not TaskProgress.objects.exists()
