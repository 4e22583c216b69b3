"""What a plan data file (data/SCHEMA.md) may hold: every field it may name, every code it may use.

``check_plan_data`` refuses a file naming a field the schema does not know, or giving a code
outside its list, with a message that names the file and the field's path
(``sections[2].blocks[0].activity_group``), before anything is written.
"""

from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from vitreem.core.text import text_problem

from .dates import parse_partial
from .models import (
    ActivityGroup,
    AssigneeGroup,
    BudgetSource,
    PlanKind,
    Target,
    TaskMarker,
    TaskRole,
)
from .outline import MARKERS

TOP = {
    "key",
    "source",
    "kind",
    "issuer",
    "number",
    "symbol",
    "place",
    "issued_on",
    "year",
    "title",
    "subtitle",
    "parent_plan",
    "theme",
    "period",
    "scope",
    "opening",
    "sections",
    "closing",
    "recipients",
    "signer",
    "appendices",
    "slogans",
    "targets",
    "launch",
    "budget",
    "awards",
    "assignments",
    "reporting",
}
REQUIRED = ("key", "kind", "issuer", "symbol", "place", "year", "title", "period", "sections")
ISSUER = {"unit_code", "as_of", "agency", "header_above", "header_name"}
PARENT = {"key", "reference"}
PERIOD = {"start", "end"}
OPENING = {"text", "basis"}
SIGNER = {"authority", "deputy", "title", "name"}
SECTION = {"heading", "inline", "blocks"}
APPENDIX = {"title", "reference", "blocks"}
BULLET = {"text", "items"}
TARGET = {"text", "indicator", "value", "unit", "denominator", "baseline", "report_row"}
LAUNCH = {"held", "date", "place", "agenda", "note", "participants", "lead", "cooperating"}
BUDGET = {"source", "sources", "text", "amount"}
AWARD = {"text", "threshold"}
RECIPIENT_GROUP = {"heading", "items"}
ASSIGNMENT = {
    "assignee",
    "label",
    "assignee_unit_code",
    "assignee_group",
    "marker",
    "tasks",
    "children",
}
TASK = {"text", "role", "lead", "start", "due", "reporting"}
TASK_REPORTING = {"report", "by", "to", "through", "due"}
REPORTING = {"report", "by", "to", "through", "due", "text"}
MAX_ASSIGNEE_DEPTH = 3  # an assignee, its divisions, theirs
CELL = {"text", "colspan", "rowspan"}
MAX_SPAN = 50
FACT_BLOCKS = (
    "theme",
    "targets",
    "slogans",
    "launch",
    "budget",
    "awards",
    "assignments",
    "reporting",
)
BLOCKS: dict[str, set[str]] = {
    "text": {"text"},
    "bullets": {"items"},
    "subsection": {"heading", "inline", "activity_group", "blocks"},
    "table": {"caption", "unit_line", "header_rows", "rows"},
    **{kind: {"marker"} for kind in FACT_BLOCKS},
}


# A target's report_row names a row of table 2 of the child-protection report.
REPORT_FORM, REPORT_TABLE = "special-circumstances.yaml", "2"


@cache
def report_rows() -> tuple[str, ...]:
    """The row codes of the report table that measures plans' targets."""
    from vitreem.reporting.loaders import FORMS_DIR, read_form_file

    form = read_form_file(FORMS_DIR / REPORT_FORM)
    table = next(t for t in form["tables"] if str(t["code"]) == REPORT_TABLE)
    return tuple(str(row["code"]) for row in table["rows"])


# Targets "every commune has …" the system measures elsewhere than in table 2: "every commune
# has issued a plan" from the plans themselves (a plan of the target's plan's kind and year,
# issued by the commune itself); "every commune has built or upgraded a work for children" from
# table 1 of the Action Month result report (new works + works upgraded, the commune's tree).
PLAN_ISSUED_ROW = "communes_with_plan"
CHILD_WORK_ROW = "communes_with_child_work"
MEASURED_ROWS: dict[str, Any] = {
    PLAN_ISSUED_ROW: _(
        "Xã, phường đã ban hành kế hoạch cùng loại, cùng năm "
        "(theo các kế hoạch đã ban hành trong hệ thống)"
    ),
    CHILD_WORK_ROW: _(
        "Xã, phường có công trình dành cho trẻ em xây mới hoặc nâng cấp "
        "(theo báo cáo kết quả Tháng hành động)"
    ),
}


def target_rows() -> tuple[str, ...]:
    """What a target may be measured by: a row of the report table, or a measure of plans."""
    return (*report_rows(), *MEASURED_ROWS)


class _Checker:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, path: str, reason: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{self.name}: {path}: {reason}")

    def fields(self, value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        """The mapping, refused when it is not one or names a field outside ``allowed``."""
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping of fields")
        for key in value:
            if key not in allowed:
                field = f"{path}.{key}" if path else str(key)
                known = ", ".join(sorted(allowed))
                raise self.fail(field, f"unknown field (the schema allows {known})")
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, "must be a list")
        return value

    def code(self, value: Any, path: str, codes: Any, *, optional: bool = True) -> None:
        allowed = [str(c) for c in codes]
        if value is None and optional:
            return
        if value not in allowed:
            shown = repr(value)[:60]
            raise self.fail(path, f"unknown code {shown} (one of {', '.join(allowed)})")

    def characters(self, value: Any, path: str) -> None:
        """Every text of the file, at any depth, without a control character or a lone
        surrogate (the shared rule of vitreem/core/text.py)."""
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise self.fail(path or "text", problem)
        elif isinstance(value, dict):
            for key, item in value.items():
                self.characters(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.characters(item, f"{path}[{i}]")

    def date(self, value: Any, path: str, *, optional: bool = True) -> None:
        """A date as officials write it: 2026-05-15, "2026-05" (a month) or 2026 (a year)."""
        if value is None and optional:
            return
        try:
            parse_partial(value)
        except ValueError:
            shown = repr(value)[:60]
            raise self.fail(
                path, f"not a date {shown} (a day 2026-05-15, a month 2026-05 or a year 2026)"
            ) from None
        if value is None:
            raise self.fail(path, "required")

    def texts(self, value: Any, path: str) -> list[str]:
        """A list of texts."""
        items = self.items(value, path)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise self.fail(f"{path}[{i}]", "must be a text")
        return items

    def assignments(self, value: Any, path: str, depth: int = 1) -> None:
        """Assignees with their tasks and, nested, their own divisions."""
        if depth > MAX_ASSIGNEE_DEPTH:
            raise self.fail(path, f"assignees nest at most {MAX_ASSIGNEE_DEPTH} levels")
        for i, assignment in enumerate(self.mappings(value, path, ASSIGNMENT)):
            here = f"{path}[{i}]"
            if not isinstance(assignment.get("assignee"), str) or not assignment["assignee"]:
                raise self.fail(f"{here}.assignee", "required")
            self.code(assignment.get("assignee_group"), f"{here}.assignee_group", AssigneeGroup)
            self.code(assignment.get("marker"), f"{here}.marker", TaskMarker)
            for j, task in enumerate(self.mappings(assignment.get("tasks"), f"{here}.tasks", TASK)):
                where = f"{here}.tasks[{j}]"
                if not isinstance(task.get("text"), str) or not task["text"]:
                    raise self.fail(f"{where}.text", "required")
                self.code(task.get("role"), f"{where}.role", TaskRole)
                self.date(task.get("start"), f"{where}.start")
                self.date(task.get("due"), f"{where}.due")
                if task.get("reporting") is not None:
                    rule = self.fields(task["reporting"], f"{where}.reporting", TASK_REPORTING)
                    self.date(rule.get("due"), f"{where}.reporting.due")
            self.assignments(assignment.get("children"), f"{here}.children", depth + 1)

    def mappings(self, value: Any, path: str, allowed: set[str]) -> list[dict[str, Any]]:
        return [
            self.fields(item, f"{path}[{i}]", allowed)
            for i, item in enumerate(self.items(value, path))
        ]

    def blocks(self, value: Any, path: str) -> None:
        for i, block in enumerate(self.items(value, path)):
            here = f"{path}[{i}]"
            if not isinstance(block, dict):
                raise self.fail(here, "must be a mapping of fields")
            kind = block.get("type")
            self.code(kind, f"{here}.type", BLOCKS, optional=False)
            self.fields(block, here, BLOCKS[str(kind)] | {"type"})
            if kind == "subsection":
                self.code(block.get("activity_group"), f"{here}.activity_group", ActivityGroup)
                self.blocks(block.get("blocks"), f"{here}.blocks")
            elif kind == "bullets":
                self.bullets(block.get("items"), f"{here}.items")
            elif kind == "table":
                header_rows = self.items(block.get("header_rows"), f"{here}.header_rows")
                for r, row in enumerate(header_rows):
                    for c, cell in enumerate(self.items(row, f"{here}.header_rows[{r}]")):
                        if isinstance(cell, dict):
                            where = f"{here}.header_rows[{r}][{c}]"
                            self.fields(cell, where, CELL)
                            for span in ("colspan", "rowspan"):
                                value = cell.get(span, 1)
                                if type(value) is not int or not 1 <= value <= MAX_SPAN:
                                    raise self.fail(
                                        f"{where}.{span}", f"must be a whole number 1–{MAX_SPAN}"
                                    )
            elif kind in FACT_BLOCKS:
                self.code(block.get("marker"), f"{here}.marker", MARKERS)

    def bullets(self, value: Any, path: str) -> None:
        for i, item in enumerate(self.items(value, path)):
            if isinstance(item, dict):
                self.fields(item, f"{path}[{i}]", BULLET)
                self.bullets(item.get("items"), f"{path}[{i}].items")


def check_plan_data(data: Any, name: str) -> None:
    """Refuse (ImproperlyConfigured) a plan data file with a field or a code the schema does not
    know, a date that is not one, or a text with a character no document can hold; the message
    names the file and the field."""
    check = _Checker(name)
    check.fields(data, "", TOP)
    for key in REQUIRED:
        if data.get(key) is None:
            raise check.fail(key, "required")
    check.code(data["kind"], "kind", PlanKind, optional=False)
    check.fields(data["issuer"], "issuer", ISSUER)
    check.fields(data["period"], "period", PERIOD)
    check.date(data.get("issued_on"), "issued_on")
    check.date(data["period"].get("start"), "period.start", optional=False)
    check.date(data["period"].get("end"), "period.end", optional=False)
    for i, item in enumerate(check.items(data.get("recipients"), "recipients")):
        if isinstance(item, dict):
            check.fields(item, f"recipients[{i}]", RECIPIENT_GROUP)
            check.texts(item.get("items"), f"recipients[{i}].items")
        elif not isinstance(item, str):
            raise check.fail(f"recipients[{i}]", "must be a text or {heading, items}")
    if data.get("parent_plan") is not None:
        check.fields(data["parent_plan"], "parent_plan", PARENT)
    if data.get("signer") is not None:
        check.fields(data["signer"], "signer", SIGNER)
    if data.get("launch") is not None:
        launch = check.fields(data["launch"], "launch", LAUNCH)
        check.date(launch.get("date"), "launch.date")
        for field in ("agenda", "participants", "cooperating"):
            check.texts(launch.get(field), f"launch.{field}")
    check.mappings(data.get("opening"), "opening", OPENING)
    for i, section in enumerate(check.mappings(data.get("sections"), "sections", SECTION)):
        check.blocks(section.get("blocks"), f"sections[{i}].blocks")
    for i, appendix in enumerate(check.mappings(data.get("appendices"), "appendices", APPENDIX)):
        check.blocks(appendix.get("blocks"), f"appendices[{i}].blocks")
    for i, target in enumerate(check.mappings(data.get("targets"), "targets", TARGET)):
        check.code(target.get("unit"), f"targets[{i}].unit", Target.Unit, optional=False)
        check.code(target.get("report_row"), f"targets[{i}].report_row", target_rows())
    for i, line in enumerate(check.mappings(data.get("budget"), "budget", BUDGET)):
        sources = check.items(line.get("sources"), f"budget[{i}].sources")
        check.code(line.get("source"), f"budget[{i}].source", BudgetSource, optional=bool(sources))
        for j, source in enumerate(sources):
            check.code(source, f"budget[{i}].sources[{j}]", BudgetSource, optional=False)
    check.mappings(data.get("awards"), "awards", AWARD)
    for i, rule in enumerate(check.mappings(data.get("reporting"), "reporting", REPORTING)):
        check.date(rule.get("due"), f"reporting[{i}].due")
    check.assignments(data.get("assignments"), "assignments")
    # Last, so that a field or a code the schema does not know is refused as that first.
    check.characters(data, "")
