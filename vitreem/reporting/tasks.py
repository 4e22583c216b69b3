"""Jobs of the reporting app, run by the queue's workers (ADR 0010)."""

from django.db.models import F
from django.utils import timezone
from django_tasks import task

from . import rollups
from .models import RebuildStatus, TotalsRebuild


@task()
def rebuild_totals(rebuild_id: int) -> int:
    """Recompute a round's consolidated totals; returns how many totals it holds.

    Safe to run twice: the totals are replaced as a whole under the round's row lock, so a
    second run gives the same totals.
    """
    rebuild = TotalsRebuild.objects.select_related("round").filter(pk=rebuild_id).first()
    if rebuild is None:  # removed with its round meanwhile
        return 0
    TotalsRebuild.objects.filter(pk=rebuild_id).update(
        status=RebuildStatus.RUNNING, started_at=timezone.now(), runs=F("runs") + 1
    )
    try:
        totals = rollups.rebuild(rebuild.round)
    except Exception as error:
        TotalsRebuild.objects.filter(pk=rebuild_id).update(
            status=RebuildStatus.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
        raise
    TotalsRebuild.objects.filter(pk=rebuild_id).update(
        status=RebuildStatus.DONE, totals=totals, error="", finished_at=timezone.now()
    )
    return totals
