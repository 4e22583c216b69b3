"""The dashboard's charts in a real browser, under the site's Content Security Policy: Chart.js
from this site draws one chart per table, and nothing is refused."""

import pytest

from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.reporting.loaders import load_forms
from vitreem.reporting.models import ReportForm
from vitreem.reporting.services import round_create
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.web.tests.test_browser import browser  # noqa: F401

from .test_browser_flow import sign_in

pytestmark = pytest.mark.browser


def test_each_table_of_the_dashboard_gets_its_chart_and_the_policy_refuses_nothing(
    transactional_db,
    live_server,
    browser,  # noqa: F811
):
    if not AdministrativeUnit.objects.exists():
        load_units()
    load_forms()
    province = AdministrativeUnit.objects.get(code="19", valid_to__isnull=True)
    MembershipFactory(user=UserFactory(username="lanhdao.tinh"), unit=province, role="leader")
    round_ = round_create(
        actor=UserFactory(username="quantri", is_superuser=True),
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=province,
        title="Tháng hành động 2026",
        period_kind="campaign",
        period_start=province.valid_from.replace(year=2026, month=6, day=1),
        period_end=province.valid_from.replace(year=2026, month=6, day=30),
    )
    page = browser.new_page(locale="vi-VN", viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, live_server.url, "lanhdao.tinh")
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("heading", name=round_.title).wait_for()
    # The reports' progress, the registry's groups, the fund, the figures over the years (the
    # support table has no rows, so no chart).
    page.wait_for_function("() => document.querySelectorAll('div.chart canvas').length === 4")
    assert page.locator("table.progress").count() == 1
    assert page.locator("table[data-chart='trend']").count() == 3
    # The chart of the figures is drawn for the figure chosen from the table's rows.
    choice = page.get_by_label("Chỉ tiêu trên biểu đồ")
    assert choice.locator("option").count() == 18  # the Action Month form's 18 columns
    choice.select_option(index=4)
    assert page.locator("div.chart canvas").nth(3).get_attribute("aria-label") == (
        "Tặng quà – Số lượng trẻ em"
    )
    assert problems == []
