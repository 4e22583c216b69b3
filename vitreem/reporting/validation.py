"""Checks on a reporting unit's values, with cell-precise Vietnamese messages."""

import re
from dataclasses import dataclass

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
            cells[key] = parse_number(text, column, definition.bounds.get(column.type, 10**15))
        except ValueError as error:
            errors.append(CellError(table.code, key[1], column.code, key[2], str(error)))
    return cells, errors


def _total(cells: Cells, code: str, row: str, column: Column) -> int | None:
    values = [cells.get((code, row, cat)) for cat, _label in column.categories]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def check_rules(definition: FormDefinition, cells: Cells) -> list[CellError]:
    """The form's rules over a whole report (at submission)."""
    errors: list[CellError] = []
    for rule in definition.rules:
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


def table_of(definition: FormDefinition, code: str) -> Table:
    return next(t for t in definition.tables if t.code == code)
