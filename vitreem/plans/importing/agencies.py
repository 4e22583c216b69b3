"""Assignees of an imported plan as agencies: a group of units ("Ủy ban nhân dân các xã,
phường") is not an agency; an assignee the unit has no agency for is proposed as a new one, named
as the plan writes it and of the kind its name says."""

import re
from typing import Any

from vitreem.core.text import fold, nfc
from vitreem.plans.models import AssigneeGroup
from vitreem.units.models import AgencyKind

# Folded words that make an assignee a group of units or people, not one agency.
_GROUPS: tuple[tuple[str, str], ...] = (
    ("cac xa", AssigneeGroup.COMMUNES),
    ("cac phuong", AssigneeGroup.COMMUNES),
    ("cac thi tran", AssigneeGroup.COMMUNES),
    ("cac huyen", AssigneeGroup.DISTRICTS),
    ("cac quan", AssigneeGroup.DISTRICTS),
    ("cac thi xa", AssigneeGroup.DISTRICTS),
    ("cac thon", AssigneeGroup.HAMLETS),
    ("cac to dan pho", AssigneeGroup.HAMLETS),
    ("cac ban, nganh", AssigneeGroup.AGENCIES),
    ("cac co quan", AssigneeGroup.AGENCIES),
    ("cac so, ban, nganh", AssigneeGroup.AGENCIES),
)

# The first folded words found (as whole words) in a name give the agency's kind.
_KINDS: tuple[tuple[str, str], ...] = (
    ("cong an", AgencyKind.POLICE),
    ("truong", AgencyKind.SCHOOL),
    ("giao duc", AgencyKind.EDUCATION),
    ("y te", AgencyKind.HEALTH),
    ("tu phap", AgencyKind.JUSTICE),
    ("tai chinh", AgencyKind.FINANCE),
    ("phat thanh", AgencyKind.MEDIA),
    ("truyen hinh", AgencyKind.MEDIA),
    ("van hoa - xa hoi", AgencyKind.SOCIAL_AFFAIRS),
    ("lao dong", AgencyKind.SOCIAL_AFFAIRS),
    ("van hoa", AgencyKind.CULTURE),
    ("mat tran", AgencyKind.FRONT),
    ("mttq", AgencyKind.FRONT),
    ("doan", AgencyKind.UNION),
    ("hoi", AgencyKind.UNION),
    ("phong", AgencyKind.PEOPLES_COMMITTEE_OFFICE),
)

_REQUEST = re.compile(r"^\s*(đề nghị|kính đề nghị)\s+", re.IGNORECASE)
NAME_MAX = 200


def group_of(label: str) -> str:
    """The group of units the assignee names, or "" when it is one unit or agency."""
    folded = fold(label)
    if folded.startswith("uy ban nhan dan") or folded.startswith("ubnd") or "cac " in folded:
        for words, group in _GROUPS:
            if words in folded:
                return group
    return ""


def kind_of(name: str) -> str:
    folded = f" {fold(name)} "
    for words, kind in _KINDS:
        if f" {words} " in folded:
            return kind
    return AgencyKind.OTHER


def proposal(label: str) -> dict[str, Any] | None:
    """The agency to create for an assignee no agency of the unit matches (its name as written,
    "Đề nghị" left out, and its kind), or None for a group of units."""
    name = _REQUEST.sub("", nfc(label or "")).strip(" .;:,")
    if not name or group_of(name) or len(name) > NAME_MAX:
        return None
    return {"name": name, "kind": kind_of(name)}
