from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from vitreem.accounts.access import Action, require
from vitreem.accounts.models import User
from vitreem.core.audit import audit_record

from .loaders import NAME_PREFIX, REFORM_DATE
from .models import AdministrativeUnit, Agency, AgencyKind, Kind

STANDARD_AGENCIES_FILE = Path(__file__).with_name("data") / "agencies.yaml"
_LEVEL_KEY = {1: "province", 2: "district", 3: "commune"}


@cache
def _catalogue() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(STANDARD_AGENCIES_FILE.read_text(encoding="utf-8"))
    return data


def standard_agencies(unit: AdministrativeUnit) -> list[dict[str, Any]]:
    """The standard agency list for the unit's era and level, names filled for the unit."""
    catalogue = _catalogue()
    era = "current" if unit.valid_from >= REFORM_DATE else "pre_reform"
    kind_word = NAME_PREFIX[Kind(unit.kind)].lower()  # official names are Vietnamese in any UI
    items = catalogue[era].get(_LEVEL_KEY[unit.level], [])
    return [{**item, "name": item["name"].format(kind=kind_word)} for item in items]


def agency_create(
    *,
    actor: User,
    unit: AdministrativeUnit,
    name: str,
    kind: str,
    abbreviation: str = "",
    is_lead_for_children: bool = False,
) -> Agency:
    require(actor, Action.MANAGE, unit)
    with transaction.atomic():
        agency = Agency(
            unit=unit,
            name=name,
            abbreviation=abbreviation,
            kind=kind,
            is_lead_for_children=is_lead_for_children,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
        )
        agency.full_clean()
        agency.save()
        audit_record(
            actor=actor,
            action="agency.create",
            target=agency,
            unit=unit,
            data={"name": agency.name},
        )
    return agency


def agencies_create_standard(*, actor: User | None, unit: AdministrativeUnit) -> list[Agency]:
    """Create the standard agencies a unit lacks; the ones it has stay as they are.

    ``actor`` None is the system (loaders, demo data); a person needs MANAGE on the unit.
    """
    if actor is not None:
        require(actor, Action.MANAGE, unit)
    with transaction.atomic():
        existing = set(Agency.objects.filter(unit=unit).values_list("name", flat=True))
        created = []
        for item in standard_agencies(unit):
            if item["name"] in existing:
                continue
            agency = Agency(
                unit=unit,
                name=item["name"],
                abbreviation=item.get("abbreviation", ""),
                kind=AgencyKind(item["kind"]),
                is_lead_for_children=bool(item.get("lead")),
                valid_from=unit.valid_from,
                valid_to=unit.valid_to,
            )
            agency.full_clean(validate_unique=False)
            created.append(agency)
        Agency.objects.bulk_create(created)
        if created:
            audit_record(
                actor=actor,
                action="agency.create_standard",
                target=unit,
                unit=unit,
                data={"count": len(created)},
            )
    return created
