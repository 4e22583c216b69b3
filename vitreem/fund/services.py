"""Fund operations: the fund, its donors, donations, spending norms and disbursements.

Every entry that moves money takes the fund's row lock, so two officers recording at once
cannot both spend the same balance; the balance itself is always a sum over the ledger.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, can, require
from vitreem.accounts.models import User
from vitreem.children.models import Child, FundingSource, Occasion, SupportKind, SupportRecord
from vitreem.children.services import SupportData, support_record_add
from vitreem.core import bounds
from vitreem.core.audit import audit_record
from vitreem.core.text import fold, nfc
from vitreem.units.models import AdministrativeUnit, Agency

from . import selectors
from .models import (
    Disbursement,
    Donation,
    DonationKind,
    Donor,
    DonorKind,
    Fund,
    NormDecision,
    NormItem,
    SpendingCategory,
)

# The spending category that pays for each kind of support given to a child.
CATEGORY_OF_SUPPORT = {
    SupportKind.GIFT: SpendingCategory.GIFT,
    SupportKind.SCHOLARSHIP: SpendingCategory.SCHOLARSHIP,
    SupportKind.MEDICAL: SpendingCategory.MEDICAL,
    SupportKind.SURGERY: SpendingCategory.SURGERY,
    SupportKind.INSURANCE_CARD: SpendingCategory.INSURANCE_CARD,
    SupportKind.ALLOWANCE: SpendingCategory.EMERGENCY,
    SupportKind.OTHER: SpendingCategory.OTHER,
}


def _d(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".") + " đồng"


def _locked(fund: Fund) -> Fund:
    """The fund's row locked, with those of the funds whose balances read each other's entries
    across the reform (selectors.ledger_family), always in id order: a payment of the successor
    and a reversal in an old fund's past wait for each other instead of both passing."""
    rows = list(
        Fund.objects.select_for_update().filter(pk__in=selectors.ledger_family(fund)).order_by("pk")
    )
    return next(row for row in rows if row.pk == fund.pk)


def fund_create(
    *,
    actor: User,
    unit: AdministrativeUnit,
    name: str,
    managing_agency: Agency | None = None,
    bank_account: str = "",
    honour_threshold: int | None = None,
    management_cap_percent: int = 5,
) -> Fund:
    require(actor, Action.MANAGE, unit)
    if managing_agency is not None and managing_agency.unit_id != unit.pk:
        raise ValidationError({"managing_agency": _("Cơ quan quản lý quỹ phải thuộc đơn vị.")})
    fund = Fund(
        unit=unit,
        name=nfc(name),
        managing_agency=managing_agency,
        bank_account=nfc(bank_account),
        management_cap_percent=management_cap_percent,
    )
    if honour_threshold is not None:
        fund.honour_threshold = bounds.check_money(
            honour_threshold, field="honour_threshold", minimum=1
        )
    with transaction.atomic():
        fund.full_clean()
        fund.save()
        audit_record(actor=actor, action="fund.create", target=fund, unit=unit)
    return fund


def donor_add(
    *,
    actor: User,
    fund: Fund,
    kind: str,
    name: str,
    anonymous: bool = False,
    address: str = "",
    phone: str = "",
    tax_code: str = "",
) -> Donor:
    require(actor, Action.ENTER, fund.unit)
    if kind not in DonorKind.values:
        raise ValidationError({"kind": _("Hãy chọn loại nhà tài trợ.")})
    donor = Donor(
        fund=fund,
        kind=kind,
        name=nfc(name),
        name_folded=fold(name),
        anonymous=anonymous,
        address=nfc(address),
        phone=nfc(phone).replace(" ", ""),
        tax_code=nfc(tax_code),
    )
    if not donor.name:
        raise ValidationError({"name": _("Hãy nhập tên nhà tài trợ.")})
    with transaction.atomic():
        donor.full_clean(exclude=["fund"])
        donor.save()
        audit_record(actor=actor, action="fund.donor.add", target=donor, unit=fund.unit)
    return donor


def _amount(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("Số tiền phải là số đồng nguyên.")})
    return bounds.check_money(value, field=field, minimum=1)


def donation_record(
    *,
    actor: User,
    fund: Fund,
    donor: Donor,
    received_on: date,
    amount: int,
    kind: str = DonationKind.MONEY,
    description: str = "",
    receipt_number: str = "",
    bank_reference: str = "",
    earmark_purpose: str = "",
    earmark_child: Child | None = None,
    today: date | None = None,
) -> Donation:
    require(actor, Action.ENTER, fund.unit)
    today = today or timezone.localdate()
    amount = _amount(amount, "amount")
    bounds.check_day(received_on, field="received_on")
    errors: dict[str, str] = {}
    if donor.fund_id != fund.pk:
        errors["donor"] = _("Nhà tài trợ không thuộc quỹ này.")
    if kind not in DonationKind.values:
        errors["kind"] = _("Hãy chọn hình thức đóng góp.")
    if kind == DonationKind.IN_KIND and not nfc(description):
        errors["description"] = _("Đóng góp bằng hiện vật: hãy ghi hiện vật và cách quy ra tiền.")
    if received_on > today:
        errors["received_on"] = _("Ngày nhận ở trong tương lai.")
    if earmark_child is not None and not can(actor, Action.READ, earmark_child.unit):
        errors["earmark_child"] = _("Không tìm thấy hồ sơ trẻ em.")
    elif earmark_child is not None and fund.unit_id not in {
        earmark_child.unit_id,
        earmark_child.unit.district_id,
        earmark_child.province_id,
    }:
        errors["earmark_child"] = _("Trẻ em được tài trợ có địa chỉ phải thuộc địa bàn của quỹ.")
    if errors:
        raise ValidationError(errors)
    donation = Donation(
        fund=fund,
        donor=donor,
        received_on=received_on,
        kind=kind,
        amount=amount,
        description=nfc(description),
        receipt_number=nfc(receipt_number),
        bank_reference=nfc(bank_reference),
        earmark_purpose=nfc(earmark_purpose),
        earmark_child=earmark_child,
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            _locked(fund)
            donation.full_clean(exclude=["fund", "donor", "earmark_child", "recorded_by"])
            donation.save()
            audit_record(
                actor=actor,
                action="fund.donation.record",
                target=donation,
                unit=fund.unit,
                data={"amount": amount},
            )
    except IntegrityError as error:
        raise ValidationError(
            {"receipt_number": _("Số biên lai này đã được ghi cho một khoản khác.")}
        ) from error
    return donation


def norm_decision_add(
    *,
    actor: User,
    fund: Fund,
    number: str,
    signed_on: date,
    valid_from: date,
    items: list[tuple[str, str, int | None]],
) -> NormDecision:
    """A fund council's decision on spending norms: (category, label, max per child) items."""
    require(actor, Action.MANAGE, fund.unit)
    errors: dict[str, str] = {}
    if not nfc(number):
        errors["number"] = _("Hãy nhập số quyết định.")
    if valid_from < signed_on:
        errors["valid_from"] = _("Ngày áp dụng không được trước ngày ký.")
    if not items:
        errors["items"] = _("Quyết định cần ít nhất một nội dung chi.")
    categories = [c for c, _label, _max in items]
    if len(set(categories)) != len(categories):
        errors["items"] = _("Mỗi nội dung chi chỉ ghi một lần trong một quyết định.")
    for category, _label, maximum in items:
        if category not in SpendingCategory.values:
            errors["items"] = _("Nội dung chi không hợp lệ.")
        if maximum is not None and maximum <= 0:
            errors["items"] = _("Mức chi tối đa phải lớn hơn 0.")
    decisions = NormDecision.objects.filter(fund=fund)
    if decisions.filter(number=nfc(number)).exists():
        errors["number"] = _("Quỹ đã có quyết định số này.")
    if decisions.filter(valid_from=valid_from).exists():
        errors["valid_from"] = _(
            "Quỹ đã có quyết định định mức áp dụng từ ngày %(day)s; quyết định mới cần ngày "
            "áp dụng khác."
        ) % {"day": _d(valid_from)}
    for name, day in (("signed_on", signed_on), ("valid_from", valid_from)):
        if problem := bounds.day_problem(day):
            errors[name] = problem
    for _category, _label, maximum in items:
        if maximum is not None and (problem := bounds.money_problem(maximum)):
            errors["items"] = problem
    if errors:
        raise ValidationError(errors)
    decision = NormDecision(
        fund=fund, number=nfc(number), signed_on=signed_on, valid_from=valid_from
    )
    decision.full_clean(exclude=["fund"])
    try:
        with transaction.atomic():
            decision.save()
            NormItem.objects.bulk_create(
                NormItem(decision=decision, category=c, label=nfc(label), max_per_beneficiary=m)
                for c, label, m in items
            )
            audit_record(actor=actor, action="fund.norms.add", target=decision, unit=fund.unit)
    except IntegrityError as error:  # the same number or day, recorded meanwhile
        raise ValidationError(
            {"number": _("Quỹ đã có quyết định số này hoặc áp dụng từ ngày này.")}
        ) from error
    return decision


@dataclass
class DisbursementData:
    paid_on: date
    category: str
    purpose: str
    amount: int
    beneficiaries: int = 0
    voucher_number: str = ""
    earmark_donation: Donation | None = None


def _check_disbursement(fund: Fund, data: DisbursementData, today: date) -> NormItem:
    """The rules of a payment, read under the fund's lock; returns the norm it falls under."""
    amount = _amount(data.amount, "amount")
    if data.category not in SpendingCategory.values:
        raise ValidationError({"category": _("Nội dung chi không hợp lệ.")})
    if data.paid_on > today:
        raise ValidationError({"paid_on": _("Ngày chi ở trong tương lai.")})
    bounds.check_day(data.paid_on, field="paid_on")
    bounds.check_count(data.beneficiaries, field="beneficiaries")
    if not nfc(data.purpose):
        raise ValidationError({"purpose": _("Hãy ghi mục đích chi (được công khai).")})
    item = selectors.norm_in_force(fund, data.category, data.paid_on)
    if item is None:
        raise ValidationError(
            {
                "category": _(
                    "Chưa có định mức cho nội dung chi này vào ngày %(day)s: hội đồng quản lý "
                    "quỹ cần ban hành định mức trước."
                )
                % {"day": _d(data.paid_on)}
            }
        )
    if item.max_per_beneficiary is not None and data.category != SpendingCategory.MANAGEMENT:
        if data.beneficiaries <= 0:
            raise ValidationError({"beneficiaries": _("Hãy ghi số trẻ em được hỗ trợ.")})
        if amount > item.max_per_beneficiary * data.beneficiaries:
            raise ValidationError(
                {
                    "amount": _("Vượt định mức: tối đa %(max)s mỗi trẻ em (Quyết định %(number)s).")
                    % {"max": _money(item.max_per_beneficiary), "number": item.decision.number}
                }
            )
    # The balance may not go below zero on the day paid, nor on any day after it.
    available = selectors.lowest_balance_from(fund, data.paid_on)
    if amount > available:
        raise ValidationError(
            {
                "amount": _("Số dư của quỹ (%(balance)s) không đủ để chi.")
                % {"balance": _money(available)}
            }
        )
    # Nor may a payment without an earmark spend what donors gave for a stated purpose.
    if data.earmark_donation is None:
        free = selectors.lowest_free_balance_from(fund, data.paid_on)
        if amount > free:
            raise ValidationError(
                {
                    "amount": _(
                        "Số dư không kể các khoản tài trợ có địa chỉ (%(balance)s) không đủ để "
                        "chi; khoản chi từ tài trợ có địa chỉ cần chọn khoản tài trợ đó."
                    )
                    % {"balance": _money(max(free, 0))}
                }
            )
    if data.category == SpendingCategory.MANAGEMENT:
        share = selectors.management_share(fund, data.paid_on.year)
        if share.spent + amount > share.cap:
            raise ValidationError(
                {
                    "amount": _(
                        "Chi phí quản lý năm %(year)s vượt trần %(percent)s%% số thu "
                        "(tối đa %(cap)s, đã chi %(spent)s)."
                    )
                    % {
                        "year": data.paid_on.year,
                        "percent": fund.management_cap_percent,
                        "cap": _money(share.cap),
                        "spent": _money(share.spent),
                    }
                }
            )
    donation = data.earmark_donation
    if donation is not None:
        if donation.fund_id != fund.pk or not donation.earmarked:
            raise ValidationError(
                {"earmark_donation": _("Khoản đóng góp không phải tài trợ có địa chỉ của quỹ.")}
            )
        if data.paid_on < donation.received_on:
            raise ValidationError(
                {
                    "paid_on": _("Ngày chi trước ngày nhận khoản tài trợ có địa chỉ (%(day)s).")
                    % {"day": _d(donation.received_on)}
                }
            )
        left = selectors.earmark_left(donation)
        if amount > left:
            raise ValidationError(
                {"amount": _("Khoản tài trợ có địa chỉ chỉ còn %(left)s.") % {"left": _money(left)}}
            )
    return item


def disbursement_record(
    *,
    actor: User,
    fund: Fund,
    data: DisbursementData,
    today: date | None = None,
    support_record: SupportRecord | None = None,
) -> Disbursement:
    require(actor, Action.ENTER, fund.unit)
    today = today or timezone.localdate()
    with transaction.atomic():
        fund = _locked(fund)
        item = _check_disbursement(fund, data, today)
        disbursement = Disbursement(
            fund=fund,
            paid_on=data.paid_on,
            category=data.category,
            norm_item=item,
            purpose=nfc(data.purpose),
            amount=data.amount,
            beneficiaries=data.beneficiaries,
            voucher_number=nfc(data.voucher_number),
            earmark_donation=data.earmark_donation,
            support_record=support_record,
            recorded_by=actor,
        )
        disbursement.full_clean(
            exclude=["fund", "norm_item", "support_record", "earmark_donation", "recorded_by"]
        )
        disbursement.save()
        audit_record(
            actor=actor,
            action="fund.disbursement.record",
            target=disbursement,
            unit=fund.unit,
            data={"amount": data.amount, "category": data.category},
        )
    return disbursement


def fund_support_child(
    *,
    actor: User,
    fund: Fund,
    child: Child,
    support: SupportData,
    voucher_number: str = "",
    earmark_donation: Donation | None = None,
    today: date | None = None,
) -> Disbursement:
    """Support a child from the fund: the child's support record and the fund's payment are
    written together, or neither. The public purpose names the kind, never the child."""
    require(actor, Action.ENTER, fund.unit)
    require(actor, Action.READ, child.unit)
    if fund.unit_id not in {child.unit_id, child.unit.district_id, child.province_id}:
        raise ValidationError({"child": _("Trẻ em không thuộc địa bàn của quỹ.")})
    support.source = FundingSource.FUND
    category = (
        CATEGORY_OF_SUPPORT[SupportKind(support.kind)] if support.kind in SupportKind.values else ""
    )
    with translation.override(settings.LANGUAGE_CODE):  # the public purpose, in Vietnamese
        label = str(SpendingCategory(category).label) if category else ""
        occasion = (
            str(Occasion(support.occasion).label) if support.occasion in Occasion.values else ""
        )
    with transaction.atomic():
        record = support_record_add(
            actor=actor, child=child, data=support, today=today, paid_by_fund=True
        )
        return disbursement_record(
            actor=actor,
            fund=fund,
            data=DisbursementData(
                paid_on=support.given_on,
                category=category,
                purpose=f"{label} — {occasion}",
                amount=support.value,
                beneficiaries=1,
                voucher_number=voucher_number,
                earmark_donation=earmark_donation,
            ),
            today=today,
            support_record=record,
        )


def donation_reverse(
    *, actor: User, donation: Donation, reason: str, today: date | None = None
) -> Donation:
    """Undo a donation recorded by mistake with a reversing entry dated today; the original
    stays in the ledger."""
    require(actor, Action.ENTER, donation.fund.unit)
    today = today or timezone.localdate()
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do hủy khoản đóng góp.")})
    with transaction.atomic():
        fund = _locked(donation.fund)
        if donation.reverses_id or Donation.objects.filter(reverses=donation).exists():
            raise ValidationError(_("Khoản này đã được hủy hoặc là bút toán hủy."))
        if selectors.lowest_balance_from(fund, donation.received_on) < donation.amount:
            raise ValidationError(_("Không thể hủy: số tiền này đã được chi."))
        if (
            not donation.earmarked
            and selectors.lowest_free_balance_from(fund, donation.received_on) < donation.amount
        ):
            raise ValidationError(
                _("Không thể hủy: số tiền này đã được chi (tiền còn lại là tài trợ có địa chỉ).")
            )
        spent = Disbursement.objects.filter(earmark_donation=donation).aggregate(s=Sum("amount"))
        if spent["s"]:
            raise ValidationError(_("Không thể hủy: khoản tài trợ có địa chỉ đã được chi."))
        reversal = Donation.objects.create(
            fund=fund,
            donor=donation.donor,
            received_on=today,
            kind=donation.kind,
            amount=-donation.amount,
            description=donation.description,
            earmark_purpose=donation.earmark_purpose,
            earmark_child=donation.earmark_child,
            reverses=donation,
            reason=reason,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="fund.donation.reverse",
            target=donation,
            unit=fund.unit,
            data={"reason": reason},
        )
    return reversal
