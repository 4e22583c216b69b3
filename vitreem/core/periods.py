"""Reporting windows of state bodies (Decree 09/2019/NĐ-CP, Article 12; DOMAIN.md §7).

A month's report covers the 15th of the previous month to the 14th of the month; a quarter,
half-year and year follow the same 15th-to-14th pattern: Q1 is 15/12 to 14/3, the half-year
15/12 to 14/6, the year 15/12 to 14/12.
"""

from datetime import date

KINDS = {"month": 12, "quarter": 4, "half_year": 2, "year": 1}


def reporting_window(kind: str, year: int, index: int = 1) -> tuple[date, date]:
    """(first day, last day) of the index-th window (1-based) of a kind in a year."""
    if kind not in KINDS:
        raise ValueError(f"no Decree 09 window for {kind!r}")
    if not 1 <= index <= KINDS[kind]:
        raise ValueError(f"{kind} {index} does not exist")
    months = 12 // KINDS[kind]
    end_month = index * months
    end = date(year, end_month, 14)
    start_month = end_month - months  # the month before the window's first month
    start = date(year - 1, 12, 15) if start_month == 0 else date(year, start_month, 15)
    return start, end
