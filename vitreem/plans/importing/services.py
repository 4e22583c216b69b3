"""Saving a reviewed import as a draft plan: one transaction, the acting user passed in.

The draft is made by ``plans.services.plan_create`` (the access rule: ENTER on the unit, or on
the agency when an agency issues it; the audit record), then given what the officer reviewed:
the header, the body (kept as the editor keeps it: opening, sections of blocks, closing; the
outline computed from them), slogans, recipients, the signer, the tasks per assignee and the
reporting regime. Nothing is written before the officer saves, and nothing when a part is
refused.
"""

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vitreem.accounts.models import User
from vitreem.core.audit import audit_record
from vitreem.core.text import fold, nfc, text_problem
from vitreem.plans import services
from vitreem.plans.models import (
    ActivityGroup,
    Assignment,
    BudgetLine,
    Plan,
    PlanKind,
    ReportingRequirement,
    Task,
)
from vitreem.plans.outline import Node, plain, validate_outline
from vitreem.units.models import AdministrativeUnit, Agency

from .selectors import cited_plan


def _clean(value: Any, limit: int) -> str:
    text = nfc(str(value or ""))
    problem = text_problem(text)
    if problem:
        raise ValidationError(problem)
    return text[:limit]


def guess_kind(title: str) -> str:
    folded = fold(title)
    if "thang hanh dong" in folded:
        return PlanKind.ACTION_MONTH
    if "bao ve" in folded or "cham soc tre em" in folded:
        return PlanKind.CHILD_PROTECTION
    return PlanKind.OTHER


def _split_heading(text: str) -> tuple[str, str | None]:
    match = re.match(r"^\*\*(.+?):\*\*\s*(.*)$", text)
    if match:
        return plain(match.group(1)), plain(match.group(2)) or None
    return plain(text), None


def _items(nodes: list[Node]) -> list[Any]:
    items: list[Any] = []
    for node in nodes:
        subs = [plain(c["text"]) for c in node["children"] if c["kind"] == "item"]
        text = plain(node["text"])
        items.append({"text": text, "items": subs} if subs else text)
    return items


def blocks_of(
    children: list[Node], slogans: list[str], groups: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The editor's blocks for an outline's nodes: items as bullets, paragraphs as text, headings
    as subsections, the plan's slogans and assignees as the blocks of those facts."""
    groups = groups or {}
    blocks: list[dict[str, Any]] = []
    run: list[Node] = []
    assignments_placed = False

    def flush() -> None:
        if not run:
            return
        texts = [plain(n["text"]) for n in run]
        if run[0].get("role") == "budget":
            blocks.append({"type": "budget"})
        elif slogans and texts == slogans:
            marker = run[0]["marker"]
            blocks.append(
                {"type": "slogans", "marker": marker} if marker != "number" else {"type": "slogans"}
            )
        else:
            blocks.append({"type": "bullets", "items": _items(run)})
        run.clear()

    for node in children:
        if node["kind"] == "item":
            if run and (run[-1]["marker"], run[-1].get("role")) != (
                node["marker"],
                node.get("role"),
            ):
                flush()
            run.append(node)
            continue
        flush()
        if node["kind"] == "paragraph":
            blocks.append({"type": "text", "text": plain(node["text"])})
        elif node.get("role") == "tasks":
            if not assignments_placed:
                blocks.append({"type": "assignments"})
                assignments_placed = True
        else:
            heading, inline = _split_heading(node["text"])
            block: dict[str, Any] = {
                "type": "subsection",
                "heading": heading,
                "inline": inline,
                "blocks": blocks_of(node["children"], slogans, groups),
            }
            if node.get("role") == "activity" and groups.get(plain(node["text"])):
                block["activity_group"] = groups[plain(node["text"])]
            blocks.append(block)
    flush()
    return blocks


def body_of(
    outline: list[Node], slogans: list[str], groups: dict[str, str] | None = None
) -> tuple[list[Any], list[Any]]:
    """(opening, sections) of an outline: the paragraphs before the first heading, then each
    top-level heading as a section."""
    opening: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    for node in outline:
        if node["kind"] != "heading":
            if sections:
                sections[-1]["blocks"].extend(blocks_of([node], slogans, groups))
            else:
                opening.append({"text": plain(node["text"]), "basis": node.get("role") == "basis"})
            continue
        heading, inline = _split_heading(node["text"])
        sections.append(
            {
                "heading": heading,
                "inline": inline,
                "blocks": blocks_of(node["children"], slogans, groups),
            }
        )
    return opening, sections


def _day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _flat_assignments(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        out.append(row)
        out.extend(_flat_assignments(row.get("assignments") or []))
    return out


@transaction.atomic
def plan_import_save(
    *,
    actor: User,
    issuer_unit: AdministrativeUnit,
    reviewed: dict[str, Any],
    issuer_agency: Agency | None = None,
) -> Plan:
    """A draft plan from the reviewed recognition (the shape of the import API's answer)."""
    title = _clean(reviewed.get("title"), 300)
    if not title:
        raise ValidationError(_("Kế hoạch cần có trích yếu (tên kế hoạch)."))
    start, end = _day(reviewed.get("period_start")), _day(reviewed.get("period_end"))
    if start is None or end is None or end < start:
        raise ValidationError(_("Hãy ghi thời gian thực hiện kế hoạch (từ ngày, đến ngày)."))
    kind = reviewed.get("plan_kind") or guess_kind(title)
    if kind not in PlanKind.values:
        kind = PlanKind.OTHER
    plan = services.plan_create(
        actor=actor,
        issuer_unit=issuer_unit,
        kind=kind,
        year=start.year,
        title=title,
        issuer_agency=issuer_agency,
    )
    outline = validate_outline(reviewed.get("outline") or [])
    slogans = [_clean(s, 500) for s in reviewed.get("slogans") or [] if str(s).strip()]
    groups = {
        str(a.get("heading")): str(a.get("group"))
        for a in reviewed.get("activities") or []
        if a.get("group") in ActivityGroup.values
    }
    opening, sections = body_of(outline, slogans, groups)
    signer = reviewed.get("signer") or {}
    plan.subtitle = _clean(reviewed.get("subtitle"), 200)
    plan.symbol = _clean(reviewed.get("symbol"), 40) or plan.symbol
    plan.place = _clean(reviewed.get("place"), 80) or plan.place
    plan.parent_reference = _clean(reviewed.get("parent_reference"), 400)
    plan.parent = cited_plan(actor, plan.parent_reference)
    plan.theme = _clean(reviewed.get("theme"), 300)
    plan.period_start, plan.period_end = start, end
    plan.scope = _clean(reviewed.get("scope"), 300)
    plan.slogans = slogans
    plan.recipients = [_clean(r, 300) for r in reviewed.get("recipients") or [] if str(r).strip()]
    plan.signer_authority = _clean(signer.get("authority"), 60)
    plan.signer_deputy = _clean(signer.get("deputy"), 60)
    plan.signer_title = _clean(signer.get("title"), 80)
    plan.signer_name = _clean(signer.get("name"), 100)
    plan.opening, plan.sections, plan.closing = opening, sections, []
    launch = reviewed.get("launch") or {}
    launch_day = _day(launch.get("date"))
    plan.launch = {
        "held": bool(launch.get("held")),
        "date": launch_day.isoformat() if launch_day else None,
        "place": _clean(launch.get("place"), 200) or None,
        "agenda": [_clean(a, 500) for a in launch.get("agenda") or [] if str(a).strip()],
        "note": _clean(launch.get("note"), 1000),
    }
    plan.source = _clean(reviewed.get("source"), 300)
    plan.refresh_outline()
    plan.full_clean()
    plan.save()
    BudgetLine.objects.filter(plan=plan).delete()
    for order, row in enumerate(reviewed.get("budget") or []):
        line = BudgetLine(
            plan=plan,
            order=order,
            source=row.get("source") or "state",
            text=_clean(row.get("text"), 2000),
        )
        line.full_clean(exclude=["plan"])
        line.save()
    ReportingRequirement.objects.filter(plan=plan).delete()
    reporting: dict[str, Any] = reviewed.get("reporting") or {}
    if reporting.get("text") or reporting.get("deadline"):
        requirement = ReportingRequirement(
            plan=plan,
            order=0,
            report=_clean(reporting.get("report") or _("Báo cáo kết quả thực hiện"), 300),
            to=_clean(reporting.get("recipient"), 200),
            due=_day(reporting.get("deadline")),
            text=_clean(reporting.get("text"), 2000),
        )
        requirement.full_clean(exclude=["plan"])
        requirement.save()
    agencies = {str(a.pk): a for a in Agency.objects.filter(unit=issuer_unit)}
    Assignment.objects.filter(plan=plan).delete()
    for order, row in enumerate(_flat_assignments(reviewed.get("assignments") or [])):
        label = _clean(row.get("assignee"), 300)
        if not label:
            continue
        assignment = Assignment.objects.create(
            plan=plan,
            order=order,
            assignee_label=label,
            assignee_agency=agencies.get(str(row.get("agency") or "")),
        )
        tasks = [
            Task(assignment=assignment, order=i, text=_clean(text, 2000), role="lead")
            for i, text in enumerate(row.get("tasks") or [])
            if str(text).strip()
        ]
        for task in tasks:
            task.full_clean(exclude=["assignment"])
        Task.objects.bulk_create(tasks)
    audit_record(
        actor=actor,
        action="plan.import",
        target=plan,
        unit=issuer_unit,
        data={"assignments": len(reviewed.get("assignments") or [])},
    )
    return plan
