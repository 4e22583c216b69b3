"""Import of the registry from .xlsx: a commune's children (with their groups) and the support
they received, each file all or nothing.

Every row is checked first by the same rules as entry (``ChildData.cleaned``, the circumstance
rules of ``circumstance_add``, ``support_check``, the catalogue); every error is named by its row
and its column; if there is one, nothing is written. Importing the same file again changes
nothing: a row identical to a record of the commune is reported as already present. A row with
the name and birthday of a child of the commune but other data is imported and flagged as a
possible duplicate, never merged. Rows are written in bulk in one transaction with one audit
event that carries counts only, no personal data.

The templates carry a hidden sheet naming their kind, and their header is checked cell by cell,
so that another layout is refused with a clear message. Uploaded files first pass the hostile-file
checks of ``documents.workbooks.open_workbook``, the one reader of uploaded workbooks.
"""

import gc
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache, partial
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from vitreem.accounts.access import Action, require
from vitreem.accounts.models import User
from vitreem.core import bounds
from vitreem.core.audit import audit_record
from vitreem.core.text import fold, nfc
from vitreem.documents.cells import put
from vitreem.documents.workbooks import META_SHEET, Cell, WorkbookRefusedError, open_workbook
from vitreem.units.models import AdministrativeUnit, Agency, in_force_on

from . import catalogue
from .models import (
    Child,
    Circumstance,
    DisabilityLevel,
    FundingSource,
    Occasion,
    PossibleDuplicate,
    Relation,
    Sex,
    SupportKind,
    SupportRecord,
    SurgeryKind,
    new_public_id,
    new_public_ids,
)
from .services import (
    DUPLICATE_REASON,
    LAW_2016_IN_FORCE,
    ChildData,
    SupportData,
    _check_commune,
    last_day_as_child,
    support_check,
)

CHILDREN = "children"
SUPPORT = "support"
KINDS = (CHILDREN, SUPPORT)
TEMPLATE_VERSION = "1"
TITLE_ROW, UNIT_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3, 4
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 50_000
BATCH = 2_000
LISTS_SHEET = "Danh mục"
AGED_OUT = "Đủ 16 tuổi"  # stored in Vietnamese whatever the page's language


@dataclass(frozen=True)
class Column:
    key: str
    name: str  # as errors name it
    header: str  # as the template prints it (the name, with the expected form)
    width: int = 16
    text: bool = False  # formatted as text so that Excel keeps leading zeros and dd/mm/yyyy
    required: bool = False


CHILD_COLUMNS: tuple[Column, ...] = (
    Column("number", "STT", "STT", 6),
    Column("full_name", "Họ và tên", "Họ và tên", 26, required=True),
    Column("date_of_birth", "Ngày sinh", "Ngày sinh (dd/mm/yyyy)", 14, text=True, required=True),
    Column("sex", "Giới tính", "Giới tính (Nam/Nữ)", 10, required=True),
    Column("ethnicity", "Dân tộc", "Dân tộc (tên hoặc mã)", 14),
    Column("personal_id", "Số định danh cá nhân", "Số định danh cá nhân", 16, text=True),
    Column("address", "Địa chỉ", "Địa chỉ", 30),
    Column("representative_name", "Người đại diện", "Người đại diện", 24),
    Column("representative_relation", "Quan hệ", "Quan hệ", 14),
    Column("representative_phone", "Điện thoại", "Điện thoại", 13, text=True),
    Column("disability_level", "Mức độ khuyết tật", "Mức độ khuyết tật", 16),
    Column("insurance_number", "Số thẻ BHYT", "Số thẻ BHYT", 18, text=True),
    Column("insurance_valid_to", "Hạn thẻ BHYT", "Hạn thẻ BHYT (dd/mm/yyyy)", 14, text=True),
    Column("groups", "Nhóm hoàn cảnh", "Nhóm hoàn cảnh (điểm a–o, vd: a, đ)", 16),
    Column("started_on", "Từ ngày", "Từ ngày (dd/mm/yyyy)", 14, text=True),
)

SUPPORT_COLUMNS: tuple[Column, ...] = (
    Column("number", "STT", "STT", 6),
    Column("personal_id", "Số định danh cá nhân", "Số định danh cá nhân", 16, text=True),
    Column("full_name", "Họ và tên", "Họ và tên", 26),
    Column("date_of_birth", "Ngày sinh", "Ngày sinh (dd/mm/yyyy)", 14, text=True),
    Column("kind", "Hình thức hỗ trợ", "Hình thức hỗ trợ", 20, required=True),
    Column("surgery_kind", "Loại phẫu thuật", "Loại phẫu thuật", 16),
    Column("given_on", "Ngày hỗ trợ", "Ngày hỗ trợ (dd/mm/yyyy)", 14, text=True, required=True),
    Column("value", "Giá trị", "Giá trị (đồng)", 14, required=True),
    Column("source", "Nguồn kinh phí", "Nguồn kinh phí (Ngân sách/Vận động)", 18, required=True),
    Column("occasion", "Dịp", "Dịp", 22, required=True),
    Column("description", "Nội dung", "Nội dung", 30),
    Column("giver_agency", "Cơ quan hỗ trợ", "Cơ quan hỗ trợ (không bắt buộc)", 26),
)

COLUMNS = {CHILDREN: CHILD_COLUMNS, SUPPORT: SUPPORT_COLUMNS}
SHEETS = {CHILDREN: "Trẻ em", SUPPORT: "Hỗ trợ"}
TITLES = {
    CHILDREN: "DANH SÁCH TRẺ EM NHẬP VÀO SỔ THEO DÕI",
    SUPPORT: "DANH SÁCH HỖ TRỢ TRẺ EM NHẬP VÀO SỔ THEO DÕI",
}
NOTES = {
    CHILDREN: (
        "Mỗi dòng một trẻ em dưới 16 tuổi cư trú tại xã, phường. Ngày ghi dd/mm/yyyy. Các cột có "
        "dấu * là bắt buộc. Nhóm hoàn cảnh đặc biệt theo Điều 10 Luật Trẻ em 2016, ghi các điểm "
        "cách nhau bằng dấu phẩy (vd: a, đ), kèm ngày bắt đầu. Danh mục ở trang “Danh mục”."
    ),
    SUPPORT: (
        "Mỗi dòng một lần hỗ trợ một trẻ em đã có trong sổ của xã, phường: ghi số định danh cá "
        "nhân, hoặc họ tên và ngày sinh. Giá trị ghi bằng đồng. Hỗ trợ từ Quỹ Bảo trợ trẻ em "
        "được ghi từ trang của quỹ, không nhập ở đây."
    ),
}

# Choices as officers write them (folded) → stored value.
SEX_WORDS = {"nam": Sex.MALE, "nu": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
RELATION_WORDS = {
    "cha": Relation.FATHER,
    "bo": Relation.FATHER,
    "me": Relation.MOTHER,
    "ong, ba": Relation.GRANDPARENT,
    "ong ba": Relation.GRANDPARENT,
    "ong": Relation.GRANDPARENT,
    "ba": Relation.GRANDPARENT,
    "anh, chi": Relation.SIBLING,
    "anh chi": Relation.SIBLING,
    "anh": Relation.SIBLING,
    "chi": Relation.SIBLING,
    "nguoi than thich khac": Relation.RELATIVE,
    "than thich": Relation.RELATIVE,
    "nguoi than": Relation.RELATIVE,
    "nguoi giam ho": Relation.GUARDIAN,
    "giam ho": Relation.GUARDIAN,
    "khac": Relation.OTHER,
}
DISABILITY_WORDS = {
    "dac biet nang": DisabilityLevel.EXTREMELY_SEVERE,
    "khuyet tat dac biet nang": DisabilityLevel.EXTREMELY_SEVERE,
    "nang": DisabilityLevel.SEVERE,
    "khuyet tat nang": DisabilityLevel.SEVERE,
    "nhe": DisabilityLevel.MILD,
    "khuyet tat nhe": DisabilityLevel.MILD,
}
SOURCE_WORDS = {
    "ngan sach": FundingSource.STATE,
    "ngan sach nha nuoc": FundingSource.STATE,
    "nsnn": FundingSource.STATE,
    "van dong": FundingSource.MOBILISED,
    "xa hoi hoa": FundingSource.MOBILISED,
}
FUND_WORDS = {"quy", "quy bao tro tre em", "quy btte"}
OCCASION_WORDS = {
    "thang hanh dong": Occasion.ACTION_MONTH,
    "1/6": Occasion.CHILDRENS_DAY,
    "01/6": Occasion.CHILDRENS_DAY,
    "01/06": Occasion.CHILDRENS_DAY,
    "quoc te thieu nhi": Occasion.CHILDRENS_DAY,
    "trung thu": Occasion.MID_AUTUMN,
    "tet": Occasion.LUNAR_NEW_YEAR,
    "khac": Occasion.OTHER,
}
KIND_WORDS = {
    "kham chua benh": SupportKind.MEDICAL,
    "kham benh": SupportKind.MEDICAL,
    "the bhyt": SupportKind.INSURANCE_CARD,
    "bhyt": SupportKind.INSURANCE_CARD,
    "qua": SupportKind.GIFT,
}


def _words(choices: Iterable[tuple[str, Any]], extra: Mapping[str, str]) -> dict[str, str]:
    found = {fold(str(label)): str(value) for value, label in choices}
    found.update({fold(value): str(value) for value, _label in choices})
    found.update(extra)
    return found


@lru_cache(maxsize=8192)
def _fold(value: str) -> str:
    return fold(value).rstrip(".")


@lru_cache(maxsize=1)
def _choices() -> dict[str, dict[str, str]]:
    ethnicities = {code: code for code in catalogue.ethnicities()}
    ethnicities.update({fold(name): code for code, name in catalogue.ethnicities().items()})
    ethnicities.update({str(int(code)): code for code in catalogue.ethnicities()})
    return {
        "sex": _words(Sex.choices, SEX_WORDS),
        "ethnicity": ethnicities,
        "representative_relation": _words(Relation.choices, RELATION_WORDS),
        "disability_level": _words(DisabilityLevel.choices, DISABILITY_WORDS),
        "kind": _words(SupportKind.choices, KIND_WORDS),
        "surgery_kind": _words(SurgeryKind.choices, {}),
        "source": _words(
            [c for c in FundingSource.choices if c[0] != FundingSource.FUND], SOURCE_WORDS
        ),
        "occasion": _words(Occasion.choices, OCCASION_WORDS),
    }


def _labels(key: str) -> list[str]:
    """The choices of a column as the template lists them."""
    lists: dict[str, list[Any]] = {
        "sex": [Sex.MALE.label, Sex.FEMALE.label],
        "ethnicity": list(catalogue.ethnicities().values()),
        "representative_relation": [label for _v, label in Relation.choices],
        "disability_level": ["Đặc biệt nặng", "Nặng", "Nhẹ"],
        "kind": [label for _v, label in SupportKind.choices],
        "surgery_kind": [label for _v, label in SurgeryKind.choices],
        "source": ["Ngân sách", "Vận động"],
        "occasion": [label for _v, label in Occasion.choices],
        "groups": [g.title for g in catalogue.groups_of(catalogue.LAW_2016)],
    }
    return [str(v) for v in lists[key]]


# --- the templates ----------------------------------------------------------------------------

FONT = "Times New Roman"
_BOX = Border(*(Side(style="thin", color="000000"),) * 4)
_HEAD = PatternFill("solid", fgColor="EEF2F7")


def template_workbook(kind: str, unit: AdministrativeUnit) -> bytes:
    """The empty template of a kind for a commune: the data sheet with its header, a sheet of
    the lists the columns accept (with drop-down lists), and the hidden sheet naming it."""
    columns = COLUMNS[kind]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEETS[kind]
    width = len(columns)
    for row, text, size, bold in (
        (TITLE_ROW, TITLES[kind], 13, True),
        (UNIT_ROW, f"{unit.name} ({unit.code})", 12, False),
        (NOTE_ROW, NOTES[kind], 11, False),
    ):
        cell = put(sheet, row, 1, text)
        cell.font = Font(name=FONT, bold=bold, size=size, italic=row == NOTE_ROW)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.row_dimensions[NOTE_ROW].height = 48
    lists = book.create_sheet(LISTS_SHEET)
    list_columns: dict[str, str] = {}
    keys = [c.key for c in columns if c.key in _LIST_KEYS]
    for index, key in enumerate(keys, start=1):
        letter = get_column_letter(index)
        put(lists, 1, index, _LIST_KEYS[key]).font = Font(name=FONT, bold=True)
        labels = _labels(key)
        for offset, label in enumerate(labels, start=2):
            put(lists, offset, index, label)
        lists.column_dimensions[letter].width = 40 if key == "groups" else 24
        list_columns[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(labels) + 1}"
    if kind == SUPPORT:
        agencies = [a.name for a in _agencies_of(unit)]
        index = len(keys) + 1
        put(lists, 1, index, "Cơ quan hỗ trợ").font = Font(name=FONT, bold=True)
        for offset, name in enumerate(agencies, start=2):
            put(lists, offset, index, name)
        lists.column_dimensions[get_column_letter(index)].width = 40
    last = FIRST_ROW + 2000
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = put(sheet, HEADER_ROW, index, column.header)
        cell.font = Font(name=FONT, bold=True, size=11)
        cell.fill = _HEAD
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = column.width
        if column.text:  # the column's style: what is typed in stays text
            sheet.column_dimensions[letter].number_format = "@"
        if column.key in list_columns and column.key not in ("ethnicity", "groups"):
            check = DataValidation(type="list", formula1=list_columns[column.key])
            check.error = _("Hãy chọn trong danh sách.")
            check.showErrorMessage = False  # a hint only: the import checks and names errors
            sheet.add_data_validation(check)
            check.add(f"{letter}{FIRST_ROW}:{letter}{last}")
    sheet.row_dimensions[HEADER_ROW].height = 45
    sheet.freeze_panes = f"C{FIRST_ROW}"
    meta = book.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(
        (("kind", f"registry-{kind}"), ("unit", unit.code), ("version", TEMPLATE_VERSION)),
        start=1,
    ):
        put(meta, row, 1, key)
        put(meta, row, 2, value)
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_LIST_KEYS = {
    "sex": "Giới tính",
    "ethnicity": "Dân tộc",
    "representative_relation": "Quan hệ",
    "disability_level": "Mức độ khuyết tật",
    "groups": "Nhóm hoàn cảnh (Luật Trẻ em 2016, Điều 10)",
    "kind": "Hình thức hỗ trợ",
    "surgery_kind": "Loại phẫu thuật",
    "source": "Nguồn kinh phí",
    "occasion": "Dịp",
}


# --- reading an uploaded file ------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Dòng %(row)s, cột “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class Flagged:
    row: int
    public_id: str
    others: int


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    present: int = 0
    circumstances: int = 0
    flagged: list[Flagged] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="refused")


def read_rows(kind: str, unit: AdministrativeUnit, data: bytes) -> list[tuple[int, list[Any]]]:
    """The filled rows of an uploaded template as (row number, cell values), after the
    hostile-file checks, the kind and unit of the hidden sheet and the header, cell by cell.

    A formula cell gives the result Excel saved (a row number written as =ROW()-4, say)."""
    columns = COLUMNS[kind]
    width = len(columns)
    try:
        book = open_workbook(data)
        if META_SHEET in book.sheetnames and book.is_hidden(META_SHEET):
            meta = {
                _text(_value(row.get(1))).strip(): _text(_value(row.get(2))).strip()
                for row in book.rows(META_SHEET, max_row=20, max_col=2).values()
            }
            _check_meta(kind, unit, meta)
        if SHEETS[kind] not in book.sheetnames:
            raise _refuse(
                _("Thiếu trang “%(sheet)s”: tệp không đúng mẫu nhập “%(sheet)s”.")
                % {"sheet": SHEETS[kind]}
            )
        sheet = book.rows(SHEETS[kind], max_row=FIRST_ROW + MAX_ROWS, max_col=width)
    except WorkbookRefusedError as error:
        raise _refuse(str(error)) from error
    header = sheet.get(HEADER_ROW, {})
    for index, column in enumerate(columns, start=1):
        found = _value(header.get(index))
        if nfc(_text(found)) != column.header:
            raise _refuse(
                _(
                    "Trang “%(sheet)s”, ô %(cell)s: tiêu đề “%(found)s” không đúng mẫu (cần "
                    "“%(header)s”). Hãy tải mẫu mới và chép dữ liệu vào."
                )
                % {
                    "sheet": SHEETS[kind],
                    "cell": f"{get_column_letter(index)}{HEADER_ROW}",
                    "found": _text(found),
                    "header": column.header,
                }
            )
    rows = []
    indexes = range(1, width + 1)
    for number in sorted(n for n in sheet if n >= FIRST_ROW):
        # As ``_value`` takes each cell, written out: one call fewer per cell.
        values = [
            ""
            if cell is None
            else ("" if (v := cell.cached if cell.formula else cell.value) is None else v)
            for cell in map(sheet[number].get, indexes)
        ]
        # A row that holds nothing but its order number is blank.
        if all(v == "" for v in values[1:]):
            continue
        rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise _refuse(_("Tệp có quá nhiều dòng (tối đa %(n)s).") % {"n": f"{MAX_ROWS:,}"})
    return rows


def _value(cell: Cell | None) -> Any:
    """A cell as the checks take it: "" when blank, a formula's saved result."""
    if cell is None:
        return ""
    value = cell.cached if cell.formula else cell.value
    return "" if value is None else value


def _check_meta(kind: str, unit: AdministrativeUnit, meta: dict[str, str]) -> None:
    expected = f"registry-{kind}"
    if meta.get("kind") != expected:
        other = next((k for k in KINDS if meta.get("kind") == f"registry-{k}"), None)
        raise _refuse(
            _("Tệp là mẫu “%(other)s”, không phải mẫu “%(kind)s”.")
            % {"other": SHEETS[other], "kind": SHEETS[kind]}
            if other
            else _("Tệp không phải mẫu nhập “%(kind)s” tải từ hệ thống.") % {"kind": SHEETS[kind]}
        )
    code = meta.get("unit", "")
    if code and code != unit.code:
        raise _refuse(
            _(
                "Tệp là mẫu của đơn vị mã %(code)s, không phải của %(unit)s; hãy tải "
                "mẫu của %(unit)s."
            )
            % {"code": code, "unit": unit.name}
        )


_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_MONEY = re.compile(r"^-?\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$|^-?\d+$")


class CellError(ValueError):
    pass


def _text(value: Any) -> str:
    if type(value) is str:  # most cells: the fast path
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        found = _date_text(value.strip())
        if isinstance(found, date):
            return found
        if found == "impossible":
            raise CellError(_("“%(text)s” không phải một ngày có thật.") % {"text": value.strip()})
    elif isinstance(value, datetime):
        return value.date()
    elif isinstance(value, date):
        return value
    raise CellError(
        _("“%(text)s” không phải ngày dạng dd/mm/yyyy.") % {"text": _text(value).strip()}
    )


def _day(value: Any) -> date | None:
    """A date of something recorded: within the domain's range (a birth date is not: the
    registry's under-16 rule bounds it)."""
    found = _date(value)
    if found is not None and (problem := bounds.day_problem(found)):
        raise CellError(problem)
    return found


def _later_day(value: Any) -> date | None:
    """A date that may lie years ahead (an insurance card's end)."""
    found = _date(value)
    if found is not None and (problem := bounds.day_problem(found, later=True)):
        raise CellError(problem)
    return found


@lru_cache(maxsize=32768)
def _date_text(text: str) -> date | str:
    """A date written dd/mm/yyyy (or yyyy-mm-dd), "impossible" (31/02), or "unreadable"."""
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return "unreadable"
    if year < 1900:
        return "unreadable"
    try:
        return date(year, month, day)
    except ValueError:
        return "impossible"


def _digits(value: Any, length: int) -> str:
    """An identifier typed as a number loses its leading zeros in Excel: they are put back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**length:
        return f"{value:0{length}d}"
    return _text(value)


def _phone(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"0{value}"
    return _text(value)


_CHOSEN: dict[str, dict[str, str]] = defaultdict(dict)  # cell text → code, per column


def _choice(key: str, value: Any) -> str:
    chosen = _CHOSEN[key]
    cacheable = type(value) is str
    if cacheable and value in chosen:
        return chosen[value]
    text = _text(value).strip()
    if not text:
        return ""
    found = _choices()[key].get(_fold(text))
    if found is not None and cacheable and len(chosen) < 10_000:
        chosen[value] = found
    if found is None:
        listed = _labels(key)
        shown = ", ".join(listed[:8]) + (", …" if len(listed) > 8 else "")
        raise CellError(
            _("“%(text)s” không có trong danh mục (%(choices)s).")
            % {"text": text, "choices": shown}
        )
    return found


def _money(value: Any) -> int:
    amount = _whole_dong(value)
    if problem := bounds.money_problem(abs(amount)):  # the sign: support_check
        raise CellError(problem)
    return amount


def _whole_dong(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("Giá trị phải là số đồng nguyên."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("Giá trị phải là số đồng nguyên."))
    text = _text(value).strip()
    for unit in ("đồng", "đ", "vnđ", "vnd"):
        if text.lower().endswith(unit):
            text = text[: -len(unit)].strip()
            break
    if not text or not _MONEY.match(text):
        raise CellError(
            _("“%(text)s” không phải số đồng nguyên (vd: 500000 hoặc 500.000).")
            % {"text": _text(value).strip()}
        )
    return int(re.sub(r"[.,\s]", "", text))


@lru_cache(maxsize=1)
def _group_tokens() -> dict[str, tuple[str, str]]:
    """What an officer may write in the groups column → (group, subgroup)."""
    found: dict[str, tuple[str, str]] = {}
    for group in catalogue.groups_of(catalogue.LAW_2016):
        found[group.code] = (group.code, "")
        found[group.point] = (group.code, "")
        for code, _label in group.subgroups:
            found[code] = (group.code, code)
            found[code.replace("dd", "đ")] = (group.code, code)
    return found


def _groups(value: Any) -> list[tuple[str, str]]:
    text = nfc(_text(value)).lower()
    if not text:
        return []
    found: list[tuple[str, str]] = []
    for token in re.split(r"[,;\s]+", text):
        token = token.strip().strip(").")
        if not token:
            continue
        group = _group_tokens().get(token)
        if group is None:
            raise CellError(
                _(
                    "Nhóm “%(token)s” không có trong 14 nhóm của Luật Trẻ em 2016 (các điểm a, "
                    "b, c, d, đ, e, g, h, i, k, l, m, n, o)."
                )
                % {"token": token}
            )
        if group[0] not in {g for g, _s in found}:
            found.append(group)
    return found


# --- children ------------------------------------------------------------------------------

_CHILD_NAMES = {c.key: c.name for c in CHILD_COLUMNS}
_SUPPORT_NAMES = {c.key: c.name for c in SUPPORT_COLUMNS}
_CHILD_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "personal_id",
    "address",
    "representative_name",
    "representative_relation",
    "representative_phone",
    "disability_level",
    "insurance_number",
    "insurance_valid_to",
)
_LENGTHS: dict[str, int] = {
    name: length
    for name in _CHILD_FIELDS
    if (length := getattr(Child._meta.get_field(name), "max_length", None))
}
_PLACEHOLDER_BIRTH = date(2020, 1, 1)


@dataclass
class _ChildRow:
    number: int
    data: ChildData
    folded: str
    groups: list[tuple[str, str]]
    started_on: date | None
    existing: int | None = None  # the identical record already in the registry
    twins: list[int] = field(default_factory=list)  # existing records flagged against it
    file_twins: list[int] = field(default_factory=list)  # earlier rows of the file (indexes)


def _values_of(data: ChildData) -> tuple[Any, ...]:
    return tuple(getattr(data, name) or None for name in _CHILD_FIELDS)


class _Values:
    """A row's values as compared with records, computed on first use (most rows are new and
    compared with nothing)."""

    __slots__ = ("data", "values")

    def __init__(self, data: ChildData) -> None:
        self.data = data
        self.values: tuple[Any, ...] | None = None

    def of(self) -> tuple[Any, ...]:
        if self.values is None:
            self.values = _values_of(self.data)
        return self.values


_CHILD_KEYS = tuple(c.key for c in CHILD_COLUMNS)
_CHILD_PARSERS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("date_of_birth", _date),
    ("insurance_valid_to", _later_day),
    ("started_on", _day),
    ("sex", partial(_choice, "sex")),
    ("ethnicity", partial(_choice, "ethnicity")),
    ("representative_relation", partial(_choice, "representative_relation")),
    ("disability_level", partial(_choice, "disability_level")),
    ("groups", _groups),
)


def _child_row(
    number: int, values: list[Any], today: date, errors: list[RowError]
) -> _ChildRow | None:
    cells = dict(zip(_CHILD_KEYS, values, strict=True))
    bad: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for key, parse in _CHILD_PARSERS:
        try:
            parsed[key] = parse(cells[key])
        except CellError as error:
            bad[key] = str(error)
    if "date_of_birth" not in bad and parsed["date_of_birth"] is None:
        bad["date_of_birth"] = _("Hãy ghi ngày sinh (dd/mm/yyyy).")
    if "sex" not in bad and not parsed["sex"]:
        bad["sex"] = _("Hãy ghi giới tính (Nam hoặc Nữ).")
    data = ChildData(
        full_name=_text(cells["full_name"]),
        date_of_birth=parsed.get("date_of_birth") or _PLACEHOLDER_BIRTH,
        sex=parsed.get("sex") or Sex.MALE,
        ethnicity=parsed.get("ethnicity", ""),
        personal_id=_digits(cells["personal_id"], 12),
        address=_text(cells["address"]),
        representative_name=_text(cells["representative_name"]),
        representative_relation=parsed.get("representative_relation", ""),
        representative_phone=_phone(cells["representative_phone"]),
        disability_level=parsed.get("disability_level", ""),
        insurance_number=_text(cells["insurance_number"]),
        insurance_valid_to=parsed.get("insurance_valid_to"),
    )
    try:
        data = data.cleaned(today)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name not in bad and not (
                "date_of_birth" in bad and name in ("date_of_birth", "insurance_valid_to")
            ):
                bad[name] = " ".join(messages)
    fields = data.__dict__
    for name, limit in _LENGTHS.items():
        value = fields[name]
        if isinstance(value, str) and len(value) > limit and name not in bad:
            bad[name] = _("Dài quá %(n)s ký tự.") % {"n": limit}
    groups: list[tuple[str, str]] = parsed.get("groups") or []
    started_on: date | None = parsed.get("started_on")
    if groups and "started_on" not in bad:
        born = data.date_of_birth
        if started_on is None:
            bad["started_on"] = _("Hãy ghi ngày trẻ em bắt đầu thuộc nhóm hoàn cảnh.")
        elif started_on < LAW_2016_IN_FORCE:
            bad["started_on"] = _(
                "Luật Trẻ em 2016 có hiệu lực từ 01/06/2017; hồ sơ trước đó theo Luật 2004."
            )
        elif started_on > today:
            bad["started_on"] = _("Ngày bắt đầu ở trong tương lai.")
        elif "date_of_birth" not in bad and started_on < born:
            bad["started_on"] = _("Ngày bắt đầu không được trước ngày sinh.")
        elif "date_of_birth" not in bad and started_on > last_day_as_child(born):
            bad["started_on"] = _("Ngày bắt đầu sau khi trẻ đã đủ 16 tuổi.")
    elif started_on is not None and not groups and "groups" not in bad:
        bad["groups"] = _("Có ngày bắt đầu nhưng chưa ghi nhóm hoàn cảnh.")
    if bad:
        errors.extend(RowError(number, _CHILD_NAMES[k], m) for k, m in bad.items())
        return None
    return _ChildRow(number, data, fold(data.full_name), groups, started_on)


def _error_order(columns: Sequence[Column]) -> Callable[[RowError], tuple[int, int]]:
    order = {c.name: index for index, c in enumerate(columns)}
    return lambda error: (error.row, order.get(error.column, -1))


def _province(unit: AdministrativeUnit) -> int:
    if unit.province_id is None:  # a commune always has its province
        raise ValidationError(_("Đơn vị không thuộc tỉnh, thành phố nào."))
    return unit.province_id


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Matcher:
    """Each row against the commune's records and the rows of the file before it: identical to a
    record (already present), a personal id used elsewhere or twice (an error), the same name and
    birthday as records or earlier rows (flagged), or new."""

    def __init__(self, unit: AdministrativeUnit, pids: list[str]) -> None:
        # The commune's records, read whole (a commune has thousands of children at most); the
        # personal ids of the file that are not among them, looked up over the nation.
        self.unit = unit
        self.by_pid: dict[str, dict[str, Any]] = {}
        self.by_name: dict[tuple[str, date], list[dict[str, Any]]] = defaultdict(list)
        for found in Child.objects.filter(unit=unit).values(
            "id", "unit_id", "name_folded", *_CHILD_FIELDS
        ):
            self.by_name[(found["name_folded"], found["date_of_birth"])].append(found)
            if found["personal_id"]:
                self.by_pid[found["personal_id"]] = found
        for pid in _used_personal_ids(sorted(set(pids) - set(self.by_pid) - {""})):
            self.by_pid[pid] = {"unit_id": None, "personal_id": pid}
        self.spells: dict[int, set[tuple[str, date]]] = defaultdict(set)
        for child_id, group, started in (
            Circumstance.objects.filter(unit=unit)
            .values_list("child_id", "group", "started_on")
            .order_by()
        ):
            self.spells[child_id].add((group, started))
        self.seen_pid: dict[str, int] = {}
        self.seen_name: dict[tuple[str, date], list[int]] = defaultdict(list)

    def match(self, rows: list[_ChildRow], index: int, errors: list[RowError]) -> bool:
        """Whether rows[index] is new; sets its record if present, its twins if flagged."""
        row = rows[index]
        values = _Values(row.data)  # made only when a record or an earlier row is compared
        pid = row.data.personal_id
        key = (row.folded, row.data.date_of_birth)
        same: dict[str, Any] | None = None
        pid_name = _CHILD_NAMES["personal_id"]
        if pid:
            if pid in self.seen_pid:
                errors.append(
                    RowError(
                        row.number,
                        pid_name,
                        _("Số định danh cá nhân trùng với dòng %(row)s.")
                        % {"row": rows[self.seen_pid[pid]].number},
                    )
                )
                return False
            self.seen_pid[pid] = index
            found = self.by_pid.get(pid)
            if found is not None:
                if (
                    found["unit_id"] != self.unit.pk
                    or (found["name_folded"], found["date_of_birth"]) != key
                ):
                    errors.append(
                        RowError(
                            row.number,
                            pid_name,
                            _("Số định danh cá nhân này đã có trong một hồ sơ khác."),
                        )
                    )
                    return False
                if _values_of_record(found) != values.of():
                    errors.append(
                        RowError(
                            row.number,
                            pid_name,
                            _(
                                "Trẻ em có số định danh này đã có trong sổ với thông tin khác; "
                                "việc nhập không sửa hồ sơ: hãy sửa trên trang hồ sơ của trẻ."
                            ),
                        )
                    )
                    return False
                same = found
        else:
            same = next(
                (c for c in self.by_name.get(key, []) if _values_of_record(c) == values.of()), None
            )
        if same is not None:
            missing = {(g, row.started_on) for g, _s in row.groups} - self.spells[same["id"]]
            if missing:
                errors.append(
                    RowError(
                        row.number,
                        _CHILD_NAMES["groups"],
                        _(
                            "Trẻ em này đã có trong sổ; nhóm hoàn cảnh mới hãy thêm trên trang "
                            "hồ sơ của trẻ."
                        ),
                    )
                )
                return False
            row.existing = same["id"]
            return False
        earlier = self.seen_name[key]
        for other in earlier:
            if _values_of(rows[other].data) == values.of() and rows[other].groups == row.groups:
                errors.append(
                    RowError(
                        row.number,
                        "",
                        _("Dòng lặp lại dòng %(row)s.") % {"row": rows[other].number},
                    )
                )
                return False
        row.twins = [c["id"] for c in self.by_name.get(key, [])]
        row.file_twins = list(earlier)
        earlier.append(index)
        return True


def _used_personal_ids(pids: list[str]) -> list[str]:
    """Which of the personal ids are already in the registry. On PostgreSQL one array parameter
    carries them all (thousands of ``IN`` placeholders cost more to send than the query)."""
    if not pids:
        return []
    chunks: Iterable[Any] = (
        [RawSQL("SELECT unnest(%s::varchar[])", (pids,))]
        if connection.vendor == "postgresql"
        else _chunks(pids)
    )
    return [
        pid
        for chunk in chunks
        for pid in Child.objects.filter(personal_id__in=chunk).values_list("personal_id", flat=True)
        if pid
    ]


def _values_of_record(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record[name] or None for name in _CHILD_FIELDS)


_FIXED = ("created_at", "updated_at", "unit_id", "province_id", "registered_on", "registered_by_id")
_INSERTED = (*_FIXED, "public_id", "name_folded", *_CHILD_FIELDS)
_COPY_BATCH = 500  # rows sent at once, while the next ones are checked
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return _COPY_SPECIAL.sub(lambda m: _COPY_ESCAPES[m.group()], value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    return str(value)


def _insert_children(
    rows: Iterable[_ChildRow], *, unit: AdministrativeUnit, province: int, actor: User, today: date
) -> list[str]:
    """Write the new children in bulk as the rows come; their public ids in the rows' order.

    On PostgreSQL the rows are sent with COPY, in batches while the later rows are still
    checked, so that the server stores them meanwhile (``bulk_create`` spends most of an import
    preparing each field of each object in Python); the ids are the table's own. Elsewhere,
    ``bulk_create``.
    """
    now = timezone.now()
    fixed = (now, now, unit.pk, province, today, actor.pk)
    public_ids: list[str] = []
    try:
        if connection.vendor != "postgresql":
            children = []
            for row in rows:
                public_ids.append(new_public_id())
                values = (*fixed, public_ids[-1], row.folded, *_child_values(row.data))
                child = Child(**dict(zip(_INSERTED, values, strict=True)))
                child.personal_id = child.personal_id or None
                children.append(child)
            Child.objects.bulk_create(children, batch_size=BATCH)
            return public_ids
        prefix = "\t".join(_copy_text(v) for v in fixed) + "\t"
        table = Child._meta.db_table
        columns = ", ".join(connection.ops.quote_name(c) for c in _INSERTED)
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            lines: list[str] = []
            fresh: list[str] = []
            for row in rows:
                if not fresh:
                    fresh = new_public_ids(_COPY_BATCH)
                public_id = fresh.pop()
                public_ids.append(public_id)
                lines.append(prefix + _copy_line(public_id, row))
                if len(lines) == _COPY_BATCH:
                    copy.write("".join(lines))
                    lines = []
            copy.write("".join(lines))
        return public_ids
    except IntegrityError as error:  # a personal id taken meanwhile by another entry
        raise ValidationError(
            _("Số định danh cá nhân của một dòng vừa được dùng trong hồ sơ khác; hãy nhập lại.")
        ) from error


def _copy_line(public_id: str, row: _ChildRow) -> str:
    """A new child's own fields in COPY's text format, after the fixed ones."""
    d = row.data
    personal_id = d.personal_id or "\\N"
    valid_to = d.insurance_valid_to.isoformat() if d.insurance_valid_to else "\\N"
    line = "\t".join(
        (
            public_id,
            row.folded,
            d.full_name,
            d.date_of_birth.isoformat(),
            d.sex,
            d.ethnicity,
            personal_id,
            d.address,
            d.representative_name,
            d.representative_relation,
            d.representative_phone,
            d.disability_level,
            d.insurance_number,
            valid_to,
        )
    )
    nulls = (personal_id == "\\N") + (valid_to == "\\N")
    if line.count("\\") != nulls or line.count("\t") != 13 or "\n" in line or "\r" in line:
        # A backslash or a control character in a text (the checks leave none): each escaped.
        line = (
            "\t".join(
                _copy_text(v)
                for v in (public_id, row.folded, *_child_values(d)[:4], d.personal_id or None)
            )
            + "\t"
            + "\t".join(_copy_text(v) for v in _child_values(d)[5:])
        )
    return line + "\n"


_CIRCUMSTANCE_COLUMNS = (
    "created_at",
    "updated_at",
    "unit_id",
    "province_id",
    "recorded_by_id",
    "legal_basis",
    "end_reason",
    "child_id",
    "group",
    "subgroup",
    "started_on",
    "ended_on",
)


def _insert_circumstances(
    spells: list[tuple[int, str, str, date, date]],
    *,
    unit: AdministrativeUnit,
    province: int,
    actor: User,
) -> None:
    """The groups of the new children, each to the day before the child turns 16: COPY on
    PostgreSQL, ``bulk_create`` elsewhere."""
    if not spells:
        return
    now = timezone.now()
    fixed = (now, now, unit.pk, province, actor.pk, catalogue.LAW_2016, AGED_OUT)
    if connection.vendor != "postgresql":
        Circumstance.objects.bulk_create(
            [
                Circumstance(**dict(zip(_CIRCUMSTANCE_COLUMNS, (*fixed, *spell), strict=True)))
                for spell in spells
            ],
            batch_size=BATCH,
        )
        return
    prefix = "\t".join(_copy_text(v) for v in fixed) + "\t"
    table = Circumstance._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in _CIRCUMSTANCE_COLUMNS)
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write(
            "".join(prefix + "\t".join(_copy_text(v) for v in spell) + "\n" for spell in spells)
        )


def _child_values(data: ChildData) -> tuple[Any, ...]:
    return tuple(getattr(data, name) for name in _CHILD_FIELDS)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A large file makes hundreds of thousands of small objects that all live until the end of
    the import: the cyclic garbage collector would walk them again and again for nothing (a
    third of the time of a 10,000-row import). Paused for the import, restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def children_import(
    *, actor: User, unit: AdministrativeUnit, data: bytes, today: date | None = None
) -> ImportResult:
    """Import a filled children template into the commune's registry, all or nothing."""
    with _collector_paused():
        return _children_import(actor=actor, unit=unit, data=data, today=today)


def _children_import(
    *, actor: User, unit: AdministrativeUnit, data: bytes, today: date | None = None
) -> ImportResult:
    require(actor, Action.ENTER, unit)
    today = today or timezone.localdate()
    _check_commune(unit, today)
    province = _province(unit)
    raw = read_rows(CHILDREN, unit, data)
    result = ImportResult(CHILDREN, rows=len(raw))
    column = _CHILD_KEYS.index("personal_id")
    pids = [_digits(values[column], 12).replace(" ", "") for _n, values in raw]
    with transaction.atomic():
        AdministrativeUnit.objects.select_for_update().filter(pk=unit.pk).first()  # one at a time
        matcher = _Matcher(unit, pids)
        rows: list[_ChildRow] = []
        new: list[_ChildRow] = []
        checked = _checked(raw, today, matcher, result.errors, rows, new)
        try:
            with transaction.atomic():  # a savepoint: a file with an error leaves nothing
                public_ids = _insert_children(
                    checked, unit=unit, province=province, actor=actor, today=today
                )
                if result.errors:
                    raise _RowsRefusedError
                _insert_related(
                    new, rows, public_ids, result, unit=unit, province=province, actor=actor
                )
        except _RowsRefusedError:
            result.errors.sort(key=_error_order(CHILD_COLUMNS))
            return result
        result.present = len(rows) - len(new)
        if not new:
            return result
        result.created = len(new)
        audit_record(
            actor=actor,
            action="children.import",
            target=unit,
            unit=unit,
            data={
                "rows": result.rows,
                "created": result.created,
                "present": result.present,
                "circumstances": result.circumstances,
                "possible_duplicates": len(result.flagged),
            },
        )
    return result


class _RowsRefusedError(Exception):
    """A row of the file has an error: what was sent is rolled back."""


def _checked(
    raw: list[tuple[int, list[Any]]],
    today: date,
    matcher: "_Matcher",
    errors: list[RowError],
    rows: list[_ChildRow],
    new: list[_ChildRow],
) -> Iterator[_ChildRow]:
    """Check and match each row, in order; yield the new ones while the file has no error (so
    that they are sent to the database while later rows are checked). Every row is checked
    whatever happens, so that every error is named."""
    for number, values in raw:
        row = _child_row(number, values, today, errors)
        if row is not None:
            rows.append(row)
            if matcher.match(rows, len(rows) - 1, errors):
                new.append(row)
                if not errors:
                    yield row


def _insert_related(
    new: list[_ChildRow],
    rows: list[_ChildRow],
    public_ids: list[str],
    result: ImportResult,
    *,
    unit: AdministrativeUnit,
    province: int,
    actor: User,
) -> None:
    """The circumstances of the new children and the pairs flagged as possible duplicates."""
    public_of = {id(row): public_id for row, public_id in zip(new, public_ids, strict=True)}
    # Ids only for the children that need one (most have no group and no twin).
    wanted = {id(row) for row in new if row.groups or row.twins or row.file_twins}
    wanted |= {id(rows[i]) for row in new for i in row.file_twins}
    id_of = _child_ids([public_of[key] for key in wanted])
    circumstances = [
        (
            id_of[public_of[id(row)]],
            group,
            subgroup,
            cast(date, row.started_on),  # set whenever groups are
            last_day_as_child(row.data.date_of_birth),
        )
        for row in new
        for group, subgroup in row.groups
    ]
    _insert_circumstances(circumstances, unit=unit, province=province, actor=actor)
    pairs = []
    for row in new:
        public_id = public_of[id(row)]
        others = [*row.twins, *(id_of[public_of[id(rows[i])]] for i in row.file_twins)]
        pairs += [
            PossibleDuplicate(child_id=id_of[public_id], other_id=o, reason=DUPLICATE_REASON)
            for o in others
        ]
        if others:
            result.flagged.append(Flagged(row.number, public_id, len(others)))
    PossibleDuplicate.objects.bulk_create(pairs, batch_size=BATCH)
    result.circumstances = len(circumstances)


def _child_ids(public_ids: list[str]) -> dict[str, int]:
    if not public_ids:
        return {}
    chunks: Iterable[Any] = (
        [RawSQL("SELECT unnest(%s::varchar[])", (public_ids,))]
        if connection.vendor == "postgresql"
        else _chunks(public_ids)
    )
    return {
        public_id: child_id
        for chunk in chunks
        for public_id, child_id in Child.objects.filter(public_id__in=chunk).values_list(
            "public_id", "id"
        )
    }


# --- support records -----------------------------------------------------------------------


def _agencies_of(unit: AdministrativeUnit) -> list[Agency]:
    """Agencies that may be named as the giver: of the commune and of the units above it."""
    ids = [i for i in (unit.pk, unit.district_id, unit.province_id) if i is not None]
    return list(
        Agency.objects.filter(in_force_on(timezone.localdate()), unit_id__in=ids)
        .select_related("unit")
        .order_by("unit__level", "name")
    )


@dataclass
class _SupportRow:
    number: int
    personal_id: str
    folded: str
    born: date | None
    data: SupportData
    agency_name: str


def _support_row(number: int, values: list[Any], errors: list[RowError]) -> _SupportRow | None:
    cells = {c.key: v for c, v in zip(SUPPORT_COLUMNS, values, strict=True)}
    bad: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for key, parse in (
        ("date_of_birth", _date),
        ("given_on", _day),
        ("value", _money),
        ("kind", lambda v: _choice("kind", v)),
        ("surgery_kind", lambda v: _choice("surgery_kind", v)),
        ("occasion", lambda v: _choice("occasion", v)),
    ):
        try:
            parsed[key] = parse(cells[key])
        except CellError as error:
            bad[key] = str(error)
    source_text = _text(cells["source"]).strip()
    if _fold(source_text) in FUND_WORDS or _fold(source_text) == FundingSource.FUND:
        bad["source"] = _(
            "Hỗ trợ từ Quỹ Bảo trợ trẻ em được ghi từ trang của quỹ, kèm phiếu chi; không nhập ở "
            "đây."
        )
    else:
        try:
            parsed["source"] = _choice("source", cells["source"])
        except CellError as error:
            bad["source"] = str(error)
    for key in ("kind", "given_on", "value", "source", "occasion"):
        if key not in bad and parsed.get(key) in (None, ""):
            bad[key] = _("Bắt buộc.")
    personal_id = _digits(cells["personal_id"], 12).replace(" ", "")
    name = nfc(_text(cells["full_name"]))
    if (
        not personal_id
        and (not name or parsed.get("date_of_birth") is None)
        and "date_of_birth" not in bad
    ):
        bad["personal_id"] = _("Hãy ghi số định danh cá nhân, hoặc họ tên và ngày sinh của trẻ.")
    description = nfc(_text(cells["description"]))
    if len(description) > 255:
        bad["description"] = _("Dài quá %(n)s ký tự.") % {"n": 255}
    if bad:
        errors.extend(RowError(number, _SUPPORT_NAMES[k], m) for k, m in bad.items())
        return None
    return _SupportRow(
        number,
        personal_id,
        fold(name) if name else "",
        parsed.get("date_of_birth"),
        SupportData(
            kind=parsed["kind"],
            given_on=parsed["given_on"],
            value=parsed["value"],
            source=parsed["source"],
            occasion=parsed["occasion"],
            surgery_kind=parsed.get("surgery_kind", ""),
            description=description,
        ),
        nfc(_text(cells["giver_agency"])),
    )


def _support_key(child_id: int, data: SupportData, giver_unit: int) -> tuple[Any, ...]:
    return (
        child_id,
        data.kind,
        data.surgery_kind,
        data.given_on,
        data.value,
        data.source,
        data.occasion,
        data.description,
        giver_unit,
        data.giver_agency.pk if data.giver_agency else None,
    )


def support_import(
    *, actor: User, unit: AdministrativeUnit, data: bytes, today: date | None = None
) -> ImportResult:
    """Import a filled support template for children of the commune's registry, all or nothing.
    Support paid by the children's fund is refused: it is recorded with its disbursement."""
    with _collector_paused():
        return _support_import(actor=actor, unit=unit, data=data, today=today)


def _support_import(
    *, actor: User, unit: AdministrativeUnit, data: bytes, today: date | None = None
) -> ImportResult:
    require(actor, Action.ENTER, unit)
    today = today or timezone.localdate()
    _check_commune(unit, today)
    province = _province(unit)
    raw = read_rows(SUPPORT, unit, data)
    result = ImportResult(SUPPORT, rows=len(raw))
    rows = [row for n, values in raw if (row := _support_row(n, values, result.errors))]
    agencies: dict[str, list[Agency]] = defaultdict(list)
    for agency in _agencies_of(unit):
        for word in {fold(agency.name), fold(agency.abbreviation)} - {""}:
            agencies[word].append(agency)
    with transaction.atomic():
        AdministrativeUnit.objects.select_for_update().filter(pk=unit.pk).first()
        pids = sorted({r.personal_id for r in rows if r.personal_id})
        names = sorted({r.folded for r in rows if r.folded})
        found: list[Child] = []
        wanted = ["id", "public_id", "unit_id", "province_id", "date_of_birth"]
        for chunk in _chunks(pids):
            found += Child.objects.filter(unit=unit, personal_id__in=chunk).only(
                *wanted, "personal_id", "name_folded"
            )
        for chunk in _chunks(names):
            found += Child.objects.filter(unit=unit, name_folded__in=chunk).only(
                *wanted, "personal_id", "name_folded"
            )
        by_pid: dict[str, Child] = {}
        by_name: dict[tuple[str, date], dict[int, Child]] = defaultdict(dict)
        for record in found:
            record.unit = unit
            if record.personal_id:
                by_pid[record.personal_id] = record
            by_name[(record.name_folded, record.date_of_birth)][record.pk] = record
        existing: Counter[tuple[Any, ...]] = Counter()
        for chunk in _chunks(sorted({c.pk for c in found})):
            existing.update(
                SupportRecord.objects.filter(child_id__in=chunk).values_list(
                    "child_id",
                    "kind",
                    "surgery_kind",
                    "given_on",
                    "value",
                    "source",
                    "occasion",
                    "description",
                    "giver_unit_id",
                    "giver_agency_id",
                )
            )
        records = []
        for row in rows:
            child: Child | None = None
            if row.personal_id:
                child = by_pid.get(row.personal_id)
                if child is None:
                    result.errors.append(
                        RowError(
                            row.number,
                            _SUPPORT_NAMES["personal_id"],
                            _("Không có trẻ em mang số định danh này trong sổ của %(unit)s.")
                            % {"unit": unit.name},
                        )
                    )
                    continue
                if row.folded and row.folded != child.name_folded:
                    result.errors.append(
                        RowError(
                            row.number,
                            _SUPPORT_NAMES["full_name"],
                            _("Họ tên không khớp với hồ sơ mang số định danh này."),
                        )
                    )
                    continue
            else:
                assert row.born is not None
                matches = by_name.get((row.folded, row.born), {})
                if len(matches) != 1:
                    result.errors.append(
                        RowError(
                            row.number,
                            _SUPPORT_NAMES["full_name"],
                            _("Không có trẻ em cùng họ tên và ngày sinh trong sổ của %(unit)s.")
                            % {"unit": unit.name}
                            if not matches
                            else _(
                                "Sổ có %(n)s trẻ em cùng họ tên và ngày sinh; hãy ghi số định "
                                "danh cá nhân."
                            )
                            % {"n": len(matches)},
                        )
                    )
                    continue
                child = next(iter(matches.values()))
            if row.agency_name:
                candidates = agencies.get(fold(row.agency_name), [])
                if len(candidates) != 1:
                    result.errors.append(
                        RowError(
                            row.number,
                            _SUPPORT_NAMES["giver_agency"],
                            _(
                                "Không có cơ quan “%(name)s” của xã, phường hoặc cấp trên "
                                "(xem trang “Danh mục”)."
                            )
                            % {"name": row.agency_name}
                            if not candidates
                            else _("Có nhiều cơ quan mang tên “%(name)s”; hãy ghi tên đầy đủ.")
                            % {"name": row.agency_name},
                        )
                    )
                    continue
                row.data.giver_agency = candidates[0]
            try:
                support_check(child, row.data, today)
            except ValidationError as error:
                result.errors.extend(
                    RowError(row.number, _SUPPORT_NAMES[name], " ".join(messages))
                    for name, messages in error.message_dict.items()
                )
                continue
            giver = row.data.giver_agency.unit_id if row.data.giver_agency else unit.pk
            key = _support_key(child.pk, row.data, giver)
            if existing[key] > 0:
                existing[key] -= 1
                result.present += 1
                continue
            records.append(
                SupportRecord(
                    child=child,
                    kind=row.data.kind,
                    surgery_kind=row.data.surgery_kind,
                    given_on=row.data.given_on,
                    value=row.data.value,
                    source=row.data.source,
                    occasion=row.data.occasion,
                    description=row.data.description,
                    giver_unit_id=giver,
                    giver_agency=row.data.giver_agency,
                    unit_id=unit.pk,
                    province_id=province,
                    recorded_by=actor,
                )
            )
        if result.errors:
            result.errors.sort(key=_error_order(SUPPORT_COLUMNS))
            result.present = 0
            return result
        if not records:
            return result
        SupportRecord.objects.bulk_create(records, batch_size=BATCH)
        result.created = len(records)
        audit_record(
            actor=actor,
            action="children.support.import",
            target=unit,
            unit=unit,
            data={"rows": result.rows, "created": result.created, "present": result.present},
        )
    return result


def registry_import(
    *, actor: User, unit: AdministrativeUnit, kind: str, data: bytes, today: date | None = None
) -> ImportResult:
    if kind == CHILDREN:
        return children_import(actor=actor, unit=unit, data=data, today=today)
    if kind == SUPPORT:
        return support_import(actor=actor, unit=unit, data=data, today=today)
    raise ValidationError(_("Loại tệp nhập không hợp lệ."))


def registry_check(
    *, actor: User, unit: AdministrativeUnit, kind: str, data: bytes, today: date | None = None
) -> int:
    """The checks made at the upload, before the import is queued: the access rule, the commune,
    and the file itself (hostile-file checks, template kind and unit, header, number of rows),
    with the same messages as the import. Returns the number of filled rows."""
    if kind not in KINDS:
        raise ValidationError(_("Loại tệp nhập không hợp lệ."))
    require(actor, Action.ENTER, unit)
    _check_commune(unit, today or timezone.localdate())
    return len(read_rows(kind, unit, data))


def importable_units(units: Iterable[AdministrativeUnit], today: date) -> list[AdministrativeUnit]:
    """Communes in force among the units (the user's units where they may enter data)."""
    return sorted(
        (u for u in units if u.level == 3 and u.is_in_force_on(today)),
        key=lambda u: (u.name_folded, u.code),
    )


__all__ = [
    "CHILDREN",
    "SUPPORT",
    "ImportResult",
    "RowError",
    "children_import",
    "importable_units",
    "registry_check",
    "registry_import",
    "support_import",
    "template_workbook",
]
