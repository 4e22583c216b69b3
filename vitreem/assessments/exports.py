"""The province's list of communes and their assessment status of a year, as a workbook; every
cell through the one cell writer (vitreem.documents.cells)."""

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from vitreem.documents.cells import put, put_row
from vitreem.units.models import AdministrativeUnit

from .models import CommuneType, Status
from .selectors import ListRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"


def list_workbook(unit: AdministrativeUnit, year: int, rows: Sequence[ListRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(year)
    put(
        sheet,
        1,
        1,
        _("XÃ, PHƯỜNG PHÙ HỢP VỚI TRẺ EM NĂM %(year)s — %(unit)s")
        % {"year": year, "unit": unit.name.upper()},
    )
    sheet["A1"].font = Font(name=FONT, bold=True, size=13)
    header = [
        _("STT"),
        _("Mã đơn vị"),
        _("Xã, phường"),
        _("Loại đơn vị"),
        _("Trạng thái"),
        _("Tổng điểm"),
        _("Điểm tối thiểu"),
        _("Tiêu chí 0 điểm"),
        _("Tiêu chí chưa chấm"),
        _("Đủ điều kiện theo điểm"),
        _("Số quyết định"),
        _("Ngày quyết định"),
    ]
    for cell in put_row(sheet, 3, header):
        cell.font = Font(name=FONT, bold=True)
    types = dict(CommuneType.choices)
    statuses = dict(Status.choices)
    for number, row in enumerate(rows, start=1):
        a, v = row.assessment, row.verdict
        put_row(
            sheet,
            3 + number,
            [
                number,
                row.unit.code,
                row.unit.name,
                str(types[a.commune_type]) if a else "",
                str(statuses[a.status]) if a else _("Chưa lập"),
                v.total if v else None,
                v.threshold if v else None,
                ", ".join(map(str, v.zero)) if v else "",
                ", ".join(map(str, v.missing)) if v else "",
                (_("Có") if v.meets else _("Không")) if v else "",
                a.decision_number if a else "",
                a.decided_on.strftime("%d/%m/%Y") if a and a.decided_on else "",
            ],
        )
    for column, width in zip(
        "ABCDEFGHIJKL", (5, 9, 28, 30, 20, 10, 10, 12, 12, 12, 16, 14), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
