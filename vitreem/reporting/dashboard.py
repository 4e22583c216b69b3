"""The leader's dashboard as tables: each chart of the page is drawn from one of these, and the
download holds the same tables, one sheet each (written by the one cell writer)."""

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from vitreem.children.selectors import groups_over_time, support_by_kind_and_source
from vitreem.documents.cells import put_row
from vitreem.fund.selectors import fund_years, unit_ledger
from vitreem.units.models import AdministrativeUnit

from .selectors import OpenRound, Trend

YEARS = 5  # years of the registry and the fund on the dashboard


@dataclass
class DashTable:
    key: str
    title: str
    header: list[str]
    rows: list[list[Any]]  # first cell the row's label
    chart: str  # "trend" (a row over the columns) or "progress" (stacked bars per row)
    note: str = ""
    choose: str = field(default="")


def registry_days(today: date) -> list[date]:
    """The last day of each of the previous years, then today."""
    return [date(today.year - n, 12, 31) for n in range(YEARS - 1, 0, -1)] + [today]


def registry_table(unit: AdministrativeUnit | None, today: date, sensitive: bool) -> DashTable:
    found = groups_over_time(unit, registry_days(today), sensitive)
    note = ""
    if found.hidden:
        note = _(
            "Không hiển thị %(n)s nhóm có thông tin nhạy cảm: bạn chưa được giao quyền xem."
        ) % {"n": found.hidden}
    return DashTable(
        key="registry",
        title=_("Trẻ em có hoàn cảnh đặc biệt theo nhóm (Điều 10 Luật Trẻ em)"),
        header=[_("Nhóm")] + [d.strftime("%d/%m/%Y") for d in found.days],
        rows=[[title, *counts] for title, counts in found.rows],
        chart="trend",
        note=note,
        choose=_("Nhóm trên biểu đồ"),
    )


def support_table(unit: AdministrativeUnit | None, today: date, sensitive: bool) -> DashTable:
    found = support_by_kind_and_source(unit, date(today.year, 1, 1), today, sensitive)
    return DashTable(
        key="support",
        title=_("Hỗ trợ trẻ em từ đầu năm %(year)s theo hình thức và nguồn (đồng)")
        % {"year": today.year},
        header=[_("Hình thức hỗ trợ"), _("Số lượt")] + [label for _code, label in found.sources],
        rows=[[label, records, *values] for label, records, values in found.rows],
        chart="progress",
        note=""
        if sensitive
        else _("Không gồm khám, chữa bệnh và phẫu thuật (thông tin nhạy cảm)."),
    )


def fund_table(unit: AdministrativeUnit | None, today: date) -> DashTable:
    """The funds of the unit's tree and, for a unit formed in the reform, the ledgers of the
    units it was formed from up to the reform (a divided commune's with its default successor)."""
    ledger = unit_ledger(unit)
    formed_from = ledger.inherited_units
    years = fund_years(ledger, list(range(today.year - YEARS + 1, today.year + 1)))
    return DashTable(
        key="fund",
        title=_("Quỹ Bảo trợ trẻ em: thu, chi và số dư qua các năm (đồng)"),
        header=[_("Năm")] + [str(y.year) for y in years],
        rows=[
            [_("Thu trong năm"), *(y.received for y in years)],
            [_("Chi trong năm"), *(y.paid for y in years)],
            [_("Số dư cuối năm"), *(y.balance for y in years)],
        ],
        chart="trend",
        note=_("Gồm các quỹ của đơn vị và các đơn vị trực thuộc; số dư tính cả các năm trước.")
        + (
            " "
            + _("Trước ngày 01/7/2025: sổ quỹ của %(units)s.")
            % {"units": ", ".join(u.name for u in formed_from)}
            if formed_from
            else ""
        ),
        choose=_("Dòng trên biểu đồ"),
    )


def trend_table(trend: Trend) -> DashTable:
    """A form's key figures year over year, as the dashboard draws them (money in đồng), each
    year naming its rounds and the units whose reports it sums."""
    sources = []
    for year in trend.years:
        units = ", ".join(u.name for u in year.from_units) or _("chưa có báo cáo nào được nộp")
        rounds = "; ".join(r.title for r in year.rounds)
        sources.append(f"{year.year}: {rounds} — {units}.")
    return DashTable(
        key=f"trend-{trend.form.code}"[:31],  # a sheet's name holds 31 characters
        title=_("%(form)s: số liệu qua các năm (tiền: đồng)") % {"form": trend.form.title},
        header=[_("Chỉ tiêu")] + [str(y.year) for y in trend.years],
        rows=[[figure.label, *values] for figure, values in trend.rows()],
        chart="trend",
        note=" ".join(sources),
    )


def tasks_table(plan: Any, rows: list[Any]) -> DashTable:
    """A plan's tasks per agency: done, open, overdue."""
    return DashTable(
        key=f"tasks-{plan.pk}"[:31],
        title=_("Nhiệm vụ theo cơ quan: %(plan)s") % {"plan": f"{plan.number_text} — {plan.title}"},
        header=[_("Cơ quan"), _("Số nhiệm vụ"), _("Hoàn thành"), _("Đang thực hiện"), _("Quá hạn")],
        rows=[[r.name, r.total, r.done, r.open, r.overdue] for r in rows],
        chart="progress",
    )


def completeness_table(rounds: list[OpenRound]) -> DashTable:
    return DashTable(
        key="rounds",
        title=_("Tiến độ nộp báo cáo các đợt đang mở"),
        header=[_("Đợt báo cáo"), _("Phải nộp"), _("Đúng hạn"), _("Trễ hạn"), _("Chưa nộp")],
        rows=[
            [r.round.title, r.total.expected, r.total.on_time, r.total.late, r.total.missing]
            for r in rounds
        ],
        chart="progress",
    )


def workbook(unit: AdministrativeUnit | None, today: date, tables: list[DashTable]) -> bytes:
    """The dashboard's tables, one sheet each, headed by the unit (or the nation) and the
    day."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in tables:
        sheet = book.create_sheet(table.key)
        put_row(sheet, 1, [unit.name if unit else _("Toàn quốc"), today.strftime("%d/%m/%Y")])
        put_row(sheet, 2, [table.title])
        put_row(sheet, 4, table.header)
        for number, row in enumerate(table.rows, start=5):
            put_row(sheet, number, row)
        if table.note:
            put_row(sheet, len(table.rows) + 6, [table.note])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
