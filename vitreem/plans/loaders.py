"""Load plan data files (data/*.yaml, shape in data/SCHEMA.md) into plans; idempotent by key."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from vitreem.core.text import fold, nfc_lines
from vitreem.units.models import AdministrativeUnit, Agency
from vitreem.units.selectors import unit_by_code

from .datafile import check_plan_data
from .dates import parse_partial
from .models import (
    Assignment,
    AwardRule,
    BudgetLine,
    Plan,
    PlanStatus,
    ReportingRequirement,
    Target,
    Task,
)
from .outline import OutlineError, outline_from_body, validate_outline

DATA_DIR = Path(__file__).with_name("data") / "plans"


def read_plan_file(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _unit(code: Any, as_of: Any, name: str, field: str) -> AdministrativeUnit:
    unit = unit_by_code(str(code), as_of) if code and as_of else None
    if unit is None:
        raise ImproperlyConfigured(f"{name}: {field}: no unit has code {code!r} on {as_of}")
    return unit


def _same_plan(plan: Plan, unit: AdministrativeUnit, data: dict[str, Any]) -> bool:
    """Whether the stored plan is the plan the data describes: same issuer, year and kind."""
    return (plan.issuer_unit_id, plan.year, plan.kind) == (unit.pk, data["year"], data["kind"])


def _check_place(data: dict[str, Any], unit: AdministrativeUnit, name: str) -> None:
    """Refuse a file whose key is another plan's, or whose number another plan carries."""
    existing = Plan.objects.filter(key=data["key"]).select_related("issuer_unit").first()
    if existing is not None and not _same_plan(existing, unit, data):
        raise ImproperlyConfigured(
            f"{name}: key: {data['key']!r} is the key of another plan "
            f"({existing.number_text} of {existing.issuer_unit.code}, {existing.year}, "
            f"{existing.kind}); the file describes a plan of {unit.code}, {data['year']}, "
            f"{data['kind']}: give it a key of its own"
        )
    if data.get("number"):
        clash = (
            Plan.objects.filter(
                issuer_unit=unit, year=data["year"], symbol=data["symbol"], number=data["number"]
            )
            .exclude(key=data["key"])
            .exclude(status=PlanStatus.RECEIVED)  # a unit's record of it, not a clash
            .first()
        )
        if clash is not None:
            raise ImproperlyConfigured(
                f"{name}: number: {clash.number_text} of {unit.code} in {data['year']} is "
                f"already another plan's (id {clash.pk})"
            )


def _stored(value: Any, *, end: bool = False) -> tuple[Any, str]:
    """A data file's date (a day, a month, a year) as a DateField and its precision."""
    partial = parse_partial(value)
    return partial.stored(end=end) if partial else (None, "day")


def _agency(unit: AdministrativeUnit, label: str) -> Agency | None:
    """The unit's agency whose name the printed assignee starts with, if any."""
    folded = fold(label)
    for agency in Agency.objects.filter(unit=unit):
        if folded.startswith(agency.name_folded) or agency.name_folded.startswith(folded):
            return agency
    return None


def load_plan(data: dict[str, Any], name: str | None = None) -> Plan:
    """Load one plan's data; ImproperlyConfigured, naming the file (``name``) and the field, for
    a field or a code the schema does not know, an absent unit, or a key of another plan."""
    if name is None:
        name = f"{data.get('key')}.yaml" if isinstance(data, dict) else "plan data"
    check_plan_data(data, name)
    try:
        return _load_plan(data, name)
    except OutlineError as error:
        raise ImproperlyConfigured(f"{name}: {' '.join(error.messages)}") from error
    except ValidationError as error:  # a value a field of the plan refuses (a number too large…)
        raise ImproperlyConfigured(f"{name}: {'; '.join(error.messages)}") from error


@transaction.atomic
def _load_plan(data: dict[str, Any], name: str) -> Plan:
    issuer = data["issuer"]
    unit = _unit(issuer.get("unit_code"), issuer.get("as_of"), name, "issuer.unit_code")
    _check_place(data, unit, name)
    parent = None
    if data.get("parent_plan") and data["parent_plan"].get("key"):
        parent = Plan.objects.filter(key=data["parent_plan"]["key"]).first()
    signer = data.get("signer") or {}
    issued_on, issued_precision = _stored(data.get("issued_on"))
    start, start_precision = _stored(data["period"]["start"])
    end, end_precision = _stored(data["period"]["end"], end=True)
    fields = {
        "issuer_unit": unit,
        "issuer_agency": _agency(unit, issuer["agency"]) if issuer.get("agency") else None,
        "header_above": nfc_lines(issuer.get("header_above") or ""),
        "header_name": nfc_lines(issuer["header_name"]),
        "kind": data["kind"],
        "status": PlanStatus.ISSUED,
        "number": data.get("number"),
        "symbol": data["symbol"],
        "year": data["year"],
        "place": data["place"],
        "issued_on": issued_on,
        "issued_on_precision": issued_precision,
        "title": nfc_lines(data["title"]),
        "subtitle": data.get("subtitle") or "",
        "parent": parent,
        "parent_reference": (data.get("parent_plan") or {}).get("reference") or "",
        "theme": data.get("theme") or "",
        "period_start": start,
        "period_end": end,
        "period_start_precision": start_precision,
        "period_end_precision": end_precision,
        "scope": data.get("scope") or "",
        "opening": _jsonable(data.get("opening") or []),
        "sections": _jsonable(data.get("sections") or []),
        "closing": _jsonable(data.get("closing") or []),
        "appendices": _jsonable(data.get("appendices") or []),
        "slogans": data.get("slogans") or [],
        "launch": _jsonable(_launch(data.get("launch") or {})),
        "recipients": _jsonable(data.get("recipients") or []),
        "signer_authority": signer.get("authority") or "",
        "signer_deputy": signer.get("deputy") or "",
        "signer_title": signer.get("title") or "",
        "signer_name": signer.get("name") or "",
        "source": data.get("source") or "",
    }
    fields["outline"] = validate_outline(
        outline_from_body(fields["opening"], fields["sections"], fields["closing"])
    )
    plan, _ = Plan.objects.update_or_create(key=data["key"], defaults=fields)
    plan.full_clean(validate_unique=False)
    for model in (Target, BudgetLine, AwardRule, ReportingRequirement, Assignment):
        model.objects.filter(plan=plan).delete()
    Target.objects.bulk_create(
        Target(
            plan=plan,
            order=i,
            text=t["text"],
            indicator=t.get("indicator") or t["text"],
            value=Decimal(str(t["value"])),
            unit=t["unit"],
            denominator=t.get("denominator"),
            baseline=None if t.get("baseline") is None else Decimal(str(t["baseline"])),
            data_element_code=t.get("report_row") or "",
        )
        for i, t in enumerate(data.get("targets") or [])
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            plan=plan,
            order=i,
            source=(b.get("sources") or [b.get("source")])[0],
            sources=b.get("sources") or [b["source"]],
            text=b["text"],
            amount=b.get("amount"),
        )
        for i, b in enumerate(data.get("budget") or [])
    )
    AwardRule.objects.bulk_create(
        AwardRule(plan=plan, order=i, text=a["text"], threshold=a.get("threshold"))
        for i, a in enumerate(data.get("awards") or [])
    )
    rules = [_rule(plan, i, r, r["text"]) for i, r in enumerate(data.get("reporting") or [])]
    ReportingRequirement.objects.bulk_create(rules)
    assignments = data.get("assignments") or []
    _assignments(plan, unit, issuer["as_of"], assignments, None, "assignments", name, len(rules))
    return plan


def _launch(launch: dict[str, Any]) -> dict[str, Any]:
    """The launch as stored: its date as written (2026-05-30, 2026-05 or 2026)."""
    partial = parse_partial(launch.get("date"))
    return {**launch, "date": partial.iso() if partial else None}


def _rule(plan: Plan, order: int, rule: dict[str, Any], text: str) -> ReportingRequirement:
    due, precision = _stored(rule.get("due"), end=True)
    return ReportingRequirement(
        plan=plan,
        order=order,
        report=rule.get("report") or "",
        by=rule.get("by") or "",
        to=rule.get("to") or "",
        through=rule.get("through") or "",
        due=due,
        due_precision=precision,
        text=text,
    )


def _assignments(
    plan: Plan,
    unit: AdministrativeUnit,
    as_of: Any,
    items: list[dict[str, Any]],
    parent: Assignment | None,
    path: str,
    name: str,
    rules: int,
) -> int:
    """Create the assignees (and their divisions, nested) with their tasks and the reporting
    rules written inside tasks; the number of reporting rules so far."""
    for i, a in enumerate(items):
        code = a.get("assignee_unit_code")
        field = f"{path}[{i}].assignee_unit_code"
        assignee_unit = _unit(code, as_of, name, field) if code else None
        assignment = Assignment.objects.create(
            plan=plan,
            order=i,
            parent=parent,
            assignee_label=a["assignee"],
            label=a.get("label") or "",
            assignee_unit=assignee_unit,
            assignee_agency=None if assignee_unit else _agency(unit, a["assignee"]),
            assignee_group=a.get("assignee_group") or "",
            task_marker=a.get("marker") or "",
        )
        for j, t in enumerate(a.get("tasks") or []):
            start, start_precision = _stored(t.get("start"))
            due, due_precision = _stored(t.get("due"), end=True)
            task = Task(
                assignment=assignment,
                order=j,
                text=t["text"],
                role=t.get("role") or "lead",
                lead_label=t.get("lead") or "",
                start_on=start,
                start_precision=start_precision,
                due_on=due,
                due_precision=due_precision,
            )
            task.full_clean(exclude=["assignment"])
            task.save()
            if t.get("reporting") is not None:
                rule = _rule(plan, rules, t["reporting"], t["text"])
                rule.task = task
                rule.save()
                rules += 1
        here = f"{path}[{i}].children"
        divisions = a.get("children") or []
        rules = _assignments(plan, unit, as_of, divisions, assignment, here, name, rules)
    return rules


def _jsonable(value: Any) -> Any:
    """Dates in data files become ISO strings inside JSON fields."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def load_plan_files(keys: list[str] | None = None, directory: Path = DATA_DIR) -> list[Plan]:
    paths = sorted(directory.glob("*.yaml"))
    datas = [read_plan_file(p) for p in paths]
    names = {}
    for data, path in zip(datas, paths, strict=True):
        check_plan_data(data, path.name)
        if data["key"] != path.stem:
            raise ImproperlyConfigured(
                f"{path.name}: key: {data['key']!r} is not the file's name ({path.stem!r})"
            )
        names[data["key"]] = path.name
    if keys is not None:
        datas = [d for d in datas if d["key"] in keys]
    # Parents first, so that a child finds the plan it implements.
    datas.sort(key=lambda d: bool((d.get("parent_plan") or {}).get("key")))
    return [load_plan(data, names[data["key"]]) for data in datas]
