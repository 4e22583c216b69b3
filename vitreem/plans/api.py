from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from vitreem.accounts.access import Action, get_plan_for_user, get_task_for_user, require
from vitreem.accounts.models import User
from vitreem.core.api import ErrorOut, Pagination, paginate
from vitreem.core.bounds import Day, RecordId
from vitreem.core.text import nfc
from vitreem.units.selectors import unit_or_404

from . import selectors
from .appendices import (
    MAX_APPENDICES,
    MAX_APPENDIX_LINES,
    MAX_APPENDIX_REFERENCE,
    MAX_APPENDIX_TITLE,
    appendices_version,
    appendix_lines,
)
from .dates import from_stored
from .documents import plan_docx_response
from .editor import OPS, OutlineConflictError, outline_edit, outline_version
from .models import Task, TaskStatus
from .outline import ACTIVITY_GROUPS, MAX_TEXT, MAX_UNIT_TEXT, MAX_UNITS, printed
from .services import (
    AppendicesConflictError,
    UnassignedTasksError,
    plan_appendices_update,
    plan_derive,
    plan_discard,
    plan_issue,
    task_progress_post,
)

router = Router(tags=["Kế hoạch"])


class PlanItem(Schema):
    id: int
    number: str
    title: str
    issuer_name: str
    issuer_code: str
    year: int
    kind: str
    status: str
    issued_on: date | None


class PlanPage(Schema):
    count: int
    items: list[PlanItem]


class PlanFilters(Pagination):
    year: int | None = Field(None, ge=2000, le=2100)
    issuer: str | None = Field(None, description="Mã đơn vị ban hành")
    kind: str | None = None


class TargetOut(Schema):
    text: str
    indicator: str
    value: Decimal
    unit: str
    denominator: int | None
    baseline: Decimal | None


Precision = Literal["day", "month", "year"]


class TaskOut(Schema):
    id: int
    text: str
    role: str
    lead: str
    start_on: date | None = Field(
        description="Ngày đầu của phần kế hoạch ghi (ngày 1 của tháng khi chỉ ghi tháng)"
    )
    due_on: date | None = Field(
        description="Ngày cuối của phần kế hoạch ghi (ngày cuối tháng khi chỉ ghi tháng)"
    )
    start: str | None = Field(description="Bắt đầu như kế hoạch ghi: 2026-06-15, 2026-06 hoặc 2026")
    start_precision: Precision | None = Field(description="Kế hoạch ghi đến ngày, tháng hay năm")
    due: str | None = Field(description="Hạn như kế hoạch ghi: 2026-06-30, 2026-06 hoặc 2026")
    due_precision: Precision | None = Field(description="Kế hoạch ghi đến ngày, tháng hay năm")
    status: str


class AssignmentOut(Schema):
    id: int
    assignee: str
    label: str = Field(description="Đơn vị được giao như văn bản ghi (rỗng: như assignee)")
    printed_label: str = Field(description="Dòng in trong văn bản: label, hoặc assignee")
    assignee_unit_code: str | None
    assignee_agency: str | None
    assignee_group: str = Field(description="communes, districts, agencies, hamlets hoặc rỗng")
    parent_id: int | None = Field(description="id của đơn vị mà đây là một bộ phận của nó")
    divisions: list[int] = Field(description="id các bộ phận của đơn vị này, theo thứ tự in")
    depth: int = Field(description="Cấp lồng: 0 cho đơn vị của kế hoạch, 1 cho bộ phận của nó…")
    task_marker: str = Field(description="Cách in nhiệm vụ: -, +, number, letter, paragraph")
    tasks: list[TaskOut]


class ReportingOut(Schema):
    report: str
    by: str
    to: str
    through: str
    due: date | None


class ActivityOut(Schema):
    group: str | None = Field(description="Nhóm của Thông tư 28/2019/TT-BLĐTBXH, nếu đã chọn")
    group_label: str
    heading: str
    start: str | None = Field(description="2026-06-15, 2026-06 hoặc 2026, như kế hoạch ghi")
    start_precision: Precision | None
    end: str | None
    end_precision: Precision | None
    units: list[str] = Field(description="Đơn vị thực hiện")


class ActivityFactsOut(Schema):
    group: str | None
    start: str | None
    end: str | None
    units: list[str]


class OutlineNodeOut(Schema):
    kind: Literal["heading", "paragraph", "item"]
    role: str | None = Field(description="Nút là gì: basis, theme, targets, tasks, closing, …")
    text: str = Field(description="Văn bản; chỉ có **đậm**, *nghiêng*, \\* là dấu sao")
    marker: Literal["-", "+", "number", "letter"] | None = Field(
        description="Dấu của item, do kế hoạch chọn"
    )
    number: str = Field(
        description="Số như khi in: I., 1., 1.1., a) của đề mục; -, +, 1. của item; rỗng với đoạn"
    )
    children: list["OutlineNodeOut"]
    activity: ActivityFactsOut | None = Field(
        None, description="Với mục vai trò activity: nhóm, thời gian, đơn vị thực hiện"
    )


class RecipientGroupOut(Schema):
    heading: str
    recipients: list[str]


class PlanDetail(PlanItem):
    theme: str
    period_start: date
    period_end: date
    scope: str
    parent_id: int | None
    parent_reference: str
    slogans: list[str]
    activities: list[ActivityOut]
    targets: list[TargetOut]
    assignments: list[AssignmentOut]
    reporting: list[ReportingOut]
    recipients: list[str] = Field(
        description="Nơi nhận theo thứ tự; một nhóm là dòng tiêu đề ('Gửi bản giấy:') rồi các nơi"
    )
    recipient_groups: list[RecipientGroupOut] = Field(
        description="Các nhóm nơi nhận dưới tiêu đề của chúng ('Gửi bản điện tử:', 'Gửi bản giấy:')"
    )
    signer: str
    outline: list[OutlineNodeOut] = Field(
        description="Nội dung kế hoạch như khi in, các chỉ tiêu, nhiệm vụ… ở đúng chỗ của chúng"
    )


def _item(plan: selectors.Plan) -> dict[str, object]:
    return {
        "id": plan.pk,
        "number": plan.number_text,
        "title": plan.title,
        "issuer_name": plan.header_name,
        "issuer_code": plan.issuer_unit.code,
        "year": plan.year,
        "kind": plan.kind,
        "status": plan.status,
        "issued_on": plan.issued_on,
    }


def _task_out(t: Task) -> dict[str, object]:
    """A task with its dates as stored and as the plan writes them."""
    start = from_stored(t.start_on, t.start_precision)
    due = from_stored(t.due_on, t.due_precision)
    return {
        "id": t.pk,
        "text": t.text,
        "role": t.role,
        "lead": t.lead_label,
        "start_on": t.start_on,
        "due_on": t.due_on,
        "start": start.iso() if start else None,
        "start_precision": start.precision if start else None,
        "due": due.iso() if due else None,
        "due_precision": due.precision if due else None,
        "status": t.status,
    }


@router.get("", response=PlanPage, summary="Danh sách kế hoạch bạn được xem")
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> dict[str, object]:
    plans = selectors.plans_for_user(
        request.user, year=filters.year, issuer_code=filters.issuer, kind=filters.kind
    )
    page = paginate(plans, filters)
    return {"count": plans.count(), "items": [_item(p) for p in page]}


@router.get("/{plan_id}", response=PlanDetail, summary="Một kế hoạch với chỉ tiêu và nhiệm vụ")
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, object]:
    plan = get_plan_for_user(request.user, plan_id)
    return {
        **_item(plan),
        "theme": plan.theme,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "scope": plan.scope,
        "parent_id": plan.parent_id,
        "parent_reference": plan.parent_reference,
        "slogans": plan.slogans,
        "activities": selectors.plan_activities(plan),
        "targets": list(plan.targets.all()),
        "assignments": [
            {
                "id": a.pk,
                "assignee": a.assignee_label,
                "label": a.label,
                "printed_label": a.printed_label,
                "assignee_unit_code": a.assignee_unit.code if a.assignee_unit else None,
                "assignee_agency": a.assignee_agency.name if a.assignee_agency else None,
                "assignee_group": a.assignee_group,
                "parent_id": a.parent_id,
                "divisions": [d.pk for d in divisions],
                "depth": depth,
                "task_marker": a.task_marker,
                "tasks": [_task_out(t) for t in a.tasks.all()],
            }
            for a, depth, divisions in selectors.assignments_in_order(plan)
        ],
        "reporting": list(plan.reporting.all()),
        "recipients": selectors.recipient_texts(plan.recipients),
        "recipient_groups": [
            {"heading": r.get("heading") or "", "recipients": list(r.get("items") or [])}
            for r in plan.recipients
            if isinstance(r, dict)
        ],
        "outline": selectors.plan_outline(plan),
        "signer": " / ".join(
            x
            for x in (
                plan.signer_authority,
                plan.signer_deputy,
                plan.signer_title,
                plan.signer_name,
            )
            if x
        ),
    }


@router.get(
    "/{plan_id}/document",
    response={200: None},
    summary="Văn bản Word của kế hoạch (thể thức Nghị định 30/2020/NĐ-CP)",
)
def get_plan_document(request: HttpRequest, plan_id: int) -> HttpResponse:
    return plan_docx_response(get_plan_for_user(request.user, plan_id))


class DeriveIn(Schema):
    unit: str = Field(description="Mã đơn vị của bạn triển khai kế hoạch")


class Derived(Schema):
    id: int
    url: str


@router.post(
    "/{plan_id}/derive",
    response={201: Derived},
    summary="Tạo dự thảo kế hoạch của đơn vị triển khai một kế hoạch cấp trên (đã ban hành, "
    "hoặc đã nhận từ văn bản)",
)
def derive_plan(request: HttpRequest, plan_id: int, payload: DeriveIn) -> Status[dict[str, object]]:
    assert isinstance(request.user, User)
    parent = get_plan_for_user(request.user, plan_id)
    unit = unit_or_404(payload.unit, timezone.localdate())
    plan = plan_derive(actor=request.user, parent=parent, issuer_unit=unit)
    return Status(201, {"id": plan.pk, "url": f"/plans/{plan.pk}/"})


@router.delete(
    "/{plan_id}",
    response={204: None, 422: ErrorOut},
    summary="Xóa một dự thảo, hoặc một kế hoạch cấp trên đã nhận (người soạn của đơn vị); kế "
    "hoạch đã ban hành, hay đã có kế hoạch xây dựng từ nó, không xóa được (422)",
)
def discard_plan(request: HttpRequest, plan_id: int) -> Status[None]:
    assert isinstance(request.user, User)
    plan = get_plan_for_user(request.user, plan_id)
    plan_discard(actor=request.user, plan=plan)
    return Status(204, None)


class IssueIn(Schema):
    issued_on: Day
    number: RecordId | None = Field(None, description="Để trống: số tiếp theo của năm")
    signer_name: str = Field("", max_length=100)
    confirm_unassigned: bool = Field(
        False, description="Vẫn ban hành khi còn nhiệm vụ chưa giao cho cơ quan, đơn vị nào"
    )


@router.post(
    "/{plan_id}/issue",
    response={200: PlanItem, 409: ErrorOut},
    summary="Ban hành một dự thảo (lãnh đạo đơn vị ban hành); 409 liệt kê nhiệm vụ chưa giao "
    "(errors: tasks.<id>, nội dung) khi chưa xác nhận confirm_unassigned",
)
def issue_plan(
    request: HttpRequest, plan_id: int, payload: IssueIn
) -> dict[str, object] | Status[dict[str, object]]:
    assert isinstance(request.user, User)
    plan = get_plan_for_user(request.user, plan_id, Action.APPROVE)
    try:
        issued = plan_issue(
            actor=request.user,
            plan=plan,
            issued_on=payload.issued_on,
            number=payload.number,
            signer_name=nfc(payload.signer_name),
            confirm_unassigned=payload.confirm_unassigned,
        )
    except UnassignedTasksError as error:
        return Status(
            409,
            {
                "detail": error.messages[0],
                "errors": [{"field": f"tasks.{t.pk}", "message": t.text} for t in error.tasks],
            },
        )
    return _item(issued)


class OutlineOut(Schema):
    version: str = Field(
        description="Phiên bản của dàn ý: gửi lại trong expected_version khi sửa (409 khi đã cũ)"
    )
    focus: str | None = Field(None, description="Vị trí của mục vừa sửa (như path)")
    outline: list[OutlineNodeOut] = Field(
        description="Dàn ý như khi soạn: mục thay cho chỉ tiêu, nhiệm vụ… có text rỗng"
    )


class ActivityIn(Schema):
    group: Literal[ACTIVITY_GROUPS] | None = Field(  # type: ignore[valid-type]
        None, description="Nhóm hoạt động của Thông tư 28/2019/TT-BLĐTBXH"
    )
    start: str | None = Field(None, max_length=20, description="15/06/2026, 6/2026, 2026-06, 2026")
    end: str | None = Field(None, max_length=20, description="như start")
    units: list[Annotated[str, Field(max_length=MAX_UNIT_TEXT)]] = Field(
        default_factory=list, max_length=MAX_UNITS, description="Đơn vị thực hiện"
    )


class OutlineNodeIn(Schema):
    kind: Literal["heading", "paragraph", "item"] | None = None
    text: str | None = Field(None, max_length=MAX_TEXT)
    marker: Literal["-", "+", "number"] | None = None
    role: str | None = Field(None, max_length=20, description="basis, purpose, activity, …")
    activity: ActivityIn | None = Field(
        None, description="Với mục vai trò activity: nhóm, thời gian, đơn vị thực hiện"
    )


class OutlineOpIn(Schema):
    op: Literal[OPS] = Field(  # type: ignore[valid-type]
        description="edit: sửa mục; add: thêm sau mục; insert: chèn vào vị trí; delete; up; down; "
        "indent: thành mục con của mục trên; outdent: ra ngoài mục cha; undo: hoàn tác thay đổi "
        "gần nhất của chính bạn"
    )
    path: str = Field(
        "", max_length=40, description="Vị trí: chỉ số từ 0 nối bằng dấu chấm, “2.0” là mục con đầu"
    )
    node: OutlineNodeIn | None = Field(None, description="Với edit, add, insert: các trường đổi")
    expected_version: str = Field(max_length=40, description="version đọc được lần trước")


def _outline_out(outline: list[dict[str, Any]], focus: str | None = None) -> dict[str, object]:
    return {"version": outline_version(outline), "focus": focus, "outline": printed(outline)}


@router.get(
    "/{plan_id}/outline",
    response=OutlineOut,
    summary="Dàn ý nội dung của kế hoạch như khi soạn, với phiên bản để sửa",
)
def get_outline(request: HttpRequest, plan_id: int) -> dict[str, object]:
    return _outline_out(get_plan_for_user(request.user, plan_id).outline)


@router.post(
    "/{plan_id}/outline",
    response={200: OutlineOut, 409: ErrorOut},
    summary="Sửa dàn ý của một dự thảo, mỗi lần một thao tác; 409 khi expected_version đã cũ "
    "(errors: expected_version, phiên bản hiện tại), 422 khi thao tác làm hỏng văn bản",
)
def edit_outline(
    request: HttpRequest, plan_id: int, payload: OutlineOpIn
) -> dict[str, object] | Status[dict[str, object]]:
    assert isinstance(request.user, User)
    plan = get_plan_for_user(request.user, plan_id, Action.ENTER)
    try:
        done = outline_edit(
            actor=request.user,
            plan=plan,
            op=payload.op,
            path=payload.path,
            node=payload.node.model_dump(exclude_unset=True) if payload.node else None,
            expected_version=payload.expected_version,
        )
    except OutlineConflictError as conflict:
        return Status(
            409,
            {
                "detail": str(conflict),
                "errors": [{"field": "expected_version", "message": conflict.version}],
            },
        )
    return _outline_out(done.plan.outline, done.focus)


tasks_router = Router(tags=["Nhiệm vụ"])


class UnitTaskOut(TaskOut):
    plan_id: int
    plan_number: str
    plan_title: str
    assignee: str
    overdue: bool


class ProgressIn(Schema):
    status: TaskStatus
    note: str = Field("", max_length=4000)


class ProgressOut(Schema):
    id: int
    task_id: int
    status: str
    note: str
    created_at: datetime


@tasks_router.get(
    "/units/{code}/tasks",
    response=list[UnitTaskOut],
    summary="Nhiệm vụ giao cho đơn vị và các cơ quan của đơn vị (kế hoạch đã ban hành)",
)
def unit_tasks(
    request: HttpRequest, code: str, as_of: Day | None = None
) -> list[dict[str, object]]:
    unit = unit_or_404(code, as_of or timezone.localdate())
    require(request.user, Action.READ, unit)
    today = timezone.localdate()
    return [_task_row(t, today) for t in selectors.tasks_of_unit(unit)]


def _task_row(t: Task, today: date) -> dict[str, object]:
    """A task of an issued plan as the task lists of the API give it."""
    return {
        **_task_out(t),
        "plan_id": t.assignment.plan_id,
        "plan_number": t.assignment.plan.number_text,
        "plan_title": t.assignment.plan.title,
        "assignee": t.assignment.assignee_label,
        "overdue": selectors.is_overdue(t, today),
    }


class MyTaskOut(UnitTaskOut):
    agency: str | None
    unit_code: str | None
    last_note: str


@tasks_router.get(
    "/tasks/mine",
    response=list[MyTaskOut],
    summary="Nhiệm vụ của các đơn vị và cơ quan của người dùng (kế hoạch đã ban hành)",
)
def my_tasks(request: HttpRequest) -> list[dict[str, object]]:
    today = timezone.localdate()
    tasks = selectors.tasks_for_user(request.user).prefetch_related("progress")
    rows = []
    for t in tasks[:1000]:
        assignment = t.assignment
        agency = assignment.assignee_agency
        unit = assignment.assignee_unit or (agency.unit if agency else None)
        latest = next(iter(t.progress.all()), None)
        rows.append(
            {
                **_task_row(t, today),
                "agency": agency.name if agency else None,
                "unit_code": unit.code if unit else None,
                "last_note": latest.note if latest else "",
            }
        )
    return rows


@tasks_router.post(
    "/tasks/{task_id}/progress",
    response={201: ProgressOut},
    summary="Báo cáo tiến độ một nhiệm vụ (cán bộ của đơn vị được giao)",
)
def post_progress(request: HttpRequest, task_id: int, payload: ProgressIn) -> Status[ProgressOut]:
    assert isinstance(request.user, User)
    task = get_task_for_user(request.user, task_id)
    progress = task_progress_post(
        actor=request.user, task=task, status=payload.status, note=nfc(payload.note)
    )
    return Status(201, ProgressOut.from_orm(progress))


class ProgressFileOut(ProgressOut):
    attachment_filename: str = Field(description="Tên tệp đính kèm như đã gửi")


@tasks_router.post(
    "/tasks/{task_id}/progress/upload",
    response={201: ProgressFileOut},
    url_name="task_progress_upload",
    summary="Báo cáo tiến độ kèm tệp (multipart/form-data: status, note, attachment): PDF, Word, "
    "Excel hoặc ảnh, tối đa 10 MB",
)
def post_progress_upload(
    request: HttpRequest,
    task_id: int,
    payload: Form[ProgressIn],
    attachment: File[UploadedFile],
) -> Status[ProgressFileOut]:
    assert isinstance(request.user, User)
    task = get_task_for_user(request.user, task_id)
    progress = task_progress_post(
        actor=request.user,
        task=task,
        status=payload.status,
        note=nfc(payload.note),
        attachment=attachment,
    )
    return Status(201, ProgressFileOut.from_orm(progress))


class AppendixLineOut(Schema):
    kind: Literal["text", "heading", "inline", "item", "table"] = Field(
        description="text: đoạn văn; heading: đề mục; inline: lời sau dấu hai chấm của đề mục; "
        "item: ý gạch đầu dòng; table: bảng theo mẫu báo cáo (không sửa được)"
    )
    text: str
    depth: int
    editable: bool


class AppendixOut(Schema):
    title: str
    reference: str | None
    lines: list[AppendixLineOut] = Field(description="Nội dung theo thứ tự in")


class AppendicesOut(Schema):
    version: str = Field(description="Gửi lại trong expected_version khi sửa (409 khi đã cũ)")
    appendices: list[AppendixOut]


class AppendixIn(Schema):
    source: int | None = Field(
        None,
        ge=0,
        lt=MAX_APPENDICES,
        description="Vị trí của phụ lục trong danh sách đã đọc; "
        "để trống: phụ lục mới. Phụ lục đã đọc mà không gửi lại thì bị xóa.",
    )
    title: str = Field(max_length=MAX_APPENDIX_TITLE)
    reference: str = Field("", max_length=MAX_APPENDIX_REFERENCE)
    texts: list[Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        default_factory=list,
        max_length=MAX_APPENDIX_LINES,
        description="Lời mới của từng dòng sửa được (editable), đúng thứ tự và số dòng đã đọc; "
        "để trống một đoạn văn hay một ý là bỏ nó",
    )
    more: list[Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        default_factory=list, max_length=MAX_APPENDIX_LINES, description="Đoạn văn thêm ở cuối"
    )


class AppendicesIn(Schema):
    expected_version: str = Field(max_length=40, description="version đọc được lần trước")
    appendices: list[AppendixIn] = Field(max_length=MAX_APPENDICES)


def _appendices_out(plan: Any) -> dict[str, object]:
    appendices = list(plan.appendices or [])
    return {
        "version": appendices_version(appendices),
        "appendices": [
            {
                "title": a.get("title") or "",
                "reference": a.get("reference"),
                "lines": [
                    {
                        "kind": line.kind,
                        "text": line.text,
                        "depth": line.depth,
                        "editable": line.editable,
                    }
                    for line in appendix_lines(a)
                ],
            }
            for a in appendices
        ],
    }


@router.get(
    "/{plan_id}/appendices",
    response=AppendicesOut,
    summary="Các phụ lục của một kế hoạch, từng dòng theo thứ tự in",
)
def get_appendices(request: HttpRequest, plan_id: int) -> dict[str, object]:
    return _appendices_out(get_plan_for_user(request.user, plan_id))


@router.put(
    "/{plan_id}/appendices",
    response={200: AppendicesOut, 409: ErrorOut},
    summary="Thay các phụ lục của một dự thảo (thêm, bỏ, đổi thứ tự, sửa tên và lời); bảng giữ "
    "nguyên; 409 khi expected_version đã cũ, không có gì thay đổi",
)
def put_appendices(
    request: HttpRequest, plan_id: int, payload: AppendicesIn
) -> dict[str, object] | Status[dict[str, object]]:
    assert isinstance(request.user, User)
    plan = get_plan_for_user(request.user, plan_id, Action.ENTER)
    try:
        plan = plan_appendices_update(
            actor=request.user,
            plan=plan,
            appendices=[a.model_dump() for a in payload.appendices],
            expected_version=payload.expected_version,
        )
    except AppendicesConflictError as error:
        return Status(409, {"detail": error.messages[0], "errors": []})
    return _appendices_out(plan)
