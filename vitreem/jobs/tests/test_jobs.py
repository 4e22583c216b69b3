"""Long jobs on the queue: the upload is checked at once, the work runs as a job whose page shows
its progress and keeps its result; a job stopped on the way leaves nothing and says why; only
its starter and its unit's readers see it."""

import io
import os
import zipfile
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from vitreem.children.models import Child
from vitreem.children.tests.test_import import children_file
from vitreem.jobs import services
from vitreem.jobs.models import Job, JobKind, JobStatus
from vitreem.reporting.models import Submission
from vitreem.reporting.workbooks import submission_workbook

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 6, 15, 9, tzinfo=timezone.get_fixed_timezone(420))


def upload_children(client, capture, data: bytes, kind: str = "children"):
    with capture(execute=True):
        sent = client.post(
            reverse("children:import"), {"unit": "01843", "kind": kind, "file": io.BytesIO(data)}
        )
    assert sent.status_code == 302, sent.content.decode()[:500]
    return Job.objects.get(pk=int(sent["Location"].rstrip("/").rsplit("/", 1)[1]))


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def fill(data: bytes, values: dict[tuple[str, str], int]) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    for (sheet, cell), value in values.items():
        book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@time_machine.travel(TODAY)
def test_an_import_runs_as_a_job_with_its_progress_and_result(
    personas, client, django_capture_on_commit_callbacks
):
    client.force_login(personas.officer_a)
    job = upload_children(
        client, django_capture_on_commit_callbacks, children_file(personas.unit_a, {})
    )
    assert (job.kind, job.status, job.started_by, job.unit) == (
        JobKind.CHILDREN_IMPORT,
        JobStatus.DONE,
        personas.officer_a,
        personas.unit_a,
    )
    assert job.runs == 1
    assert job.task_id
    assert job.started_at
    assert job.finished_at
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.result["created"] == 1
    assert not job.input_file  # the children's data is not kept in the upload
    assert Child.objects.filter(unit=personas.unit_a).count() == 1
    page = client.get(f"/jobs/{job.pk}/")
    body = page.content.decode()
    assert "Hoàn thành" in body
    assert "Đã nhập 1 hồ sơ mới từ 1 dòng." in body
    assert 'http-equiv="refresh"' not in body  # finished: the page stops refreshing
    api = client.get(f"/api/v1/jobs/{job.pk}")  # the session works for the API too
    assert api.status_code == 200
    assert api.json()["status"] == "done"
    assert api.json()["result"]["created"] == 1


def test_a_waiting_job_shows_its_progress_and_refreshes_itself(personas, client):
    job = Job.objects.create(
        kind=JobKind.ROUND_UPLOAD,
        started_by=personas.officer_a,
        unit=personas.unit_a,
        status=JobStatus.RUNNING,
        progress_done=250,
        progress_total=1000,
        message="Đang đọc các tệp.",
    )
    client.force_login(personas.officer_a)
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Đang chạy" in body
    assert "250/1.000" in body
    assert "Đang đọc các tệp." in body
    assert f'http-equiv="refresh" content="2;url=/jobs/{job.pk}/"' in body
    assert '<progress max="100" value="25">' in body
    assert "<script>" not in body  # no inline script (CSP)


@time_machine.travel(TODAY)
def test_an_import_that_fails_midway_saves_nothing_and_says_why(
    personas, client, django_capture_on_commit_callbacks, monkeypatch
):
    from vitreem.children import imports

    def broken(*args, **kwargs):
        raise RuntimeError("the worker lost its database")

    # After the children's rows are written, before their circumstances are.
    monkeypatch.setattr(imports, "_insert_related", broken)
    client.force_login(personas.officer_a)
    job = upload_children(
        client, django_capture_on_commit_callbacks, children_file(personas.unit_a, {})
    )
    assert job.status == JobStatus.FAILED
    assert "không có dữ liệu nào được ghi" in job.message
    assert not Child.objects.exists()
    assert not job.input_file
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Không thành công" in body
    assert "không có dữ liệu nào được ghi" in body
    assert "lost its database" not in body  # the details go to the log, not to the page


def test_a_bulk_upload_stopped_midway_saves_none_of_its_files(
    personas, province_round, client, django_capture_on_commit_callbacks, monkeypatch
):
    from vitreem.reporting import services as reporting_services
    from vitreem.reporting import workbooks

    report = Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)
    other = (
        Submission.objects.filter(round=province_round, agency=None).exclude(pk=report.pk).first()
    )
    files = {
        "a.xlsx": fill(submission_workbook(report), {("Bảng 3", "D7"): 3}),
        "tinh.xlsx": fill(submission_workbook(other), {("Bảng 3", "D7"): 4}),
    }
    monkeypatch.setattr(workbooks, "CHUNK_FILES", 1)  # one file per chunk: saved one by one
    real = reporting_services.submission_save_many
    calls: list[int] = []

    def second_fails(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(**kwargs)

    monkeypatch.setattr(reporting_services, "submission_save_many", second_fails)
    client.force_login(personas.admin)
    upload = io.BytesIO(zipped(files))
    upload.name = "bao-cao.zip"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/reports/{province_round.pk}/upload/", {"file": upload})
    job = Job.objects.get()
    assert sent["Location"] == f"/jobs/{job.pk}/"
    assert len(calls) == 2  # the first file was saved, then the job stopped
    assert job.status == JobStatus.FAILED
    assert not report.values.exists()  # ... and the first file's values went with it
    assert not other.values.exists()


def test_a_running_job_whose_worker_died_is_marked_failed(personas):
    job = Job.objects.create(
        kind=JobKind.CHILDREN_IMPORT,
        started_by=personas.officer_a,
        unit=personas.unit_a,
        status=JobStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )
    job.input_file.save("children_import.bin", ContentFile(b"rows"), save=True)
    assert services.jobs_fail_abandoned() == 0  # still moving: left alone
    later = timezone.now() + timedelta(minutes=31)
    assert services.jobs_fail_abandoned(later) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "bị gián đoạn" in job.message
    assert not job.input_file
    assert services.jobs_fail_abandoned(later) == 0


def test_the_next_job_marks_the_abandoned_one_failed(personas):
    with time_machine.travel(timezone.now() - timedelta(hours=2)):
        stale = Job.objects.create(
            kind=JobKind.CHILDREN_IMPORT,
            started_by=personas.officer_a,
            unit=personas.unit_a,
            status=JobStatus.RUNNING,
            heartbeat_at=timezone.now(),
        )
    waiting = Job.objects.create(
        kind=JobKind.CHILDREN_IMPORT, started_by=personas.officer_a, unit=personas.unit_a
    )
    Job.objects.filter(pk=waiting.pk).update(status=JobStatus.DONE)  # nothing to do for it
    services.job_run(waiting.pk)
    stale.refresh_from_db()
    assert stale.status == JobStatus.FAILED


@time_machine.travel(TODAY)
def test_a_job_delivered_twice_runs_once(personas, client, django_capture_on_commit_callbacks):
    client.force_login(personas.officer_a)
    job = upload_children(
        client, django_capture_on_commit_callbacks, children_file(personas.unit_a, {})
    )
    assert services.job_run(job.pk) == ""  # already done: nothing happens
    job.refresh_from_db()
    assert (job.runs, job.status) == (1, JobStatus.DONE)
    assert Child.objects.count() == 1


@pytest.fixture
def job_with_file(personas):
    job = Job.objects.create(
        kind=JobKind.PLAN_PDF,
        started_by=personas.officer_a,
        unit=personas.unit_a,
        status=JobStatus.DONE,
        result_name="ke-hoach.pdf",
    )
    job.result_file.save("ke-hoach.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return job


def test_the_result_file_is_served_to_the_starter_and_the_units_readers(
    personas, client, job_with_file
):
    for user in (personas.officer_a, personas.supervisor):
        client.force_login(user)
        page = client.get(f"/jobs/{job_with_file.pk}/")
        assert f"/jobs/{job_with_file.pk}/result" in page.content.decode()
        got = client.get(f"/jobs/{job_with_file.pk}/result")
        assert got.status_code == 200
        assert got["Content-Type"] == "application/pdf"
        assert "attachment" in got["Content-Disposition"]
        assert b"".join(got.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["officer_b", "old_officer"])
def test_a_user_of_another_unit_is_refused(personas, client, api_client, job_with_file, who):
    user = getattr(personas, who)
    client.force_login(user)
    assert client.get(f"/jobs/{job_with_file.pk}/").status_code == 404
    assert client.get(f"/jobs/{job_with_file.pk}/result").status_code == 404
    api_client.login(user)
    assert api_client.get(f"/api/v1/jobs/{job_with_file.pk}").status_code == 404
    assert client.get("/jobs/999999/").status_code == 404  # as absent


def test_a_job_of_no_unit_is_its_starters_only(personas, client):
    job = Job.objects.create(kind=JobKind.NATIONAL_EXPORT, started_by=personas.admin)
    client.force_login(personas.supervisor)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    client.force_login(personas.admin)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200


@time_machine.travel(TODAY)
def test_a_hostile_file_name_is_not_kept(personas):
    job = services.job_start(
        actor=personas.officer_a,
        kind=JobKind.CHILDREN_IMPORT,
        unit=personas.unit_a,
        params={"kind": "children"},
        data=b"x",
        name="..\\\\thu\x00muc/danh-sach\ud800.xlsx",
    )
    assert job.input_name == ""
    job = services.job_start(
        actor=personas.officer_a,
        kind=JobKind.CHILDREN_IMPORT,
        unit=personas.unit_a,
        params={"kind": "children"},
        data=b"x",
        name="C:\\\\Tài liệu\\\\danh-sách.xlsx",
    )
    assert job.input_name == "danh-sách.xlsx"


def test_a_bulk_upload_tells_its_progress_file_by_file(
    personas, province_round, client, django_capture_on_commit_callbacks, monkeypatch
):
    from vitreem.reporting import workbooks

    report = Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)
    files = {
        f"{n}.xlsx": fill(submission_workbook(report), {("Bảng 3", "D7"): n}) for n in (1, 2, 3)
    }
    monkeypatch.setattr(workbooks, "CHUNK_FILES", 1)
    told: list[tuple[int, int, str]] = []
    real = services.job_progress

    def progress(job_id: int, done: int, total: int, message: str = "") -> None:
        told.append((done, total, message))
        real(job_id, done, total, message)

    monkeypatch.setattr(services, "job_progress", progress)
    client.force_login(personas.officer_a)
    upload = io.BytesIO(zipped(files))
    upload.name = "bao-cao.zip"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/{province_round.pk}/upload/", {"file": upload})
    assert told == [
        (1, 3, "Đang đọc các tệp."),
        (2, 3, "Đang đọc các tệp."),
        (3, 3, "Đang đọc các tệp."),
        (3, 3, "Đang lưu số liệu."),
    ]
    job = Job.objects.get()
    assert (job.status, job.progress_done, job.progress_total) == (JobStatus.DONE, 3, 3)
    assert job.input_name == "bao-cao.zip"
    assert job.result["ok"] == 3  # the same report three times: the last file's values stay
    assert report.values.get(element__code="forums").value == 3


def test_old_finished_jobs_are_pruned_with_their_files(personas, job_with_file):
    from django.core.management import call_command

    running = Job.objects.create(
        kind=JobKind.CHILDREN_IMPORT, started_by=personas.officer_a, status=JobStatus.RUNNING
    )
    stored = job_with_file.result_file.path
    call_command("prune_jobs", "--min-age-days", "30", verbosity=0)
    assert Job.objects.count() == 2  # recent: kept
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        call_command("prune_jobs", "--min-age-days", "30", verbosity=0)
    assert list(Job.objects.all()) == [running]  # a running job is never pruned
    assert not os.path.exists(stored)
