"""The registry over the API: the same access rule, the same read log, no name in any URL."""

from datetime import date
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from vitreem.accounts.access import Action, can_read_sensitive, get_child_for_user, require
from vitreem.accounts.models import User
from vitreem.core.api import Pagination, paginate
from vitreem.core.bounds import Day, LaterDay, Money
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import unit_by_code

from . import catalogue, selectors, services
from .models import Child, ReadVia, SupportRecord

router = Router(tags=["Trẻ em"])

GroupCode = Literal["a", "b", "c", "d", "dd", "e", "g", "h", "i", "k", "l", "m", "n", "o"]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _unit(request: HttpRequest, code: str, as_of: date) -> AdministrativeUnit:
    unit = unit_by_code(code, as_of)
    if unit is None:
        raise Http404(
            _("Không có đơn vị mã %(code)s vào ngày %(day)s.")
            % {"code": code, "day": f"{as_of:%d/%m/%Y}"}
        )
    require(request.user, Action.READ, unit)
    return unit


class ChildFilters(Pagination):
    unit: str = Field(..., description="Mã đơn vị: cả cây đơn vị bên dưới")
    group: GroupCode | None = Field(
        None, description="Nhóm hoàn cảnh đặc biệt (điểm của Điều 10 Luật Trẻ em; dd là đ)"
    )
    as_of: Day | None = Field(None, description="Ngày xem (mặc định: hôm nay)")


class ChildItem(Schema):
    public_id: str
    full_name: str
    date_of_birth: date
    sex: str
    unit_code: str
    unit_name: str
    groups: list[str] = Field(description="Nhóm đang thuộc vào ngày xem (chỉ nhóm bạn được xem)")
    ethnicity: str | None = Field(description="Dữ liệu nhạy cảm: null nếu bạn không có quyền")
    disability_level: str | None = Field(description="Dữ liệu nhạy cảm: null nếu không có quyền")


class ChildPage(Schema):
    count: int
    items: list[ChildItem]


def _item(child: Child, groups: list[str], sensitive: bool) -> dict[str, object]:
    return {
        "public_id": child.public_id,
        "full_name": child.full_name,
        "date_of_birth": child.date_of_birth,
        "sex": child.sex,
        "unit_code": child.unit.code,
        "unit_name": child.unit.name,
        "groups": groups,
        "ethnicity": child.ethnicity if sensitive else None,
        "disability_level": child.disability_level if sensitive else None,
    }


def _groups_on(children: list[Child], day: date, sensitive: bool) -> dict[int, list[str]]:
    hidden = catalogue.sensitive_groups()
    found: dict[int, list[str]] = {}
    for child_id, group in selectors.groups_on(children, day):
        if sensitive or group not in hidden:
            found.setdefault(child_id, []).append(group)
    return found


@router.get("", response=ChildPage, summary="Trẻ em của một đơn vị và các đơn vị bên dưới")
def list_children(request: HttpRequest, filters: Query[ChildFilters]) -> dict[str, object]:
    user = _user(request)
    day = filters.as_of or timezone.localdate()
    unit = _unit(request, filters.unit, day)
    children = selectors.children_in(user, unit, as_of=day, group=filters.group)
    page = list(paginate(children, filters))
    services.reads_record(user=user, children=page, via=ReadVia.API)
    sensitive = can_read_sensitive(user, unit)
    groups = _groups_on(page, day, sensitive)
    return {
        "count": children.count(),
        "items": [_item(c, groups.get(c.pk, []), can_read_sensitive(user, c.unit)) for c in page],
    }


class CircumstanceOut(Schema):
    group: str
    point: str
    label: str
    subgroup: str
    legal_basis: str
    started_on: date
    ended_on: date | None
    end_reason: str


class ChildDetail(ChildItem):
    address: str
    personal_id: str | None
    representative_name: str
    representative_relation: str
    representative_phone: str
    insurance_number: str
    insurance_valid_to: date | None
    registered_on: date
    circumstances: list[CircumstanceOut]


def _detail(user: User, child: Child) -> dict[str, object]:
    today = timezone.localdate()
    view = selectors.child_view(user, child, today)
    sensitive = view.sensitive
    known = catalogue.groups()
    return {
        **_item(
            child,
            [c.circumstance.group for c in view.circumstances if c.active],
            sensitive,
        ),
        "address": child.address,
        "personal_id": child.personal_id,
        "representative_name": child.representative_name,
        "representative_relation": child.representative_relation,
        "representative_phone": child.representative_phone,
        "insurance_number": child.insurance_number,
        "insurance_valid_to": child.insurance_valid_to,
        "registered_on": child.registered_on,
        "circumstances": [
            {
                "group": c.circumstance.group,
                "point": known[c.circumstance.group].point,
                "label": known[c.circumstance.group].label,
                "subgroup": c.circumstance.subgroup,
                "legal_basis": c.circumstance.legal_basis,
                "started_on": c.circumstance.started_on,
                "ended_on": c.circumstance.ended_on,
                "end_reason": c.circumstance.end_reason,
            }
            for c in view.circumstances
        ],
    }


@router.get("/{public_id}", response=ChildDetail, summary="Hồ sơ một trẻ em")
def child_detail(request: HttpRequest, public_id: str) -> dict[str, object]:
    user = _user(request)
    child = get_child_for_user(user, public_id)
    services.reads_record(user=user, children=[child], via=ReadVia.API)
    return _detail(user, child)


class SupportOut(Schema):
    kind: str
    surgery_kind: str
    given_on: date
    value: int = Field(description="Giá trị, đồng")
    source: str
    occasion: str
    description: str
    giver_unit_code: str
    giver_agency: str | None


def _support(record: SupportRecord) -> dict[str, object]:
    return {
        "kind": record.kind,
        "surgery_kind": record.surgery_kind,
        "given_on": record.given_on,
        "value": record.value,
        "source": record.source,
        "occasion": record.occasion,
        "description": record.description,
        "giver_unit_code": record.giver_unit.code,
        "giver_agency": record.giver_agency.name if record.giver_agency else None,
    }


@router.get("/{public_id}/support", response=list[SupportOut], summary="Hỗ trợ trẻ em đã nhận")
def child_support(request: HttpRequest, public_id: str) -> list[dict[str, object]]:
    user = _user(request)
    child = get_child_for_user(user, public_id)
    services.reads_record(user=user, children=[child], via=ReadVia.API)
    return [_support(s) for s in selectors.child_view(user, child, timezone.localdate()).support]


class ChildIn(Schema):
    unit: str = Field(..., description="Mã xã, phường nơi cư trú")
    full_name: str = Field(..., max_length=120)
    date_of_birth: date
    sex: Literal["male", "female"]
    ethnicity: str = Field("", max_length=2, description="Mã dân tộc 01–54")
    personal_id: str = Field("", max_length=12)
    address: str = Field("", max_length=255)
    representative_name: str = Field("", max_length=120)
    representative_relation: str = ""
    representative_phone: str = Field("", max_length=15)
    disability_level: str = ""
    insurance_number: str = Field("", max_length=15)
    insurance_valid_to: LaterDay | None = None
    allow_duplicate: bool = Field(
        False, description="Vẫn đăng ký khi đã có hồ sơ cùng họ tên, ngày sinh ở xã (đánh dấu)"
    )


@router.post("", response={201: ChildDetail}, summary="Đăng ký một trẻ em (cán bộ của xã, phường)")
def register_child(request: HttpRequest, payload: ChildIn) -> Status:
    user = _user(request)
    today = timezone.localdate()
    unit = _unit(request, payload.unit, today)
    data = payload.dict(exclude={"unit", "allow_duplicate"})
    child = services.child_register(
        actor=user,
        unit=unit,
        data=services.ChildData(**data),
        allow_duplicate=payload.allow_duplicate,
    )
    return Status(201, _detail(user, child))


class SupportIn(Schema):
    kind: Literal[
        "gift", "scholarship", "medical", "surgery", "insurance_card", "allowance", "other"
    ]
    surgery_kind: str = ""
    given_on: Day
    value: Money = Field(..., description="Giá trị, đồng")
    source: Literal["state", "mobilised"]
    occasion: Literal["action_month", "childrens_day", "mid_autumn", "lunar_new_year", "other"]
    description: str = Field("", max_length=255)
    giver_agency_id: int | None = None


@router.post(
    "/{public_id}/support", response={201: SupportOut}, summary="Ghi nhận hỗ trợ cho trẻ em"
)
def add_support(request: HttpRequest, public_id: str, payload: SupportIn) -> Status:
    user = _user(request)
    child = get_child_for_user(user, public_id, Action.ENTER)
    agency = None
    if payload.giver_agency_id is not None:
        agency = selectors.giver_agencies(child).filter(pk=payload.giver_agency_id).first()
        if agency is None:
            raise Http404(_("Không tìm thấy cơ quan hỗ trợ."))
    record = services.support_record_add(
        actor=user,
        child=child,
        data=services.SupportData(
            kind=payload.kind,
            given_on=payload.given_on,
            value=payload.value,
            source=payload.source,
            occasion=payload.occasion,
            surgery_kind=payload.surgery_kind,
            description=payload.description,
            giver_agency=agency,
        ),
    )
    return Status(201, _support(record))
