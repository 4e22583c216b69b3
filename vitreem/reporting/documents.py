"""A unit's report as a Decree-30 Word document: its narrative and its tables."""

from typing import Any

from django.utils import timezone

from vitreem.documents.reports import (
    ReportDocument,
    ReportSection,
    ReportTable,
    render_report_docx,
)
from vitreem.units import names

from . import services
from .definitions import Table
from .loaders import definition_of
from .models import Submission
from .workbooks import _row_labels, _shown, unit_line


def _header_rows(table: Table) -> list[list[object]]:
    """The form's header levels as the Word table builder takes them; a cost entered by funding
    source gets a third level: each source, then their sum."""
    levels = 3 if any(len(c.printed_categories) > 1 for c in table.columns) else 2
    top: list[object] = [{"text": table.row_header, "rowspan": levels}]
    middle: list[object] = []
    bottom: list[object] = []
    for group, _span in table.header_groups():
        columns = [c for c in table.columns if c.group == group] if group else []
        if group:
            width = sum(len(c.printed_categories) for c in columns)
            top.append({"text": group, "colspan": width})
        for column in columns:
            cats = column.printed_categories
            if len(cats) > 1:
                middle.append({"text": column.label, "colspan": len(cats)})
                bottom.extend(label for _code, label in cats)
            else:
                middle.append({"text": column.label, "rowspan": levels - 1})
    for column in table.columns:
        if not column.group:
            top.append({"text": column.label, "rowspan": levels})
    return [top, middle, bottom] if levels == 3 else [top, middle]


def _number(value: int | None, money: bool) -> str:
    return f"{_shown(value, money):,}".replace(",", ".") if value is not None else ""


def submission_docx(submission: Submission) -> bytes:
    """The unit's report: the narrative as written, the tables with its figures (thousands)."""

    definition = definition_of(submission.round.form)
    cells = services.submission_cells(submission)

    def section(item: Any) -> ReportSection:
        return ReportSection(
            item.heading,
            submission.narrative.get(item.code, ""),
            [section(child) for child in item.items],
        )

    tables = []
    for table in definition.tables:
        rows: list[list[object]] = []
        for code, label in zip(table.row_codes, _row_labels(table, submission), strict=True):
            row: list[object] = [label]
            for column in table.columns:
                money = column.type == "money"
                by_source = [cells.get((column.code, code, cat)) for cat, _l in column.categories]
                present = [v for v in by_source if v is not None]
                if len(column.printed_categories) > 1:
                    row.extend(_number(v, money) for v in by_source)
                row.append(_number(sum(present), money) if present else "")
            rows.append(row)
        tables.append(ReportTable(table.title, unit_line(table), _header_rows(table), rows))
    unit = submission.unit
    committee = names.committee(unit)
    receiving = services.approver_unit(submission)
    return render_report_docx(
        ReportDocument(
            issuer_above=committee.upper() if submission.agency else None,
            issuer=names.agency_full_name(submission.agency) if submission.agency else committee,
            place=unit.short_name,
            # The civil day in Vietnam, not UTC: a report sent at 03:00 is dated that morning.
            day=timezone.localdate(submission.submitted_at) if submission.submitted_at else None,
            year=submission.round.period_end.year,
            title=f"{definition.title} — {submission.round.title}",
            sections=[section(item) for item in definition.narrative],
            tables=tables,
            recipients=[f"{names.committee(receiving)} (b/c);", "Lưu: VT."],
            signer_title="THỦ TRƯỞNG CƠ QUAN" if submission.agency else "TM. ỦY BAN NHÂN DÂN",
        )
    )
