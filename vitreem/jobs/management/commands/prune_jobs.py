"""Delete finished jobs older than some days, with their files (run it from a timer)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "Xóa các công việc chạy nền đã kết thúc từ lâu, cùng tệp của chúng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-age-days", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        from vitreem.jobs.services import jobs_prune

        days = max(1, options["min_age_days"])
        pruned = jobs_prune(before=timezone.now() - timedelta(days=days))
        if options.get("verbosity", 1):
            self.stdout.write(f"{pruned} finished job(s) deleted")
