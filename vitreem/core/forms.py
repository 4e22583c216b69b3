"""Form fields as Vietnamese officials type: dates dd/mm/yyyy, money in whole đồng with dots."""

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vitreem.core import bounds

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_ERROR = _("Ngày không hợp lệ: hãy viết dạng dd/mm/yyyy, ví dụ 01/06/2026.")
# Whole đồng, with dots (or commas, spaces) between groups of three: 1.500.000, 1500000.
_MONEY = re.compile(r"^-?(\d{1,3}([.,\s]\d{3})+|\d+)$")
_CURRENCY = re.compile(r"\s*(đồng|đ|vnđ|vnd)$", re.IGNORECASE)


def money_text(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class MoneyField(forms.Field):
    """A sum of money in whole đồng, typed as officials write it: "1.500.000" or "1500000";
    never above the domain's ceiling (bounds.MONEY_MAX)."""

    default_error_messages = {
        "invalid": _("Số tiền phải là số đồng nguyên, ví dụ 1.500.000."),
        "min_value": _("Số tiền phải lớn hơn 0."),
    }

    def __init__(self, *, min_value: int | None = None, **kwargs: Any) -> None:
        self.min_value = min_value
        self.max_value = bounds.MONEY_MAX
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = _CURRENCY.sub("", str(value).replace("\u00a0", " ").strip())
        if not _MONEY.match(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(re.sub(r"[.,\s]", "", text))

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and self.min_value is not None and value < self.min_value:
            raise ValidationError(self.error_messages["min_value"], code="min_value")
        # Without a minimum the sign is the service's to judge; the size is always bounded.
        if value is not None and (problem := bounds.money_problem(abs(value))):
            raise ValidationError(problem, code=bounds.ERROR_TYPE)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return money_text(value)
        return value


def day_validator(*, later: bool = False) -> Any:
    """The domain's date range (bounds.day_problem) as a form or model field validator."""

    def validate(value: Any) -> None:
        if value is not None and (problem := bounds.day_problem(value, later=later)):
            raise ValidationError(problem, code=bounds.ERROR_TYPE)

    return validate


def count_validator(value: Any) -> None:
    if value is not None and (problem := bounds.count_problem(value)):
        raise ValidationError(problem, code=bounds.ERROR_TYPE)


def date_field(
    label: "str | _StrPromise",
    required: bool = True,
    *,
    later: bool = False,
    birth: bool = False,
) -> forms.DateField:
    """A dd/mm/yyyy date within the domain's range (``later``: a plan's or a card's end, years
    ahead); a birth date is left to the registry's under-16 rule."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10}),
        error_messages={"invalid": DATE_ERROR},
        validators=[] if birth else [day_validator(later=later)],
    )


def count_field(label: "str | _StrPromise", **kwargs: Any) -> forms.IntegerField:
    """A whole number of children, people or items, within bounds.COUNT_MAX."""
    kwargs.setdefault("min_value", 0)
    kwargs.setdefault("widget", forms.NumberInput(attrs={"max": bounds.COUNT_MAX}))
    return forms.IntegerField(label=label, validators=[count_validator], **kwargs)
