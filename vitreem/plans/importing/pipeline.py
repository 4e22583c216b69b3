"""From an uploaded file to the recognised plan the review shows: read, repair, recognise, and
match the assignees to the agencies of the unit that imports it."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from vitreem.core.text import fold
from vitreem.units.models import AdministrativeUnit
from vitreem.units.names import committee_header
from vitreem.units.selectors import agencies_of

from .agencies import proposal
from .reading import ImportRefusedError, read_lines
from .recognise import recognise
from .repair import repair_lines
from .selectors import units_above

# Fields of the review, in the order the page shows them (the unsure first, then this order).
FIELDS = (
    "issuer",
    "number",
    "symbol",
    "place",
    "date",
    "title",
    "bases",
    "parent_reference",
    "theme",
    "period",
    "scope",
    "slogans",
    "assignments",
    "reporting",
    "recipients",
    "signer",
    "outline",
)


def unit_agencies(unit: AdministrativeUnit, on: date | None = None) -> list[tuple[str, str]]:
    return [(str(a.pk), a.name) for a in agencies_of(unit, on)]


def propose_agencies(assignments: list[dict[str, Any]]) -> None:
    """An assignee no agency of the unit matches gets the agency it could be created as."""
    for assignment in assignments:
        if not assignment.get("agency"):
            assignment["proposed_agency"] = proposal(str(assignment.get("assignee") or ""))
        propose_agencies(assignment.get("assignments") or [])


def issuer_above(header: str, unit: AdministrativeUnit) -> str:
    """The code of the unit above the importing one whose committee the header names ("ỦY BAN
    NHÂN DÂN TỈNH THÁI NGUYÊN"), or "" (the unit's own plan, or an agency's)."""
    folded = fold(header)
    for above in units_above(unit):
        if folded == fold(committee_header(above)):
            return above.code
    return ""


def recognise_upload(name: str, data: bytes, unit: AdministrativeUnit) -> dict[str, Any]:
    """The recognised plan (the API's shape) with ``sure`` per field; ImportRefusedError for a
    file that is not a readable plan."""
    lines = repair_lines(read_lines(name, data))
    result = recognise(lines, unit_agencies(unit), repaired=True)
    plan = result.data
    if not plan["title"] and not plan["outline"]:
        raise ImportRefusedError(
            _("Tệp không phải là một kế hoạch: không thấy tên và nội dung kế hoạch.")
        )
    headings = sum(1 for node in plan["outline"] if node["kind"] == "heading")
    if headings < 2 and not plan["assignments"]:
        raise ImportRefusedError(
            _(
                "Tệp không phải là một kế hoạch: không thấy các phần I., II., … của kế hoạch "
                "(mục đích, nội dung, tổ chức thực hiện)."
            )
        )
    plan["sure"] = result.sure
    propose_agencies(plan.get("assignments") or [])
    plan["issuer_unit_above"] = issuer_above(plan.get("issuer") or "", unit)
    plan["source_text"] = "\n".join(line.rstrip() for line in lines if line.strip())[:200_000]
    return plan
