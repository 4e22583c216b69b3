"""Workbooks in the layout of the official report forms, and their safe reading back.

Framework-free. A sheet per table: the title, the unit line ("ĐVT: 1.000đ"), the merged
two-level header as the form prints it, the rows in their groups, and "Tổng cộng". A unit's form
for upload carries a hidden sheet naming the report it belongs to, so that a file cannot land on
another report.
"""

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any, NamedTuple, cast
from xml.etree import ElementTree
from xml.parsers import expat

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import attachments
from .cells import put

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
    # The unit line ("ĐVT: 1.000đ") only where a column holds money; empty on counts alone.
    unit_line: str = ""


def _style(cell: Any, *, bold: bool = False, italic: bool = False, size: int = 12) -> None:
    cell.font = Font(name=FONT, bold=bold, italic=italic, size=size)


def _leaves(columns: list[SheetColumn]) -> list[tuple[SheetColumn, str, str]]:
    return [(c, code, label) for c in columns for code, label in c.categories]


def write_table_sheet(sheet: Worksheet, heading: list[str], table: SheetTable) -> None:
    leaves = _leaves(table.columns)
    width = 1 + len(leaves)
    split = any(len(c.categories) > 1 for c in table.columns)
    row = 1
    for text in [*heading, table.title]:
        put(sheet, row, 1, text)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        _style(sheet.cell(row=row, column=1), bold=True, size=13)
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
        row += 1
    if table.unit_line:
        put(sheet, row, width, table.unit_line)
    _style(sheet.cell(row=row, column=width), italic=True, size=11)
    sheet.cell(row=row, column=width).alignment = Alignment(horizontal="right")
    top = row + 1
    levels = 3 if split else 2
    # The row header spans every header level.
    put(sheet, top, 1, table.row_header)
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
            put(sheet, top, col, column.group)
            sheet.merge_cells(
                start_row=top, start_column=col, end_row=top, end_column=col + span - 1
            )
            leaf_col = col
            for leaf in span_columns:
                cats = len(leaf.categories)
                put(sheet, top + 1, leaf_col, leaf.label)
                sheet.merge_cells(
                    start_row=top + 1,
                    start_column=leaf_col,
                    end_row=top + 1 + (0 if cats > 1 or not split else 1),
                    end_column=leaf_col + cats - 1,
                )
                if cats > 1:
                    for offset, (_code, label) in enumerate(leaf.categories):
                        put(sheet, top + 2, leaf_col + offset, label)
                leaf_col += cats
        else:
            put(sheet, top, col, column.label)
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
            put(sheet, row, 1, group)
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
        put(sheet, row + 1, 1, table.note)
        _style(sheet.cell(row=row + 1, column=1), italic=True, size=11)
    sheet.column_dimensions["A"].width = 34
    for c in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 14
    sheet.freeze_panes = f"B{top + levels}"


def _value_row(
    sheet: Worksheet, row: int, label: str, values: list[int | None], *, bold: bool
) -> None:
    put(sheet, row, 1, label)
    for offset, value in enumerate(values, start=2):
        put(sheet, row, offset, value).number_format = NUMBER
    for c in range(1, len(values) + 2):
        sheet.cell(row=row, column=c).border = BOX
        _style(sheet.cell(row=row, column=c), bold=bold, size=11)


def build_workbook(
    heading: list[str], tables: list[SheetTable], meta: dict[str, str] | None = None
) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for number, table in enumerate(tables, start=1):
        write_table_sheet(book.create_sheet(f"Bảng {number}"), heading, table)
    if meta:
        sheet = book.create_sheet(META_SHEET)
        for row, (key, value) in enumerate(sorted(meta.items()), start=1):
            put(sheet, row, 1, key)
            put(sheet, row, 2, value)
        sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class WorkbookRefusedError(ValueError):
    """Not a workbook this system made, or unsafe to open; the message says why, in Vietnamese."""


DAMAGED = "Không đọc được bảng tính: tệp bị hỏng."
UNSAFE_XML = "Tệp có nội dung XML không an toàn (khai báo DOCTYPE) nên bị từ chối."
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REL_ID_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"

# What a sheet may span and hold, checked before a cell is read. The largest honest upload, a
# commune's children (50,000 rows of 15 columns), stays well inside.
MAX_SHEET_ROWS = 100_000
MAX_SHEET_COLUMNS = 1_000
MAX_CELLS = 1_500_000  # over the whole workbook
MAX_STRINGS = 1_500_000
MAX_STRINGS_BYTES = 30 * 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")

CellValue = int | float | str | bool | date | datetime | None


class Cell(NamedTuple):
    """A cell as stored: its typed value and whether a formula computes it.

    A formula cell's value is the formula's text ("=…", as the form shows it) and ``cached`` is
    the result Excel last saved. A number in a date format is read as the date it shows. (A
    named tuple: the cheapest immutable object to make, and a sheet makes one per cell.)
    """

    value: CellValue
    formula: bool = False
    cached: CellValue = None


def _no_doctype(*_args: Any) -> None:
    raise WorkbookRefusedError(UNSAFE_XML)


def _expat(on_start: Any = None) -> Any:
    """An expat parser that refuses any DTD (so no entity can be declared, let alone expanded)
    and calls ``on_start(local name, attributes)`` for each element when given."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    if on_start is not None:
        parser.StartElementHandler = lambda tag, attrs: on_start(tag.rpartition(" ")[2], attrs)
    return parser


def _check_xml(data: bytes, on_start: Any = None) -> None:
    try:
        _expat(on_start).Parse(data, True)
    except expat.ExpatError as error:
        raise WorkbookRefusedError(DAMAGED) from error


def check_xml_part(data: bytes) -> None:
    """The shared check of an XML part of an uploaded Office file (a workbook's, a Word
    document's): well formed, no DTD. WorkbookRefusedError (UNSAFE_XML or DAMAGED) if not."""
    _check_xml(data)


def _xml(data: bytes) -> ElementTree.Element:
    _check_xml(data)  # callers read small parts only: the sheets are read by iterparse
    return ElementTree.fromstring(data)  # noqa: S314  (no DTD: refused above)


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


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


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


def _corner(ref: str) -> tuple[int, int]:
    """ "XFD1048576" → (1048576, 16384); a whole row or column ("A:C", "1:5") spans the sheet."""
    match = _REF.match(ref.strip().upper())
    if match:
        return int(match.group(2)), _column(match.group(1))
    if ref.strip().isdigit():
        return int(ref), 16_384
    if ref.strip().isalpha():
        return 1_048_576, _column(ref.strip().upper())
    raise WorkbookRefusedError(DAMAGED)


def _text(element: ElementTree.Element, ns: str) -> str:
    """A string item or inline string: its text, or its rich-text runs joined (no phonetics)."""
    plain = element.find(f"{ns}t")
    if plain is not None:
        return plain.text or ""
    return "".join(t.text or "" for t in element.iterfind(f"{ns}r/{ns}t"))


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class _SheetScan:
    """One streaming pass over a sheet part, before it is read: its declared dimension and the
    references of its cells (the dimension may lie or be absent), against the caps."""

    def __init__(self, name: str, budget: list[int]) -> None:
        self.name = name
        self.budget = budget  # cells left for the whole workbook, shared by every sheet
        self.row = 0
        self.column = 0

    def __call__(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                self.row, self.column = _corner(ref)
            else:
                self.column += 1
            self._extent(self.row, self.column)
            self.budget[0] -= 1
            if self.budget[0] < 0:
                raise WorkbookRefusedError(
                    f"Tệp có quá nhiều ô dữ liệu (tối đa {_n(MAX_CELLS)} ô)."
                )
        elif tag == "row":
            ref = attrs.get("r")
            # The cells of the row are checked, and name where they are.
            self.row = int(ref) if ref and ref.isdigit() else self.row + 1
            self.column = 0
        elif tag == "dimension":
            last = attrs.get("ref", "A1").rpartition(":")[2]
            self._extent(*_corner(last))

    def _extent(self, row: int, column: int) -> None:
        if row > MAX_SHEET_ROWS or column > MAX_SHEET_COLUMNS:
            raise WorkbookRefusedError(
                f"Trang “{self.name}” quá lớn: có ô tới {get_column_letter(min(column, 16_384))}"
                f"{row} (tối đa {_n(MAX_SHEET_ROWS)} dòng, {_n(MAX_SHEET_COLUMNS)} cột)."
            )


# The fast form of the sheet scan, for the usual part (UTF-8, no prefixed cell or dimension,
# every cell with its reference): a cell element, and a cell element whose own ``r`` attribute
# (attributes tokenised, so that a value cannot fake one) gives its reference. Each reference
# found starts where a cell is counted, so equal counts mean every cell's reference was seen.
# Searching from the literal "<c" keeps each pass at the speed of a substring search.
_NAME = rb"<(?:[A-Za-z_][\w.\-]*:)?"
_ATTRIBUTES = rb"""(?:\s+[\w:.\-]+\s*=\s*(?:"[^"]*"|'[^']*'))*?"""
_REFERENCE = rb"""\s+r\s*=\s*["']\$?([A-Z]{1,3})\$?([0-9]{1,7})["']"""
_CELL_TAG = re.compile(rb"<c[\s/>]")
_CELL_REF = re.compile(rb"<c" + _ATTRIBUTES + _REFERENCE)
_CELL_REF_FIRST = re.compile(rb"<c" + _REFERENCE)  # as every writer puts it
# A cell beginning as writers begin one, whose reference is not one of column A to ZZ and row 1
# to 99,999 written plainly.
_UNUSUAL_REF_FIRST = re.compile(rb"""<c r="(?![A-Z]{1,2}[0-9]{1,5}["'])""")
_PREFIXED = re.compile(rb":(?:c|dimension)[\s/>]")  # or a text that looks so: the exact pass
_DIMENSION_TAG = re.compile(rb"<dimension[\s/>]")
_DIMENSION_REF = re.compile(rb"<dimension" + _ATTRIBUTES + rb"""\s+ref\s*=\s*["']([^"']*)["']""")
_UTF8 = re.compile(
    rb"""^(?:\xef\xbb\xbf)?(?:<\?xml[^>]*?encoding\s*=\s*["']utf-8["']|<(?![?!]))""", re.I
)


def _scan_sheet(name: str, data: bytes, budget: list[int]) -> None:
    """Refuse a sheet that spans or holds too much, from its cells' references and its
    declared dimension, before any of it is read."""
    fast = _UTF8.match(data) and not _PREFIXED.search(data)
    cells = len(_CELL_TAG.findall(data)) if fast else 0
    refs: list[tuple[bytes, bytes]] = []
    counted = False  # whether every cell's reference was seen
    if fast:
        if data.count(b'<c r="') == cells:
            # Each cell begins with its reference: they are gathered only when one is not of
            # the usual, near kind (no reference of two letters and five digits reaches a cap).
            counted = True
            if _UNUSUAL_REF_FIRST.search(data):
                refs = _CELL_REF_FIRST.findall(data)
                counted = len(refs) == cells
        else:
            refs = _CELL_REF.findall(data)
            counted = len(refs) == cells
    dimensions = _DIMENSION_REF.findall(data) if fast else []
    if not counted or len(dimensions) != len(_DIMENSION_TAG.findall(data)):
        _check_xml(data, _SheetScan(name, budget))  # the exact pass, element by element
        return
    scan = _SheetScan(name, budget)
    for ref in dimensions:
        scan._extent(*_corner(ref.decode("ascii", "replace").rpartition(":")[2]))
    if refs:
        last_row = max(map(int, {number for _letters, number in refs}))
        last_column = max(_column(name.decode("ascii")) for name in {name for name, _n in refs})
        if last_row > MAX_SHEET_ROWS or last_column > MAX_SHEET_COLUMNS:
            # The cells furthest down and furthest right, named as the file names them.
            lowest = max(refs, key=lambda ref: int(ref[1]))
            rightmost = max(refs, key=lambda ref: (len(ref[0]), ref[0]))
            for letter, number in (lowest, rightmost):
                scan._extent(int(number), _column(letter.decode("ascii")))
    budget[0] -= cells
    if budget[0] < 0:
        raise WorkbookRefusedError(f"Tệp có quá nhiều ô dữ liệu (tối đa {_n(MAX_CELLS)} ô).")


# The fast engine of ``UploadedWorkbook.rows``, for a sheet written the usual way: UTF-8 without
# carriage returns, rows only inside the one ``sheetData`` (unprefixed), each row a run of cells
# whose ``r``, ``s`` and ``t`` attributes come first, in that order and double-quoted, holding at
# most an ``f``, a ``v`` and an ``is`` with one ``t``, in that order. Any other content of a row
# matches the last alternative (``bad``) and the element-by-element engine reads the sheet. The
# parts were parsed whole by expat before (no DTD, well-formed), so a text holds only the
# predefined entities and character references.
_ANY_ATTRIBUTE = r"""\s+(?!xmlns)[\w:.\-]+\s*=\s*(?:"[^"]*"|'[^']*')"""
_ROW = re.compile(
    r"""\s*<row(?:\s+r="([0-9]{1,7})")?((?:""" + _ANY_ATTRIBUTE + r")*)\s*(/?)>", re.A
)  # ``r`` first, as writers put it (an attribute appears once: no other ``r`` follows)
_CELL = re.compile(
    r"""\s*(?:<c(?:\s+r="([A-Z]{1,3})[0-9]{1,7}")?(?:\s+s="([0-9]{1,9})")?"""
    r"""(?:\s+t="([A-Za-z]{1,9})")?(?:\s+(?![rst]\s*=)""" + _ANY_ATTRIBUTE[3:] + r")*\s*"
    r"(?:/>|>\s*"
    r"(<f(?:" + _ANY_ATTRIBUTE + r")*\s*(?:/>|>([^<]*)</f\s*>)\s*)?"
    r"(?:<v\s*(?:/>|>([^<]*)</v\s*>)\s*)?"
    r"(<is\s*(?:/>|>\s*(?:<t(?:" + _ANY_ATTRIBUTE + r")*\s*(?:/>|>([^<]*)</t\s*>)\s*)?"
    r"</is\s*>)\s*)?"
    r"</c\s*>)|(\S))",
    re.A,
)
# The same cells as written by Excel, LibreOffice and openpyxl, in a stricter form that matches
# faster (single spaces, no other attribute); a row it does not match is matched by ``_CELL``.
# Text between cells is skipped: the element tree ignores it too.
_USUAL_CELL = re.compile(
    r"""<c(?: r="([A-Z]{1,3})[0-9]{1,7}")?(?: s="([0-9]{1,9})")?(?: t="([A-Za-z]{1,9})")?"""
    r"""(?:/>|>(<f(?: (?!xmlns)[\w:]+="[^"]*")*(?:/>|>([^<]*)</f>))?(?:<v>([^<]*)</v>)?"""
    r"""(<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)|(<)""",
    re.A,
)
_BAD = itemgetter(8)  # the last group of a cell's match: what no usual cell holds
_ROW_ATTRIBUTE = re.compile(r"""\s+([\w:.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.A)
_SHEET_DATA = re.compile(r"<sheetData(?:" + _ANY_ATTRIBUTE + r")*\s*(/?)>", re.A)
_ANY_ROW = re.compile(r"<(?:[\w.\-]+:)?row[\s/>]", re.A)
_ENTITY = re.compile(r"&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED[name]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))


_Parts = tuple[str, str, str | None, str | None, str | None]  # as ``_convert`` takes them
_PENDING = Cell(None)  # a cell whose texts are resolved once the sheet is read
_PENDING_TEXT = Cell(None)  # the same, for an inline string and nothing else
# Cell(value) without the named tuple's own constructor (three times as fast, per cell).
_make_cell = cast(Callable[[type[Cell], tuple[CellValue, bool, CellValue]], Cell], tuple.__new__)


def _unescape(text: str) -> str:
    return _ENTITY.sub(_entity, text)


def _resolved(texts: list[str]) -> list[str]:
    """Texts of elements (well-formed content, no markup) with their references resolved: one
    document of one element per text, each text handed over whole (buffered); the slower
    substitution when the parser splits one."""
    if not texts:
        return []
    out: list[str] = []
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 20
    parser.CharacterDataHandler = out.append
    parser.EndElementHandler = len  # flushes the text at each end (a builtin: no Python frame)
    parser.Parse("<x><a>" + "</a><a>".join(texts) + "</a></x>", True)
    return out if len(out) == len(texts) else [_unescape(text) for text in texts]


def _row_ref(attributes: str) -> str | None:
    """A row's ``r`` attribute as the XML parser gives it (references resolved, white space
    made spaces)."""
    for name, double, single in _ROW_ATTRIBUTE.findall(attributes):
        if name == "r":
            value = double or single
            return (
                (_unescape(value) if "&" in value else value).replace("\t", " ").replace("\n", " ")
            )
    return None


def _sheet_data(data: bytes) -> tuple[str, int, int] | None:
    """The sheet's text and the span of its ``sheetData``'s content, when the fast engine may
    read it: UTF-8, no carriage return (the parser turns them into line feeds), one unprefixed
    ``sheetData`` and no row outside it."""
    if not _UTF8.match(data) or b"\r" in data:
        return None
    text = data.decode("utf-8")
    opening = _SHEET_DATA.search(text)
    if opening is None or text.count("sheetData") != (1 if opening.group(1) else 2):
        return None
    if opening.group(1):
        start = end = opening.end()
        closing = end
    else:
        start = opening.end()
        end = text.find("</sheetData>", start)
        if end < 0:
            return None
        closing = end + len("</sheetData>")
    if _ANY_ROW.search(text, 0, opening.start()) or _ANY_ROW.search(text, closing):
        return None
    return text, start, end


_STRINGS_ROOT = re.compile(r"""<sst(?:\s+[\w:.\-]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*>""", re.A)
_STRING_ITEM = re.compile(
    r"<si\s*>\s*<t(?:" + _ANY_ATTRIBUTE + r")*\s*(?:/>|>([^<]*)</t\s*>)\s*</si\s*>|(<)", re.A
)


def _simple_strings(data: bytes) -> list[str] | None:
    """The shared strings when each item is one plain text (as Excel saves most): read by a
    regular expression, references resolved at once; None for anything else (rich text, a
    prefix, a comment), which the element tree reads."""
    if not _UTF8.match(data) or b"\r" in data:
        return None
    text = data.decode("utf-8")
    root = _STRINGS_ROOT.search(text)
    end = text.rfind("</sst>")
    if root is None or end < root.end() or text[end + 6 :].strip(" \t\n"):
        return None
    if text.count("<", 0, root.start()) != text.startswith(
        "<?xml", 1 if text[:1] == "\ufeff" else 0
    ):
        return None  # something before the root other than the declaration
    items = _STRING_ITEM.findall(text, root.end(), end)
    if any(bad for _t, bad in items):
        return None
    strings = [t for t, _bad in items]
    escaped = [index for index, t in enumerate(strings) if "&" in t]
    for index, resolved in zip(escaped, _resolved([strings[i] for i in escaped]), strict=True):
        strings[index] = resolved
    return strings


class _StringScan:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, tag: str, _attrs: dict[str, str]) -> None:
        if tag == "si":
            self.count += 1
            if self.count > MAX_STRINGS:
                self.refuse()

    @staticmethod
    def refuse() -> None:
        raise WorkbookRefusedError(f"Tệp có quá nhiều chuỗi văn bản (tối đa {_n(MAX_STRINGS)}).")


_STRING_TAG = re.compile(_NAME + rb"si[\s/>]")


# Built-in number formats that show a date or a time (ECMA-376 §18.8.30).
_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_NOT_DATE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def _is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date: a d, m, y, h or s outside quoted text,
    escapes and [colour]/[locale] brackets."""
    bare = _NOT_DATE.sub("", code.split(";")[0]).lower()
    return any(char in bare for char in "dmyhs")


def _serial_date(serial: float, epoch_1904: bool) -> date | datetime:
    """An Excel serial day number → the date (or date and time) it shows."""
    epoch = datetime(1904, 1, 1) if epoch_1904 else datetime(1899, 12, 30)
    if not epoch_1904 and serial < 61:  # Excel's phantom 29/02/1900
        serial += 1
    moment = epoch + timedelta(days=serial)
    return moment.date() if float(serial).is_integer() else moment


class UploadedWorkbook:
    """An uploaded .xlsx read from its XML parts: the sheets by name and each cell's value.

    The one reader of uploaded workbooks. Only what reading a form or a list back needs: no
    drawings, nothing evaluated. Values are typed as the file stores them (numbers as int or
    float, shared and inline strings as str, booleans as bool, numbers in a date format as
    dates); a formula cell keeps its formula, and the result Excel saved beside it.
    """

    def __init__(self, archive: zipfile.ZipFile) -> None:
        """Check every XML part and read the parts a sheet is read from (relationships,
        workbook, styles, shared strings, sheets); anything else stays packed."""
        self._rows: dict[str, dict[int, dict[int, Cell]]] = {}
        root = _relationships(archive, "")
        book_part = next(
            (path for kind, path in root.values() if kind.endswith("/officeDocument")),
            "xl/workbook.xml",
        )
        book = _xml(archive.read(book_part))
        ns = _namespace(book)
        properties = book.find(f"{ns}workbookPr")
        self._epoch_1904 = properties is not None and properties.get("date1904") in ("1", "true")
        rels = _relationships(archive, book_part)
        self._sheets: dict[str, str] = {}
        self._hidden: set[str] = set()
        for sheet in book.iterfind(f"{ns}sheets/{ns}sheet"):
            rel = sheet.get(_REL_ID) or sheet.get(_REL_ID_STRICT) or ""
            if rel in rels:
                name = sheet.get("name", "")
                self._sheets[name] = rels[rel][1]
                if sheet.get("state", "visible") != "visible":
                    self._hidden.add(name)
        # A DTD is refused in every XML part, read here or not.
        for info in archive.infolist():
            is_sheet = info.filename in self._sheets.values()
            if info.filename.lower().endswith(_XML_SUFFIXES) and not is_sheet:
                _check_xml(archive.read(info))
        budget = [MAX_CELLS]
        self._parts: dict[str, bytes] = {}
        for name, path in self._sheets.items():
            if path not in self._parts:
                self._parts[path] = archive.read(path)
                _check_xml(self._parts[path])
                _scan_sheet(name, self._parts[path], budget)
        self._strings = self._read_strings(archive, rels)
        self._dates = self._date_styles(archive, rels)

    def _read_strings(
        self, archive: zipfile.ZipFile, rels: dict[str, tuple[str, str]]
    ) -> list[str]:
        part = next((path for kind, path in rels.values() if kind.endswith("/sharedStrings")), "")
        try:
            info = archive.getinfo(part)
        except KeyError:
            return []
        if info.file_size > MAX_STRINGS_BYTES:
            raise WorkbookRefusedError(
                f"Tệp có quá nhiều chuỗi văn bản (tối đa {MAX_STRINGS_BYTES // 2**20} MB)."
            )
        data = archive.read(info)
        if _UTF8.match(data) and b"<!" not in data:
            # Every "<" followed by a name opens an element here (no comment, no CDATA).
            _check_xml(data)
            if len(_STRING_TAG.findall(data)) > MAX_STRINGS:
                _StringScan().refuse()
        else:
            _check_xml(data, _StringScan())
        simple = _simple_strings(data)
        if simple is not None:
            return simple
        root = ElementTree.fromstring(data)  # noqa: S314  (no DTD: refused above)
        ns = _namespace(root)
        return [_text(item, ns) for item in root.iterfind(f"{ns}si")]

    @staticmethod
    def _date_styles(archive: zipfile.ZipFile, rels: dict[str, tuple[str, str]]) -> set[int]:
        """The cell styles (``s`` indices) whose number format shows a date."""
        part = next((path for kind, path in rels.values() if kind.endswith("/styles")), "")
        data = _part(archive, part) if part else None
        if data is None:
            return set()
        root = _xml(data)
        ns = _namespace(root)
        custom = {
            int(f.get("numFmtId", "-1")): f.get("formatCode", "")
            for f in root.iterfind(f"{ns}numFmts/{ns}numFmt")
        }
        dates = set()
        for index, xf in enumerate(root.iterfind(f"{ns}cellXfs/{ns}xf")):
            number = int(xf.get("numFmtId", "0"))
            if number in custom:
                if _is_date_format(custom[number]):
                    dates.add(index)
            elif number in _DATE_FORMATS:
                dates.add(index)
        return dates

    @property
    def sheetnames(self) -> list[str]:
        return list(self._sheets)

    def is_hidden(self, name: str) -> bool:
        return name in self._hidden

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
        fast = self._read_simple(self._parts[part], max_row, max_col)
        return fast if fast is not None else self._read_elements(part, max_row, max_col)

    def _read_elements(self, part: str, max_row: int, max_col: int) -> dict[int, dict[int, Cell]]:
        """The exact engine, for any sheet: element by element, each row dropped once read, so
        that memory follows the cells kept, not the file."""
        rows: dict[int, dict[int, Cell]] = {}
        number = 0
        row_tag = ""
        columns: dict[str, int] = {}
        for _event, element in ElementTree.iterparse(io.BytesIO(self._parts[part])):  # noqa: S314
            tag = element.tag
            if tag != row_tag:
                if not row_tag and tag.endswith(("}row", "row")) and tag[-4:-3] in ("}", ""):
                    row_tag = tag
                    ns = tag[:-3]
                    tags = (f"{ns}v", f"{ns}is", f"{ns}f")
                else:
                    continue
            ref = element.get("r")
            number = int(ref) if ref else number + 1
            if number <= max_row:
                cells = rows.setdefault(number, {})
                column = 0
                for cell in element:
                    ref = cell.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        column = columns.get(letters) or columns.setdefault(
                            letters, _column(letters)
                        )
                    else:
                        column += 1
                    if column <= max_col and len(cell):
                        found = self._cell(cell, tags)
                        if found is not None:
                            cells[column] = found
            element.clear()
        return rows

    def _cell(self, cell: ElementTree.Element, tags: tuple[str, str, str]) -> Cell | None:
        """A cell element → its cell, None when it holds nothing (a styled blank)."""
        value_tag, inline_tag, formula_tag = tags
        text = inline = formula = None
        for child in cell:  # once over the children
            tag = child.tag
            if tag == value_tag:
                text = child.text
            elif tag == inline_tag:
                inline = child
            elif tag == formula_tag:
                formula = child
        return self._convert(
            cell.get("t", "n"),
            cell.get("s", "0"),
            text,
            None if inline is None else _text(inline, inline_tag[:-2]),
            None if formula is None else formula.text or "",
        )

    def _convert(
        self, kind: str, style: str, text: str | None, inline: str | None, formula: str | None
    ) -> Cell | None:
        """A cell's parts as stored (its type and style attributes, the text of its value, of
        its inline string and of its formula, None when absent or empty) → the cell; the one
        conversion of both engines."""
        value: CellValue = None
        if inline is not None:
            value = inline
        elif text is None:
            pass
        elif kind == "n":
            value = float(text) if any(c in text for c in ".eE") else int(text)
            if self._dates and int(style) in self._dates:
                value = _serial_date(value, self._epoch_1904)
        elif kind == "s":
            value = self._strings[int(text)]
        elif kind == "b":
            value = text.strip() in ("1", "true")
        elif kind == "d":
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                value = text
        else:
            value = text  # "str", "e" (an error such as #DIV/0!)
        if formula is not None:
            return Cell(f"={formula}", formula=True, cached=value)
        return Cell(value) if value is not None else None

    def _read_simple(
        self, data: bytes, max_row: int, max_col: int
    ) -> dict[int, dict[int, Cell]] | None:
        """The fast engine: the sheet read by regular expressions, a row at a time, when every
        row and cell is written in the usual way (see ``_CELL``); None otherwise, and the
        element-by-element engine reads it. Same cells, same values."""
        sheet = _sheet_data(data)
        if sheet is None:
            return None
        text, start, end = sheet
        rows: dict[int, dict[int, Cell]] = {}
        number = 0
        columns: dict[str, int] = {}
        convert = self._convert
        strings = self._strings
        make = _make_cell
        escaped: list[tuple[dict[int, Cell], int, _Parts]] = []
        escaped_texts: list[tuple[dict[int, Cell], int, str]] = []  # inline strings alone
        pos = start
        while True:
            row = _ROW.match(text, pos, end)
            if row is None:
                break
            ref, attributes, closed = row.group(1, 2, 3)
            if not ref and attributes:
                ref = _row_ref(attributes)
            number = int(ref) if ref else number + 1
            if closed:
                pos = row.end()
                if number <= max_row:
                    rows.setdefault(number, {})
                continue
            finish = text.find("</row>", row.end(), end)
            if finish < 0:
                return None
            pos = finish + 6
            if number > max_row:
                if "<row" in text[row.end() : finish]:
                    return None  # a row inside a row: the other engine's business
                continue
            cells = rows.setdefault(number, {})
            column = 0
            found = _USUAL_CELL.findall(text, row.end(), finish)
            if any(map(_BAD, found)):
                found = _CELL.findall(text, row.end(), finish)
                if any(map(_BAD, found)):
                    return None
            for letters, style, kind, f, f_text, v_text, inline, i_text, _bad in found:
                if letters:
                    column = columns.get(letters) or columns.setdefault(letters, _column(letters))
                else:
                    column += 1
                if column > max_col or not (v_text or f or inline):
                    continue  # beyond the bounds, or holds nothing
                if not f:  # the usual cells, as ``_convert`` reads them
                    if inline:
                        if "&" not in i_text:
                            cells[column] = make(Cell, (i_text, False, None))
                        else:  # as openpyxl writes every letter beyond ASCII: &#7855;
                            cells[column] = _PENDING_TEXT
                            escaped_texts.append((cells, column, i_text))
                        continue
                    if kind == "s" and v_text.isdigit():
                        cells[column] = make(Cell, (strings[int(v_text)], False, None))
                        continue
                parts = (
                    kind or "n",
                    style or "0",
                    v_text or None,
                    i_text if inline else None,
                    f_text if f else None,
                )
                if "&" in v_text or "&" in i_text or "&" in f_text:
                    cells[column] = _PENDING  # its place in the file's order
                    escaped.append((cells, column, parts))
                    continue
                found_cell = convert(*parts)
                if found_cell is not None:
                    cells[column] = found_cell
        if text[pos:end].strip(" \t\n"):
            return None  # something other than rows
        # The texts holding references, resolved by the XML parser all at once (a call per
        # reference costs more than the rest of the reading). From the last: a later cell of
        # the same column takes the place, as it does when read element by element.
        resolved = _resolved([t for _cells, _column, t in escaped_texts])
        pairs = zip(reversed(escaped_texts), reversed(resolved), strict=True)
        for (cells, column, _t), text in pairs:
            if cells.get(column) is _PENDING_TEXT:
                cells[column] = make(Cell, (text, False, None))
        texts = _resolved([t for *_c, parts in escaped for t in parts[2:] if t and "&" in t])
        at = len(texts)
        for cells, column, (kind, style, *held) in reversed(escaped):
            for index in (2, 1, 0):
                if held[index] and "&" in cast(str, held[index]):
                    at -= 1
                    held[index] = texts[at]
            if cells.get(column) is not _PENDING:
                continue
            if held[1] is not None and held[2] is None:  # an inline string, as ``_convert``
                cells[column] = make(Cell, (held[1], False, None))
            else:  # never None: a reference stands for a character, so a value or an error
                cells[column] = cast(Cell, convert(kind, style, held[0] or None, held[1], held[2]))
        return rows


def open_workbook(data: bytes) -> UploadedWorkbook:
    """Open an uploaded workbook after checks that refuse hostile files before parsing them:
    size, compression, macros, any DTD, and the span and number of cells and strings."""
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
        if attachments.compression_suspicious(infos, MAX_UNCOMPRESSED, MAX_RATIO):
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
