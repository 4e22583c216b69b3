"""Workbooks in the layout of the official report forms, and their safe reading back.

Framework-free. A sheet per table: the title, the unit line ("ĐVT: 1.000đ"), the merged
two-level header as the form prints it, the rows in their groups, and "Tổng cộng". A unit's form
for upload carries a hidden sheet naming the report it belongs to, so that a file cannot land on
another report.
"""

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEF2F7")
NUMBER = "#,##0"
META_SHEET = "vitreem"
HEADER_TOP = 5  # first header row of a table sheet

MAX_BYTES = 5 * 1024 * 1024  # an official form filled in is a few dozen kilobytes
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100  # zip bombs compress far better than any honest workbook


@dataclass(frozen=True)
class SheetColumn:
    code: str
    group: str
    label: str
    categories: Sequence[tuple[str, str]] = (("", ""),)  # split columns for entry forms


@dataclass
class SheetTable:
    title: str
    row_header: str
    columns: list[SheetColumn]
    # Row groups as the form prints them: (group label or "", [(row label, [values])]).
    groups: list[tuple[str, list[tuple[str, list[int | None]]]]] = field(default_factory=list)
    total: list[int | None] | None = None
    note: str = ""


def _style(cell: Any, *, bold: bool = False, italic: bool = False, size: int = 12) -> None:
    cell.font = Font(name=FONT, bold=bold, italic=italic, size=size)


def _leaves(columns: list[SheetColumn]) -> list[tuple[SheetColumn, str, str]]:
    return [(c, code, label) for c in columns for code, label in c.categories]


def write_table_sheet(
    sheet: Worksheet, heading: list[str], unit_line: str, table: SheetTable
) -> None:
    leaves = _leaves(table.columns)
    width = 1 + len(leaves)
    split = any(len(c.categories) > 1 for c in table.columns)
    row = 1
    for text in [*heading, table.title]:
        sheet.cell(row=row, column=1, value=text)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        _style(sheet.cell(row=row, column=1), bold=True, size=13)
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
        row += 1
    sheet.cell(row=row, column=width, value=unit_line)
    _style(sheet.cell(row=row, column=width), italic=True, size=11)
    sheet.cell(row=row, column=width).alignment = Alignment(horizontal="right")
    top = row + 1
    levels = 3 if split else 2
    # The row header spans every header level.
    sheet.cell(row=top, column=1, value=table.row_header)
    sheet.merge_cells(start_row=top, start_column=1, end_row=top + levels - 1, end_column=1)
    col = 2
    index = 0
    columns = table.columns
    while index < len(columns):
        column = columns[index]
        span_columns = [column]
        while (
            column.group
            and index + len(span_columns) < len(columns)
            and columns[index + len(span_columns)].group == column.group
        ):
            span_columns.append(columns[index + len(span_columns)])
        span = sum(len(c.categories) for c in span_columns)
        if column.group:
            sheet.cell(row=top, column=col, value=column.group)
            sheet.merge_cells(
                start_row=top, start_column=col, end_row=top, end_column=col + span - 1
            )
            leaf_col = col
            for leaf in span_columns:
                cats = len(leaf.categories)
                sheet.cell(row=top + 1, column=leaf_col, value=leaf.label)
                sheet.merge_cells(
                    start_row=top + 1,
                    start_column=leaf_col,
                    end_row=top + 1 + (0 if cats > 1 or not split else 1),
                    end_column=leaf_col + cats - 1,
                )
                if cats > 1:
                    for offset, (_code, label) in enumerate(leaf.categories):
                        sheet.cell(row=top + 2, column=leaf_col + offset, value=label)
                leaf_col += cats
        else:
            sheet.cell(row=top, column=col, value=column.label)
            sheet.merge_cells(
                start_row=top, start_column=col, end_row=top + levels - 1, end_column=col + span - 1
            )
        col += span
        index += len(span_columns)
    for r in range(top, top + levels):
        for c in range(1, width + 1):
            cell = sheet.cell(row=r, column=c)
            cell.border = BOX
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            _style(cell, bold=True, size=11)
    row = top + levels
    for group, rows in table.groups:
        if group:
            sheet.cell(row=row, column=1, value=group)
            for c in range(1, width + 1):
                sheet.cell(row=row, column=c).border = BOX
                _style(sheet.cell(row=row, column=c), bold=True, size=11)
            row += 1
        for label, values in rows:
            _value_row(sheet, row, label, values, bold=False)
            row += 1
    if table.total is not None:
        _value_row(sheet, row, "Tổng cộng", table.total, bold=True)
        row += 1
    if table.note:
        sheet.cell(row=row + 1, column=1, value=table.note)
        _style(sheet.cell(row=row + 1, column=1), italic=True, size=11)
    sheet.column_dimensions["A"].width = 34
    for c in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 14
    sheet.freeze_panes = f"B{top + levels}"


def _value_row(
    sheet: Worksheet, row: int, label: str, values: list[int | None], *, bold: bool
) -> None:
    sheet.cell(row=row, column=1, value=label)
    for offset, value in enumerate(values, start=2):
        sheet.cell(row=row, column=offset, value=value).number_format = NUMBER
    for c in range(1, len(values) + 2):
        sheet.cell(row=row, column=c).border = BOX
        _style(sheet.cell(row=row, column=c), bold=bold, size=11)


def build_workbook(
    heading: list[str], unit_line: str, tables: list[SheetTable], meta: dict[str, str] | None = None
) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for number, table in enumerate(tables, start=1):
        write_table_sheet(book.create_sheet(f"Bảng {number}"), heading, unit_line, table)
    if meta:
        sheet = book.create_sheet(META_SHEET)
        for row, (key, value) in enumerate(sorted(meta.items()), start=1):
            sheet.cell(row=row, column=1, value=key)
            sheet.cell(row=row, column=2, value=value)
        sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class WorkbookRefusedError(ValueError):
    """Not a workbook this system made, or unsafe to open; the message says why, in Vietnamese."""


def open_workbook(data: bytes) -> Any:
    """Open an uploaded workbook after checks that refuse hostile files before parsing them."""
    if len(data) > MAX_BYTES:
        raise WorkbookRefusedError(f"Tệp quá lớn (tối đa {MAX_BYTES // 2**20} MB).")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookRefusedError("Tệp không phải bảng tính Excel (.xlsx).")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise WorkbookRefusedError("Tệp không phải bảng tính Excel (.xlsx).")
        unpacked = sum(info.file_size for info in archive.infolist())
        packed = max(sum(info.compress_size for info in archive.infolist()), 1)
        if unpacked > MAX_UNCOMPRESSED or unpacked / packed > MAX_RATIO:
            raise WorkbookRefusedError("Tệp có nội dung nén bất thường nên bị từ chối.")
        if any(n.startswith("xl/vbaProject") for n in names):
            raise WorkbookRefusedError("Tệp có macro nên bị từ chối; hãy lưu dạng .xlsx thường.")
    try:
        return load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise WorkbookRefusedError("Không đọc được bảng tính: tệp bị hỏng.") from error


def read_meta(book: Any) -> dict[str, str]:
    if META_SHEET not in book.sheetnames:
        raise WorkbookRefusedError(
            "Tệp không phải biểu mẫu tải từ hệ thống (thiếu trang thông tin)."
        )
    sheet = book[META_SHEET]
    return {
        str(row[0]): str(row[1])
        for row in sheet.iter_rows(min_row=1, max_col=2, values_only=True)
        if row[0] is not None
    }


def read_value_row(
    book: Any, sheet_name: str, heading_rows: int, table: SheetTable, row_labels: list[str]
) -> list[tuple[str, str, list[Any]]]:
    """The typed cells of the rows labelled ``row_labels`` under the table's header.

    Checks the header cell by cell against the form; a formula where a value belongs is refused.
    Returns (label, row number, raw values) per row. Reads the sheet once, row by row, so that
    a workbook opened read-only is read fast.
    """
    if sheet_name not in book.sheetnames:
        raise WorkbookRefusedError(f"Thiếu trang “{sheet_name}”: tệp không đúng mẫu.")
    sheet = book[sheet_name]
    leaves = _leaves(table.columns)
    split = any(len(c.categories) > 1 for c in table.columns)
    top = heading_rows + 2  # title rows, then the unit line
    levels = 3 if split else 2
    leaf_row, first = top + 1, top + levels
    out = []
    labels_left = list(row_labels)
    for number, cells in enumerate(
        sheet.iter_rows(min_row=leaf_row, max_row=first + 200, max_col=len(leaves) + 1),
        start=leaf_row,
    ):
        cells = list(cells) + [None] * (len(leaves) + 1 - len(cells))
        if number == leaf_row:
            for offset, (column, _code, _label) in enumerate(leaves, start=1):
                found = getattr(cells[offset], "value", None)
                if found is not None and str(found).strip() != column.label:
                    raise WorkbookRefusedError(
                        f"Trang “{sheet_name}”, ô {get_column_letter(offset + 1)}{leaf_row}: "
                        f"tiêu đề “{found}” không đúng mẫu (cần “{column.label}”)."
                    )
            continue
        if number < first:
            continue
        label = getattr(cells[0], "value", None)
        if label is None or str(label).strip() not in labels_left:
            continue
        labels_left.remove(str(label).strip())
        raw = []
        for offset, cell in enumerate(cells[1:], start=2):
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f" or (
                isinstance(value, str) and value.startswith("=")
            ):
                raise WorkbookRefusedError(
                    f"Trang “{sheet_name}”, ô {get_column_letter(offset)}{number}: "
                    "có công thức; hãy nhập số."
                )
            raw.append(value)
        out.append((str(label).strip(), str(number), raw))
    if labels_left:
        raise WorkbookRefusedError(
            f"Trang “{sheet_name}”: không tìm thấy dòng “{labels_left[0]}”; tệp không đúng mẫu."
        )
    return out
