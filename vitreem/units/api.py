from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from vitreem.accounts.models import User
from vitreem.accounts.selectors import unit_members
from vitreem.core.api import Pagination, paginate
from vitreem.core.bounds import Day

from . import selectors, services
from .models import AdministrativeUnit, AgencyKind, Succession

router = Router(tags=["Đơn vị hành chính"])

LevelName = Literal["province", "district", "commune"]


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    level: str
    parent_code: str | None
    valid_from: date
    valid_to: date | None

    @staticmethod
    def from_unit(unit: AdministrativeUnit) -> "UnitOut":
        return UnitOut(
            code=unit.code,
            name=unit.name,
            short_name=unit.short_name,
            kind=unit.kind,
            kind_label=str(unit.get_kind_display()),
            level=unit.level_name,
            parent_code=unit.parent.code if unit.parent else None,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
        )


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class AgencyOut(Schema):
    id: int
    name: str
    abbreviation: str
    kind: str
    is_lead_for_children: bool


class UnitDetail(UnitOut):
    parent: UnitOut | None
    children: list[UnitOut]
    agencies: list[AgencyOut]


class UnitFilters(Pagination):
    as_of: Day | None = Field(None, description="Ngày xem (YYYY-MM-DD); mặc định hôm nay")
    level: LevelName | None = None
    parent: str | None = Field(None, description="Mã đơn vị cấp trên")
    q: str | None = Field(None, max_length=100, description="Tìm theo tên, không dấu cũng được")


def _as_of(value: date | None) -> date:
    return value or timezone.localdate()


@router.get("", response=UnitPage, summary="Danh sách đơn vị hành chính tại một ngày")
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> dict[str, object]:
    as_of = _as_of(filters.as_of)
    parent = selectors.unit_or_404(filters.parent, as_of) if filters.parent else None
    units = selectors.units_as_of(as_of, level=filters.level, parent=parent, query=filters.q)
    page = paginate(units, filters)
    return {"count": units.count(), "items": [UnitOut.from_unit(u) for u in page]}


@router.get("/{code}", response=UnitDetail, summary="Một đơn vị với cấp trên, cấp dưới, cơ quan")
def get_unit(request: HttpRequest, code: str, as_of: Day | None = None) -> UnitDetail:
    day = _as_of(as_of)
    unit = selectors.unit_or_404(code, day)
    return UnitDetail(
        **UnitOut.from_unit(unit).dict(),
        parent=UnitOut.from_unit(unit.parent) if unit.parent else None,
        children=[UnitOut.from_unit(c) for c in selectors.unit_children(unit, day)],
        agencies=[AgencyOut.from_orm(a) for a in selectors.agencies_of(unit, day)],
    )


class MemberOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str


@router.get(
    "/{code}/members",
    response=list[MemberOut],
    summary="Người dùng có vai trò tại đơn vị (chỉ thành viên đơn vị và cấp trên)",
)
def list_members(request: HttpRequest, code: str, as_of: Day | None = None) -> list[MemberOut]:
    unit = selectors.unit_or_404(code, _as_of(as_of))
    assert isinstance(request.user, User)
    return [
        MemberOut(
            username=m.user.username,
            full_name=m.user.full_name,
            role=m.role,
            role_label=str(m.get_role_display()),
        )
        for m in unit_members(user=request.user, unit=unit)
    ]


class AgencyIn(Schema):
    name: str = Field(..., min_length=2, max_length=200)
    abbreviation: str = Field("", max_length=40)
    kind: AgencyKind = AgencyKind.OTHER
    is_lead_for_children: bool = False


@router.post(
    "/{code}/agencies",
    response={201: AgencyOut},
    summary="Thêm cơ quan, tổ chức cho đơn vị (lãnh đạo đơn vị)",
)
def create_agency(
    request: HttpRequest, code: str, payload: AgencyIn, as_of: Day | None = None
) -> Status[AgencyOut]:
    unit = selectors.unit_or_404(code, _as_of(as_of))
    assert isinstance(request.user, User)
    agency = services.agency_create(
        actor=request.user,
        unit=unit,
        name=payload.name,
        abbreviation=payload.abbreviation,
        kind=payload.kind,
        is_lead_for_children=payload.is_lead_for_children,
    )
    return Status(201, AgencyOut.from_orm(agency))


class LinkedUnitOut(Schema):
    code: str
    name: str
    valid_from: date
    valid_to: date | None


class SuccessorOut(LinkedUnitOut):
    is_default: bool


class SuccessionOut(Schema):
    predecessors: list[LinkedUnitOut]
    successors: list[SuccessorOut]


def _successor(link: Succession) -> SuccessorOut:
    unit = link.successor
    return SuccessorOut(
        code=unit.code,
        name=unit.name,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
        is_default=link.is_default,
    )


def _predecessor(link: Succession) -> LinkedUnitOut:
    unit = link.predecessor
    return LinkedUnitOut(
        code=unit.code, name=unit.name, valid_from=unit.valid_from, valid_to=unit.valid_to
    )


@router.get(
    "/{code}/succession",
    response=SuccessionOut,
    summary="Đơn vị hình thành từ đâu và đã trở thành đơn vị nào (sắp xếp 01/7/2025)",
)
def get_succession(request: HttpRequest, code: str, as_of: Day | None = None) -> SuccessionOut:
    unit = selectors.unit_or_404(code, _as_of(as_of))
    return SuccessionOut(
        predecessors=[_predecessor(link) for link in selectors.predecessors(unit)],
        successors=[_successor(link) for link in selectors.successors(unit)],
    )
