from django import forms
from django.utils.translation import gettext_lazy as _

from vitreem.core.forms import date_field
from vitreem.core.text import nfc

from .models import AgencyKind


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
