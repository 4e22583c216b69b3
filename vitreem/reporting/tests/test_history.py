"""The history of a report's cells names each cell as the printed form does."""

import pytest

from vitreem.reporting.models import ReportForm
from vitreem.reporting.services import submission_save

from .test_excel import report  # noqa: F401  (the Action Month report of phường Bắc Kạn)
from .test_report_values import half_year

pytestmark = pytest.mark.django_db


def test_the_half_year_history_names_rows_and_columns_not_keys(client, personas):
    submission = half_year(personas, ReportForm.objects.get(code="special-circumstances"))
    submission_save(
        actor=personas.officer_a,
        submission=submission,
        cells={
            ("indicator_total", "child_friendly", ""): 4,
            ("indicator_achieved", "child_friendly", ""): 3,
            ("indicator_total", "insurance_under6", ""): 50,
        },
    )
    client.force_login(personas.officer_a)
    page = client.get(f"/reports/submissions/{submission.pk}/history/").content.decode()
    assert "[child_friendly]" not in page
    assert "[insurance_under6]" not in page
    assert "Xã, phường đạt tiêu chuẩn phù hợp với trẻ em – Số đạt" in page
    assert "Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế – Tổng số" in page
    assert "> – " not in page  # no empty label before the dash


def test_the_action_month_history_names_the_source_of_money(client, personas, report):  # noqa: F811
    submission_save(
        actor=personas.officer_a,
        submission=report,
        cells={("gifts_children", "", ""): 40, ("gifts_cost", "", "state"): 4_000_000},
    )
    client.force_login(personas.officer_a)
    page = client.get(f"/reports/submissions/{report.pk}/history/").content.decode()
    assert "Tặng quà – Kinh phí (ĐVT: 1.000đ) (Ngân sách)" in page
    assert "(state)" not in page
    # 4.000.000 đồng is shown as the form shows it, 4.000 (thousands), the count as it is.
    assert '<td class="num">4.000</td>' in page
    assert '<td class="num">40</td>' in page
    assert "4.000.000" not in page
