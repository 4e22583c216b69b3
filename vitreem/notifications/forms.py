from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event, MailMode
from .services import ESCALATE_AFTER_MAX


class PreferenceForm(forms.Form):
    mail = forms.ChoiceField(
        label=_("Thư điện tử"), choices=MailMode.choices, widget=forms.RadioSelect
    )
    muted = forms.MultipleChoiceField(
        label=_("Không báo các sự kiện"),
        choices=Event.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ReminderSettingsForm(forms.Form):
    """The round's reminder days, written as an official would: "7, 3, 1"."""

    remind_days = forms.CharField(
        label=_("Nhắc trước hạn nộp (số ngày, cách nhau bởi dấu phẩy)"),
        max_length=40,
        required=False,
    )
    # Its range is the service's to judge (the page and the API give the same reason).
    escalate_after = forms.IntegerField(
        label=_("Báo lãnh đạo cấp trên khi quá hạn (số ngày)"),
        widget=forms.NumberInput(attrs={"min": 1, "max": ESCALATE_AFTER_MAX}),
        error_messages={"invalid": _("Hãy ghi số ngày bằng chữ số, ví dụ: 3.")},
    )

    def clean_remind_days(self) -> list[int]:
        text = self.cleaned_data["remind_days"].replace(";", ",")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
            raise forms.ValidationError(_("Hãy ghi các số ngày, ví dụ: 7, 3, 1."))
        return [int(p) for p in parts]
