"""Workbooks in the layout of the official report forms, and their safe reading back.

Framework-free. A sheet per table: the title, the unit line ("ĐVT: 1.000đ"), the merged
two-level header as the form prints it, the rows in their groups, and "Tổng cộng". A unit's form
for upload carries a hidden sheet naming the report it belongs to, so that a file cannot land on
another report.
"""

import io
import posixpath
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from openpyxl import Workbook
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


DAMAGED = "Không đọc được bảng tính: tệp bị hỏng."
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REL_ID_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"


@dataclass(frozen=True)
class Cell:
    """A cell as stored: its typed value (int, float, str, bool or None) and whether a formula
    computes it (its value is then the formula's text, "=…", as the form shows it)."""

    value: Any
    formula: bool = False


def _xml(data: bytes) -> ElementTree.Element:
    # Workbooks never carry a DTD; refusing one rules out entity expansion and external entities.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise WorkbookRefusedError("Tệp có nội dung XML không an toàn nên bị từ chối.")
    return ElementTree.fromstring(data)  # noqa: S314  (no DTD: checked above)


def _namespace(element: ElementTree.Element) -> str:
    return element.tag[: element.tag.index("}") + 1] if element.tag.startswith("{") else ""


def _part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return archive.read(name)
    except KeyError:
        return None


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id → (type, part path) of a part's relationships (``xl/workbook.xml`` →
    ``xl/_rels/workbook.xml.rels``), targets resolved to paths inside the package."""
    folder, _sep, base = part.rpartition("/")
    rels = _part(archive, f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
    if rels is None:
        return {}
    found = {}
    for rel in _xml(rels):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
        found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
    return found


def _column(ref: str) -> int:
    """ "B8" → 2."""
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        elif char.isdigit():
            break
        else:
            raise ValueError(ref)
    if not index:
        raise ValueError(ref)
    return index


def _text(element: ElementTree.Element, ns: str) -> str:
    """A string item or inline string: its text, or its rich-text runs joined (no phonetics)."""
    plain = element.find(f"{ns}t")
    if plain is not None:
        return plain.text or ""
    return "".join(t.text or "" for t in element.iterfind(f"{ns}r/{ns}t"))


class UploadedWorkbook:
    """An uploaded .xlsx read from its XML parts: the sheets by name and each cell's value.

    Only what reading a form back needs: no styles, no drawings, nothing evaluated. Values are
    typed as the file stores them (numbers as int or float, shared and inline strings as str,
    booleans as bool); a formula cell keeps its formula, never its cached result.
    """

    def __init__(self, archive: zipfile.ZipFile) -> None:
        """Read the parts a form is read from (relationships, workbook, shared strings, sheets);
        styles, themes and anything else stay packed."""
        self._rows: dict[str, dict[int, dict[int, Cell]]] = {}
        root = _relationships(archive, "")
        book_part = next(
            (path for kind, path in root.values() if kind.endswith("/officeDocument")),
            "xl/workbook.xml",
        )
        book = _xml(archive.read(book_part))
        ns = _namespace(book)
        rels = _relationships(archive, book_part)
        self._sheets: dict[str, str] = {}
        for sheet in book.iterfind(f"{ns}sheets/{ns}sheet"):
            rel = sheet.get(_REL_ID) or sheet.get(_REL_ID_STRICT) or ""
            if rel in rels:
                self._sheets[sheet.get("name", "")] = rels[rel][1]
        self._parts = {path: archive.read(path) for path in set(self._sheets.values())}
        strings_part = next(
            (path for kind, path in rels.values() if kind.endswith("/sharedStrings")), None
        )
        strings = _part(archive, strings_part) if strings_part else None
        self._strings: list[str] = []
        if strings is not None:
            root_element = _xml(strings)
            ns = _namespace(root_element)
            self._strings = [_text(item, ns) for item in root_element.iterfind(f"{ns}si")]

    @property
    def sheetnames(self) -> list[str]:
        return list(self._sheets)

    def rows(self, name: str, *, max_row: int, max_col: int) -> dict[int, dict[int, Cell]]:
        """Row number → column number → cell, within the bounds; blank cells are absent."""
        key = f"{name}/{max_row}/{max_col}"
        if key not in self._rows:
            try:
                self._rows[key] = self._read_sheet(self._sheets[name], max_row, max_col)
            except WorkbookRefusedError:
                raise
            except Exception as error:  # a damaged part: bad XML, index or number
                raise WorkbookRefusedError(DAMAGED) from error
        return self._rows[key]

    def _read_sheet(self, part: str, max_row: int, max_col: int) -> dict[int, dict[int, Cell]]:
        root = _xml(self._parts[part])
        ns = _namespace(root)
        data = root.find(f"{ns}sheetData")
        rows: dict[int, dict[int, Cell]] = {}
        number = 0
        for row in data.iterfind(f"{ns}row") if data is not None else ():
            ref = row.get("r")
            number = int(ref) if ref else number + 1
            if number > max_row:
                continue
            cells = rows.setdefault(number, {})
            column = 0
            for cell in row.iterfind(f"{ns}c"):
                ref = cell.get("r")
                column = _column(ref) if ref else column + 1
                if column <= max_col:
                    cells[column] = self._cell(cell, ns)
        return rows

    def _cell(self, cell: ElementTree.Element, ns: str) -> Cell:
        formula = cell.find(f"{ns}f")
        if formula is not None:
            return Cell(f"={formula.text or ''}", formula=True)
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(f"{ns}is")
            return Cell(_text(inline, ns) if inline is not None else None)
        stored = cell.find(f"{ns}v")
        text = stored.text if stored is not None else None
        if text is None:
            return Cell(None)
        if kind == "n":
            return Cell(float(text) if any(c in text for c in ".eE") else int(text))
        if kind == "s":
            return Cell(self._strings[int(text)])
        if kind == "b":
            return Cell(text.strip() in ("1", "true"))
        return Cell(text)  # "str", "e" (an error such as #DIV/0!), "d" (an ISO date)


def open_workbook(data: bytes) -> UploadedWorkbook:
    """Open an uploaded workbook after checks that refuse hostile files before parsing them."""
    if len(data) > MAX_BYTES:
        raise WorkbookRefusedError(f"Tệp quá lớn (tối đa {MAX_BYTES // 2**20} MB).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise WorkbookRefusedError("Tệp không phải bảng tính Excel (.xlsx).") from error
    with archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise WorkbookRefusedError("Tệp không phải bảng tính Excel (.xlsx).")
        unpacked = sum(info.file_size for info in infos)
        packed = max(sum(info.compress_size for info in infos), 1)
        if unpacked > MAX_UNCOMPRESSED or unpacked / packed > MAX_RATIO:
            raise WorkbookRefusedError("Tệp có nội dung nén bất thường nên bị từ chối.")
        if any(n.startswith("xl/vbaProject") for n in names):
            raise WorkbookRefusedError("Tệp có macro nên bị từ chối; hãy lưu dạng .xlsx thường.")
        try:
            return UploadedWorkbook(archive)
        except WorkbookRefusedError:
            raise
        except Exception as error:  # a damaged package: bad zip entry, XML or relationship
            raise WorkbookRefusedError(DAMAGED) from error


def read_meta(book: UploadedWorkbook) -> dict[str, str]:
    if META_SHEET not in book.sheetnames:
        raise WorkbookRefusedError(
            "Tệp không phải biểu mẫu tải từ hệ thống (thiếu trang thông tin)."
        )
    meta = {}
    for cells in book.rows(META_SHEET, max_row=100, max_col=2).values():
        key = cells.get(1)
        if key is not None and key.value is not None:
            value = cells.get(2)
            meta[str(key.value)] = str(value.value if value is not None else None)
    return meta


def read_value_row(
    book: UploadedWorkbook,
    sheet_name: str,
    heading_rows: int,
    table: SheetTable,
    row_labels: list[str],
) -> list[tuple[str, str, list[Any]]]:
    """The typed cells of the rows labelled ``row_labels`` under the table's header.

    Checks the header cell by cell against the form; a formula where a value belongs is refused.
    Returns (label, row number, raw values) per row.
    """
    if sheet_name not in book.sheetnames:
        raise WorkbookRefusedError(f"Thiếu trang “{sheet_name}”: tệp không đúng mẫu.")
    leaves = _leaves(table.columns)
    split = any(len(c.categories) > 1 for c in table.columns)
    top = heading_rows + 2  # title rows, then the unit line
    levels = 3 if split else 2
    leaf_row, first = top + 1, top + levels
    rows = book.rows(sheet_name, max_row=first + 200, max_col=len(leaves) + 1)
    header = rows.get(leaf_row, {})
    for offset, (column, _code, _label) in enumerate(leaves, start=1):
        found = header.get(offset + 1, Cell(None)).value
        if found is not None and str(found).strip() != column.label:
            raise WorkbookRefusedError(
                f"Trang “{sheet_name}”, ô {get_column_letter(offset + 1)}{leaf_row}: "
                f"tiêu đề “{found}” không đúng mẫu (cần “{column.label}”)."
            )
    out = []
    labels_left = list(row_labels)
    for number in sorted(n for n in rows if n >= first):
        cells = rows[number]
        label = cells.get(1, Cell(None)).value
        if label is None or str(label).strip() not in labels_left:
            continue
        labels_left.remove(str(label).strip())
        raw = []
        for offset in range(2, len(leaves) + 2):
            cell = cells.get(offset, Cell(None))
            if cell.formula or (isinstance(cell.value, str) and cell.value.startswith("=")):
                raise WorkbookRefusedError(
                    f"Trang “{sheet_name}”, ô {get_column_letter(offset)}{number}: "
                    "có công thức; hãy nhập số."
                )
            raw.append(cell.value)
        out.append((str(label).strip(), str(number), raw))
    if labels_left:
        raise WorkbookRefusedError(
            f"Trang “{sheet_name}”: không tìm thấy dòng “{labels_left[0]}”; tệp không đúng mẫu."
        )
    return out
