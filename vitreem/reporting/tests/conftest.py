from datetime import date

import pytest

from vitreem.reporting.models import ReportForm
from vitreem.reporting.services import round_create


@pytest.fixture
def province_round(personas):
    """The 2026 Action Month round of tỉnh Thái Nguyên, opened by its supervisor."""
    return round_create(
        actor=personas.supervisor,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=personas.province,
        title="Tháng hành động 2026",
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
