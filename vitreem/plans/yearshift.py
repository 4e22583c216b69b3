"""Moving the texts of a plan to another year: the year in dates and phrases, and the theme.

One replacer walks every text of a plan's structure (strings, lists and dicts of the JSON body)
so no field is forgotten. Only what is of the plan's own year moves: a date or a "năm …" of
another year (a law's date, the previous year's results) is left as written.
"""

import re
from dataclasses import dataclass, field
from typing import Any

# 1/6/2026, 01/06/2026, 1-6-2026, 1.6.2026: day and month kept exactly as written.
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)")
# "năm 2026" (also closing "ngày 1 tháng 6 năm 2026" and "tháng 6/2026"-free phrases).
_YEAR_WORD = re.compile(r"(?<![\w])([Nn]ăm)(\s+)(\d{4})(?!\d)")
# "tháng 6/2026", "tháng 06-2026"
_MONTH_YEAR = re.compile(r"(?<![\w])([Tt]háng\s+)(\d{1,2})([/.-])(\d{4})(?!\d)")


@dataclass
class YearShift:
    old_year: int
    new_year: int
    old_theme: str = ""
    new_theme: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    def text(self, value: str, where: str = "") -> str:
        old, new = str(self.old_year), str(self.new_year)

        def numeric(match: re.Match[str]) -> str:
            day, sep, month, year = match.groups()
            return f"{day}{sep}{month}{sep}{new}" if year == old else match.group(0)

        def year_word(match: re.Match[str]) -> str:
            word, space, year = match.groups()
            return f"{word}{space}{new}" if year == old else match.group(0)

        def month_year(match: re.Match[str]) -> str:
            word, month, sep, year = match.groups()
            return f"{word}{month}{sep}{new}" if year == old else match.group(0)

        result = _NUMERIC_DATE.sub(numeric, value)
        result = _YEAR_WORD.sub(year_word, result)
        result = _MONTH_YEAR.sub(month_year, result)
        if self.old_theme and self.new_theme and self.old_theme != self.new_theme:
            result = result.replace(self.old_theme, self.new_theme)
        if result != value:
            self.changes.append((where, value, result))
        return result

    def tree(self, value: Any, where: str = "") -> Any:
        """The same structure with every string in it moved to the new year."""
        if isinstance(value, str):
            return self.text(value, where)
        if isinstance(value, list):
            return [self.tree(item, where) for item in value]
        if isinstance(value, dict):
            return {key: self.tree(item, where) for key, item in value.items()}
        return value
