"""The unit of measure ("ĐVT: 1.000đ") stands only above tables that hold money."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from vitreem.reporting.documents import submission_docx
from vitreem.reporting.models import ReportForm
from vitreem.reporting.workbooks import consolidated_workbook, submission_workbook

from .test_excel import report  # noqa: F401  (the Action Month report of phường Bắc Kạn)
from .test_report_values import half_year

pytestmark = pytest.mark.django_db

UNIT = "ĐVT: 1.000đ"


def sheet_texts(data: bytes) -> dict[str, set[str]]:
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
    }


def test_action_month_sheets_name_the_money_unit_only_where_money_is(personas, report):  # noqa: F811
    for data in (
        submission_workbook(report),
        consolidated_workbook(report.round, personas.province),
    ):
        texts = sheet_texts(data)
        assert UNIT in texts["Bảng 1"]  # the budget for the month
        assert UNIT in texts["Bảng 2"]  # gifts, scholarships, medical care: costs
        assert UNIT not in texts["Bảng 3"]  # activities and children taking part: counts


def test_half_year_form_holds_counts_only_and_names_no_money_unit(personas):
    submission = half_year(personas, ReportForm.objects.get(code="special-circumstances"))
    texts = sheet_texts(submission_workbook(submission))
    assert len(texts) == 2
    assert all(UNIT not in t for t in texts.values())
    document = Document(io.BytesIO(submission_docx(submission)))
    assert all(UNIT not in p.text for p in document.paragraphs)


def test_the_word_report_names_the_money_unit_above_money_tables(report):  # noqa: F811
    document = Document(io.BytesIO(submission_docx(report)))
    assert sum(p.text == UNIT for p in document.paragraphs) == 2
