"""The forms of the import: the file to read, and the review the officer corrects."""

import json
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vitreem.core.forms import date_field
from vitreem.units.models import AdministrativeUnit

from .reading import MAX_BYTES
from .services import NUMBER_MAX


class UploadForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị nhập kế hoạch"), queryset=AdministrativeUnit.objects.none()
    )
    file = forms.FileField(
        label=_("Tệp kế hoạch (.docx, .pdf có lớp chữ, .txt)"),
        help_text=_("Tối đa %(mb)s MB.") % {"mb": MAX_BYTES // 2**20},
    )

    def __init__(self, *args: Any, units: list[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AdministrativeUnit.objects.filter(pk__in=[u.pk for u in units])


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


KEEP_OWN = ""
NEW_AGENCY = "new"  # an assignee's choice: create the agency proposed for it


class ReviewForm(forms.Form):
    """What the officer may correct; the outline and the tasks travel as the recognised JSON.

    ``keep_as``: the unit's own draft, or the plan of a unit above (its code) that the unit
    received, kept read-only to derive the unit's own plan from."""

    unit = forms.CharField(widget=forms.HiddenInput)
    keep_as = forms.ChoiceField(
        label=_("Lưu kế hoạch này là"), required=False, widget=forms.RadioSelect
    )
    number = forms.IntegerField(
        label=_("Số văn bản gốc"),
        required=False,
        min_value=1,
        max_value=NUMBER_MAX,
        error_messages={
            key: _("Số văn bản phải là một số nguyên dương.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    issued_on = date_field(_("Ngày ban hành văn bản gốc"), required=False)
    title = forms.CharField(label=_("Trích yếu (tên kế hoạch)"), max_length=300)
    subtitle = forms.CharField(label=_("Dòng phụ"), max_length=200, required=False)
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=40, required=False)
    place = forms.CharField(label=_("Địa danh"), max_length=80, required=False)
    parent_reference = forms.CharField(
        label=_("Kế hoạch cấp trên được thực hiện"), max_length=400, required=False
    )
    theme = forms.CharField(label=_("Chủ đề"), max_length=300, required=False)
    period_start = date_field(_("Từ ngày"), later=True)
    period_end = date_field(_("Đến ngày"), later=True)
    scope = forms.CharField(label=_("Phạm vi"), max_length=300, required=False)
    slogans = forms.CharField(
        label=_("Khẩu hiệu (mỗi dòng một khẩu hiệu)"), widget=forms.Textarea, required=False
    )
    reporting_deadline = date_field(_("Hạn báo cáo"), required=False, later=True)
    reporting_recipient = forms.CharField(
        label=_("Nơi nhận báo cáo"), max_length=200, required=False
    )
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"), widget=forms.Textarea, required=False
    )
    signer_authority = forms.CharField(label=_("Thẩm quyền ký"), max_length=60, required=False)
    signer_deputy = forms.CharField(label=_("Ký thay"), max_length=60, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=80, required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=100, required=False)
    recognised = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, above: list[AdministrativeUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["keep_as"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(KEEP_OWN, _("Dự thảo kế hoạch của đơn vị tôi"))] + [
            (
                unit.code,
                _("Kế hoạch cấp trên đã nhận, của %(unit)s (chỉ xem, để triển khai)")
                % {"unit": unit.name},
            )
            for unit in above or []
        ]

    def clean_recognised(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("recognised") or "{}"
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(
                _("Dữ liệu nhận dạng bị hỏng; hãy tải tệp lên lại.")
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Dữ liệu nhận dạng bị hỏng; hãy tải tệp lên lại."))
        return value

    def reviewed(self) -> dict[str, Any]:
        """The recognised plan with the officer's corrections."""
        data = self.cleaned_data
        plan = dict(data["recognised"])
        for name in ("title", "subtitle", "symbol", "place", "parent_reference", "theme", "scope"):
            plan[name] = data[name]
        plan["period_start"] = data["period_start"].isoformat()
        plan["period_end"] = data["period_end"].isoformat()
        plan["slogans"] = _lines(data["slogans"])
        plan["recipients"] = _lines(data["recipients"])
        deadline = data.get("reporting_deadline")
        reporting = dict(plan.get("reporting") or {})
        reporting["deadline"] = deadline.isoformat() if deadline else None
        reporting["recipient"] = data["reporting_recipient"]
        plan["reporting"] = reporting
        plan["number"] = data.get("number")
        issued = data.get("issued_on")
        plan["date"] = issued.isoformat() if issued else ""
        plan["signer"] = {
            "authority": data["signer_authority"],
            "deputy": data["signer_deputy"],
            "title": data["signer_title"],
            "name": data["signer_name"],
        }
        return plan


# review field → the recognition's "sure" key
SURE_OF = {
    "keep_as": "issuer",
    "number": "number",
    "issued_on": "date",
    "title": "title",
    "symbol": "symbol",
    "place": "place",
    "parent_reference": "parent_reference",
    "theme": "theme",
    "period_start": "period",
    "period_end": "period",
    "scope": "scope",
    "slogans": "slogans",
    "reporting_deadline": "reporting",
    "reporting_recipient": "reporting",
    "recipients": "recipients",
    "signer_authority": "signer",
    "signer_deputy": "signer",
    "signer_title": "signer",
    "signer_name": "signer",
}


def review_initial(unit_code: str, plan: dict[str, Any]) -> dict[str, Any]:
    def day(value: Any) -> str:
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""
        except (TypeError, ValueError):  # a date known only to its month or year
            return ""

    signer = plan.get("signer") or {}
    reporting = plan.get("reporting") or {}
    stored = {k: v for k, v in plan.items() if k not in ("source_text",)}
    return {
        "unit": unit_code,
        "keep_as": plan.get("issuer_unit_above", KEEP_OWN),
        "number": plan.get("number"),
        "issued_on": day(plan.get("date")),
        "title": plan.get("title", ""),
        "subtitle": plan.get("subtitle", ""),
        "symbol": plan.get("symbol", ""),
        "place": plan.get("place", ""),
        "parent_reference": plan.get("parent_reference", ""),
        "theme": plan.get("theme", ""),
        "period_start": day(plan.get("period_start")),
        "period_end": day(plan.get("period_end")),
        "scope": plan.get("scope", ""),
        "slogans": "\n".join(plan.get("slogans") or []),
        "reporting_deadline": day(reporting.get("deadline")),
        "reporting_recipient": reporting.get("recipient", ""),
        "recipients": "\n".join(plan.get("recipients") or []),
        "signer_authority": signer.get("authority", ""),
        "signer_deputy": signer.get("deputy", ""),
        "signer_title": signer.get("title", ""),
        "signer_name": signer.get("name", ""),
        "recognised": json.dumps(stored, ensure_ascii=False),
    }
