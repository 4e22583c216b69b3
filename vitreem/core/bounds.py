"""The plausible ranges of the domain's numbers and dates, in one place.

Every path a client reaches (API schemas and query parameters, forms, Excel imports, services)
bounds its money, counts, dates and pagination with what is here, so a value no committee
could mean (2^63 đồng, the year 1) is refused where it enters, with a reason, and every sum
of accepted values fits a 64-bit column.

Three faces of the same rules:
- ``*_problem(value)``: the Vietnamese reason a value is refused, or None (imports use these);
- ``check_*(value, field=...)``: raise Django's ValidationError naming the field (services);
- ``Money``, ``Count``, ``Day``, ``LaterDay``, ``Offset``, ``Limit``, ``RecordId``: Annotated
  types for pydantic schemas and query parameters (422 with the field named).
"""

from collections.abc import Callable
from datetime import date
from typing import Annotated, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field, StrictInt
from pydantic_core import PydanticCustomError

# A single entry of money: ten thousand billion đồng is far above any fund or budget line of a
# province, yet 900,000 such entries still sum below 2^63.
MONEY_MAX = 10**13
# Children, beneficiaries, reported counts: above any province's population.
COUNT_MAX = 10**7
# Dates: nothing the system records (plans, reports, gifts, funds) predates 1990.
FIRST_DAY = date(1990, 1, 1)
# Plans' periods and insurance cards may end years ahead (a card at most at the child's 16th).
HORIZON_YEARS = 16
# Pagination of the API's lists.
LIMIT_MAX = 500
OFFSET_MAX = 10**6
# Record identifiers a client names: a 64-bit key at most, so a lookup cannot overflow the column.
ID_MAX = 2**63 - 1

# The pydantic error type of every refusal below; the API's error handler shows its message.
ERROR_TYPE = "out_of_bounds"


def ceiling(kind: str) -> int:
    """The largest value of a kind of number ("money" or a count) that any path accepts."""
    return MONEY_MAX if kind == "money" else COUNT_MAX


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _day_text(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def last_day(today: date | None = None) -> date:
    """The latest plausible day of an event: 31 December of next year."""
    return date((today or timezone.localdate()).year + 1, 12, 31)


def last_later_day(today: date | None = None) -> date:
    """The latest plausible day of a plan's period or a card's validity."""
    return date((today or timezone.localdate()).year + HORIZON_YEARS, 12, 31)


def money_problem(value: int, minimum: int = 0) -> str | None:
    if value > MONEY_MAX:
        return _("Số tiền vượt quá mức cho phép (tối đa %(max)s đồng).") % {
            "max": _grouped(MONEY_MAX)
        }
    if value < minimum:
        if minimum == 1:
            return _("Số tiền phải lớn hơn 0.")
        return _("Số tiền không được nhỏ hơn %(min)s đồng.") % {"min": _grouped(minimum)}
    return None


def count_problem(value: int, minimum: int = 0) -> str | None:
    if value > COUNT_MAX:
        return _("Số lượng vượt quá mức cho phép (tối đa %(max)s).") % {"max": _grouped(COUNT_MAX)}
    if value < minimum:
        return _("Số lượng không được nhỏ hơn %(min)s.") % {"min": minimum}
    return None


def day_problem(value: date, *, later: bool = False, today: date | None = None) -> str | None:
    latest = last_later_day(today) if later else last_day(today)
    if FIRST_DAY <= value <= latest:
        return None
    return _("Ngày %(day)s nằm ngoài khoảng cho phép (từ %(first)s đến %(last)s).") % {
        "day": _day_text(value),
        "first": _day_text(FIRST_DAY),
        "last": _day_text(latest),
    }


def offset_problem(value: int) -> str | None:
    if 0 <= value <= OFFSET_MAX:
        return None
    return _("Vị trí bắt đầu (offset) phải từ 0 đến %(max)s.") % {"max": _grouped(OFFSET_MAX)}


def limit_problem(value: int) -> str | None:
    if 1 <= value <= LIMIT_MAX:
        return None
    return _("Số dòng mỗi trang (limit) phải từ 1 đến %(max)s.") % {"max": LIMIT_MAX}


def id_problem(value: int) -> str | None:
    if 1 <= value <= ID_MAX:
        return None
    return _("Mã số phải là số nguyên dương (tối đa %(max)s).") % {"max": _grouped(ID_MAX)}


def _raise(field: str, problem: str | None) -> None:
    if problem is not None:
        raise ValidationError({field: problem})


def check_money(value: int, *, field: str, minimum: int = 0) -> int:
    _raise(field, money_problem(value, minimum))
    return value


def check_count(value: int, *, field: str, minimum: int = 0) -> int:
    _raise(field, count_problem(value, minimum))
    return value


def check_day(value: date, *, field: str, later: bool = False) -> date:
    _raise(field, day_problem(value, later=later))
    return value


T = TypeVar("T")


def _pydantic(problem: Callable[[T], str | None]) -> AfterValidator:
    def validate(value: T) -> T:
        found = problem(value)
        if found is not None:
            # The message is already formatted: braces in it must not be read as a template.
            raise PydanticCustomError(ERROR_TYPE, found.replace("{", "(").replace("}", ")"))
        return value

    return AfterValidator(validate)


Money = Annotated[
    StrictInt,
    _pydantic(money_problem),
    Field(json_schema_extra={"minimum": 0, "maximum": MONEY_MAX}),
]
PositiveMoney = Annotated[
    StrictInt,
    _pydantic(lambda v: money_problem(v, 1)),
    Field(json_schema_extra={"minimum": 1, "maximum": MONEY_MAX}),
]
Count = Annotated[
    int, _pydantic(count_problem), Field(json_schema_extra={"minimum": 0, "maximum": COUNT_MAX})
]
# From 01/01/1990 to 31/12 of next year (LaterDay: of the year 16 years ahead).
Day = Annotated[date, _pydantic(day_problem)]
LaterDay = Annotated[date, _pydantic(lambda v: day_problem(v, later=True))]
Offset = Annotated[
    int, _pydantic(offset_problem), Field(json_schema_extra={"minimum": 0, "maximum": OFFSET_MAX})
]
RecordId = Annotated[
    StrictInt, _pydantic(id_problem), Field(json_schema_extra={"minimum": 1, "maximum": ID_MAX})
]
Limit = Annotated[
    int, _pydantic(limit_problem), Field(json_schema_extra={"minimum": 1, "maximum": LIMIT_MAX})
]
