from typing import Any

from django.core.management.base import BaseCommand

from vitreem.reporting.models import ConsolidatedValue, Round
from vitreem.reporting.rollups import rebuild
from vitreem.reporting.services import totals_rebuild_request


class Command(BaseCommand):
    help = "Recompute the consolidated totals of rounds from their filed reports."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--missing", action="store_true", help="only rounds without totals")
        parser.add_argument("--round", type=int, action="append", help="only this round (id)")
        parser.add_argument(
            "--queue", action="store_true", help="leave the work to the queue's workers"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rounds = Round.objects.all()
        if options["missing"]:
            rounds = rounds.exclude(pk__in=ConsolidatedValue.objects.values("round_id"))
        if options["round"]:
            rounds = rounds.filter(pk__in=options["round"])
        count = 0
        for round_ in rounds.select_related("receiving_unit"):
            if options["queue"]:
                job = totals_rebuild_request(actor=None, round_=round_)
                self.stdout.write(f"round {round_.pk}: rebuild {job.pk} queued")
            else:
                rebuild(round_)
            count += 1
        verb = "queued" if options["queue"] else "rebuilt"
        self.stdout.write(f"consolidated totals {verb} for {count} rounds")
