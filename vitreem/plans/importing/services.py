"""Saving a reviewed import: as a draft plan of the officer's unit, or as the plan of a unit above
that her unit received (kept read-only to derive her own from). One transaction, the acting user
passed in.

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

from vitreem.accounts.access import Action, require
from vitreem.accounts.models import User
from vitreem.core.audit import audit_record
from vitreem.core.text import fold, nfc, text_problem
from vitreem.plans import services
from vitreem.plans.models import (
    ActivityGroup,
    Assignment,
    BudgetLine,
    BudgetSource,
    Plan,
    PlanKind,
    PlanStatus,
    ReportingRequirement,
    Task,
    TaskMarker,
)
from vitreem.plans.outline import Node, plain, validate_outline
from vitreem.units.models import AdministrativeUnit, Agency, AgencyKind
from vitreem.units.names import committee_header
from vitreem.units.services import agency_create

from .agencies import NAME_MAX, group_of, kind_of, proposal
from .selectors import cited_plan, plan_in_system, units_above

NUMBER_MAX = 2**31 - 1  # the number column


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


def _period(reviewed: dict[str, Any]) -> tuple[str, date, date, str]:
    """(title, start, end, kind) of the reviewed plan; ValidationError when it lacks them."""
    title = _clean(reviewed.get("title"), 300)
    if not title:
        raise ValidationError(_("Kế hoạch cần có trích yếu (tên kế hoạch)."))
    start, end = _day(reviewed.get("period_start")), _day(reviewed.get("period_end"))
    if start is None or end is None or end < start:
        raise ValidationError(_("Hãy ghi thời gian thực hiện kế hoạch (từ ngày, đến ngày)."))
    kind = reviewed.get("plan_kind") or guess_kind(title)
    if kind not in PlanKind.values:
        kind = PlanKind.OTHER
    return title, start, end, kind


def _fill(plan: Plan, reviewed: dict[str, Any], start: date, end: date) -> None:
    """The reviewed header, body, slogans, recipients, signer and launch on the plan, saved."""
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


def _facts(plan: Plan, reviewed: dict[str, Any]) -> None:
    """The budget lines and the reporting regime of the reviewed plan."""
    BudgetLine.objects.filter(plan=plan).delete()
    for order, row in enumerate(reviewed.get("budget") or []):
        # Each source once, in the order the line names them; the first is the line's main one.
        sources = list(dict.fromkeys(row.get("sources") or []))
        if not all(isinstance(v, str) and v in BudgetSource.values for v in sources):
            raise ValidationError(
                _("Nguồn kinh phí không hợp lệ: %(sources)s")
                % {"sources": ", ".join(map(str, sources))[:200]}
            )
        source = sources[0] if sources else row.get("source") or "state"
        line = BudgetLine(
            plan=plan,
            order=order,
            source=source,
            sources=sources or [source],
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


class _NewAgencies:
    """The agencies the officer accepted to create, each once however many assignees name it;
    an agency of that name the unit has already is used instead."""

    def __init__(self, actor: User, unit: AdministrativeUnit) -> None:
        self.actor, self.unit = actor, unit
        self.made: dict[str, Agency] = {}

    def get(self, row: dict[str, Any], label: str) -> Agency | None:
        if not row.get("create_agency"):
            return None
        proposed = row.get("proposed_agency") or proposal(label)
        if not proposed:
            return None
        name = _clean(proposed.get("name"), NAME_MAX)
        if not name:
            return None
        key = fold(name)
        if key not in self.made:
            found = Agency.objects.filter(unit=self.unit, name_folded=key).first()
            kind = proposed.get("kind")
            self.made[key] = found or agency_create(
                actor=self.actor,
                unit=self.unit,
                name=name,
                kind=kind if kind in AgencyKind.values else kind_of(name),
            )
        return self.made[key]


def _assignments(
    plan: Plan,
    reviewed: dict[str, Any],
    *,
    agencies: dict[str, Agency] | None,
    new: _NewAgencies | None = None,
) -> int:
    """The assignees and their tasks; linked to the unit's agencies when ``agencies`` is given
    (the unit's own plan), else kept as written with their group (a received plan)."""
    Assignment.objects.filter(plan=plan).delete()
    rows = _flat_assignments(reviewed.get("assignments") or [])
    for order, row in enumerate(rows):
        label = _clean(row.get("assignee"), 300)
        if not label:
            continue
        agency = None
        if agencies is not None:
            agency = agencies.get(str(row.get("agency") or ""))
            if agency is None and new is not None:
                agency = new.get(row, label)
        assignment = Assignment.objects.create(
            plan=plan,
            order=order,
            assignee_label=label,
            assignee_agency=agency,
            assignee_group="" if agencies is not None else group_of(label),
            # A print hint: an unknown marker (the review page's data is the client's) is dropped.
            task_marker=marker if (marker := row.get("marker")) in TaskMarker.values else "",
        )
        tasks = [
            Task(assignment=assignment, order=i, text=_clean(text, 2000), role="lead")
            for i, text in enumerate(row.get("tasks") or [])
            if str(text).strip()
        ]
        for task in tasks:
            task.full_clean(exclude=["assignment"])
        Task.objects.bulk_create(tasks)
    return len(rows)


@transaction.atomic
def plan_import_save(
    *,
    actor: User,
    issuer_unit: AdministrativeUnit,
    reviewed: dict[str, Any],
    issuer_agency: Agency | None = None,
) -> Plan:
    """A draft plan from the reviewed recognition (the shape of the import API's answer).

    An assignee the officer chose to create an agency for (``create_agency``) gets one, made by
    ``units.services.agency_create`` (the unit's leaders manage its agencies)."""
    title, start, end, kind = _period(reviewed)
    plan = services.plan_create(
        actor=actor,
        issuer_unit=issuer_unit,
        kind=kind,
        year=start.year,
        title=title,
        issuer_agency=issuer_agency,
    )
    plan.parent = cited_plan(actor, _clean(reviewed.get("parent_reference"), 400))
    _fill(plan, reviewed, start, end)
    _facts(plan, reviewed)
    agencies = {str(a.pk): a for a in Agency.objects.filter(unit=issuer_unit)}
    count = _assignments(plan, reviewed, agencies=agencies, new=_NewAgencies(actor, issuer_unit))
    audit_record(
        actor=actor,
        action="plan.import",
        target=plan,
        unit=issuer_unit,
        data={"assignments": count},
    )
    return plan


@transaction.atomic
def plan_import_receive(
    *,
    actor: User,
    receiving_unit: AdministrativeUnit,
    issuer_unit: AdministrativeUnit,
    reviewed: dict[str, Any],
) -> Plan:
    """The plan of a unit above, as the receiving unit got it, kept as its record of that plan
    (status RECEIVED, read-only, seen by the receiving unit only): the number and date of the
    document, its body, assignees as written and their tasks. The unit then derives its own
    plan from it (``plans.services.plan_derive``)."""
    require(actor, Action.ENTER, receiving_unit)
    if issuer_unit not in units_above(receiving_unit):
        raise ValidationError(
            _("Chỉ lưu được kế hoạch của đơn vị cấp trên của %(unit)s.")
            % {"unit": receiving_unit.name}
        )
    title, start, end, kind = _period(reviewed)
    number = reviewed.get("number")
    if number is not None and (
        isinstance(number, bool) or not isinstance(number, int) or not 0 < number <= NUMBER_MAX
    ):
        raise ValidationError(_("Số văn bản phải là một số nguyên dương."))
    issued = _day(reviewed.get("date"))
    symbol = _clean(reviewed.get("symbol"), 40)
    in_system = (
        plan_in_system(
            actor, issuer_unit=issuer_unit, number=number, symbol=symbol, issued_on=issued
        )
        if number and issued
        else None
    )
    if in_system is not None:
        raise ValidationError(
            _(
                "Kế hoạch số %(number)s của %(unit)s đã có trên hệ thống; hãy mở kế hoạch đó "
                "và triển khai từ đó. Không có gì được lưu."
            )
            % {"number": in_system.number_text, "unit": issuer_unit.name}
        )
    header = _clean(reviewed.get("issuer"), 200) or committee_header(issuer_unit)
    plan = Plan(
        issuer_unit=issuer_unit,
        header_above=_clean(reviewed.get("issuer_above"), 200),
        header_name=header,
        kind=kind,
        status=PlanStatus.RECEIVED,
        received_by=receiving_unit,
        number=number or None,
        issued_on=issued,
        year=start.year,
        place=issuer_unit.short_name,
        title=title,
        period_start=start,
        period_end=end,
        created_by=actor,
    )
    _fill(plan, reviewed, start, end)
    _facts(plan, reviewed)
    count = _assignments(plan, reviewed, agencies=None)
    audit_record(
        actor=actor,
        action="plan.receive",
        target=plan,
        unit=receiving_unit,
        data={"issuer": issuer_unit.code, "number": plan.number_text, "assignments": count},
    )
    return plan
