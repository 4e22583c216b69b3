"""A list of children as a workbook: for leaders only, marked on every sheet with who exported
it and when, as personal data must be (Law 91/2025/QH15)."""

import io
from collections.abc import Mapping, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from vitreem.accounts.access import can_read_sensitive
from vitreem.accounts.models import User
from vitreem.documents.cells import put, put_row
from vitreem.units.models import AdministrativeUnit

from . import catalogue
from .models import Child
from .selectors import GroupName

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"
WRAP = Alignment(wrap_text=True, vertical="top")


def _group_cells(names: Sequence[GroupName]) -> list[str]:
    """The group codes (as the law letters them), their names and the sub-groups of a child,
    one group a line."""
    return [
        "\n".join(g.point for g in names),
        "\n".join(g.label for g in names),
        "\n".join(f"{g.point}) {g.subgroup}" for g in names if g.subgroup),
    ]


def children_workbook(
    user: User,
    unit: AdministrativeUnit,
    children: Sequence[Child],
    at: datetime,
    groups: Mapping[int, Sequence[GroupName]],
) -> bytes:
    """``groups``: the groups each child is in on the day of the export, as the user may see
    them (selectors.active_groups)."""
    sensitive = can_read_sensitive(user, unit)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh sách"
    mark = (
        f"Xuất bởi {user.full_name or user.username} ({user.username}) lúc "
        f"{at:%H:%M ngày %d/%m/%Y}. Tài liệu chứa dữ liệu cá nhân của trẻ em: "
        "không sao chép, không chia sẻ ngoài mục đích công vụ."
    )
    put(sheet, 1, 1, f"DANH SÁCH TRẺ EM — {unit.name.upper()}")
    put(sheet, 2, 1, mark)
    sheet["A1"].font = Font(name=FONT, bold=True, size=13)
    sheet["A2"].font = Font(name=FONT, italic=True, size=11)
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Xã, phường", "Địa chỉ"]
    header += ["Người đại diện", "Điện thoại", "Số thẻ BHYT", "Hạn thẻ BHYT"]
    header += ["Mã nhóm", "Nhóm hoàn cảnh đặc biệt", "Nhóm chi tiết"]
    if sensitive:
        header += ["Dân tộc", "Mức độ khuyết tật"]
    put_row(sheet, 4, header)
    for cell in sheet[4]:
        cell.font = Font(name=FONT, bold=True, size=11)
    ethnicities = catalogue.ethnicities()
    for number, child in enumerate(children, start=1):  # from row 5
        row: list[object] = [
            number,
            child.full_name,
            child.date_of_birth.strftime("%d/%m/%Y"),
            child.get_sex_display(),
            child.personal_id or "",
            child.unit.name,
            child.address,
            child.representative_name,
            child.representative_phone,
            child.insurance_number,
            child.insurance_valid_to.strftime("%d/%m/%Y") if child.insurance_valid_to else "",
            *_group_cells(groups.get(child.pk, [])),
        ]
        if sensitive:
            row += [ethnicities.get(child.ethnicity, ""), child.get_disability_level_display()]
        for cell in put_row(sheet, 4 + number, row):
            cell.alignment = WRAP
    footer = sheet.oddFooter
    if footer is not None:
        footer.center.text = mark
    for letter, width in zip(
        "ABCDEFGHIJKLMNOP",
        (5, 28, 12, 9, 14, 24, 28, 24, 13, 17, 12, 8, 40, 40, 12, 20),
        strict=True,
    ):
        sheet.column_dimensions[letter].width = width
    book.properties.creator = user.username
    book.properties.description = mark
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
