from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vitreem.core import bounds
from vitreem.core.forms import DATE_INPUTS, MoneyField, count_field, date_field, day_validator
from vitreem.core.text import nfc, nfc_lines
from vitreem.units.models import AdministrativeUnit, Agency
from vitreem.units.names import agency_label

from .appendices import (
    MAX_APPENDIX_REFERENCE,
    MAX_APPENDIX_TITLE,
    AppendixLine,
    appendices_version,
    appendix_lines,
)
from .dates import PartialDate, parse_partial, parse_written
from .models import BudgetSource, Plan, PlanKind, Target, TaskRole, TaskStatus
from .outline import MAX_TEXT
from .services import PLAN_HEADER_FIELDS, assignee_groups

PARTIAL_DATE_ERROR = _(
    "Ngày không hợp lệ: hãy viết dd/mm/yyyy, chỉ tháng mm/yyyy hoặc chỉ năm yyyy, ví dụ "
    "15/06/2026, 6/2026, 2026."
)


class PartialDateField(forms.CharField):
    """A date as far as the plan gives it, typed as officials write it: "15/06/2026", "6/2026"
    (the month only: "ngày … tháng 6 năm 2026", "trong tháng 6/2026") or "2026"; a PartialDate,
    or None when left empty. Within the domain's range of days (``later``: years ahead)."""

    def __init__(self, *, later: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"placeholder": _("dd/mm/yyyy hoặc mm/yyyy"), "maxlength": 20}),
        )
        super().__init__(**kwargs)
        self.later = later

    def prepare_value(self, value: Any) -> Any:
        try:
            known = parse_partial(value) if not isinstance(value, str) else None
        except ValueError:
            return value
        return known.short() if known else value

    def to_python(self, value: Any) -> PartialDate | None:  # type: ignore[override]
        if isinstance(value, PartialDate) or value is None:
            return value
        text = super().to_python(value) or ""
        if len(text) > 20:
            raise ValidationError(PARTIAL_DATE_ERROR, code="invalid")
        try:
            known = parse_written(text)
        except ValueError:
            raise ValidationError(PARTIAL_DATE_ERROR, code="invalid") from None
        if known is not None:
            for day in (known.first(), known.last()):
                if problem := bounds.day_problem(day, later=self.later):
                    raise ValidationError(problem, code=bounds.ERROR_TYPE)
        return known

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(self.prepare_value(initial))
        except ValidationError:
            return True


_NOT_NEGATIVE = {"min_value": _("Số tiền không được âm.")}


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
    issued_on = date_field(_("Ngày ban hành"))
    number = count_field(_("Số (để trống: số tiếp theo của năm)"), required=False, min_value=1)
    signer_name = forms.CharField(label=_("Người ký"), max_length=100, required=False)
    confirm_unassigned = forms.BooleanField(
        label=_("Vẫn ban hành dù còn nhiệm vụ chưa giao"), required=False
    )

    def clean_signer_name(self) -> str:
        return nfc(self.cleaned_data["signer_name"])


class ProgressForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Tiến độ"),
        choices=TaskStatus.choices,
        help_text=_(
            "Cơ quan phối hợp báo cáo phần việc của mình; chỉ đơn vị chủ trì đánh dấu nhiệm vụ "
            "hoàn thành."
        ),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("Tệp đính kèm"), required=False)

    def clean_note(self) -> str:
        return nfc_lines(self.cleaned_data["note"])


_IGNORED = _("Giá trị lọc “%(value)s” không hợp lệ; bộ lọc này được bỏ qua.")


class BoardFilterForm(forms.Form):
    """The task board's filters, from the query string: what is not valid is left out."""

    agency = forms.ChoiceField(
        label=_("Cơ quan, đơn vị"), required=False, error_messages={"invalid_choice": _IGNORED}
    )
    status = forms.ChoiceField(
        label=_("Tiến độ"),
        required=False,
        choices=[("", _("Tất cả")), *TaskStatus.choices],
        error_messages={"invalid_choice": _IGNORED},
    )
    overdue = forms.BooleanField(label=_("Chỉ nhiệm vụ quá hạn"), required=False)

    def __init__(self, *args: object, assignees: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Tất cả")), *assignees]


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("Sang năm"), min_value=2018, max_value=2100)


class NewPlanForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị ban hành"), queryset=AdministrativeUnit.objects.none()
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan ban hành (để trống: Ủy ban nhân dân)"),
        queryset=Agency.objects.none(),
        required=False,
    )
    kind = forms.ChoiceField(label=_("Loại kế hoạch"), choices=PlanKind.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=2018, max_value=2100)
    title = forms.CharField(label=_("Trích yếu"), max_length=300)

    def __init__(
        self,
        *args: object,
        units: list[AdministrativeUnit],
        agencies: list[Agency] | None = None,
        **kwargs: object,
    ) -> None:
        """``units``: where the user drafts the committee's plans (and any of their agencies');
        ``agencies``: the agencies whose own plans the user drafts as their member."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        agencies = agencies or []
        self.committee_unit_ids = {u.pk for u in units}
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AdministrativeUnit.objects.filter(
            pk__in=self.committee_unit_ids | {a.unit_id for a in agencies}
        )
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = Agency.objects.filter(
            Q(unit__in=self.committee_unit_ids) | Q(pk__in=[a.pk for a in agencies])
        ).select_related("unit")
        agency.label_from_instance = lambda a: agency_label(a)  # type: ignore[method-assign,assignment]

    def clean_title(self) -> str:
        return nfc(self.cleaned_data["title"])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        agency, unit = data.get("agency"), data.get("unit")
        mismatched = (
            isinstance(agency, Agency)
            and isinstance(unit, AdministrativeUnit)
            and agency.unit_id != unit.pk
        )
        if mismatched:
            self.add_error("agency", _("Cơ quan này không thuộc đơn vị đã chọn."))
        elif (
            agency is None
            and isinstance(unit, AdministrativeUnit)
            and unit.pk not in self.committee_unit_ids
        ):
            self.add_error(
                "agency",
                _("Hãy chọn cơ quan của bạn: bạn lập kế hoạch của cơ quan, không của Ủy ban."),
            )
        return data


class PlanHeaderForm(forms.ModelForm):
    issued = PartialDateField(
        label=_("Ngày ban hành (để trống phần chưa biết)"),
        required=False,
        later=True,
        help_text=_("Chỉ ghi tháng (5/2026) thì văn bản in “ngày … tháng 5 năm 2026”."),
    )

    class Meta:
        model = Plan
        fields = PLAN_HEADER_FIELDS
        widgets = {
            "period_start": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
            "period_end": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("period_start", "period_end"):
            field = self.fields[name]
            assert isinstance(field, forms.DateField)
            field.input_formats = DATE_INPUTS
            field.validators.append(day_validator(later=True))
        if self.instance.pk:
            self.initial.setdefault("issued", self.instance.issued)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        return {k: nfc(v) if isinstance(v, str) else v for k, v in data.items()}


def report_row_choices() -> list[tuple[str, str]]:
    """The rows of table 2 of the child-protection report, which measure a plan's targets, then
    the measures of plans themselves ("every commune has issued a plan")."""
    from vitreem.reporting.loaders import FORMS_DIR, read_form_file

    from .datafile import MEASURED_ROWS, REPORT_FORM, REPORT_TABLE

    form = read_form_file(FORMS_DIR / REPORT_FORM)
    table = next(t for t in form["tables"] if str(t["code"]) == REPORT_TABLE)
    return (
        [("", "—")]
        + [(str(row["code"]), str(row["label"])) for row in table["rows"]]
        + [(code, str(label)) for code, label in MEASURED_ROWS.items()]
    )


class TargetForm(forms.Form):
    text = forms.CharField(label=_("Chỉ tiêu"), max_length=500)
    value = forms.DecimalField(label=_("Giá trị"), max_digits=14, decimal_places=2, min_value=0)
    unit = forms.ChoiceField(label=_("Đơn vị"), choices=Target.Unit.choices)
    denominator = count_field(_("Mẫu số"), required=False, min_value=1)
    baseline = forms.DecimalField(
        label=_("Giá trị gốc"), required=False, max_digits=14, decimal_places=2
    )
    data_element_code = forms.ChoiceField(
        label=_("Theo dõi qua dòng báo cáo"), required=False, choices=report_row_choices
    )

    def clean_text(self) -> str:
        return nfc(self.cleaned_data["text"])


class TaskForm(forms.Form):
    """One task: given to an agency of the issuing unit, or to the group of units below it the
    plan names ("Các tổ dân phố"); its dates as far as the plan gives them."""

    agency = forms.ChoiceField(label=_("Giao cho"))
    text = forms.CharField(label=_("Nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 2}))
    role = forms.ChoiceField(label=_("Vai trò"), choices=TaskRole.choices, initial="lead")
    lead_label = forms.CharField(
        label=_("Đơn vị chủ trì (khi phối hợp)"), required=False, max_length=300
    )
    start_on = PartialDateField(label=_("Bắt đầu"), required=False, later=True)
    due_on = PartialDateField(label=_("Hạn"), required=False, later=True)

    def __init__(self, *args: object, unit: AdministrativeUnit, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.agencies = {
            str(a.pk): a
            for a in Agency.objects.filter(unit=unit).order_by("-is_lead_for_children", "name")
        }
        self.groups = dict(assignee_groups(unit))
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "---------"),
            *((pk, a.name) for pk, a in self.agencies.items()),
            *self.groups.items(),
        ]

    def clean_agency(self) -> dict[str, Any]:
        """The assignee: {"agency": Agency} or {"group": code}."""
        value = self.cleaned_data["agency"]
        if value in self.groups:
            return {"group": value}
        return {"agency": self.agencies[value]}

    def clean_text(self) -> str:
        return nfc(self.cleaned_data["text"])


TargetFormSet = forms.formset_factory(TargetForm, extra=2, can_delete=True)
TaskFormSet = forms.formset_factory(TaskForm, extra=2, can_delete=True)


class SloganForm(forms.Form):
    text = forms.CharField(label=_("Khẩu hiệu"), max_length=300)

    def clean_text(self) -> str:
        return nfc(self.cleaned_data["text"])


class BudgetForm(forms.Form):
    source = forms.ChoiceField(label=_("Nguồn"), choices=BudgetSource.choices)
    text = forms.CharField(label=_("Nội dung"), max_length=1000)
    amount = MoneyField(
        label=_("Số tiền (đồng)"), required=False, min_value=0, error_messages=_NOT_NEGATIVE
    )

    def clean_text(self) -> str:
        return nfc(self.cleaned_data["text"])


class ReportingForm(forms.Form):
    report = forms.CharField(
        label=pgettext_lazy("a report a plan requires", "Báo cáo"), max_length=300
    )
    by = forms.CharField(label=_("Đơn vị báo cáo"), max_length=300, required=False)
    to = forms.CharField(label=_("Gửi"), max_length=200, required=False)
    through = forms.CharField(label=_("Qua"), max_length=200, required=False)
    due = date_field(_("Hạn"), required=False, later=True)
    text = forms.CharField(
        label=_("Câu chữ trong văn bản"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        return {k: nfc(v) if isinstance(v, str) else v for k, v in data.items()}


SloganFormSet = forms.formset_factory(SloganForm, extra=2, can_delete=True)
BudgetFormSet = forms.formset_factory(BudgetForm, extra=1, can_delete=True)
ReportingFormSet = forms.formset_factory(ReportingForm, extra=1, can_delete=True)


class RecipientForm(forms.Form):
    text = forms.CharField(label=_("Nơi nhận"), max_length=300)
    heading = forms.BooleanField(label=_("Tiêu đề nhóm"), required=False)

    def clean_text(self) -> str:
        return nfc(self.cleaned_data["text"])


class AwardForm(forms.Form):
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 2}))
    threshold = MoneyField(
        label=_("Mức ủng hộ tối thiểu (đồng)"),
        required=False,
        min_value=0,
        error_messages=_NOT_NEGATIVE,
    )

    def clean_text(self) -> str:
        return nfc(self.cleaned_data["text"])


class LaunchForm(forms.Form):
    held = forms.BooleanField(label=_("Có tổ chức Lễ phát động"), required=False)
    date = PartialDateField(label=_("Ngày (hoặc chỉ tháng: 5/2026)"), required=False, later=True)
    place = forms.CharField(label=_("Địa điểm"), required=False, max_length=300)
    agenda = forms.CharField(
        label=_("Chương trình (mỗi dòng một mục)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=_("Ghi chú trong văn bản"), required=False, max_length=500)
    lead = forms.CharField(label=_("Đơn vị chủ trì"), required=False, max_length=300)
    cooperating = forms.CharField(
        label=_("Đơn vị phối hợp (mỗi dòng một đơn vị)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    participants = forms.CharField(
        label=_("Thành phần tham dự (mỗi dòng một thành phần)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def _lines(self, name: str) -> list[str]:
        lines = [nfc(line.strip()) for line in self.cleaned_data[name].splitlines()]
        return [line for line in lines if line]

    def clean_agenda(self) -> list[str]:
        return self._lines("agenda")

    def clean_cooperating(self) -> list[str]:
        return self._lines("cooperating")

    def clean_participants(self) -> list[str]:
        return self._lines("participants")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("held") and not data.get("date"):
            self.add_error("date", _("Lễ phát động cần có ngày."))
        return data


RecipientFormSet = forms.formset_factory(RecipientForm, extra=2, can_delete=True)
AwardFormSet = forms.formset_factory(AwardForm, extra=1, can_delete=True)


LINE_LABELS = {
    "text": _("Đoạn văn"),
    "heading": _("Đề mục"),
    "inline": _("Lời sau đề mục"),
    "item": _("Ý liệt kê"),
}


class AppendicesForm(forms.Form):
    """The appendices step: for each appendix its title, reference line, text lines, paragraphs
    to add at its end and a box to remove it; then a new appendix's. Tables are not fields: they
    are shown as they are. The service (plan_appendices_update) judges every value."""

    version = forms.CharField(max_length=40, widget=forms.HiddenInput)
    new_title = forms.CharField(
        label=_("Tên phụ lục mới"), max_length=MAX_APPENDIX_TITLE, required=False
    )
    new_reference = forms.CharField(
        label=_("Dòng kèm theo"), max_length=MAX_APPENDIX_REFERENCE, required=False
    )
    new_lines = forms.CharField(
        label=_("Nội dung (mỗi dòng một đoạn văn)"),
        max_length=MAX_TEXT * 4,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data: Any = None, *, appendices: list[dict[str, Any]]) -> None:
        super().__init__(data, initial={"version": appendices_version(appendices)})
        self.appendices = appendices
        self.lines: list[list[AppendixLine]] = []
        for i, appendix in enumerate(appendices):
            lines = appendix_lines(appendix)
            self.lines.append(lines)
            self.fields[f"a{i}_title"] = forms.CharField(
                label=_("Tên phụ lục"),
                max_length=MAX_APPENDIX_TITLE,
                required=False,
                initial=appendix.get("title") or "",
            )
            self.fields[f"a{i}_reference"] = forms.CharField(
                label=_("Dòng kèm theo"),
                max_length=MAX_APPENDIX_REFERENCE,
                required=False,
                initial=appendix.get("reference") or "",
                help_text=_("Ví dụ: (Kèm theo Kế hoạch số …/KH-UBND ngày … của …)"),
            )
            editable = [line for line in lines if line.editable]
            for j, line in enumerate(editable):
                self.fields[f"a{i}_t{j}"] = forms.CharField(
                    label=LINE_LABELS[line.kind],
                    max_length=MAX_TEXT,
                    required=False,
                    initial=line.text,
                )
            self.fields[f"a{i}_more"] = forms.CharField(
                label=_("Thêm đoạn văn ở cuối (mỗi dòng một đoạn)"),
                max_length=MAX_TEXT * 4,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"a{i}_delete"] = forms.BooleanField(
                label=_("Xóa phụ lục này"), required=False
            )

    def rows(self) -> list[dict[str, Any]]:
        """Each appendix with its fields and its lines in print order, for the template."""
        rows = []
        for i, lines in enumerate(self.lines):
            shown, j = [], 0
            for line in lines:
                field = None
                if line.editable:
                    field, j = self[f"a{i}_t{j}"], j + 1
                shown.append({"line": line, "field": field, "table": _table(line.block)})
            rows.append(
                {
                    "index": i,
                    "number": i + 1,
                    "title": self[f"a{i}_title"],
                    "reference": self[f"a{i}_reference"],
                    "more": self[f"a{i}_more"],
                    "delete": self[f"a{i}_delete"],
                    "lines": shown,
                    "first": i == 0,
                    "last": i == len(self.lines) - 1,
                }
            )
        return rows

    def changes(self, move: str = "") -> list[dict[str, Any]]:
        """The appendices to keep, in their order (``move`` = "up-2" or "down-0" moves one), and
        the new one when it is given: what plan_appendices_update takes."""
        data = self.cleaned_data
        kept: list[dict[str, Any]] = []
        for i, lines in enumerate(self.lines):
            count = sum(line.editable for line in lines)
            appendix = {
                "source": i,
                "title": data[f"a{i}_title"],
                "reference": data[f"a{i}_reference"],
                "texts": [data[f"a{i}_t{j}"] for j in range(count)],
                "more": _lines(data[f"a{i}_more"]),
            }
            if not data[f"a{i}_delete"]:
                kept.append(appendix)
        direction, _sep, index = move.partition("-")
        sources = [a["source"] for a in kept]
        if direction in {"up", "down"} and index.isdigit() and int(index) in sources:
            at = sources.index(int(index))
            to = at - 1 if direction == "up" else at + 1
            if 0 <= to < len(kept):
                kept[at], kept[to] = kept[to], kept[at]
        if data["new_title"] or data["new_reference"] or _lines(data["new_lines"]):
            kept.append(
                {
                    "source": None,
                    "title": data["new_title"],
                    "reference": data["new_reference"],
                    "texts": [],
                    "more": _lines(data["new_lines"]),
                }
            )
        return kept


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _table(block: dict[str, Any] | None) -> dict[str, Any] | None:
    """A table block as the page shows it: its caption, header cells with their spans, rows."""
    if block is None:
        return None
    header = [
        [cell if isinstance(cell, dict) else {"text": cell} for cell in row]
        for row in block.get("header_rows") or []
    ]
    return {"caption": block.get("caption") or "", "header": header, "rows": block.get("rows")}
