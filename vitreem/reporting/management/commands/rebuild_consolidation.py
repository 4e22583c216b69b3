from typing import Any

from django.core.management.base import BaseCommand

from vitreem.reporting.models import ConsolidatedValue, Round
from vitreem.reporting.rollups import rebuild


class Command(BaseCommand):
    help = "Recompute the consolidated totals of rounds from their filed reports."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--missing", action="store_true", help="only rounds without totals")

    def handle(self, *args: Any, **options: Any) -> None:
        rounds = Round.objects.all()
        if options["missing"]:
            rounds = rounds.exclude(pk__in=ConsolidatedValue.objects.values("round_id"))
        count = 0
        for round_ in rounds.select_related("receiving_unit"):
            rebuild(round_)
            count += 1
        self.stdout.write(f"consolidated totals rebuilt for {count} rounds")
