"""Reads of the import."""

import re
from datetime import date

from django.db.models import Q

from vitreem.accounts.access import AnyUser, readable_plans_q
from vitreem.plans.models import PUBLISHED, Plan, PlanStatus
from vitreem.units.models import AdministrativeUnit, Agency


def agency_of_unit(unit: AdministrativeUnit, agency_id: int) -> Agency | None:
    """The agency of that id when it belongs to the unit, else None."""
    return Agency.objects.filter(pk=agency_id, unit=unit).first()


_CITED = re.compile(
    r"Kế hoạch số\s*(?P<number>\d+)\s*/\s*(?P<symbol>[A-ZĐ0-9\-]+)\s*,?\s*ngày\s*"
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"
)


def cited_plan(user: AnyUser, reference: str) -> Plan | None:
    """The issued plan the reference cites ("Kế hoạch số 264/KH-UBND ngày 11/5/2021 …") when
    the user may read it: the same number, symbol and date of issue. A plan of the system comes
    before the record of it the user's unit received."""
    match = _CITED.search(reference or "")
    if match is None:
        return None
    try:
        issued = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None
    return (
        Plan.objects.filter(readable_plans_q(user))
        .filter(number=int(match["number"]), symbol=match["symbol"], issued_on=issued)
        .filter(Q(status__in=PUBLISHED) | Q(status=PlanStatus.RECEIVED))
        .order_by("received_by_id", "pk")
        .first()
    )


def plan_in_system(
    user: AnyUser, *, issuer_unit: AdministrativeUnit, number: int, symbol: str, issued_on: date
) -> Plan | None:
    """The issued plan of the system that a received document is, when the user may read it."""
    return (
        Plan.objects.filter(readable_plans_q(user))
        .filter(
            issuer_unit=issuer_unit,
            number=number,
            symbol=symbol,
            issued_on=issued_on,
            status__in=PUBLISHED,
        )
        .first()
    )


def units_above(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The units whose plans the unit implements: the one directly above it first."""
    ids = [i for i in (unit.parent_id, unit.district_id, unit.province_id) if i and i != unit.pk]
    found = {u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=ids)}
    return [found[i] for i in dict.fromkeys(ids) if i in found]
