"""Reads of the import."""

from vitreem.units.models import AdministrativeUnit, Agency


def agency_of_unit(unit: AdministrativeUnit, agency_id: int) -> Agency | None:
    """The agency of that id when it belongs to the unit, else None."""
    return Agency.objects.filter(pk=agency_id, unit=unit).first()
