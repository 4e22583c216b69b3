"""Jobs run by real worker processes, against the test database (PostgreSQL: run with
DATABASE_URL): two workers take an import once between them, and a worker that starts marks
failed the job a dead worker left running."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from conftest import unit
from vitreem.accounts.models import Membership, User
from vitreem.children.models import Child
from vitreem.children.tests.test_import import children_file
from vitreem.jobs.models import Job, JobKind, JobStatus
from vitreem.jobs.services import job_start
from vitreem.units.models import AdministrativeUnit

ROOT = Path(__file__).resolve().parents[3]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the SQLite test database lives in this process's memory; run with DATABASE_URL",
)


def worker_environment() -> dict[str, str]:
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in {"TASKS_BACKEND", "DEBUG"}}
    return {**env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "vitreem.settings"}


def start_worker(command: str, worker_id: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            command,
            "--batch",
            "--no-startup-delay",
            "--worker-id",
            worker_id,
        ],
        cwd=ROOT,
        env=worker_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def officer(transactional_db, settings) -> User:
    """An officer of phường Bắc Kạn, committed so that workers see it."""
    settings.TASKS = DB_TASKS
    if not AdministrativeUnit.objects.exists():
        from vitreem.reporting.loaders import load_forms
        from vitreem.units.loaders import load_units

        load_units()
        load_forms()
    user = User.objects.create_user("canbo.worker", password="x")
    Membership.objects.create(user=user, unit=unit("01843"), role="officer")
    return user


def test_two_workers_run_an_import_once(officer):
    from django_tasks_db.models import DBTaskResult

    ward = unit("01843")
    data = children_file(ward, {})
    jobs = [
        job_start(
            actor=officer, kind=JobKind.CHILDREN_IMPORT, unit=ward, params={"kind": k}, data=d
        )
        for k, d in (("children", data), ("children", data))
    ]  # the same file twice: the second finds its child present
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED
        assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    workers = [start_worker("db_worker", "worker-a"), start_worker("db_worker", "worker-b")]
    for worker in workers:
        output, _ = worker.communicate(timeout=180)
        assert worker.returncode == 0, output
    for job in jobs:
        job.refresh_from_db()
        assert (job.status, job.runs) == (JobStatus.DONE, 1)
        queued = DBTaskResult.objects.get(id=job.task_id)
        assert (queued.status, len(queued.worker_ids)) == ("SUCCESSFUL", 1)
        assert queued.return_value == "done"
    assert sorted(j.result["created"] for j in jobs) == [0, 1]
    assert Child.objects.filter(unit=ward).count() == 1


def test_a_starting_worker_marks_the_abandoned_job_failed(officer):
    stale = Job.objects.create(
        kind=JobKind.CHILDREN_IMPORT,
        started_by=officer,
        unit=unit("01843"),
        status=JobStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(hours=2),
    )
    worker = start_worker("worker", "worker-c")
    output, _ = worker.communicate(timeout=180)
    assert worker.returncode == 0, output
    stale.refresh_from_db()
    assert stale.status == JobStatus.FAILED
    assert "bị gián đoạn" in stale.message
