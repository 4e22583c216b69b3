from django import forms
from django.utils.translation import gettext_lazy as _

from vitreem.core.text import nfc
from vitreem.units.forms import DATE_INPUTS
from vitreem.units.models import AdministrativeUnit, Agency

from .models import TaskStatus


class DeriveForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị triển khai"), queryset=AdministrativeUnit.objects.none()
    )

    def __init__(self, *args: object, units: list[AdministrativeUnit], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AdministrativeUnit.objects.filter(pk__in=[u.pk for u in units])


class TaskAssignForm(forms.Form):
    """Give one task to an agency of the issuing unit."""

    agency = forms.ModelChoiceField(label=_("Giao cho"), queryset=Agency.objects.none())

    def __init__(self, *args: object, unit: AdministrativeUnit, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(unit=unit).order_by("-is_lead_for_children", "name")


class IssueForm(forms.Form):
    issued_on = forms.DateField(
        label=_("Ngày ban hành"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    number = forms.IntegerField(
        label=_("Số (để trống: số tiếp theo của năm)"), required=False, min_value=1
    )
    signer_name = forms.CharField(label=_("Người ký"), max_length=100, required=False)

    def clean_signer_name(self) -> str:
        return nfc(self.cleaned_data["signer_name"])


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Tiến độ"), choices=TaskStatus.choices)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("Tệp đính kèm"), required=False)

    def clean_note(self) -> str:
        return nfc(self.cleaned_data["note"])


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("Sang năm"), min_value=2018, max_value=2100)
