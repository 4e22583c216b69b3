from typing import Any

from django.core.management.base import BaseCommand

from vitreem.reporting.loaders import load_forms


class Command(BaseCommand):
    help = "Load the report forms of vitreem/reporting/forms/*.yaml (idempotent: by code and year)."

    def handle(self, *args: Any, **options: Any) -> None:
        forms = load_forms()
        self.stdout.write(f"report forms loaded: {', '.join(f'{f.code}/{f.year}' for f in forms)}")
