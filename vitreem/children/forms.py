from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vitreem.accounts.models import User
from vitreem.core import bounds
from vitreem.core.forms import MoneyField, date_field
from vitreem.core.text import nfc
from vitreem.units.models import Agency

from . import catalogue
from .models import (
    SENSITIVE_SUPPORT,
    ConsentPurpose,
    DisabilityLevel,
    Occasion,
    Relation,
    Sex,
    SupportKind,
    SurgeryKind,
)
from .services import ChildData, SupportData


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class ChildForm(forms.Form):
    """A child's record. Sensitive fields are offered only to users allowed to see them."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    date_of_birth = date_field(_("Ngày sinh"), birth=True)
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), required=False)
    personal_id = forms.CharField(label=_("Số định danh cá nhân"), required=False, max_length=20)
    address = forms.CharField(label=_("Địa chỉ (thôn, tổ dân phố)"), required=False, max_length=255)
    representative_name = forms.CharField(
        label=_("Người đại diện hợp pháp"), required=False, max_length=120
    )
    representative_relation = forms.ChoiceField(
        label=_("Quan hệ với trẻ"), required=False, choices=_blank(Relation.choices)
    )
    representative_phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=20)
    disability_level = forms.ChoiceField(
        label=_("Mức độ khuyết tật"), required=False, choices=_blank(DisabilityLevel.choices)
    )
    insurance_number = forms.CharField(label=_("Số thẻ BHYT"), required=False, max_length=20)
    insurance_valid_to = date_field(_("Thẻ BHYT có giá trị đến"), required=False, later=True)
    allow_duplicate = forms.BooleanField(
        label=_("Vẫn đăng ký (đã kiểm tra, đây là trẻ em khác)"), required=False
    )

    SENSITIVE = ("ethnicity", "disability_level")

    def __init__(self, *args: Any, sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sensitive = sensitive
        ethnicity = self.fields["ethnicity"]
        assert isinstance(ethnicity, forms.ChoiceField)
        ethnicity.choices = _blank(sorted(catalogue.ethnicities().items()))
        if not sensitive:
            for name in self.SENSITIVE:
                del self.fields[name]

    def child_data(self, keep: ChildData | None = None) -> ChildData:
        """The typed values; sensitive fields the user may not see keep their stored value."""
        data = self.cleaned_data
        return ChildData(
            full_name=data["full_name"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            ethnicity=data.get("ethnicity", keep.ethnicity if keep else ""),
            personal_id=data["personal_id"],
            address=data["address"],
            representative_name=data["representative_name"],
            representative_relation=data["representative_relation"],
            representative_phone=data["representative_phone"],
            disability_level=data.get("disability_level", keep.disability_level if keep else ""),
            insurance_number=data["insurance_number"],
            insurance_valid_to=data["insurance_valid_to"],
        )


class SearchForm(forms.Form):
    """Sent by POST so that a name never travels in a URL or an access log."""

    q = forms.CharField(
        label=_("Tìm theo họ tên hoặc số định danh"), required=False, max_length=120
    )

    def clean_q(self) -> str:
        return nfc(self.cleaned_data["q"])


def group_choices(sensitive: bool) -> list[tuple[str, Any]]:
    hidden = catalogue.sensitive_groups()
    choices: list[tuple[Any, Any]] = []
    for basis, title in (
        (catalogue.LAW_2016, _("Luật Trẻ em 2016")),
        (catalogue.LAW_2004, _("Luật 2004 (hồ sơ cũ)")),
    ):
        choices.append(
            (
                title,
                [
                    (g.code, g.title)
                    for g in catalogue.groups_of(basis)
                    if sensitive or g.code not in hidden
                ],
            )
        )
    return choices


class CircumstanceForm(forms.Form):
    group = forms.ChoiceField(label=_("Nhóm hoàn cảnh đặc biệt"))
    subgroup = forms.ChoiceField(label=_("Nhóm chi tiết (Nghị định 56/2017)"), required=False)
    started_on = date_field(_("Từ ngày"))
    ended_on = date_field(_("Đến ngày (để trống: đến khi đủ 16 tuổi)"), required=False, later=True)

    def __init__(self, *args: Any, sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        subgroup = self.fields["subgroup"]
        assert isinstance(group, forms.ChoiceField)
        assert isinstance(subgroup, forms.ChoiceField)
        group.choices = group_choices(sensitive)
        subgroup.choices = _blank(
            [
                (code, f"{g.point}) {label}")
                for g in catalogue.groups().values()
                if sensitive or not g.sensitive
                for code, label in g.subgroups
            ]
        )

    @property
    def legal_basis(self) -> str:
        return catalogue.groups()[self.cleaned_data["group"]].basis


class CircumstanceEndForm(forms.Form):
    ended_on = date_field(_("Ra khỏi nhóm từ ngày"))
    reason = forms.CharField(label=_("Lý do"), max_length=200)


def offer_support_kinds(form: forms.Form, sensitive: bool) -> None:
    """Kinds of support that reveal a child's health (and the surgery's kind) only for users
    allowed to see sensitive data."""
    kind = form.fields["kind"]
    assert isinstance(kind, forms.ChoiceField)
    kind.choices = [
        (k, label) for k, label in SupportKind.choices if sensitive or k not in SENSITIVE_SUPPORT
    ]
    if not sensitive:
        del form.fields["surgery_kind"]


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức hỗ trợ"))
    surgery_kind = forms.ChoiceField(
        label=_("Loại phẫu thuật"), required=False, choices=_blank(SurgeryKind.choices)
    )
    given_on = date_field(_("Ngày hỗ trợ"))
    value = MoneyField(
        label=_("Giá trị (đồng)"),
        min_value=0,
        error_messages={
            "invalid": _("Giá trị phải là số đồng nguyên, ví dụ 500.000."),
            "min_value": _("Giá trị hỗ trợ không được âm."),
        },
    )
    source = forms.ChoiceField(
        label=_("Nguồn kinh phí"),
        choices=[("state", _("Ngân sách nhà nước")), ("mobilised", _("Vận động"))],
    )
    occasion = forms.ChoiceField(label=_("Dịp"), choices=Occasion.choices)
    giver_agency = forms.ModelChoiceField(
        label=_("Cơ quan hỗ trợ (để trống: UBND xã, phường)"),
        required=False,
        queryset=Agency.objects.none(),
    )
    description = forms.CharField(label=_("Nội dung"), required=False, max_length=255)

    def __init__(self, *args: Any, sensitive: bool, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_support_kinds(self, sensitive)
        agency = self.fields["giver_agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = agencies

    def support_data(self) -> SupportData:
        data = self.cleaned_data
        return SupportData(
            kind=data["kind"],
            given_on=data["given_on"],
            value=data["value"],
            source=data["source"],
            occasion=data["occasion"],
            surgery_kind=data.get("surgery_kind", ""),
            description=data["description"],
            giver_agency=data["giver_agency"],
        )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Mục đích"), choices=ConsentPurpose.choices)
    given_on = date_field(_("Ngày đồng ý"))
    representative_name = forms.CharField(label=_("Người đại diện đồng ý"), max_length=120)
    child_agreed = forms.BooleanField(label=_("Trẻ em (từ đủ 7 tuổi) cùng đồng ý"), required=False)


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = date_field(_("Ngày rút lại"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)


class AsOfForm(forms.Form):
    as_of = date_field(_("Tại ngày"), required=False)
    group = forms.ChoiceField(
        label=_("Nhóm"),
        required=False,
        error_messages={"invalid_choice": _("Nhóm này không có trong danh sách bạn được xem.")},
    )

    def __init__(self, *args: Any, sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ChoiceField)
        group.choices = [("", _("Tất cả trẻ em")), *group_choices(sensitive)[0][1]]

    def day(self, today: date) -> date:
        return (self.cleaned_data.get("as_of") if self.is_valid() else None) or today


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name or obj.username} ({obj.username})"


class ReadLogForm(forms.Form):
    """The read log's filters: who read, from which day to which day, and the page."""

    PER_PAGE = 50  # lines of the log a page shows: well within bounds.LIMIT_MAX

    user = UserChoiceField(
        label=_("Người xem"),
        required=False,
        queryset=User.objects.none(),
        to_field_name="username",
        empty_label=_("Tất cả"),
    )
    start = date_field(_("Từ ngày"), required=False)
    end = date_field(_("Đến ngày"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = users

    def clean_page(self) -> int:
        page: int = self.cleaned_data.get("page") or 1
        problem = bounds.offset_problem((page - 1) * self.PER_PAGE)
        if problem:
            raise forms.ValidationError(problem)
        return page

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Ngày kết thúc không được trước ngày bắt đầu."))
        return data
