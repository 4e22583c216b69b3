from django import forms
from django.utils.translation import gettext_lazy as _

from vitreem.core.forms import date_field
from vitreem.core.periods import KINDS, reporting_window
from vitreem.core.text import nfc
from vitreem.plans.models import Plan
from vitreem.units.models import AdministrativeUnit

from .models import PeriodKind, ReportForm, SubmissionStatus


class RoundForm(forms.Form):
    # A form filled from another record (the self-assessment) is opened on that record's page.
    form = forms.ModelChoiceField(
        label=_("Biểu báo cáo"),
        queryset=ReportForm.objects.exclude(definition__has_key="filled_from"),
    )
    receiving_unit = forms.ModelChoiceField(
        label=_("Đơn vị nhận báo cáo"), queryset=AdministrativeUnit.objects.none()
    )
    plan = forms.ModelChoiceField(
        label=_("Theo kế hoạch (đơn vị báo cáo là các đơn vị được giao nhiệm vụ)"),
        queryset=Plan.objects.none(),
        required=False,
    )
    title = forms.CharField(label=_("Tên đợt báo cáo"), max_length=300)
    period_kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodKind.choices)
    period_year = forms.IntegerField(
        label=_("Năm của kỳ (kỳ tháng, quý, 6 tháng, năm)"),
        required=False,
        min_value=2018,
        max_value=2100,
    )
    period_index = forms.IntegerField(
        label=_("Kỳ thứ (tháng 1–12, quý 1–4, 6 tháng 1–2)"),
        required=False,
        min_value=1,
        max_value=12,
    )
    period_start = date_field(_("Từ ngày (để trống: theo Nghị định 09/2019)"), required=False)
    period_end = date_field(_("Đến ngày"), required=False)
    deadline_agency = date_field(_("Hạn nộp của các cơ quan"), required=False)
    deadline_commune = date_field(_("Hạn nộp của cấp xã"), required=False)
    deadline_district = date_field(_("Hạn nộp của cấp huyện (trước 01/7/2025)"), required=False)

    def __init__(self, *args: object, units: list[AdministrativeUnit], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["receiving_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AdministrativeUnit.objects.filter(pk__in=[u.pk for u in units])
        plan = self.fields["plan"]
        assert isinstance(plan, forms.ModelChoiceField)
        plan.queryset = Plan.objects.filter(
            issuer_unit__in=[u.pk for u in units], status="issued"
        ).order_by("-year", "title")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("period_start") or not data.get("period_end"):
            kind, year = data.get("period_kind"), data.get("period_year")
            if kind in KINDS and isinstance(year, int):
                try:
                    start, end = reporting_window(
                        str(kind), year, int(data.get("period_index") or 1)
                    )
                except ValueError:
                    self.add_error("period_index", _("Không có kỳ này trong năm."))
                else:
                    data["period_start"], data["period_end"] = start, end
            else:
                self.add_error(
                    "period_start", _("Hãy nhập từ ngày, đến ngày; hoặc chọn kỳ định kỳ và năm.")
                )
        plan, unit = data.get("plan"), data.get("receiving_unit")
        foreign = (
            isinstance(plan, Plan)
            and isinstance(unit, AdministrativeUnit)
            and plan.issuer_unit_id != unit.pk
        )
        if foreign:
            self.add_error("plan", _("Kế hoạch này không do đơn vị nhận báo cáo ban hành."))
        return data

    def clean_title(self) -> str:
        return nfc(self.cleaned_data["title"])

    def deadlines(self) -> dict[str, str] | None:
        """The deadlines given, or None for the defaults of DOMAIN.md §7."""
        given = {
            level: self.cleaned_data[f"deadline_{level}"].isoformat()
            for level in ("agency", "commune", "district")
            if self.cleaned_data.get(f"deadline_{level}")
        }
        return given or None


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class RoundFilterForm(forms.Form):
    """The filters of a round's list of reporting units, from the query string: a bad value is
    named and the list shown unfiltered, never an error page."""

    LEVELS = (
        ("", _("Mọi cấp")),
        ("2", _("Cấp huyện")),
        ("3", _("Cấp xã")),
        ("agency", _("Cơ quan, ban, ngành")),
    )

    q = forms.CharField(label=_("Tìm đơn vị"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Mọi trạng thái")), *SubmissionStatus.choices],
    )
    level = forms.ChoiceField(label=_("Cấp"), required=False, choices=LEVELS)
    late = forms.BooleanField(label=_("Chỉ trễ hạn"), required=False)

    def clean_q(self) -> str:
        return nfc(self.cleaned_data["q"])
