from typing import Any

from django.core.management.base import BaseCommand

from vitreem.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo: accounts, agencies, plans, rounds, children, funds (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load()
        self.stdout.write(
            f"demo: {result['personas']} accounts, {result['agencies_created']} agencies created,"
            f" {result['plans']} plans loaded, {result['rounds']} reporting rounds opened,"
            f" {result['children']} children registered, {result['funds']} funds opened"
        )
