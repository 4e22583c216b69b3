from typing import Any

from django.core.management.base import BaseCommand

from vitreem.assessments.loaders import load_criteria


class Command(BaseCommand):
    help = "Load the 13 criteria of a child-friendly commune (Decision 06/2019/QĐ-TTg)."

    def handle(self, *args: Any, **options: Any) -> None:
        criteria = load_criteria()
        self.stdout.write(f"criteria loaded: {len(criteria)}")
