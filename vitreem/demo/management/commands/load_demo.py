from typing import Any

from django.core.management.base import BaseCommand

from vitreem.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo accounts and agencies (demo mode only; idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load()
        self.stdout.write(
            f"demo: {result['personas']} accounts, {result['agencies_created']} agencies created,"
            f" {result['plans']} plans loaded, {result['rounds']} reporting rounds opened"
        )
