"""A province supervisor's walk in a real browser: the dashboard's completeness and its chart, a
late ward opened from the table, the ward's figures over five years across the reform (the
2021–2024 figures of the wards it was formed from); the phone-width picture goes to the docs."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.reporting.loaders import load_forms
from vitreem.reporting.models import ReportForm, Submission
from vitreem.reporting.services import round_create, submission_save, submission_submit
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import unit_by_code
from vitreem.web.tests.test_browser import browser  # noqa: F401

from .test_browser_flow import sign_in

pytestmark = pytest.mark.browser
VN = ZoneInfo("Asia/Ho_Chi_Minh")
SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "images" / "dashboard-supervisor.png"
PREDECESSORS = ("01837", "01843", "01852", "01855")  # the wards that formed phường Bắc Kạn


def campaign(admin, receiving, year: int):
    return round_create(
        actor=admin,
        form=ReportForm.objects.filter(code="action-month-result").order_by("-year")[0],
        receiving_unit=receiving,
        title=f"Tháng hành động {year} — {receiving.name}",
        period_kind="campaign",
        period_start=date(year, 6, 1),
        period_end=date(year, 6, 30),
    )


def file(admin, round_, reporter, gifts: int, on: date | None = None) -> None:
    report = Submission.objects.get(round=round_, unit=reporter, agency=None)
    submission_save(actor=admin, submission=report, cells={("gifts_children", "", ""): gifts})
    submission_submit(actor=admin, submission=Submission.objects.get(pk=report.pk))
    if on is not None:
        Submission.objects.filter(pk=report.pk).update(
            submitted_at=datetime(on.year, on.month, on.day, 9, tzinfo=VN)
        )


def test_a_supervisor_opens_a_late_ward_and_its_five_year_trend(
    transactional_db,
    live_server,
    browser,  # noqa: F811
):
    if not AdministrativeUnit.objects.exists():
        load_units()
    load_forms()
    old_day, day = date(2024, 6, 1), date(2026, 6, 1)
    province = unit_by_code("19", day)
    ward, other = unit_by_code("01843", day), unit_by_code("05443", day)
    city = unit_by_code("058", old_day)
    assert None not in (province, ward, other, city)
    MembershipFactory(user=UserFactory(username="giamsat.thainguyen"), unit=province, role="leader")
    admin = UserFactory(username="quantri", is_superuser=True)
    for year in range(2021, 2025):
        earlier = campaign(admin, city, year)
        for code in PREDECESSORS:
            old = unit_by_code(code, old_day)
            assert old is not None
            file(admin, earlier, old, 100 * (year - 2020) + int(code[-2:]))
    current = campaign(admin, province, 2026)
    file(admin, current, other, 30, date(2026, 7, 10))
    file(admin, current, ward, 777, date(2026, 7, 25))  # after the communes' deadline

    page = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, live_server.url, "giamsat.thainguyen")
    page.get_by_role("link", name="Mở bảng điều hành — Tỉnh Thái Nguyên").click()
    page.get_by_role("heading", name=current.title).wait_for()
    progress = page.locator("table.progress").first
    late_row = progress.locator("tr", has=page.get_by_role("link", name=ward.name))
    assert late_row.locator("td").all_inner_texts() == ["1", "0", "1", "0"]  # filed late
    page.wait_for_function("() => document.querySelectorAll('div.chart canvas').length >= 1")

    late_row.get_by_role("link", name=ward.name).click()
    page.get_by_role("heading", name=f"Bảng điều hành — {ward.name}").wait_for()
    page.get_by_role("navigation", name="Các phần của bảng điều hành").get_by_role(
        "link", name="Số liệu qua các năm"
    ).click()
    trend = page.locator("table.trend").last
    years = [t.split("\n")[0] for t in trend.locator("thead th.num").all_inner_texts()]
    assert years == ["2021", "2022", "2023", "2024", "2026"]
    assert trend.locator("tbody tr", has_text="Tặng quà").first.is_visible()
    assert "tổng số liệu của" in page.locator("ul.trend-sources").last.inner_text()
    page.wait_for_function("() => document.querySelectorAll('div.chart canvas').length >= 2")
    page.locator("h2#trend").scroll_into_view_if_needed()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size < 400_000
    assert problems == []
