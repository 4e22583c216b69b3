from typing import Any

from django.core.management.base import BaseCommand

from vitreem.units.loaders import PRE_REFORM_TO
from vitreem.units.models import Level
from vitreem.units.selectors import succession_coverage


class Command(BaseCommand):
    help = "How many pre-reform communes and provinces are linked to a current unit."

    def handle(self, *args: Any, **options: Any) -> None:
        for level, label in ((Level.COMMUNE, "communes"), (Level.PROVINCE, "provinces")):
            cover = succession_coverage(level, PRE_REFORM_TO)
            self.stdout.write(
                f"{label} mapped: {cover.mapped}/{cover.total} ({cover.percent:.2f}%)"
            )
            for unit in cover.unmapped:
                parent = f", {unit.parent.name}" if unit.parent else ""
                self.stdout.write(f"  unmapped: {unit.code} {unit.name}{parent}")
