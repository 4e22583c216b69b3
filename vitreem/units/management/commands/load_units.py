from typing import Any

from django.core.management.base import BaseCommand

from vitreem.units.loaders import load_units


class Command(BaseCommand):
    help = "Load the administrative units of both eras (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_units()
        self.stdout.write(
            f"units loaded: {counts['pre_reform']} pre-reform, {counts['current']} current, "
            f"{counts['succession']} succession links"
        )
