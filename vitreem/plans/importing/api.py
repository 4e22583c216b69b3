"""The import API: a plan file read and recognised without saving, then the reviewed plan
saved as a draft. Thin: reading and recognition in this package, the draft in its service."""

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from vitreem.accounts.access import Action, require, require_agency
from vitreem.core.bounds import RecordId
from vitreem.units.models import Agency
from vitreem.units.selectors import unit_or_404

from .agencies import NAME_MAX
from .pipeline import recognise_upload
from .reading import MAX_BYTES, ImportRefusedError
from .selectors import agency_of_unit, units_above
from .services import plan_import_receive, plan_import_save

router = Router(tags=["Kế hoạch"])


class SignerIO(Schema):
    authority: str = ""
    deputy: str = ""
    title: str = ""
    name: str = ""


class ReportingIO(Schema):
    deadline: str | None = None
    recipient: str = ""
    text: str = ""


class ProposedAgencyIO(Schema):
    name: str = Field(max_length=NAME_MAX)
    kind: str = ""


class AssignmentIO(Schema):
    assignee: str
    agency: str | None = None
    proposed_agency: ProposedAgencyIO | None = Field(
        None,
        description="Cơ quan đề xuất tạo mới cho đơn vị được giao chưa khớp cơ quan nào của "
        "đơn vị nhập",
    )
    create_agency: bool = Field(
        False,
        description="Khi lưu: tạo cơ quan đề xuất và giao cho nó (lãnh đạo đơn vị quản lý cơ "
        "quan; người khác nhận 403, không có gì được lưu)",
    )
    marker: Literal["-", "+", "number", "letter", "paragraph"] | None = Field(
        None,
        description='Cách ghi nhiệm vụ: gạch đầu dòng "-" hay "+", đánh số "number" (1. 2. 3.), '
        'chữ cái "letter" (a) b) c)), hoặc đoạn văn',
    )
    tasks: list[str] = []
    assignments: list["AssignmentIO"] = []


class BudgetIO(Schema):
    source: Literal["state", "mobilised", "other"] = "state"
    sources: list[Literal["state", "mobilised", "other"]] = Field(
        [],
        max_length=3,
        description="Mọi nguồn dòng kinh phí ghi, theo thứ tự; nguồn đầu là `source`",
    )
    text: str


class LaunchIO(Schema):
    held: bool = False
    date: str | None = None
    place: str = ""
    agenda: list[str] = []
    note: str = ""


class ActivityIO(Schema):
    heading: str
    group: Literal[
        "communication", "resources", "participation", "summer", "recreation", "safety", "movement"
    ]


class RecipientGroupIO(Schema):
    heading: str
    recipients: list[str]


class RecognisedPlan(Schema):
    issuer: str = ""
    issuer_above: str = ""
    number: RecordId | None = None
    symbol: str = ""
    place: str = ""
    date: str = ""
    kind: str = ""
    title: str = ""
    subtitle: str = ""
    issuer_unit_above: str = Field(
        "",
        description="Mã đơn vị cấp trên mà tiêu đề văn bản ghi là cơ quan ban hành (rỗng: kế "
        "hoạch của chính đơn vị)",
    )
    parent_reference: str = ""
    theme: str = ""
    period_start: str | None = None
    period_end: str | None = None
    scope: str = ""
    slogans: list[str] = []
    assignments: list[AssignmentIO] = []
    reporting: ReportingIO = ReportingIO()
    activities: list[ActivityIO] = []
    budget: list[BudgetIO] = []
    launch: LaunchIO = LaunchIO()
    recipients: list[str] = []
    recipient_groups: list[RecipientGroupIO] = []
    signer: SignerIO = SignerIO()
    bases: list[str] = []
    outline: list[dict[str, Any]] = []
    warnings: list[str] = []
    sure: dict[str, bool] = {}


class ImportSaveIn(Schema):
    unit: str
    agency: int | None = None
    received_from: str | None = Field(
        None,
        description="Mã đơn vị cấp trên đã ban hành kế hoạch: lưu làm kế hoạch cấp trên mà "
        "đơn vị đã nhận (chỉ xem, chỉ đơn vị đó thấy) để xây dựng kế hoạch của đơn vị từ đó",
    )
    plan: RecognisedPlan


class ImportSaved(Schema):
    id: int
    url: str
    status: str


def _issuer(request: HttpRequest, code: str, agency_id: int | None) -> tuple[Any, Agency | None]:
    unit = unit_or_404(code, timezone.localdate())
    agency = None
    if agency_id is not None:
        agency = agency_of_unit(unit, agency_id)
        if agency is None:
            require(request.user, Action.READ, unit)
            raise HttpError(404, "Không có cơ quan này ở đơn vị đã chọn.")
        require_agency(request.user, Action.ENTER, agency)
    else:
        require(request.user, Action.ENTER, unit)
    return unit, agency


@router.post(
    "/import",
    response=RecognisedPlan,
    summary="Nhận dạng một văn bản kế hoạch (.docx, .pdf có lớp chữ, .txt), không lưu",
    description=(
        "Đọc tệp, sửa chữ hỏng, nhận dạng các phần của kế hoạch và trả về để rà soát; "
        f"không lưu gì. Tệp tối đa {MAX_BYTES // 2**20} MB."
    ),
)
def import_plan(
    request: HttpRequest,
    file: File[UploadedFile],
    unit: Form[str],
    agency: Form[int | None] = None,
) -> dict[str, Any]:
    issuer_unit, _agency = _issuer(request, unit, agency)
    if (file.size or 0) > MAX_BYTES:
        raise HttpError(422, f"Tệp quá lớn: tối đa {MAX_BYTES // 2**20} MB; không có gì được lưu.")
    try:
        plan = recognise_upload(file.name or "", file.read(MAX_BYTES + 1), issuer_unit)
    except ImportRefusedError as error:
        raise HttpError(422, str(error)) from error
    plan.pop("source_text", None)
    return plan


@router.post(
    "/import/save",
    response={201: ImportSaved},
    summary="Lưu kế hoạch đã rà soát: dự thảo của đơn vị, hoặc kế hoạch cấp trên đã nhận",
)
def save_import(request: HttpRequest, payload: ImportSaveIn) -> Status[dict[str, Any]]:
    if payload.received_from is not None:
        if payload.agency is not None:
            raise HttpError(
                422, "Kế hoạch cấp trên đã nhận là của đơn vị, không chọn cơ quan ban hành."
            )
        unit = unit_or_404(payload.unit, timezone.localdate())
        require(request.user, Action.ENTER, unit)
        issuer = next((u for u in units_above(unit) if u.code == payload.received_from), None)
        if issuer is None:
            raise HttpError(422, f"Chỉ lưu được kế hoạch của đơn vị cấp trên của {unit.name}.")
        plan = plan_import_receive(
            actor=request.user,  # type: ignore[arg-type]
            receiving_unit=unit,
            issuer_unit=issuer,
            reviewed=payload.plan.dict(),
        )
    else:
        issuer_unit, agency = _issuer(request, payload.unit, payload.agency)
        plan = plan_import_save(
            actor=request.user,  # type: ignore[arg-type]
            issuer_unit=issuer_unit,
            issuer_agency=agency,
            reviewed=payload.plan.dict(),
        )
    return Status(201, {"id": plan.pk, "url": f"/plans/{plan.pk}/", "status": plan.status})
