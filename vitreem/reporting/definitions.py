"""A report form's definition (reporting/forms/*.yaml) as typed, read-only objects."""

from dataclasses import dataclass, field
from typing import Any

from vitreem.core import bounds

# Disaggregations of a column: the categories its value is entered by, with their labels.
CATEGORIES: dict[str, list[tuple[str, str]]] = {
    "source": [("state", "Ngân sách"), ("mobilised", "Vận động")],
}
# The printed column of a disaggregated cost that holds its sum (the official form's column).
TOTAL_CATEGORY = "*"
TOTAL_LABEL = "Tổng số"

# A rule is an error (the report cannot be saved or sent while it fails) or a warning (a
# plausibility check: the report is sent once the reporter confirms the figures); it holds of
# every draft ("save") or of a report being sent only ("submit": a draft may still be partial).
SEVERITIES = ("error", "warning")
STAGES = ("save", "submit")
# Who reports in a round of the form: its agencies and the communes below ("all"), or the
# communes only ("communes").
REPORTERS = ("all", "communes")
# A form whose values are another record's (``filled_from``: "assessment", the child-friendly
# self-assessment): nobody types its cells; the app that owns that record files the report.
FILLED_FROM = ("", "assessment")


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    label_en: str
    group: str
    type: str
    disaggregation: str = ""

    @property
    def categories(self) -> list[tuple[str, str]]:
        return CATEGORIES.get(self.disaggregation, [("", "")])

    @property
    def printed_categories(self) -> list[tuple[str, str]]:
        """The columns a printed table gives it: each funding source, then their sum."""
        if self.disaggregation in CATEGORIES:
            return [*CATEGORIES[self.disaggregation], (TOTAL_CATEGORY, TOTAL_LABEL)]
        return [("", "")]


@dataclass(frozen=True)
class Row:
    code: str
    label: str


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    title_en: str
    row_header: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)  # empty: one row per reporting unit
    note: str = ""

    @property
    def is_grid(self) -> bool:
        return bool(self.rows)

    @property
    def row_codes(self) -> list[str]:
        return [r.code for r in self.rows] or [""]

    def header_groups(self) -> list[tuple[str, int]]:
        """Consecutive columns sharing a group: (group label, span); "" for ungrouped columns."""
        groups: list[tuple[str, int]] = []
        for column in self.columns:
            if groups and column.group and groups[-1][0] == column.group:
                groups[-1] = (column.group, groups[-1][1] + 1)
            else:
                groups.append((column.group, 1))
        return groups


@dataclass(frozen=True)
class NarrativeItem:
    code: str
    heading: str
    items: list["NarrativeItem"]

    def flat(self) -> list["NarrativeItem"]:
        return [self, *(child for item in self.items for child in item.flat())]


@dataclass(frozen=True)
class FormDefinition:
    code: str
    year: int
    title: str
    tables: list[Table]
    narrative: list[NarrativeItem]
    rules: list[dict[str, Any]]
    bounds: dict[str, int]
    reporters: str = "all"
    filled_from: str = ""

    @property
    def typed(self) -> bool:
        """Whether reporters type the values (else they come from ``filled_from``)."""
        return not self.filled_from

    def bound(self, value_type: str) -> int:
        """The largest value a cell of this type takes: the form's own bound, never above the
        domain's ceiling (vitreem.core.bounds) that keeps every sum in a 64-bit column."""
        ceiling = bounds.ceiling(value_type)
        return min(self.bounds.get(value_type, ceiling), ceiling)

    @classmethod
    def parse(cls, data: dict[str, Any]) -> "FormDefinition":
        def narrative(items: list[dict[str, Any]]) -> list[NarrativeItem]:
            return [
                NarrativeItem(i["code"], i["heading"], narrative(i.get("items", []))) for i in items
            ]

        tables = [
            Table(
                code=str(t["code"]),
                title=t["title"],
                title_en=t.get("title_en", ""),
                row_header=t.get("row_header", ""),
                note=t.get("note", ""),
                rows=[Row(str(r["code"]), r["label"]) for r in t.get("rows", [])],
                columns=[
                    Column(
                        code=c["code"],
                        label=c["label"],
                        label_en=c.get("label_en", ""),
                        group=c.get("group", ""),
                        type=c["type"],
                        disaggregation=c.get("disaggregation", ""),
                    )
                    for c in t["columns"]
                ],
            )
            for t in data["tables"]
        ]
        rules = list(data.get("rules", []))
        for rule in rules:
            if rule.get("severity", "error") not in SEVERITIES:
                raise ValueError(f"rule {rule.get('type')}: severity must be one of {SEVERITIES}")
            if rule.get("stage", "save") not in STAGES:
                raise ValueError(f"rule {rule.get('type')}: stage must be one of {STAGES}")
        reporters = data.get("reporters", "all")
        if reporters not in REPORTERS:
            raise ValueError(f"reporters must be one of {REPORTERS}")
        filled_from = data.get("filled_from", "")
        if filled_from not in FILLED_FROM:
            raise ValueError(f"filled_from must be one of {FILLED_FROM}")
        return cls(
            code=data["code"],
            year=int(data["year"]),
            title=data["title"],
            tables=tables,
            narrative=narrative(data.get("narrative", [])),
            rules=rules,
            bounds={k: int(v) for k, v in data.get("bounds", {}).items()},
            reporters=reporters,
            filled_from=filled_from,
        )

    def column(self, code: str) -> tuple[Table, Column]:
        for table in self.tables:
            for column in table.columns:
                if column.code == code:
                    return table, column
        raise KeyError(code)

    def cell_label(self, column_code: str, row: str, category: str) -> str:
        """A cell as the printed form names it: table, row, column group, column and category
        ("Kết quả thực hiện các chỉ tiêu – Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế – Đạt"),
        never the form's internal keys."""
        try:
            table, column = self.column(column_code)
        except KeyError:
            return " – ".join(p for p in (column_code, row, category) if p)
        rows = {r.code: r.label for r in table.rows}
        parts = [table.title, rows.get(row, row), column.group, column.label]
        label = " – ".join(p for p in parts if p)
        categories = dict(column.categories)
        if category:
            label += f" ({categories.get(category, category)})"
        return label

    def cells(self) -> list[tuple[Table, str, Column, str]]:
        """Every cell of a reporting unit's report: (table, row, column, category)."""
        return [
            (table, row, column, category)
            for table in self.tables
            for row in table.row_codes
            for column in table.columns
            for category, _label in column.categories
        ]
