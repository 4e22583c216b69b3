import pytest

from vitreem.assessments.models import Assessment, Status
from vitreem.assessments.selectors import communes_with_status
from vitreem.demo.assessments import demo_assessments

pytestmark = pytest.mark.django_db


def test_demo_assessments_load_twice_to_the_same_state(personas):
    assert demo_assessments(personas.admin) == 2
    assert demo_assessments(personas.admin) == 0
    bac_kan = Assessment.objects.get(unit=personas.unit_a, year=2026)
    assert bac_kan.status == Status.SUBMITTED
    rows = {r.unit.code: r for r in communes_with_status(personas.province, 2026)}
    assert rows[personas.unit_a.code].verdict.total == 910
    assert rows[personas.unit_a.code].verdict.meets
    assert rows[personas.unit_b.code].assessment.status == Status.DRAFT
