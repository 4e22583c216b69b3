"""Excel round trip of reports: consolidated tables and a unit's form out, a filled form in."""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from vitreem.accounts.models import User
from vitreem.documents.workbooks import (
    DAMAGED,
    MAX_BYTES,
    MAX_RATIO,
    SheetColumn,
    SheetTable,
    UploadedWorkbook,
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
from .models import ReportForm, Round, Submission
from .validation import MONEY_FACTOR, Cells

UNIT_LINE = "ĐVT: 1.000đ"


def unit_line(table: Table) -> str:
    """The unit of measure above a table: only where one of its columns is money."""
    return UNIT_LINE if any(c.type == "money" for c in table.columns) else ""


AGENCY_GROUP = "Phòng/ban/ngành/đơn vị..."
UNIT_GROUP = "Xã, phường"
PROVINCE_GROUP = "Tỉnh, thành phố"


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


def _sheet_tables(
    consolidated: list[selectors.ConsolidatedTable], groups: list[tuple[str, str]]
) -> list[SheetTable]:
    """Consolidated tables as sheets: the rows of each (label, row group) in turn, or a grid's
    rows as they are, then "Tổng cộng"; money in thousands."""
    tables = []
    for item in consolidated:
        table = item.table
        money = [c.type == "money" for c in table.columns for _cat in c.printed_categories]

        def values(printed: list[int | None], money: list[bool] = money) -> list[int | None]:
            return [_shown(v, m) for v, m in zip(printed, money, strict=True)]

        rows: list[tuple[str, list[tuple[str, list[int | None]]]]] = []
        if table.is_grid:
            rows.append(("", [(r.unit_name, values(r.printed(table))) for r in item.rows]))
        else:
            for label, group in groups:
                rows.append(
                    (
                        label,
                        [
                            (r.unit_name, values(r.printed(table)))
                            for r in item.rows
                            if r.group == group
                        ],
                    )
                )
        tables.append(
            SheetTable(
                title=table.title,
                row_header=table.row_header,
                columns=[
                    SheetColumn(c.code, c.group, c.label, c.printed_categories)
                    for c in table.columns
                ],
                groups=rows,
                total=values(item.printed_total()),
                note=table.note,
                unit_line=unit_line(table),
            )
        )
    return tables


def consolidated_workbook(round_: Round, unit: AdministrativeUnit) -> bytes:
    definition = definition_of(round_.form)
    tables = _sheet_tables(
        selectors.consolidate(round_, unit), [(AGENCY_GROUP, "agencies"), (UNIT_GROUP, "units")]
    )
    return build_workbook(_heading(definition, round_, unit), tables)


def national_workbook(form: ReportForm, period_start: date, period_end: date) -> bytes:
    """The national tables of a form and period (the provincial rounds summed by province) in
    the official layout: a row per province, then "Tổng cộng"."""
    definition = definition_of(form)
    tables = _sheet_tables(
        selectors.consolidate_national(form, period_start, period_end),
        [(PROVINCE_GROUP, "units")],
    )
    heading = [
        f"TỔNG HỢP SỐ LIỆU {definition.title.upper()}",
        f"Toàn quốc — từ ngày {period_start:%d/%m/%Y} đến ngày {period_end:%d/%m/%Y}",
    ]
    return build_workbook(heading, tables)


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
                unit_line=unit_line(table),
            )
        )
    meta = {
        "submission": str(submission.pk),
        "round": str(submission.round_id),
        "form": f"{definition.code}/{definition.year}",
        "reporter": submission.reporter_name,
    }
    heading = [definition.title.upper(), f"{submission.round.title} — {submission.reporter_name}"]
    return build_workbook(heading, tables, meta)


def _number(raw: Any, money: bool, where: str, bound: int) -> int | None:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, bool):
        raise ValidationError(f"{where}: cần một số.")
    if isinstance(raw, date):  # a date format turns a typed 1/1 into 46023: never a count
        raise ValidationError(f"{where}: ô định dạng ngày tháng, không phải số; hãy nhập số.")
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


def _read_cells(
    definition: FormDefinition, submission: Submission, book: UploadedWorkbook
) -> Cells:
    """The values of an opened form; every problem is named by sheet, row and column."""
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
        labels = _row_labels(table, submission)
        rows = read_value_row(book, sheet, heading_rows, sheet_table, labels)
        codes = dict(zip(labels, table.row_codes, strict=True))
        leaves = [(c, cat) for c in table.columns for cat, _l in c.categories]
        for label, excel_row, raw in rows:
            for offset, ((column, category), value) in enumerate(zip(leaves, raw, strict=True)):
                try:
                    cells[(column.code, codes[label], category)] = _number(
                        value,
                        column.type == "money",
                        f"Trang “{sheet}”, ô {get_column_letter(offset + 2)}{excel_row}"
                        f" ({column.label})",
                        definition.bound(column.type),
                    )
                except ValidationError as error:
                    errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return cells


def read_submission_workbook(submission: Submission, data: bytes) -> Cells:
    """The values of an uploaded form; every problem is named by sheet, row and column."""
    try:
        return _read_cells(definition_of(submission.round.form), submission, open_workbook(data))
    except WorkbookRefusedError as refused:
        raise ValidationError(str(refused)) from refused


def submission_import(*, actor: User, submission: Submission, data: bytes) -> Submission:
    """All or nothing: a file with any bad cell changes no value; the same file twice, nothing."""
    cells = read_submission_workbook(submission, data)
    return services.submission_save(actor=actor, submission=submission, cells=cells, source="excel")


@dataclass(frozen=True)
class FileResult:
    name: str
    reporter: str
    ok: bool
    message: str


MAX_ZIP_BYTES = 200 * 1024 * 1024
MAX_ZIP_FILES = 5000
CHUNK_FILES = 250  # files read, then saved in one transaction, at a time
NOT_ALLOWED = "Bạn không có quyền nhập báo cáo của đơn vị này."


def check_zip(data: bytes) -> int:
    """The checks of a .zip of filled forms made before anything is read (at the upload, so
    that a bad file is refused at once): its size, its kind, its number of files. Returns the
    number of files."""
    if len(data) > MAX_ZIP_BYTES:
        raise ValidationError(f"Tệp nén quá lớn (tối đa {MAX_ZIP_BYTES // 2**20} MB).")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError("Tệp không phải tệp nén .zip.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            count = sum(1 for i in archive.infolist() if not i.is_dir())
    except zipfile.BadZipFile as damaged:
        raise ValidationError("Tệp không phải tệp nén .zip.") from damaged
    if count > MAX_ZIP_FILES:
        raise ValidationError(f"Tệp nén có quá nhiều tệp (tối đa {MAX_ZIP_FILES}).")
    return count


def _no_progress(done: int, total: int, message: str = "") -> None:
    return None


def round_import_zip(
    *,
    actor: User,
    round_: Round,
    data: bytes,
    progress: Callable[[int, int, str], None] = _no_progress,
) -> list[FileResult]:
    """A .zip of filled forms, one per report: each file all or nothing, each with its result.

    Files are read a chunk at a time (``progress`` is told after each chunk), then every
    chunk's readable files are saved in one transaction (one query for a chunk's reports, a
    few statements for their values): a bad file refuses only itself, and a run stopped on the
    way leaves nothing saved.
    """
    check_zip(data)
    definition = definition_of(round_.form)
    results: list[FileResult | None] = []
    batches: list[tuple[list[tuple[int, str, str]], list[tuple[Submission, Cells]]]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        for start in range(0, len(entries), CHUNK_FILES):
            chunk = entries[start : start + CHUNK_FILES]
            read, saving, batch = _read_chunk(round_, definition, archive, chunk, len(results))
            results += read
            batches.append((saving, batch))
            progress(start + len(chunk), len(entries), _("Đang đọc các tệp."))
    progress(len(entries), len(entries), _("Đang lưu số liệu."))
    with transaction.atomic():
        for saving, batch in batches:
            outcomes = services.submission_save_many(
                actor=actor, form=round_.form, batch=batch, source="excel"
            )
            for (index, name, reporter), outcome in zip(saving, outcomes, strict=True):
                results[index] = _saved(name, reporter, outcome)
    return [result for result in results if result is not None]


def _saved(name: str, reporter: str, outcome: object) -> FileResult:
    if isinstance(outcome, ValidationError):
        return FileResult(name, reporter, False, " ".join(outcome.messages))
    if isinstance(outcome, PermissionDenied | Http404):
        return FileResult(name, reporter, False, NOT_ALLOWED)
    return FileResult(name, reporter, True, "Đã nhập." if outcome else "Không có gì thay đổi.")


def _open_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> UploadedWorkbook | str:
    """The workbook of one entry of the .zip, or why it is refused."""
    if not info.filename.lower().endswith(".xlsx"):
        return "Không phải tệp .xlsx: bỏ qua."
    if info.file_size > MAX_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return "Tệp quá lớn hoặc nén bất thường."
    try:
        data = archive.read(info)
    except Exception:  # a damaged entry of the .zip: bad checksum or compressed data
        return DAMAGED
    try:
        return open_workbook(data)
    except WorkbookRefusedError as refused:
        return str(refused)


def _report_id(meta: dict[str, str]) -> int | None:
    """The report a file names in its information sheet, if it names one at all."""
    text = meta.get("submission", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _read_chunk(
    round_: Round,
    definition: FormDefinition,
    archive: zipfile.ZipFile,
    entries: list[zipfile.ZipInfo],
    offset: int,
) -> tuple[list[FileResult | None], list[tuple[int, str, str]], list[tuple[Submission, Cells]]]:
    """A chunk's files read: the refused ones' results, and the readable ones' values to save
    (with their place among the results, counted from ``offset``)."""
    results: list[FileResult | None] = [None] * len(entries)
    opened = []
    for index, info in enumerate(entries):
        book = _open_entry(archive, info)
        if isinstance(book, str):
            results[index] = FileResult(info.filename, "", False, book)
            continue
        try:
            meta = read_meta(book)
        except WorkbookRefusedError as refused:
            results[index] = FileResult(info.filename, "", False, str(refused))
            continue
        opened.append((index, info.filename, book, meta))
    ids = {key for *_rest, meta in opened if (key := _report_id(meta)) is not None}
    reports = (
        Submission.objects.filter(round=round_, pk__in=ids)
        .select_related("unit", "agency")
        .in_bulk()
    )
    batch: list[tuple[Submission, Cells]] = []
    saving = []
    for index, name, book, meta in opened:
        key = _report_id(meta)
        submission = reports.get(key) if key is not None else None
        if submission is None:
            results[index] = FileResult(
                name, meta.get("reporter", ""), False, "Tệp không thuộc đợt báo cáo này."
            )
            continue
        submission.round = round_
        try:
            cells = _read_cells(definition, submission, book)
        except WorkbookRefusedError as refused:
            results[index] = FileResult(name, submission.reporter_name, False, str(refused))
            continue
        except ValidationError as error:
            message = " ".join(error.messages)
            results[index] = FileResult(name, submission.reporter_name, False, message)
            continue
        batch.append((submission, cells))
        saving.append((offset + index, name, submission.reporter_name))
    return results, saving, batch
