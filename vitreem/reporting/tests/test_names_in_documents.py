"""A report's Word document names its issuer as an official writes it."""

import io

import pytest
from docx import Document

from vitreem.reporting.documents import submission_docx
from vitreem.reporting.models import Submission
from vitreem.units.models import Agency
from vitreem.units.services import agencies_create_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward_agencies(personas):
    """The ward's standard agencies, made before the round so that they report in it."""
    return agencies_create_standard(actor=None, unit=personas.unit_a)


def test_an_agencys_report_names_the_agency_with_its_ward(personas, ward_agencies, province_round):
    round_ = province_round
    ward = Submission.objects.get(round=round_, unit=personas.unit_a, agency=None)
    agency = Agency.objects.get(unit=personas.unit_a, name="Công an phường")
    police = Submission.objects.create(
        round=round_,
        unit=personas.unit_a,
        agency=agency,
        reporter_key=f"a{agency.pk}",
        deadline=ward.deadline,
    )
    document = Document(io.BytesIO(submission_docx(police)))
    texts = " | ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    # The header prints a line a name, each kept whole (non-breaking spaces).
    assert "ỦY BAN NHÂN DÂN\nPHƯỜNG BẮC KẠN\nCÔNG AN PHƯỜNG BẮC KẠN" in texts.replace("\xa0", " ")
    assert "PHƯỜNG\xa0BẮC\xa0KẠN" in texts
    assert "Ủy ban nhân dân phường Bắc Kạn (b/c);" in texts
