"""Jobs of the notifications, run by the queue's workers (ADR 0010): the mails, and the daily
scan of deadlines, which puts its own next run in the queue."""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from vitreem.assessments import services as assessment_services

from . import services
from .models import Schedule

log = logging.getLogger(__name__)

DAILY_SCAN = "daily-scan"


@task()
def send_mails() -> int:
    return services.send_pending_mails()


@task()
def daily_scan() -> dict[str, int]:
    """The day's reminders and digests; safe to run twice (each notice once per key)."""
    today = timezone.localdate()
    result = services.scan_reports(today).as_dict()
    tasks = services.scan_tasks(today)
    result["tasks_due"], result["tasks_overdue"] = tasks.due, tasks.late
    result["assessments_due"] = assessment_services.remind_due(today)
    result["digests"] = services.send_digests(today)
    result["mails"] = services.send_pending_mails()
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


def schedule_daily_scan(*, after_run: bool = False) -> Schedule:
    """Make sure one run of the daily scan waits in the queue: called when a worker starts and
    by each run for the next day. The schedule's row lock makes concurrent callers agree."""
    with transaction.atomic():
        schedule, _created = Schedule.objects.get_or_create(name=DAILY_SCAN)
        if not daily_scan.get_backend().supports_defer:
            return schedule  # jobs run at once (tests): nothing can wait for the morning
        schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
        if schedule.task_id and not after_run and _waiting(schedule.task_id):
            return schedule
        run_at = next_scan_at(timezone.now())
        result = daily_scan.using(run_after=run_at).enqueue()
        schedule.task_id = str(result.id)
        schedule.next_run = run_at
        schedule.save(update_fields=["task_id", "next_run"])
        return schedule


def _waiting(task_id: str) -> bool:
    try:
        result = daily_scan.get_result(task_id)
    except Exception:  # removed, or a backend that keeps no results
        return False
    return result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)
