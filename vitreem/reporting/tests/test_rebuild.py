"""Recomputing a round's consolidated totals is a job on the queue: asked for by the receiving
unit's leaders, enqueued when the request commits, run once, idempotent, its result kept."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from conftest import unit
from vitreem.accounts.models import User
from vitreem.core.models import AuditEvent
from vitreem.reporting.models import ConsolidatedValue, ReportForm, Submission, TotalsRebuild
from vitreem.reporting.services import (
    round_create,
    submission_save,
    submission_submit,
    totals_rebuild_request,
)
from vitreem.reporting.tasks import rebuild_totals
from vitreem.units.models import AdministrativeUnit
from vitreem.units.services import agencies_create_standard

ROOT = Path(__file__).resolve().parents[3]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def file_reports(round_, actor, count: int = 3) -> None:
    communes = Submission.objects.filter(round=round_, agency=None, unit__level=3)
    for n, submission in enumerate(communes.order_by("unit__code")[:count], start=1):
        submission_save(
            actor=actor,
            submission=submission,
            cells={("camps", "", ""): n, ("gifts_children", "", ""): 2 * n},
        )
        submission_submit(actor=actor, submission=submission)


def totals(round_) -> set[tuple]:
    return set(
        ConsolidatedValue.objects.filter(round=round_).values_list(
            "node_id", "child", "element_id", "row", "category", "value", "reports"
        )
    )


@pytest.mark.django_db
def test_a_leader_queues_a_rebuild_that_runs_on_commit(
    client, personas, province_round, django_capture_on_commit_callbacks
):
    file_reports(province_round, personas.admin)
    before = totals(province_round)
    ConsolidatedValue.objects.filter(round=province_round).update(value=0)  # damaged totals
    client.force_login(personas.supervisor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/reports/{province_round.pk}/rebuild/")
    assert response.status_code == 302
    assert len(callbacks) == 1
    rebuild = TotalsRebuild.objects.get(round=province_round)
    assert rebuild.status == "done"
    assert rebuild.runs == 1
    assert rebuild.totals == len(before)
    assert rebuild.requested_by == personas.supervisor
    assert rebuild.task_id
    assert totals(province_round) == before
    assert AuditEvent.objects.filter(action="round.rebuild_totals").count() == 1
    page = client.get(f"/reports/{province_round.pk}/").content.decode()
    assert "Đã xong" in page


@pytest.mark.django_db
def test_running_the_job_twice_gives_the_same_totals(personas, province_round):
    file_reports(province_round, personas.admin)
    before = totals(province_round)
    rebuild = totals_rebuild_request(actor=personas.supervisor, round_=province_round)
    # Not committed in this test: the job has not run; run it twice as a retry would.
    assert TotalsRebuild.objects.get(pk=rebuild.pk).status == "queued"
    assert rebuild_totals.call(rebuild.pk) == len(before)
    assert rebuild_totals.call(rebuild.pk) == len(before)
    assert totals(province_round) == before
    assert TotalsRebuild.objects.get(pk=rebuild.pk).runs == 2


@pytest.mark.django_db
def test_asking_twice_joins_the_waiting_rebuild(personas, province_round):
    first = totals_rebuild_request(actor=personas.supervisor, round_=province_round)
    second = totals_rebuild_request(actor=personas.supervisor, round_=province_round)
    assert first.pk == second.pk
    assert TotalsRebuild.objects.count() == 1


@pytest.mark.django_db
def test_a_rebuild_whose_worker_died_is_taken_over(personas, province_round):
    from datetime import timedelta

    from django.utils import timezone

    stuck = totals_rebuild_request(actor=personas.supervisor, round_=province_round)
    TotalsRebuild.objects.filter(pk=stuck.pk).update(
        status="running", started_at=timezone.now() - timedelta(minutes=30)
    )
    assert totals_rebuild_request(actor=personas.supervisor, round_=province_round).pk == stuck.pk
    TotalsRebuild.objects.filter(pk=stuck.pk).update(started_at=timezone.now() - timedelta(hours=2))
    fresh = totals_rebuild_request(actor=personas.supervisor, round_=province_round)
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == "failed"
    assert "abandoned" in stuck.error
    assert fresh.status == "queued"


@pytest.mark.django_db
def test_only_the_receiving_units_leaders_may_ask_and_a_refusal_queues_nothing(
    client, personas, province_round
):
    # The province's viewer reads the province but may not change it: 403. The communes'
    # officers read the round (they report in it) but not the province itself: 404, as the
    # access rule answers for what is not theirs.
    for user, refused in [
        (personas.viewer, 403),
        (personas.officer_a, 404),
        (personas.officer_b, 404),
    ]:
        client.force_login(user)
        assert client.post(f"/reports/{province_round.pk}/rebuild/").status_code == refused
        assert "Tính lại" not in client.get(f"/reports/{province_round.pk}/").content.decode()
    client.force_login(personas.old_officer)  # another era's city: not theirs to see
    assert client.post(f"/reports/{province_round.pk}/rebuild/").status_code == 404
    assert client.get(f"/reports/{province_round.pk}/rebuild/").status_code in (404, 405)
    assert not TotalsRebuild.objects.exists()
    assert not AuditEvent.objects.filter(action="round.rebuild_totals").exists()
    client.force_login(personas.supervisor)
    assert "Tính lại" in client.get(f"/reports/{province_round.pk}/").content.decode()


@pytest.mark.django_db
def test_the_command_queues_rebuilds(personas, province_round, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_consolidation", "--queue", "--round", str(province_round.pk))
    assert TotalsRebuild.objects.get(round=province_round).status == "done"


# -- Real workers, in their own processes, against the test database ---------------------------

needs_a_shared_database = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the SQLite test database lives in this process's memory; run with DATABASE_URL",
)


def worker_environment() -> dict[str, str]:
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in {"TASKS_BACKEND", "DEBUG"}}
    return {**env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "vitreem.settings"}


def start_worker(worker_id: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
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
def rounds(transactional_db, settings):
    """Rounds of tỉnh Thái Nguyên with filed reports, committed so that workers see them."""
    settings.TASKS = DB_TASKS
    if not AdministrativeUnit.objects.exists():
        from vitreem.reporting.loaders import load_forms
        from vitreem.units.loaders import load_units

        load_units()
        load_forms()
    admin = User.objects.create_superuser("quantri.worker", password="x")
    province = unit("19")
    agencies_create_standard(actor=None, unit=province)
    made = []
    for month in range(1, 5):
        round_ = round_create(
            actor=admin,
            form=ReportForm.objects.get(code="action-month-result"),
            receiving_unit=province,
            title=f"Đợt {month}",
            period_kind="campaign",
            period_start=date(2026, month, 1),
            period_end=date(2026, month, 28),
        )
        file_reports(round_, admin, count=2)
        made.append(round_)
    return made


@needs_a_shared_database
def test_a_worker_process_runs_the_queued_job(rounds):
    from django_tasks_db.models import DBTaskResult

    round_ = rounds[0]
    before = totals(round_)
    ConsolidatedValue.objects.filter(round=round_).delete()
    rebuild = totals_rebuild_request(actor=None, round_=round_)  # commits: the job is queued
    rebuild.refresh_from_db()
    job = DBTaskResult.objects.get(id=rebuild.task_id)
    assert job.status == "READY"
    worker = start_worker("worker-a")
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    rebuild.refresh_from_db()
    job.refresh_from_db()
    assert (rebuild.status, rebuild.runs, rebuild.totals) == ("done", 1, len(before))
    assert job.status == "SUCCESSFUL"
    assert job.return_value == len(before)
    assert totals(round_) == before


@needs_a_shared_database
def test_two_workers_never_run_a_job_twice(rounds):
    from django_tasks_db.models import DBTaskResult

    rebuilds = [totals_rebuild_request(actor=None, round_=r) for r in rounds]
    workers = [start_worker("worker-a"), start_worker("worker-b")]
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output
    for rebuild in rebuilds:
        rebuild.refresh_from_db()
        assert (rebuild.status, rebuild.runs) == ("done", 1)
    jobs = DBTaskResult.objects.filter(id__in=[r.task_id for r in rebuilds])
    assert sorted(len(job.worker_ids) for job in jobs) == [1] * len(rebuilds)
    assert {job.status for job in jobs} == {"SUCCESSFUL"}
