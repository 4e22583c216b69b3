"""The one cell writer: every value an exported workbook holds is written by ``put``.

A text that a spreadsheet would take for a formula (it begins with =, +, -, @, a tab or a
carriage return: a child's name typed as ``=HYPERLINK(…)``, say) is stored as text, marked so
that editing the cell keeps it text; characters a workbook cannot hold are dropped rather than
failing the export. Numbers, dates and None are written as they are.
"""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def put(sheet: Worksheet, row: int, column: int, value: Any = None) -> Cell | MergedCell:
    """Write ``value`` at (row, column) and give back the cell, to be styled."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value  # openpyxl makes a text beginning with "=" a formula …
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # … so it is set back to text
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def put_row(sheet: Worksheet, row: int, values: Iterable[Any]) -> list[Cell | MergedCell]:
    """Write ``values`` along a row from column A."""
    return [put(sheet, row, column, value) for column, value in enumerate(values, start=1)]
