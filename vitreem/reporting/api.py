from datetime import date
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import StrictInt

from vitreem.accounts.access import (
    Action,
    get_round_for_user,
    get_submission_for_user,
    memberships,
    require,
)
from vitreem.accounts.models import User
from vitreem.core.api import Pagination, paginate
from vitreem.core.bounds import Day
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import unit_or_404

from . import selectors, services, workbooks
from .models import Round, Submission
from .validation import NARRATIVE_MAX, Cells

router = Router(tags=["Báo cáo"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RoundItem(Schema):
    id: int
    title: str
    form_code: str
    form_year: int
    period: str
    period_start: date
    period_end: date
    receiving_unit_code: str
    receiving_unit_name: str
    deadline: date | None
    deadlines: dict[str, date]


class RoundPage(Schema):
    count: int
    items: list[RoundItem]


class RoundFilters(Pagination):
    year: int | None = Field(None, ge=2000, le=2100)
    form: str | None = Field(None, description="Mã biểu, ví dụ action-month-result")


def _round_item(round_: Round) -> dict[str, object]:
    deadlines = {k: date.fromisoformat(v) for k, v in round_.deadlines.items()}
    return {
        "id": round_.pk,
        "title": round_.title,
        "form_code": round_.form.code,
        "form_year": round_.form.year,
        "period": round_.period_kind,
        "period_start": round_.period_start,
        "period_end": round_.period_end,
        "receiving_unit_code": round_.receiving_unit.code,
        "receiving_unit_name": round_.receiving_unit.name,
        "deadline": max(deadlines.values()) if deadlines else None,
        "deadlines": deadlines,
    }


@router.get("/rounds", response=RoundPage, summary="Các đợt báo cáo bạn được xem")
def list_rounds(request: HttpRequest, filters: Query[RoundFilters]) -> dict[str, object]:
    rounds = selectors.rounds_for_user(request.user, year=filters.year, form_code=filters.form)
    page = paginate(rounds, filters)
    return {"count": rounds.count(), "items": [_round_item(r) for r in page]}


def _unit_in_round(request: HttpRequest, round_: Round, code: str | None) -> AdministrativeUnit:
    """The unit of a consolidation: the receiving unit, or one below it the user may read."""
    unit = selectors.unit_in_round(round_, code) if code else round_.receiving_unit
    require(request.user, Action.READ, unit)
    return unit


class ColumnOut(Schema):
    code: str
    label: str


class RowOut(Schema):
    unit_code: str
    unit_name: str
    group: str
    values: dict[str, int]


class TableOut(Schema):
    code: str
    title: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    total: dict[str, int]


class UnitOut(Schema):
    code: str
    name: str


class ConsolidatedOut(Schema):
    unit: UnitOut
    tables: list[TableOut]


@router.get(
    "/rounds/{round_id}/consolidated",
    response=ConsolidatedOut,
    summary="Bảng tổng hợp trực tiếp của một đơn vị (tiền tính bằng đồng)",
)
def consolidated(request: HttpRequest, round_id: int, unit: str | None = None) -> dict[str, object]:
    round_ = get_round_for_user(request.user, round_id)
    target = _unit_in_round(request, round_, unit)
    return {
        "unit": {"code": target.code, "name": target.name},
        "tables": [
            {
                "code": t.table.code,
                "title": t.table.title,
                "columns": [{"code": c.code, "label": c.label} for c in t.table.columns],
                "rows": [
                    {
                        "unit_code": r.unit_code,
                        "unit_name": r.unit_name,
                        "group": r.group,
                        "values": r.values,
                    }
                    for r in t.rows
                ],
                "total": t.total,
            }
            for t in selectors.consolidate(round_, target)
        ],
    }


class CompletenessOut(Schema):
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: int
    approved: int


@router.get(
    "/rounds/{round_id}/consolidated.xlsx",
    response={200: None},
    summary="Bảng tổng hợp dạng Excel theo đúng mẫu biểu",
)
def consolidated_xlsx(request: HttpRequest, round_id: int, unit: str | None = None) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    target = _unit_in_round(request, round_, unit)
    response = HttpResponse(workbooks.consolidated_workbook(round_, target), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="tong-hop-{round_.pk}-{target.code}.xlsx"'
    )
    return response


@router.get(
    "/rounds/{round_id}/completeness",
    response=CompletenessOut,
    summary="Số báo cáo phải nộp, đã nộp, đúng hạn, trễ hạn, chưa nộp",
)
def completeness(
    request: HttpRequest, round_id: int, unit: str | None = None
) -> selectors.Completeness:
    round_ = get_round_for_user(request.user, round_id)
    return selectors.completeness(
        round_, _unit_in_round(request, round_, unit), timezone.localdate()
    )


class CellOut(Schema):
    element: str
    row: str = ""
    category: str = ""
    value: int | None


class SubmissionOut(Schema):
    id: int
    round_id: int
    unit_code: str
    reporter: str
    status: str
    version: int
    deadline: date | None
    return_reason: str
    values: list[CellOut]
    narrative: dict[str, str]


def _submission_out(submission: Submission) -> dict[str, object]:
    return {
        "id": submission.pk,
        "round_id": submission.round_id,
        "unit_code": submission.unit.code,
        "reporter": submission.reporter_name,
        "status": submission.status,
        "version": submission.version,
        "deadline": submission.deadline,
        "return_reason": submission.return_reason,
        "values": [
            {"element": code, "row": row, "category": category, "value": value}
            for (code, row, category), value in sorted(
                services.submission_cells(submission).items()
            )
        ],
        "narrative": submission.narrative,
    }


@router.get(
    "/submissions/{submission_id}", response=SubmissionOut, summary="Một báo cáo với số liệu"
)
def get_submission(request: HttpRequest, submission_id: int) -> dict[str, object]:
    return _submission_out(get_submission_for_user(request.user, submission_id))


class CellIn(Schema):
    element: str = Field(..., max_length=100)
    row: str = Field("", max_length=100)
    category: str = Field("", max_length=100)
    value: StrictInt | None = Field(
        ..., description="Số nguyên (tiền bằng đồng); không nhận true/false, chuỗi hay số thập phân"
    )


class ValuesIn(Schema):
    version: StrictInt | None = Field(
        None, description="Phiên bản đã đọc; nếu báo cáo đã đổi từ đó thì bị từ chối (422)"
    )
    values: list[CellIn] = Field(..., max_length=5000)
    narrative: dict[str, Annotated[str, Field(max_length=NARRATIVE_MAX)]] | None = Field(
        None, description="Mã mục của biểu → nội dung (mỗi mục tối đa 20.000 ký tự)"
    )


@router.put(
    "/submissions/{submission_id}/values",
    response=SubmissionOut,
    summary="Ghi số liệu (tiền bằng đồng; null là ô trống)",
)
def put_values(request: HttpRequest, submission_id: int, payload: ValuesIn) -> dict[str, object]:
    assert isinstance(request.user, User)
    submission = get_submission_for_user(request.user, submission_id, Action.ENTER)
    # Keys, types, bounds and the form's rules are checked by the service, as for every path.
    cells: Cells = {(c.element, c.row, c.category): c.value for c in payload.values}
    saved = services.submission_save(
        actor=request.user,
        submission=submission,
        cells=cells,
        narrative=payload.narrative,
        expected_version=payload.version,
        source="api",
    )
    return _submission_out(saved)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


@router.post(
    "/submissions/{submission_id}/submit",
    response=SubmissionOut,
    summary="Gửi báo cáo (confirm=true: xác nhận các cảnh báo hợp lý của biểu)",
)
def submit(request: HttpRequest, submission_id: int, confirm: bool = False) -> dict[str, object]:
    assert isinstance(request.user, User)
    submission = get_submission_for_user(request.user, submission_id, Action.ENTER)
    return _submission_out(
        services.submission_submit(actor=request.user, submission=submission, confirmed=confirm)
    )


@router.post(
    "/submissions/{submission_id}/approve", response=SubmissionOut, summary="Duyệt báo cáo"
)
def approve(request: HttpRequest, submission_id: int) -> dict[str, object]:
    assert isinstance(request.user, User)
    submission = get_submission_for_user(request.user, submission_id)
    return _submission_out(services.submission_approve(actor=request.user, submission=submission))


@router.post(
    "/submissions/{submission_id}/return",
    response=SubmissionOut,
    summary="Trả lại (hoặc mở lại báo cáo đã duyệt) kèm lý do",
)
def return_(request: HttpRequest, submission_id: int, payload: ReasonIn) -> dict[str, object]:
    assert isinstance(request.user, User)
    submission = get_submission_for_user(request.user, submission_id)
    return _submission_out(
        services.submission_return(actor=request.user, submission=submission, reason=payload.reason)
    )


class MySubmission(Schema):
    id: int
    round_id: int
    round_title: str
    reporter: str
    status: str
    deadline: date | None


@router.get(
    "/rounds/{round_id}/submissions", response=list[MySubmission], summary="Báo cáo trong đợt"
)
def round_submissions(
    request: HttpRequest, round_id: int, unit: str | None = None
) -> list[dict[str, object]]:
    round_ = get_round_for_user(request.user, round_id)
    scope = _unit_in_round(request, round_, unit) if unit else None
    units = [scope] if scope else [m.unit for m in memberships(request.user)]
    if request.user.is_superuser and scope is None:
        units = [round_.receiving_unit]
    subs = selectors.submissions_in(round_, units)
    return [
        {
            "id": s.pk,
            "round_id": round_.pk,
            "round_title": round_.title,
            "reporter": s.reporter_name,
            "status": s.status,
            "deadline": s.deadline,
        }
        for s in subs
    ]


class DataValueOut(Schema):
    dataElement: str  # noqa: N815  (DHIS2's field names)
    period: str
    orgUnit: str  # noqa: N815
    categoryOptionCombo: str  # noqa: N815
    value: str
    followup: str
    comment: str


class DataValueSetOut(Schema):
    dataSet: str  # noqa: N815
    period: str
    orgUnit: str  # noqa: N815
    completeDate: date | None  # noqa: N815
    dataValues: list[DataValueOut]  # noqa: N815


@router.get(
    "/rounds/{round_id}/datavaluesets",
    response=DataValueSetOut,
    summary="Số liệu đã nộp của đợt theo định dạng dataValueSets của DHIS2",
)
def datavaluesets(
    request: HttpRequest, round_id: int, unit: str | None = None
) -> dict[str, object]:
    round_ = get_round_for_user(request.user, round_id)
    target = _unit_in_round(request, round_, unit)
    return {
        "dataSet": f"{round_.form.code}-{round_.form.year}",
        "period": selectors.dhis2_period(round_),
        "orgUnit": target.code,
        "completeDate": None,
        "dataValues": selectors.data_value_set(round_, target),
    }


class TrendFilters(Schema):
    form: str = Field(
        ..., min_length=1, max_length=60, description="Mã biểu, ví dụ action-month-result"
    )
    as_of: Day | None = Field(
        None, description="Ngày xem (YYYY-MM-DD): đơn vị tại ngày đó, các đợt kết thúc đến ngày đó"
    )
    rounds: int = Field(
        selectors.TREND_ROUNDS,
        ge=1,
        le=selectors.TREND_ROUNDS_MAX,
        description=f"Số kỳ báo cáo (năm) gần nhất, 1–{selectors.TREND_ROUNDS_MAX}",
    )


class TrendFormOut(Schema):
    code: str
    title: str


class TrendFigureOut(Schema):
    key: str = Field(description="Mã cột, hoặc mã cột/mã dòng của bảng theo nhóm")
    table: str
    label: str
    type: str = Field(description="count hoặc money (đồng)")


class TrendRoundOut(Schema):
    id: int
    title: str


class TrendYearOut(Schema):
    year: int
    rounds: list[TrendRoundOut] = Field(
        description="Các đợt báo cáo của kỳ này có số liệu được cộng vào (trước 01/7/2025: "
        "mỗi đơn vị cũ một đợt)"
    )
    period_start: date
    period_end: date
    values: dict[str, int]
    from_units: list[str] = Field(description="Mã các đơn vị có báo cáo được cộng vào")
    note: str


class TrendOut(Schema):
    unit: UnitOut
    form: TrendFormOut
    figures: list[TrendFigureOut]
    years: list[TrendYearOut]


@router.get(
    "/units/{code}/trend",
    response=TrendOut,
    summary="Số liệu chính của đơn vị qua các năm, kể cả trước sắp xếp 01/7/2025 (mỗi năm một "
    "mục, cộng các đợt của các đơn vị cũ; tiền tính bằng đồng)",
)
def unit_trend(request: HttpRequest, code: str, filters: Query[TrendFilters]) -> dict[str, object]:
    as_of = filters.as_of or timezone.localdate()
    unit = unit_or_404(code, as_of)
    require(request.user, Action.READ, unit)
    form = selectors.report_form(filters.form)
    if form is None:
        raise ValidationError(
            {"form": _("Không có biểu báo cáo mã “%(code)s”.") % {"code": filters.form}}
        )
    trend = selectors.unit_trend(unit, form, as_of, limit=filters.rounds)
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "form": {"code": form.code, "title": form.title},
        "figures": [
            {"key": f.key, "table": f.table.code, "label": f.label, "type": f.column.type}
            for f in trend.figures
        ],
        "years": [
            {
                "year": y.year,
                "rounds": [{"id": r.id, "title": r.title} for r in y.rounds],
                "period_start": y.period_start,
                "period_end": y.period_end,
                "values": y.values,
                "from_units": [u.code for u in y.from_units],
                "note": y.note,
            }
            for y in trend.years
        ],
    }
