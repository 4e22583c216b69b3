"""Jobs of the notifications, run by the queue's workers (ADR 0010): the mails, and the daily
scan of deadlines, which puts its own next run in the queue."""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task

from vitreem.assessments import services as assessment_services

from . import services
from .models import Schedule

log = logging.getLogger(__name__)

DAILY_SCAN = "daily-scan"


@task()
def send_mails() -> int:
    return services.send_pending_mails()


# The national scan takes about a minute: a run marked running for longer lost its worker.
SCAN_ABANDONED_AFTER = timedelta(hours=1)
# A run that failed is tried again this much later (the worker keeps the failure's reason).
SCAN_RETRY_AFTER = timedelta(minutes=30)


class AbandonedScanError(Exception):
    """The worker running the scan stopped before the scan ended (killed, or its machine)."""


@task()
def daily_scan() -> dict[str, int]:
    """The day's reminders and digests; safe to run twice (each notice once per key)."""
    today = timezone.localdate()
    try:
        result = services.scan_reports(today).as_dict()
        tasks = services.scan_tasks(today)
        result["tasks_due"], result["tasks_overdue"] = tasks.due, tasks.late
        result["assessments_due"] = assessment_services.remind_due(today)
        result["digests"] = services.send_digests(today)
        result["mails"] = services.send_pending_mails()
    except Exception:
        # The worker marks this run failed with its reason; another tries again soon.
        try:
            schedule_daily_scan(after_run=True, retry=True)
        except Exception:
            log.exception("Could not queue another run of the daily scan")
        raise
    Schedule.objects.update_or_create(
        name=DAILY_SCAN, defaults={"last_run": timezone.now(), "last_result": result}
    )
    schedule_daily_scan(after_run=True)
    return result


def next_scan_at(now: datetime) -> datetime:
    """The next morning's run (at REMINDER_HOUR in Vietnam's time)."""
    local = timezone.localtime(now)
    at = datetime.combine(local.date(), time(settings.REMINDER_HOUR), tzinfo=local.tzinfo)
    return at if at > local else at + timedelta(days=1)


def schedule_daily_scan(*, after_run: bool = False, retry: bool = False) -> Schedule:
    """Make sure one run of the daily scan waits in the queue: called when a worker starts and
    by each run for the next day (``retry``: by a failed run, for a run soon). The schedule's
    row lock makes concurrent callers agree.

    A worker that starts while the scan is marked running cannot tell whether another worker
    runs it or the worker that ran it was killed: a run then waits until the scan would have
    ended; a scan running for longer is marked failed as abandoned, and run again at once.
    """
    with transaction.atomic():
        schedule, _created = Schedule.objects.get_or_create(name=DAILY_SCAN)
        if not daily_scan.get_backend().supports_defer:
            return schedule  # jobs run at once (tests): nothing can wait for the morning
        schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
        now = timezone.now()
        run_at = now + SCAN_RETRY_AFTER if retry else next_scan_at(now)
        last = _result(schedule.task_id)
        if last is not None and last.status == TaskResultStatus.READY:
            return schedule  # a run waits already
        if last is not None and last.status == TaskResultStatus.RUNNING and not after_run:
            started = last.started_at or now
            if now - started < SCAN_ABANDONED_AFTER:
                run_at = started + SCAN_ABANDONED_AFTER
            else:
                _abandon(last.id)
                run_at = now
        result = daily_scan.using(run_after=run_at).enqueue()
        schedule.task_id = str(result.id)
        schedule.next_run = run_at
        schedule.save(update_fields=["task_id", "next_run"])
        return schedule


def _result(task_id: str) -> TaskResult | None:
    if not task_id:
        return None
    try:
        return daily_scan.get_result(task_id)
    except Exception:  # removed, or a backend that keeps no results
        return None


def _abandon(task_id: str) -> None:
    """Mark a run whose worker stopped as failed, with the reason."""
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).first()
    if found is not None:
        found.set_failed(
            AbandonedScanError(
                f"abandoned: still marked running {SCAN_ABANDONED_AFTER} after it started"
            )
        )
        log.warning("Daily scan %s abandoned by its worker: run again", task_id)
