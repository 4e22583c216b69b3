"""The daily scan on the database queue: one run waits however many workers start; a run that
fails is marked failed with its reason and tried again soon; a run whose worker was killed is
run again once the scan would have ended (marked failed as abandoned when found later), and
its reminders still reach everyone exactly once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from vitreem.notifications import services, tasks
from vitreem.notifications.models import Notification, Schedule
from vitreem.notifications.tests.test_scan_restart import staffed_round  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Six days before the communes' deadline of 20/07/2026: the 7-day reminder is due tomorrow.
EVENING = datetime(2026, 7, 12, 20, tzinfo=VIETNAM)


class ProcessKilledError(BaseException):
    """The process is gone: none of its handlers of errors runs (as with SIGKILL)."""


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = DB_TASKS


def jobs(status: str | None = None):
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.filter(task_path="vitreem.notifications.tasks.daily_scan")
    return list(found.filter(status=status) if status else found)


def run(job) -> None:
    """A worker takes the job and runs it, as db_worker does."""
    from django_tasks_db.management.commands.db_worker import Worker

    job.claim("worker-test")
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="worker-test",
    )
    worker.run_task(job)
    job.refresh_from_db()


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment, VIETNAM)


def test_one_run_waits_for_the_next_morning_however_many_workers_start():
    with time_machine.travel(EVENING, tick=False):
        for _worker in range(3):
            tasks.schedule_daily_scan()
    waiting = jobs("READY")
    assert len(waiting) == 1
    assert local(waiting[0].run_after) == datetime(2026, 7, 13, 7, tzinfo=VIETNAM)
    assert Schedule.objects.get().task_id == str(waiting[0].id)


def test_a_run_tells_the_days_reminders_and_queues_the_next_morning(personas, province_round):
    with time_machine.travel(EVENING, tick=False):
        tasks.schedule_daily_scan()
    (job,) = jobs("READY")
    with time_machine.travel(datetime(2026, 7, 13, 7, 1, tzinfo=VIETNAM), tick=False):
        run(job)
    assert job.status == "SUCCESSFUL"
    assert Notification.objects.filter(user=personas.officer_a, event="report_due").count() == 1
    (following,) = jobs("READY")
    assert local(following.run_after) == datetime(2026, 7, 14, 7, tzinfo=VIETNAM)
    assert Schedule.objects.get().last_result["due"] >= 2


def test_a_failed_run_keeps_its_reason_and_is_tried_again_soon(
    personas, province_round, monkeypatch
):
    with time_machine.travel(EVENING, tick=False):
        tasks.schedule_daily_scan()
    (job,) = jobs("READY")

    def broken(today):
        raise RuntimeError("the task table is being migrated")

    morning = datetime(2026, 7, 13, 7, 1, tzinfo=VIETNAM)
    with monkeypatch.context() as patched, time_machine.travel(morning, tick=False):
        patched.setattr(services, "scan_tasks", broken)
        run(job)
    assert job.status == "FAILED"
    assert job.exception_class_path == "builtins.RuntimeError"
    assert "the task table is being migrated" in job.traceback
    (retry,) = jobs("READY")
    assert local(retry.run_after) == datetime(2026, 7, 13, 7, 31, tzinfo=VIETNAM)
    # The reports' reminders of the failed run were committed; the retry tells nobody twice and
    # goes on with the next morning's run.
    with time_machine.travel(datetime(2026, 7, 13, 7, 32, tzinfo=VIETNAM), tick=False):
        run(retry)
    assert retry.status == "SUCCESSFUL"
    assert Notification.objects.filter(user=personas.officer_a, event="report_due").count() == 1
    (following,) = jobs("READY")
    assert local(following.run_after) == datetime(2026, 7, 14, 7, tzinfo=VIETNAM)


def test_a_run_killed_mid_scan_is_run_again_after_a_restart_and_tells_everyone_once(
    personas,
    staffed_round,  # noqa: F811
    monkeypatch,
):
    _reports, officers = staffed_round  # every commune with an officer, batches of ten
    with time_machine.travel(EVENING, tick=False):
        tasks.schedule_daily_scan()
    (job,) = jobs("READY")
    morning = datetime(2026, 7, 13, 7, 1, tzinfo=VIETNAM)
    # The worker takes the run and is killed after the first batch of reports: the run stays
    # marked running, with what the first batch told committed.
    batches = []
    real_batch = services._scan_batch

    def killed_in_the_second(batch, today, result):
        batches.append(batch)
        if len(batches) == 2:
            raise ProcessKilledError
        real_batch(batch, today, result)

    with time_machine.travel(morning, tick=False):
        job.claim("worker-killed")
        with monkeypatch.context() as patched:
            patched.setattr(services, "_scan_batch", killed_in_the_second)
            with pytest.raises(ProcessKilledError):
                tasks.daily_scan.call()
    told_before_the_kill = set(
        Notification.objects.filter(event="report_due").values_list("user_id", flat=True)
    )
    assert told_before_the_kill == {officers[s.unit_id].pk for s in batches[0]}
    job.refresh_from_db()
    assert job.status == "RUNNING"
    # The worker restarts a minute later: it cannot know the run is dead, so a run waits until
    # the scan would have ended; a second worker starting changes nothing.
    with time_machine.travel(morning + timedelta(minutes=1), tick=False):
        tasks.schedule_daily_scan()
        tasks.schedule_daily_scan()
    (catch_up,) = jobs("READY")
    assert local(catch_up.run_after) == datetime(2026, 7, 13, 8, 1, tzinfo=VIETNAM)
    with time_machine.travel(datetime(2026, 7, 13, 8, 2, tzinfo=VIETNAM), tick=False):
        run(catch_up)
    assert catch_up.status == "SUCCESSFUL"
    # Everyone with a report due in 7 days was told once: those of the killed run's first batch
    # and those after it.
    due = Notification.objects.filter(event="report_due")
    assert sorted(n.user_id for n in due) == sorted(o.pk for o in officers.values())
    assert len(told_before_the_kill) < len(officers)
    (following,) = jobs("READY")
    assert local(following.run_after) == datetime(2026, 7, 14, 7, tzinfo=VIETNAM)


def test_a_run_found_running_long_after_it_started_is_marked_abandoned_and_run_at_once(
    personas, province_round
):
    with time_machine.travel(EVENING, tick=False):
        tasks.schedule_daily_scan()
    (job,) = jobs("READY")
    with time_machine.travel(datetime(2026, 7, 13, 7, 1, tzinfo=VIETNAM), tick=False):
        job.claim("worker-killed")  # and the machine went down
    later = datetime(2026, 7, 13, 9, 30, tzinfo=VIETNAM)
    with time_machine.travel(later, tick=False):
        tasks.schedule_daily_scan()
    job.refresh_from_db()
    assert job.status == "FAILED"
    assert "abandoned" in job.traceback
    assert job.exception_class_path.endswith("AbandonedScanError")
    (again,) = jobs("READY")
    assert local(again.run_after) == later
    with time_machine.travel(later + timedelta(seconds=5), tick=False):
        run(again)
    assert Notification.objects.filter(user=personas.officer_a, event="report_due").count() == 1
