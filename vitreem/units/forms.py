from django import forms
from django.utils.translation import gettext_lazy as _

from vitreem.accounts.models import Role
from vitreem.core.forms import date_field
from vitreem.core.text import nfc

from .models import Agency, AgencyKind
from .names import agency_full_name


class BrowseForm(forms.Form):
    as_of = date_field(_("Xem tại ngày"), required=False)
    q = forms.CharField(
        label=_("Tìm theo tên"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: bac kan"), "type": "search"}),
    )

    def clean_q(self) -> str:
        return nfc(self.cleaned_data["q"])


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Tên cơ quan, tổ chức"), min_length=2, max_length=200)
    abbreviation = forms.CharField(label=_("Viết tắt"), required=False, max_length=40)
    kind = forms.ChoiceField(label=_("Lĩnh vực"), choices=AgencyKind.choices)
    is_lead_for_children = forms.BooleanField(
        label=_("Cơ quan chủ trì công tác trẻ em"), required=False
    )

    def clean_name(self) -> str:
        return nfc(self.cleaned_data["name"])


UNIT_PLACE = "unit"


class MemberForm(forms.Form):
    """A person given a role in the unit or one of its agencies; the service checks every value
    again (accounts.services.member_add)."""

    place = forms.ChoiceField(label=_("Tại"))
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "congan.backan"}),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.CharField(
        label=_("Thư điện tử"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)

    def __init__(self, *args: object, unit_name: str, agencies: list[Agency], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["place"].choices = [(UNIT_PLACE, unit_name)] + [  # type: ignore[attr-defined]
            (str(a.pk), agency_full_name(a)) for a in agencies
        ]

    def clean_username(self) -> str:
        return nfc(self.cleaned_data["username"])

    def clean_full_name(self) -> str:
        return nfc(self.cleaned_data["full_name"])

    def clean_email(self) -> str:
        return nfc(self.cleaned_data["email"])

    def agency(self) -> Agency | None:
        return self.agencies.get(self.cleaned_data["place"])
