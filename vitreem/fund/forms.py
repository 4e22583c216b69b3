"""Forms of the fund's pages. They parse what was typed; the services decide what is allowed."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vitreem.children.forms import offer_support_kinds
from vitreem.children.models import Occasion, SurgeryKind
from vitreem.children.services import SupportData
from vitreem.core.forms import MoneyField, count_field, date_field, money_text
from vitreem.core.text import nfc
from vitreem.units.models import AdministrativeUnit, Agency
from vitreem.units.names import agency_label

from . import selectors
from .models import (
    HONOUR_THRESHOLD,
    Donation,
    DonationKind,
    Donor,
    DonorKind,
    Fund,
    SpendingCategory,
)
from .services import DisbursementData

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _text(label: "str | _StrPromise", max_length: int, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required)


class _Cleaned(forms.Form):
    """Every text typed leaves NFC."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        return {k: nfc(v) if isinstance(v, str) else v for k, v in data.items()}


class FundForm(_Cleaned):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=AdministrativeUnit.objects.none())
    name = _text(_("Tên quỹ"), 200, required=True)
    managing_agency = forms.ModelChoiceField(
        label=_("Cơ quan quản lý quỹ (để trống: Ủy ban nhân dân)"),
        queryset=Agency.objects.none(),
        required=False,
    )
    bank_account = _text(_("Tài khoản ngân hàng của quỹ"), 100)
    honour_threshold = MoneyField(
        label=_("Mức đóng góp trong năm được vinh danh (đồng)"),
        min_value=1,
        initial=HONOUR_THRESHOLD,
    )
    management_cap_percent = forms.TypedChoiceField(
        label=_("Trần chi phí quản lý"),
        coerce=int,
        initial=5,
        choices=[
            (5, _("5% số thu trong năm")),
            (10, _("10% số thu trong năm (khi cần thiết)")),
        ],
    )

    def __init__(self, *args: Any, units: list[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = AdministrativeUnit.objects.filter(pk__in=[u.pk for u in units])
        agency = self.fields["managing_agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = Agency.objects.filter(unit__in=[u.pk for u in units]).select_related(
            "unit"
        )
        agency.label_from_instance = lambda a: agency_label(a)  # type: ignore[method-assign,assignment]


class DonorForm(_Cleaned):
    kind = forms.ChoiceField(label=_("Loại"), choices=DonorKind.choices)
    name = _text(_("Tên cơ quan, tổ chức, doanh nghiệp hoặc họ và tên"), 200, required=True)
    anonymous = forms.BooleanField(
        label=_("Không công khai tên trên trang công khai (ghi là nhà hảo tâm)"), required=False
    )
    address = _text(_("Địa chỉ"), 255)
    phone = _text(_("Điện thoại"), 15)
    tax_code = _text(_("Mã số thuế"), 14)


class DonationForm(_Cleaned):
    donor = forms.ModelChoiceField(label=_("Nhà tài trợ"), queryset=Donor.objects.none())
    received_on = date_field(_("Ngày nhận"))
    kind = forms.ChoiceField(label=_("Hình thức"), choices=DonationKind.choices)
    amount = MoneyField(label=_("Số tiền, hoặc giá trị hiện vật quy ra tiền (đồng)"))
    description = _text(_("Nội dung; với hiện vật: hiện vật và cách quy ra tiền"), 255)
    receipt_number = _text(_("Số biên lai"), 40)
    bank_reference = _text(_("Số chứng từ ngân hàng (tiền chuyển khoản)"), 60)
    earmark_purpose = _text(_("Tài trợ có địa chỉ: mục đích (được công khai)"), 255)
    earmark_child = _text(_("Tài trợ có địa chỉ cho một trẻ em: mã hồ sơ trẻ em"), 16)

    def __init__(self, *args: Any, fund: Fund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        donor = self.fields["donor"]
        assert isinstance(donor, forms.ModelChoiceField)
        donor.queryset = selectors.donors_of(fund)


class ReverseForm(_Cleaned):
    reason = _text(_("Lý do hủy"), 255, required=True)


class EarmarkChoiceField(forms.ModelChoiceField):
    """An earmarked gift with money left (``selectors.open_earmarks``)."""

    def label_from_instance(self, obj: Any) -> str:
        purpose = obj.earmark_purpose or _("cho một trẻ em")
        return (
            f"{obj.received_on:%d/%m/%Y} — {obj.donor.name} — {purpose} "
            f"({_('còn')} {money_text(obj.left)} đ)"
        )


def _earmark_field() -> forms.ModelChoiceField:
    return EarmarkChoiceField(
        label=_("Chi từ khoản tài trợ có địa chỉ (nếu có)"),
        queryset=Donation.objects.none(),
        required=False,
    )


def _set_earmarks(form: forms.Form, earmarks: QuerySet[Any]) -> None:
    field = form.fields["earmark_donation"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = earmarks


class DisbursementForm(_Cleaned):
    paid_on = date_field(_("Ngày chi"))
    category = forms.ChoiceField(label=_("Nội dung chi"), choices=SpendingCategory.choices)
    purpose = _text(_("Mục đích chi (được công khai; không ghi tên trẻ em)"), 255, required=True)
    amount = MoneyField(label=_("Số tiền (đồng)"))
    beneficiaries = count_field(
        _("Số trẻ em được hỗ trợ"),
        initial=0,
        error_messages={"min_value": _("Số trẻ em không được âm.")},
    )
    voucher_number = _text(_("Số phiếu chi"), 40)
    earmark_donation = _earmark_field()

    def __init__(self, *args: Any, earmarks: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_earmarks(self, earmarks)

    def disbursement_data(self) -> DisbursementData:
        data = self.cleaned_data
        return DisbursementData(
            paid_on=data["paid_on"],
            category=data["category"],
            purpose=data["purpose"],
            amount=data["amount"],
            beneficiaries=data["beneficiaries"],
            voucher_number=data["voucher_number"],
            earmark_donation=data["earmark_donation"],
        )


class NormDecisionForm(_Cleaned):
    number = _text(_("Số quyết định"), 40, required=True)
    signed_on = date_field(_("Ngày ký"))
    valid_from = date_field(_("Áp dụng từ ngày"))


class NormItemForm(_Cleaned):
    category = forms.ChoiceField(
        label=_("Nội dung chi"), choices=[("", "—"), *SpendingCategory.choices], required=False
    )
    label = _text(_("Diễn giải"), 200)
    max_per_beneficiary = MoneyField(
        label=_("Mức tối đa mỗi trẻ em (đồng; để trống: không giới hạn)"),
        required=False,
        min_value=1,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("category") and (data.get("label") or data.get("max_per_beneficiary")):
            self.add_error("category", _("Hãy chọn nội dung chi."))
        return data


NormItemFormSet = forms.formset_factory(NormItemForm, extra=len(SpendingCategory.choices))


def norm_items(formset: Any) -> list[tuple[str, str, int | None]]:
    """The filled rows of a valid formset: (category, label, max per child)."""
    return [
        (f.cleaned_data["category"], f.cleaned_data["label"], f.cleaned_data["max_per_beneficiary"])
        for f in formset.forms
        if f.cleaned_data.get("category")
    ]


class FundSupportForm(_Cleaned):
    """Support given to a child and paid by the fund. Kinds that reveal a child's health are
    offered only to users allowed to see sensitive data."""

    kind = forms.ChoiceField(label=_("Hình thức hỗ trợ"))
    surgery_kind = forms.ChoiceField(
        label=_("Loại phẫu thuật"), required=False, choices=[("", "—"), *SurgeryKind.choices]
    )
    given_on = date_field(_("Ngày hỗ trợ"))
    value = MoneyField(label=_("Giá trị (đồng)"))
    occasion = forms.ChoiceField(label=_("Dịp"), choices=Occasion.choices)
    description = _text(_("Nội dung"), 255)
    voucher_number = _text(_("Số phiếu chi"), 40)
    earmark_donation = _earmark_field()

    def __init__(self, *args: Any, sensitive: bool, earmarks: QuerySet[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        offer_support_kinds(self, sensitive)
        _set_earmarks(self, earmarks)

    def support_data(self) -> SupportData:
        data = self.cleaned_data
        return SupportData(
            kind=data["kind"],
            given_on=data["given_on"],
            value=data["value"],
            source="fund",
            occasion=data["occasion"],
            surgery_kind=data.get("surgery_kind", ""),
            description=data["description"],
        )


class PeriodForm(forms.Form):
    """The year (and quarter) a page shows; an unreadable value falls back to the default."""

    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quý"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("Cả năm")), (1, "I"), (2, "II"), (3, "III"), (4, "IV")],
    )
    as_of = date_field(_("Số dư tại ngày"), required=False)
