"""The fund's API: funds you may read, balance at a date, honour roll, the public disclosure
(no token) and, for integrators, donors and donations. Money is whole đồng."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from vitreem.accounts.access import Action, get_child_for_user, get_fund_for_user
from vitreem.accounts.models import User
from vitreem.children.models import Child
from vitreem.core.api import Pagination, paginate
from vitreem.core.bounds import Day, PositiveMoney

from . import selectors, services
from .models import Donation, DonationKind, Fund

router = Router(tags=["Quỹ Bảo trợ trẻ em"])


class FundItem(Schema):
    id: int
    unit_code: str
    unit_name: str
    name: str
    managing_agency: str | None
    bank_account: str
    honour_threshold: int
    management_cap_percent: int


class FundPage(Schema):
    count: int
    items: list[FundItem]


def _fund_item(fund: Fund) -> dict[str, object]:
    return {
        "id": fund.pk,
        "unit_code": fund.unit.code,
        "unit_name": fund.unit.name,
        "name": fund.name,
        "managing_agency": fund.managing_agency.name if fund.managing_agency else None,
        "bank_account": fund.bank_account,
        "honour_threshold": fund.honour_threshold,
        "management_cap_percent": fund.management_cap_percent,
    }


@router.get("", response=FundPage, summary="Các quỹ bạn được xem")
def list_funds(request: HttpRequest, filters: Query[Pagination]) -> dict[str, object]:
    funds = selectors.funds_for_user(request.user).select_related("managing_agency")
    page = paginate(funds, filters)
    return {"count": funds.count(), "items": [_fund_item(f) for f in page]}


class InheritedOut(Schema):
    unit_code: str
    unit_name: str
    until: date = Field(..., description="Các khoản đơn vị cũ ghi trước ngày này được tính")


class BalanceOut(Schema):
    balance: int = Field(
        ...,
        description="Số dư (đồng): tổng thu trừ tổng chi đến hết ngày, kể cả các khoản do quỹ "
        "của các đơn vị cũ đã hợp thành đơn vị ghi trước ngày sắp xếp",
    )
    as_of: date
    inherited: list[InheritedOut] = Field(
        ..., description="Các đơn vị cũ có sổ quỹ được tính (đơn vị kế thừa mặc định)"
    )


@router.get("/{fund_id}/balance", response=BalanceOut, summary="Số dư của quỹ tại một ngày")
def fund_balance(request: HttpRequest, fund_id: int, as_of: Day | None = None) -> dict[str, object]:
    fund = get_fund_for_user(request.user, fund_id)
    day = as_of or timezone.localdate()
    ledger = selectors.fund_ledger(fund)
    return {
        "balance": selectors.balance(ledger, day),
        "as_of": day,
        "inherited": [
            {"unit_code": p.unit.code, "unit_name": p.unit.name, "until": p.until}
            for p in ledger.inherited
        ],
    }


class HonourItem(Schema):
    donor: str = Field(..., description="Tên công khai của nhà tài trợ")
    total: int


class HonourOut(Schema):
    year: int
    threshold: int
    items: list[HonourItem]


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Mặc định: năm nay")


@router.get(
    "/{fund_id}/honour-roll",
    response=HonourOut,
    summary="Nhà tài trợ đạt mức vinh danh trong năm (tên công khai)",
)
def honour_roll(request: HttpRequest, fund_id: int, query: Query[YearQuery]) -> dict[str, object]:
    fund = get_fund_for_user(request.user, fund_id)
    year = query.year or timezone.localdate().year
    return {
        "year": year,
        "threshold": fund.honour_threshold,
        "items": [
            {"donor": e.donor.public_name, "total": e.total}
            for e in selectors.honour_roll(fund, year)
        ],
    }


class PublicGiftOut(Schema):
    received_on: date
    donor: str
    kind: str
    amount: int
    purpose: str
    unit: str = Field(..., description="Đơn vị có quỹ đã ghi khoản này")


class PublicPaymentOut(Schema):
    paid_on: date
    category: str
    purpose: str
    amount: int
    unit: str = Field(..., description="Đơn vị có quỹ đã ghi khoản này")


class CategoryOut(Schema):
    category: str
    amount: int
    children: str = Field(..., description='Lượt trẻ em; dưới 5 ghi "< 5"; chi quản lý để trống')


class DisclosureOut(Schema):
    fund: str
    unit: str
    start: date
    end: date
    opening: int
    received: int
    paid: int
    closing: int
    gifts: list[PublicGiftOut]
    payments: list[PublicPaymentOut]
    by_category: list[CategoryOut]


class PeriodQuery(YearQuery):
    quarter: int | None = Field(None, ge=1, le=4, description="1–4; để trống: cả năm")


@router.get(
    "/{fund_id}/disclosure",
    auth=None,
    response=DisclosureOut,
    summary="Công khai thu, chi của quý hoặc năm (không cần xác thực; không có dữ liệu trẻ em)",
)
def disclosure(request: HttpRequest, fund_id: int, query: Query[PeriodQuery]) -> dict[str, object]:
    fund = selectors.public_funds().filter(pk=fund_id).first()
    if fund is None:
        raise Http404(_("Không tìm thấy quỹ."))
    d = selectors.disclosure(fund, query.year or timezone.localdate().year, query.quarter)
    return {
        "fund": fund.name,
        "unit": fund.unit.name,
        "start": d.start,
        "end": d.end,
        "opening": d.opening,
        "received": d.received,
        "paid": d.paid,
        "closing": d.closing,
        "gifts": [g.__dict__ for g in d.gifts],
        "payments": [
            {
                "paid_on": p.paid_on,
                "category": p.category,
                "purpose": p.purpose,
                "amount": p.amount,
                "unit": p.unit,
            }
            for p in d.payments
        ],
        "by_category": [
            {"category": label, "amount": amount, "children": children}
            for label, amount, children in d.by_category
        ],
    }


class DonorOut(Schema):
    id: int
    kind: str
    name: str
    public_name: str
    anonymous: bool


@router.get("/{fund_id}/donors", response=list[DonorOut], summary="Nhà tài trợ của quỹ")
def donors(request: HttpRequest, fund_id: int) -> list[dict[str, object]]:
    fund = get_fund_for_user(request.user, fund_id)
    return [
        {
            "id": d.pk,
            "kind": d.kind,
            "name": d.name,
            "public_name": d.public_name,
            "anonymous": d.anonymous,
        }
        for d in selectors.donors_of(fund)
    ]


class DonationIn(Schema):
    donor: int = Field(..., description="Mã nhà tài trợ của quỹ (GET /funds/{id}/donors)")
    received_on: Day
    amount: PositiveMoney = Field(..., description="Số đồng, số nguyên lớn hơn 0")
    kind: DonationKind = DonationKind.MONEY
    description: str = Field("", max_length=255)
    receipt_number: str = Field("", max_length=40)
    bank_reference: str = Field("", max_length=60)
    earmark_purpose: str = Field("", max_length=255)
    earmark_child: str | None = Field(None, description="Mã hồ sơ trẻ em (tài trợ có địa chỉ)")


class DonationOut(Schema):
    id: int
    donor: int
    received_on: date
    kind: str
    amount: int
    description: str
    receipt_number: str
    bank_reference: str
    earmark_purpose: str
    earmark_child: str | None


def _donation_out(donation: Donation, child: Child | None) -> dict[str, object]:
    return {
        "id": donation.pk,
        "donor": donation.donor_id,
        "received_on": donation.received_on,
        "kind": donation.kind,
        "amount": donation.amount,
        "description": donation.description,
        "receipt_number": donation.receipt_number,
        "bank_reference": donation.bank_reference,
        "earmark_purpose": donation.earmark_purpose,
        "earmark_child": child.public_id if child else None,
    }


@router.post(
    "/{fund_id}/donations",
    response={201: DonationOut},
    summary="Ghi nhận một khoản đóng góp (cán bộ, lãnh đạo của đơn vị có quỹ)",
)
def donation_create(
    request: HttpRequest, fund_id: int, payload: DonationIn
) -> Status[dict[str, object]]:
    assert isinstance(request.user, User)
    fund = get_fund_for_user(request.user, fund_id, Action.ENTER)
    donor = selectors.donors_of(fund).filter(pk=payload.donor).first()
    if donor is None:
        raise ValidationError({"donor": _("Nhà tài trợ không thuộc quỹ này.")})
    child = None
    if payload.earmark_child:
        try:
            child = get_child_for_user(request.user, payload.earmark_child)
        except Http404:
            raise ValidationError(
                {"earmark_child": _("Không tìm thấy hồ sơ trẻ em có mã này.")}
            ) from None
    donation = services.donation_record(
        actor=request.user,
        fund=fund,
        donor=donor,
        received_on=payload.received_on,
        amount=payload.amount,
        kind=payload.kind,
        description=payload.description,
        receipt_number=payload.receipt_number,
        bank_reference=payload.bank_reference,
        earmark_purpose=payload.earmark_purpose,
        earmark_child=child,
    )
    return Status(201, _donation_out(donation, child))
