"""The queue worker: ``db_worker`` of django-tasks-db, after making sure the recurring jobs have
their next run waiting (the daily scan of deadlines). Takes every option of ``db_worker``."""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    help = "Chạy một tiến trình xử lý hàng đợi công việc (và lên lịch các việc định kỳ)."

    def handle(self, *args: Any, **options: Any) -> None:
        from vitreem.notifications.tasks import schedule_daily_scan

        schedule = schedule_daily_scan()
        if options.get("verbosity", 1):
            self.stdout.write(f"daily scan waiting for {schedule.next_run}")
        super().handle(*args, **options)
