"""Excel round trip of reports: consolidated tables and a unit's form out, a filled form in."""

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from openpyxl.utils import get_column_letter

from vitreem.accounts.models import User
from vitreem.documents.workbooks import (
    MAX_BYTES,
    MAX_RATIO,
    SheetColumn,
    SheetTable,
    WorkbookRefusedError,
    build_workbook,
    open_workbook,
    read_meta,
    read_value_row,
)
from vitreem.units.models import AdministrativeUnit

from . import selectors, services
from .definitions import FormDefinition, Table
from .loaders import definition_of
from .models import Round, Submission
from .validation import MONEY_FACTOR, Cells

UNIT_LINE = "ĐVT: 1.000đ"
AGENCY_GROUP = "Phòng/ban/ngành/đơn vị..."
UNIT_GROUP = "Xã, phường"


def _shown(value: int | None, money: bool) -> int | None:
    if value is None:
        return None
    return value // MONEY_FACTOR if money else value


def _columns(table: Table, *, split: bool) -> list[SheetColumn]:
    return [
        SheetColumn(c.code, c.group, c.label, c.categories if split else (("", ""),))
        for c in table.columns
    ]


def _heading(definition: FormDefinition, round_: Round, unit: AdministrativeUnit) -> list[str]:
    return [f"TỔNG HỢP SỐ LIỆU {definition.title.upper()}", f"{round_.title} — {unit.name}"]


def consolidated_workbook(round_: Round, unit: AdministrativeUnit) -> bytes:
    definition = definition_of(round_.form)
    tables = []
    for consolidated in selectors.consolidate(round_, unit):
        table = consolidated.table
        money = [c.type == "money" for c in table.columns]

        def values(
            by_code: dict[str, int], money: list[bool] = money, table: Table = table
        ) -> list[int | None]:
            return [
                _shown(by_code.get(c.code), m) for c, m in zip(table.columns, money, strict=True)
            ]

        groups: list[tuple[str, list[tuple[str, list[int | None]]]]] = []
        if table.is_grid:
            groups.append(("", [(r.unit_name, values(r.values)) for r in consolidated.rows]))
        else:
            groups.append(
                (
                    AGENCY_GROUP,
                    [
                        (r.unit_name, values(r.values))
                        for r in consolidated.rows
                        if r.group == "agencies"
                    ],
                )
            )
            groups.append(
                (
                    UNIT_GROUP,
                    [
                        (r.unit_name, values(r.values))
                        for r in consolidated.rows
                        if r.group == "units"
                    ],
                )
            )
        tables.append(
            SheetTable(
                title=table.title,
                row_header=table.row_header,
                columns=_columns(table, split=False),
                groups=groups,
                total=values(consolidated.total),
                note=table.note,
            )
        )
    return build_workbook(_heading(definition, round_, unit), UNIT_LINE, tables)


def _row_labels(table: Table, submission: Submission) -> list[str]:
    return [r.label for r in table.rows] or [submission.reporter_name]


def submission_workbook(submission: Submission) -> bytes:
    """A unit's form, blank or with its values, to fill in and upload."""
    definition = definition_of(submission.round.form)
    cells = services.submission_cells(submission)
    tables = []
    for table in definition.tables:
        rows = []
        for code, label in zip(table.row_codes, _row_labels(table, submission), strict=True):
            rows.append(
                (
                    label,
                    [
                        _shown(cells.get((c.code, code, cat)), c.type == "money")
                        for c in table.columns
                        for cat, _label in c.categories
                    ],
                )
            )
        tables.append(
            SheetTable(
                title=table.title,
                row_header=table.row_header,
                columns=_columns(table, split=True),
                groups=[("", rows)],
                note=table.note,
            )
        )
    meta = {
        "submission": str(submission.pk),
        "round": str(submission.round_id),
        "form": f"{definition.code}/{definition.year}",
        "reporter": submission.reporter_name,
    }
    heading = [definition.title.upper(), f"{submission.round.title} — {submission.reporter_name}"]
    return build_workbook(heading, UNIT_LINE, tables, meta)


def _number(raw: Any, money: bool, where: str, bound: int) -> int | None:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, bool):
        raise ValidationError(f"{where}: cần một số.")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValidationError(f"{where}: “{raw}” không phải số nguyên.")
        raw = int(raw)
    if isinstance(raw, str):
        text = raw.strip().replace(".", "").replace(" ", "")
        if not text.isdigit():
            raise ValidationError(f"{where}: “{raw}” không phải số nguyên không âm.")
        raw = int(text)
    if not isinstance(raw, int):
        raise ValidationError(f"{where}: cần một số.")
    if raw < 0:
        raise ValidationError(f"{where}: không được là số âm.")
    value = raw * (MONEY_FACTOR if money else 1)
    if value > bound:
        raise ValidationError(f"{where}: vượt mức hợp lý.")
    return value


def read_submission_workbook(submission: Submission, data: bytes, book: Any = None) -> Cells:
    """The values of an uploaded form; every problem is named by sheet, row and column."""
    definition = definition_of(submission.round.form)
    try:
        book = book if book is not None else open_workbook(data)
        meta = read_meta(book)
        if meta.get("submission") != str(submission.pk):
            raise WorkbookRefusedError(
                "Tệp là biểu mẫu của báo cáo khác "
                f"({meta.get('reporter', '?')}); hãy tải biểu mẫu của báo cáo này."
            )
        if meta.get("form") != f"{definition.code}/{definition.year}":
            raise WorkbookRefusedError("Tệp theo mẫu biểu khác; hãy tải lại biểu mẫu.")
        heading_rows = 3  # the two heading lines and the table title
        cells: Cells = {}
        errors: list[str] = []
        for number, table in enumerate(definition.tables, start=1):
            sheet = f"Bảng {number}"
            sheet_table = SheetTable(table.title, table.row_header, _columns(table, split=True))
            rows = read_value_row(
                book, sheet, heading_rows, sheet_table, _row_labels(table, submission)
            )
            codes = dict(zip(_row_labels(table, submission), table.row_codes, strict=True))
            for label, excel_row, raw in rows:
                leaves = [(c, cat) for c in table.columns for cat, _l in c.categories]
                for offset, ((column, category), value) in enumerate(zip(leaves, raw, strict=True)):
                    cell = f"{get_column_letter(offset + 2)}{excel_row}"
                    where = f"Trang “{sheet}”, ô {cell} ({column.label})"
                    try:
                        cells[(column.code, codes[label], category)] = _number(
                            value,
                            column.type == "money",
                            where,
                            definition.bounds.get(column.type, 10**15),
                        )
                    except ValidationError as error:
                        errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return cells
    except WorkbookRefusedError as refused:
        raise ValidationError(str(refused)) from refused


def submission_import(
    *, actor: User, submission: Submission, data: bytes, book: Any = None
) -> Submission:
    """All or nothing: a file with any bad cell changes no value; the same file twice, nothing."""
    cells = read_submission_workbook(submission, data, book)
    return services.submission_save(actor=actor, submission=submission, cells=cells, source="excel")


@dataclass(frozen=True)
class FileResult:
    name: str
    reporter: str
    ok: bool
    message: str


MAX_ZIP_BYTES = 200 * 1024 * 1024
MAX_ZIP_FILES = 5000


def round_import_zip(*, actor: User, round_: Round, data: bytes) -> list[FileResult]:
    """A .zip of filled forms, one per report: each file all or nothing, each with its result."""
    if len(data) > MAX_ZIP_BYTES:
        raise ValidationError(f"Tệp nén quá lớn (tối đa {MAX_ZIP_BYTES // 2**20} MB).")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError("Tệp không phải tệp nén .zip.")
    results = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        if len(entries) > MAX_ZIP_FILES:
            raise ValidationError(f"Tệp nén có quá nhiều tệp (tối đa {MAX_ZIP_FILES}).")
        for info in entries:
            name = info.filename
            if not name.lower().endswith(".xlsx"):
                results.append(FileResult(name, "", False, "Không phải tệp .xlsx: bỏ qua."))
                continue
            if info.file_size > MAX_BYTES or info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                results.append(FileResult(name, "", False, "Tệp quá lớn hoặc nén bất thường."))
                continue
            results.append(_import_one(actor, round_, name, archive.read(info)))
    return results


def _import_one(actor: User, round_: Round, name: str, data: bytes) -> FileResult:
    try:
        book = open_workbook(data)
        meta = read_meta(book)
    except WorkbookRefusedError as refused:
        return FileResult(name, "", False, str(refused))
    submission = (
        Submission.objects.filter(round=round_, pk=meta.get("submission", "0") or 0)
        .select_related("round__form", "unit", "agency")
        .first()
    )
    if submission is None:
        return FileResult(name, meta.get("reporter", ""), False, "Tệp không thuộc đợt báo cáo này.")
    try:
        before = submission.version
        saved = submission_import(actor=actor, submission=submission, data=data, book=book)
    except ValidationError as error:
        return FileResult(name, submission.reporter_name, False, " ".join(error.messages))
    except (PermissionDenied, Http404):
        return FileResult(
            name, submission.reporter_name, False, "Bạn không có quyền nhập báo cáo của đơn vị này."
        )
    message = "Không có gì thay đổi." if saved.version == before else "Đã nhập."
    return FileResult(name, submission.reporter_name, True, message)
