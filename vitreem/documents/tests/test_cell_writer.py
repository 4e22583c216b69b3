"""Every workbook the system writes holds a formula-like text as text, never as a formula."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from vitreem.children import imports
from vitreem.children.exports import children_workbook
from vitreem.children.tests.factories import register
from vitreem.documents.cells import FORMULA_STARTS, put, put_row
from vitreem.reporting.models import Submission
from vitreem.reporting.workbooks import consolidated_workbook, submission_workbook
from vitreem.units.models import Agency

HOSTILE = '=HYPERLINK("http://x","y")'


def cells_holding(data: bytes, text: str) -> list[tuple[str, object]]:
    """(data type, value) of every cell whose value contains ``text``, over every sheet."""
    book = load_workbook(io.BytesIO(data))
    return [
        (cell.data_type, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and text in cell.value
    ]


def test_a_formula_like_text_is_written_as_text_and_the_rest_as_it_is():
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    texts = [f"{start}SUM(A1:A9)" for start in FORMULA_STARTS]
    put_row(sheet, 1, texts)
    put_row(sheet, 2, [12, 1.5, date(2026, 1, 1), None, "Nguyễn\x07 Văn A"])
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert read is not None
    assert [(c.data_type, c.value) for c in read[1]] == [("s", t) for t in texts]
    assert read["A1"].quotePrefix
    assert [c.value for c in read[2]][:3] == [12, 1.5, datetime(2026, 1, 1)]
    assert read["E2"].value == "Nguyễn Văn A"  # a control character no workbook can hold
    assert put(sheet, 3, 1, "-").data_type == "s"


@pytest.mark.django_db
def test_a_childs_name_address_and_representative_come_out_of_the_export_as_text(personas):
    child = register(
        personas.officer_a,
        personas.unit_a,
        name=HOSTILE,
        address=HOSTILE,
        representative_name=HOSTILE,
    )
    data = children_workbook(personas.leader_a, personas.unit_a, [child], datetime(2026, 6, 1), {})
    assert cells_holding(data, "HYPERLINK") == [("s", HOSTILE)] * 3


@pytest.fixture
def hostile_agency(personas):
    return Agency.objects.create(
        unit=personas.province,
        name=HOSTILE,
        name_folded="=hyperlink",
        kind="other",
        valid_from=personas.province.valid_from,
    )


@pytest.mark.django_db
def test_an_agency_named_as_a_formula_comes_out_of_every_workbook_as_text(
    personas, hostile_agency, province_round
):
    # The agency exists before the round opens, so the round expects its report.
    round_ = province_round
    report = Submission.objects.get(round=round_, agency=hostile_agency)
    outputs = {
        "consolidated": consolidated_workbook(round_, personas.province),
        "form": submission_workbook(report),
    }
    for name, data in outputs.items():
        found = cells_holding(data, "HYPERLINK")
        assert found, name
        assert {kind for kind, _value in found} == {"s"}, name


@pytest.mark.django_db
def test_an_agency_named_as_a_formula_is_listed_as_text_in_the_support_template(
    personas, hostile_agency
):
    data = imports.template_workbook(imports.SUPPORT, personas.unit_a)
    assert cells_holding(data, "HYPERLINK") == [("s", HOSTILE)]
