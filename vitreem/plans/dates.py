"""Dates as officials write them: a full day, a month of a year, or only a year.

A plan may be dated "ngày … tháng 5 năm 2026" (the day left blank) or give a deadline as
"trong tháng 6/2026". ``PartialDate`` holds what is known; a model keeps it as a DateField (the
first day of what is known, or for a deadline or an end the last, so that comparisons still
hold) and a precision beside it. Framework-free: the document builders use it too.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

DAY, MONTH, YEAR = "day", "month", "year"
PRECISIONS = (DAY, MONTH, YEAR)

_TEXT = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs its month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")
        if self.day is not None:
            date(self.year, self.month or 1, self.day)  # ValueError for 31/4

    @property
    def precision(self) -> str:
        return DAY if self.day else MONTH if self.month else YEAR

    def first(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last(self) -> date:
        if self.day:
            return self.first()
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        """2026-05-15, 2026-05 or 2026: how a data file and the JSON fields write it."""
        if self.day:
            return self.first().isoformat()
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"

    def short(self) -> str:
        """As a plan's text writes it: "15/5/2021", "01/6/2024", "5/2026", "2026".

        The day takes two digits, the month a leading zero only for 1 and 2 (Decree 30/2020).
        """
        month = _month(self.month) if self.month else ""
        if self.day:
            return f"{self.day:02d}/{month}/{self.year}"
        return f"{month}/{self.year}" if self.month else str(self.year)

    def stored(self, *, end: bool = False) -> tuple[date, str]:
        """The day a DateField keeps (the last of the span for ``end``) and the precision."""
        return (self.last() if end else self.first()), self.precision


def _month(month: int) -> str:
    return f"{month:02d}" if month < 3 else str(month)


def parse_partial(value: Any) -> PartialDate | None:
    """A PartialDate from a date, a year (2026), or a text "2026", "2026-05", "2026-05-15";
    None for None or an empty text. ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ValueError("not a date")
    if isinstance(value, int):
        return PartialDate(value)
    if isinstance(value, str):
        match = _TEXT.match(value.strip())
        if match:
            year, month, day = (int(g) if g else None for g in match.groups())
            return PartialDate(year or 0, month, day)
    raise ValueError(f"not a date: {str(value)[:40]!r}")


def from_stored(day: date | None, precision: str) -> PartialDate | None:
    """The PartialDate a DateField and its precision keep."""
    if day is None:
        return None
    if precision == YEAR:
        return PartialDate(day.year)
    if precision == MONTH:
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


def short_date(value: Any) -> str:
    """Any date a plan holds, as its text writes it ("15/5/2021"); "" when there is none."""
    partial = parse_partial(value)
    return partial.short() if partial else ""


_WRITTEN = re.compile(r"^(?:(?:(\d{1,2})/)?(\d{1,2})/)?(\d{4})$")


def parse_written(value: str) -> PartialDate | None:
    """A date as an official types it: "15/5/2026" (a day), "5/2026" or "tháng 5/2026" (a
    month), "2026" (a year), or as the data files write it ("2026-05"); None for an empty text.
    ValueError for anything else."""
    text = " ".join(value.split()).lower()
    if text.startswith("tháng "):
        text = text.removeprefix("tháng ")
    if not text:
        return None
    match = _WRITTEN.match(text)
    if match:
        day, month, year = (int(g) if g else None for g in match.groups())
        return PartialDate(year or 0, month, day)
    return parse_partial(text)
