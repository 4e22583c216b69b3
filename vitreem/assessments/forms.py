"""The assessment's forms: points per criterion as whole numbers, the evidence, the decision."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vitreem.core import bounds
from vitreem.core.forms import count_validator, date_field

from .models import CommuneType, Criterion

POINTS_ERRORS = {
    "invalid": _("Điểm phải là số nguyên."),
    "min_value": _("Điểm không được âm."),
}


class StartForm(forms.Form):
    year = forms.IntegerField(
        label=_("Năm đánh giá"), error_messages={"invalid": _("Năm phải là số nguyên.")}
    )
    commune_type = forms.ChoiceField(label=_("Loại đơn vị"), choices=CommuneType.choices)


class ScoresForm(forms.Form):
    """One points field and one evidence field per criterion: ``points_<n>``, ``evidence_<n>``."""

    commune_type = forms.ChoiceField(label=_("Loại đơn vị"), choices=CommuneType.choices)

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            attrs: dict[str, object] = {"min": 0, "inputmode": "numeric"}
            attrs["max"] = c.max_points if c.max_points is not None else bounds.COUNT_MAX
            self.fields[f"points_{c.number}"] = forms.IntegerField(
                label=_("Điểm"),
                required=False,
                min_value=0,
                validators=[count_validator],
                error_messages=POINTS_ERRORS,
                widget=forms.NumberInput(attrs=attrs),
            )
            self.fields[f"evidence_{c.number}"] = forms.CharField(
                label=_("Minh chứng"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [
            (c, self[f"points_{c.number}"], self[f"evidence_{c.number}"]) for c in self.criteria
        ]


class AppraiseForm(forms.Form):
    recognised = forms.TypedChoiceField(
        label=_("Kết luận"),
        choices=[("1", _("Công nhận đạt chuẩn")), ("0", _("Không công nhận"))],
        coerce=lambda v: v == "1",
    )
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60, required=False)
    decided_on = date_field(_("Ngày quyết định"), required=False)
    note = forms.CharField(
        label=_("Ý kiến thẩm định"), required=False, max_length=4000, widget=forms.Textarea
    )


class FileForm(forms.Form):
    criterion = forms.TypedChoiceField(
        label=_("Tiêu chí"), coerce=int, choices=[(n, str(n)) for n in range(1, 14)]
    )
    file = forms.FileField(label=_("Tệp minh chứng (PDF, Word, Excel, ảnh; tối đa 10 MB)"))
