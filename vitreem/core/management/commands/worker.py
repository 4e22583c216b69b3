"""The queue worker: ``db_worker`` of django-tasks-db, after making sure the recurring jobs have
their next run waiting (the daily scan of deadlines) and marking failed the jobs whose worker
died while running them. Takes every option of ``db_worker``."""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    help = "Chạy một tiến trình xử lý hàng đợi công việc (và lên lịch các việc định kỳ)."

    def handle(self, *args: Any, **options: Any) -> None:
        from vitreem.jobs.services import jobs_fail_abandoned
        from vitreem.notifications.tasks import schedule_daily_scan

        abandoned = jobs_fail_abandoned()
        if abandoned and options.get("verbosity", 1):
            self.stdout.write(f"{abandoned} abandoned job(s) marked failed")
        schedule = schedule_daily_scan()
        if options.get("verbosity", 1):
            self.stdout.write(f"daily scan waiting for {schedule.next_run}")
        super().handle(*args, **options)
