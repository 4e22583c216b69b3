"""The consolidated totals of a round, kept in step with filed reports (ADR 0004).

A filed report adds each of its values to the table of every unit it reaches: an agency's
report to its unit's table (row "a<agency>"), and every report to the tables of the units above
its unit up to the round's receiving unit (row "u<unit directly below>"); each of those tables
also keeps its total (row "*"). Withdrawing a report
(return, reopen) subtracts the same amounts. The callers hold the round's row lock, so totals
of one round change one report at a time.
"""

from django.db import transaction
from django.db.models import F

from .models import ConsolidatedValue, DataValue, Round, Submission

Key = tuple[int, str, int, str, str]  # (node, child, element, row, category)
TOTAL = "*"  # the row of a node's own total


def _chain(
    unit_id: int,
    district_id: int | None,
    province_id: int | None,
    agency_id: int | None,
    receiving_unit_id: int,
) -> list[tuple[int, str]]:
    """(node, row) pairs a report adds to, from its own unit up to the receiving unit, each node
    also with its total row "*" (what the level above reads without summing the rows again)."""
    pairs: list[tuple[int, str]] = []
    if agency_id:
        pairs.append((unit_id, f"a{agency_id}"))
    if unit_id != receiving_unit_id:
        below = unit_id
        for ancestor in (district_id, province_id):  # nearest first
            if ancestor is None or ancestor == unit_id:
                continue
            pairs.append((ancestor, f"u{below}"))
            if ancestor == receiving_unit_id:
                break
            below = ancestor
    return pairs + [(node, TOTAL) for node in dict.fromkeys(node for node, _row in pairs)]


def _amounts(submission: Submission, sign: int) -> dict[Key, tuple[int, int]]:
    """Key → (amount, number of values), signed."""
    amounts: dict[Key, tuple[int, int]] = {}
    unit = submission.unit
    chain = _chain(
        unit.pk,
        unit.district_id,
        unit.province_id,
        submission.agency_id,
        submission.round.receiving_unit_id,
    )
    for element_id, row, category, value in DataValue.objects.filter(
        submission=submission
    ).values_list("element_id", "row", "category", "value"):
        for node, child in chain:
            key = (node, child, element_id, row, category)
            total, count = amounts.get(key, (0, 0))
            amounts[key] = (total + sign * value, count + sign)
    return amounts


def apply(submission: Submission, sign: int) -> None:
    """Add (sign 1) or withdraw (sign -1) a report's values; inside the caller's transaction."""
    missing = []
    for key, (delta, count) in _amounts(submission, sign).items():
        node, child, element_id, row, category = key
        cell = {
            "round_id": submission.round_id,
            "node_id": node,
            "child": child,
            "element_id": element_id,
            "row": row,
            "category": category,
        }
        updated = ConsolidatedValue.objects.filter(**cell).update(
            value=F("value") + delta, reports=F("reports") + count
        )
        if not updated:
            missing.append(ConsolidatedValue(**cell, value=delta, reports=count))
    ConsolidatedValue.objects.bulk_create(missing)


@transaction.atomic
def rebuild(round_: Round) -> int:
    """Recompute a round's totals from its filed reports (for data loaded in bulk, or repair)."""
    Round.objects.select_for_update().filter(pk=round_.pk).first()
    ConsolidatedValue.objects.filter(round=round_).delete()
    totals: dict[Key, tuple[int, int]] = {}
    values = DataValue.objects.filter(
        submission__round=round_, submission__status__in=("submitted", "approved")
    ).values_list(
        "submission__unit_id",
        "submission__unit__district_id",
        "submission__unit__province_id",
        "submission__agency_id",
        "element_id",
        "row",
        "category",
        "value",
    )
    chains: dict[tuple[int, int | None, int | None, int | None], list[tuple[int, str]]] = {}
    for unit_id, district_id, province_id, agency_id, element_id, row, category, value in values:
        reporter = (unit_id, district_id, province_id, agency_id)
        if reporter not in chains:
            chains[reporter] = _chain(*reporter, round_.receiving_unit_id)
        for node, child in chains[reporter]:
            key = (node, child, element_id, row, category)
            total, reports = totals.get(key, (0, 0))
            totals[key] = (total + value, reports + 1)
    ConsolidatedValue.objects.bulk_create(
        [
            ConsolidatedValue(
                round=round_,
                node_id=node,
                child=child,
                element_id=element_id,
                row=row,
                category=category,
                value=value,
                reports=reports,
            )
            for (node, child, element_id, row, category), (value, reports) in totals.items()
        ],
        batch_size=10_000,
    )
    return len(totals)
