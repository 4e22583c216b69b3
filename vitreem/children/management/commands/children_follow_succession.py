from typing import Any

from django.core.management.base import BaseCommand

from vitreem.children.services import children_follow_succession
from vitreem.units.loaders import REFORM_DATE


class Command(BaseCommand):
    help = (
        "Move the children of communes that ended with the 2025 reform to their default "
        "successors, the old commune kept in each child's residences (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        moved = children_follow_succession(actor=None, day=REFORM_DATE)
        self.stdout.write(
            f"children moved: {moved.children} from {moved.communes} communes "
            f"({moved.circumstances} open circumstances)"
        )
