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
    """The form's two header levels as the Word table builder takes them."""
    top: list[object] = [{"text": table.row_header, "rowspan": 2}]
    for group, span in table.header_groups():
        if group:
            top.append({"text": group, "colspan": span})
    leaves: list[object] = [c.label for c in table.columns if c.group]
    for column in table.columns:
        if not column.group:
            top.append({"text": column.label, "rowspan": 2})
    return [top, leaves]


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
                total = [cells.get((column.code, code, cat)) for cat, _l in column.categories]
                present = [v for v in total if v is not None]
                row.append(
                    f"{_shown(sum(present), column.type == 'money'):,}".replace(",", ".")
                    if present
                    else ""
                )
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
