"""Reads of the import."""

import re
from datetime import date

from vitreem.accounts.access import AnyUser, readable_plans_q
from vitreem.plans.models import PUBLISHED, Plan
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
    the user may read it: the same number, symbol and date of issue."""
    match = _CITED.search(reference or "")
    if match is None:
        return None
    try:
        issued = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None
    return (
        Plan.objects.filter(readable_plans_q(user))
        .filter(
            number=int(match["number"]),
            symbol=match["symbol"],
            issued_on=issued,
            status__in=PUBLISHED,
        )
        .first()
    )
