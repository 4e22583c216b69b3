"""Checks on a reporting unit's values, with cell-precise Vietnamese messages."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .definitions import Column, FormDefinition, Table

CellKey = tuple[str, str, str]  # (element code, row, category)
Cells = dict[CellKey, int | None]

MONEY_FACTOR = 1000  # money is entered and shown in thousands of đồng ("ĐVT: 1.000đ")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


@dataclass(frozen=True)
class CellError:
    table: str
    row: str
    column: str
    category: str
    message: str

    def describe(self, definition: FormDefinition) -> str:
        table, column = definition.column(self.column)
        where = f"Bảng {table.code}"
        if self.row:
            label = next((r.label for r in table.rows if r.code == self.row), self.row)
            where += f", dòng “{label}”"
        where += f", cột “{_column_title(column)}”"
        if self.category:
            where += f" ({dict(column.categories)[self.category]})"
        return f"{where}: {self.message}"


def _column_title(column: Column) -> str:
    return f"{column.group} – {column.label}" if column.group else column.label


def parse_number(text: str, column: Column, bound: int) -> int | None:
    """A typed cell → its stored value (money in whole đồng); raises ValueError with the reason."""
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if raw == "":
        return None
    if _GROUPED.match(raw):
        raw = raw.replace(".", "")
    if raw.startswith("-") and raw[1:].isdigit():
        raise ValueError("không được là số âm")
    if not raw.isdigit():
        raise ValueError(f"“{text.strip()}” không phải số nguyên (ví dụ: 1.234)")
    value = int(raw) * (MONEY_FACTOR if column.type == "money" else 1)
    if value > bound:
        shown = bound // MONEY_FACTOR if column.type == "money" else bound
        raise ValueError(f"vượt mức hợp lý (tối đa {shown:,})".replace(",", "."))
    return value


def display_number(value: int | None, column: Column) -> str:
    if value is None:
        return ""
    shown = value // MONEY_FACTOR if column.type == "money" else value
    return f"{shown:,}".replace(",", ".")


def parse_cells(
    definition: FormDefinition, typed: dict[CellKey, str]
) -> tuple[Cells, list[CellError]]:
    """Typed text per cell → values; every unreadable cell is reported, none is guessed."""
    cells: Cells = {}
    errors: list[CellError] = []
    known = {(c.code, row, cat): (t, c) for t, row, c, cat in definition.cells()}
    for key, text in typed.items():
        if key not in known:
            continue
        table, column = known[key]
        try:
            cells[key] = parse_number(text, column, definition.bound(column.type))
        except ValueError as error:
            errors.append(CellError(table.code, key[1], column.code, key[2], str(error)))
    return cells, errors


def _total(cells: Cells, code: str, row: str, column: Column) -> int | None:
    values = [cells.get((code, row, cat)) for cat, _label in column.categories]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


NARRATIVE_MAX = 20_000  # characters per narrative item: a section of a report, a few pages


def _cell_name(key: CellKey) -> str:
    return "/".join(part for part in key if part)


def check_values(definition: FormDefinition, cells: Mapping[CellKey, object]) -> list[str]:
    """Cells as a client sends them, before anything is saved: only the form's cells, each an
    integer (not a boolean, a text or a decimal) or None, within the form's bounds."""
    known = {(c.code, row, cat): (t, c) for t, row, c, cat in definition.cells()}
    problems: list[str] = []
    for key, value in cells.items():
        if key not in known:
            name = _cell_name(key)
            shown = name if len(name) <= 80 else f"{name[:80]}…"
            problems.append(_("Không có ô %(cell)s trong biểu.") % {"cell": shown})
            continue
        table, column = known[key]
        message = ""
        if value is None:
            continue
        if type(value) is not int:  # bool is an int to Python, never to a report
            message = _("cần một số nguyên")
        elif value < 0:
            message = _("không được là số âm")
        elif value > (bound := definition.bound(column.type)):
            message = _("vượt mức hợp lý (tối đa %(max)s)") % {
                "max": f"{bound:,}".replace(",", ".")
            }
        if message:
            error = CellError(table.code, key[1], column.code, key[2], message)
            problems.append(error.describe(definition))
    return problems


def check_narrative(definition: FormDefinition, narrative: Mapping[str, object]) -> list[str]:
    """Narrative sections as a client sends them: only the form's, each a bounded text."""
    known = {item.code for top in definition.narrative for item in top.flat()}
    problems: list[str] = []
    for code, text in narrative.items():
        if code not in known:
            shown = code if len(code) <= 40 else f"{code[:40]}…"  # a message never echoes a flood
            problems.append(
                _("Biểu không có mục “%(code)s” trong phần nội dung.") % {"code": shown}
            )
        elif not isinstance(text, str):
            problems.append(_("Mục %(code)s: cần một đoạn văn bản.") % {"code": code})
        elif len(text) > NARRATIVE_MAX:
            problems.append(
                _("Mục %(code)s dài %(length)s ký tự, tối đa %(max)s ký tự.")
                % {
                    "code": code,
                    "length": f"{len(text):,}".replace(",", "."),
                    "max": f"{NARRATIVE_MAX:,}".replace(",", "."),
                }
            )
    return problems


@dataclass(frozen=True)
class Findings:
    """What the form's rules say of a report: errors refuse it; warnings (plausibility
    checks) let it be sent once the reporter confirms the figures."""

    errors: list[CellError]
    warnings: list[CellError]


def _rule_errors(definition: FormDefinition, rule: dict[str, Any], cells: Cells) -> list[CellError]:
    errors: list[CellError] = []
    if rule["type"] == "requires":
        table, when = definition.column(rule["when"])
        _table, then = definition.column(rule["then"])
        for row in table.row_codes:
            cost = _total(cells, when.code, row, when)
            count = _total(cells, then.code, row, then)
            if cost and not count:
                errors.append(CellError(table.code, row, then.code, "", rule["message"]))
    elif rule["type"] == "balance":
        table, _start = definition.column(rule["start"])
        for row in table.row_codes:
            start, new, left, end = (
                cells.get((rule[key], row, "")) for key in ("start", "plus", "minus", "end")
            )
            if None not in (start, new, left, end) and start + new - left != end:  # type: ignore[operator]
                errors.append(CellError(table.code, row, rule["end"], "", rule["message"]))
    elif rule["type"] == "not_more":
        table, _value = definition.column(rule["value"])
        for row in table.row_codes:
            value, limit = (cells.get((rule[key], row, "")) for key in ("value", "limit"))
            if value is not None and limit is not None and value > limit:
                errors.append(CellError(table.code, row, rule["value"], "", rule["message"]))
    return errors


def check_report(definition: FormDefinition, cells: Cells, *, stage: str) -> Findings:
    """The one check of a report against its form's rules, whichever way its values came (the
    page, the API, an uploaded form, a .zip of forms) and when it is sent.

    ``stage`` is "save" (a draft being written: the rules that hold of any draft) or "submit"
    (every rule). Each rule is an error or a warning as the form declares (``severity``).
    """
    errors: list[CellError] = []
    warnings: list[CellError] = []
    for rule in definition.rules:
        if stage == "save" and rule.get("stage", "save") == "submit":
            continue
        found = _rule_errors(definition, rule, cells)
        (warnings if rule.get("severity", "error") == "warning" else errors).extend(found)
    return Findings(errors, warnings)


def table_of(definition: FormDefinition, code: str) -> Table:
    return next(t for t in definition.tables if t.code == code)
