"""The plan cascade in a real browser: a ward derives its plan from the city plan, gives two tasks
to its agencies, its leader issues it; the ward's officer reports progress under My tasks; the city
sees it on the board. Chromium as in vitreem/web/tests/test_browser.py."""

import re

import pytest

from vitreem.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from vitreem.plans.loaders import load_plan_files
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.units.services import agencies_create_standard
from vitreem.web.tests.test_browser import (  # noqa: F401  (browser: a fixture)
    ARTIFACTS,
    assert_fits_a_phone,
    browser,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_units()
    city = AdministrativeUnit.objects.get(code="058", valid_to__isnull=False)
    ward = AdministrativeUnit.objects.get(code="01837", valid_to__isnull=False)
    for unit in (city, ward):
        agencies_create_standard(actor=None, unit=unit)
    plans = {p.key: p for p in load_plan_files(["bac-kan-city-2021-action-month"])}

    def member(username, unit, role):
        return MembershipFactory(user=UserFactory(username=username), unit=unit, role=role).user

    return {
        "ward_officer": member("canbo.songcau", ward, "officer"),
        "ward_leader": member("lanhdao.songcau", ward, "leader"),
        "city_officer": member("canbo.thanhpho", city, "officer"),
        "city_plan": plans["bac-kan-city-2021-action-month"],
    }


def sign_in(page, base, username):
    page.context.clear_cookies()  # a fresh session: the next person signs in
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Đơn vị và vai trò của tôi").wait_for()


def test_ward_plan_cascade_from_derive_to_board(people, live_server, browser):  # noqa: F811
    base = live_server.url
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 1000})

    # The ward officer derives the ward's plan from the city plan.
    sign_in(page, base, "canbo.songcau")
    page.goto(f"{base}/plans/{people['city_plan'].pk}/")
    page.get_by_label("Đơn vị triển khai").select_option(label="Phường Sông Cầu")
    page.get_by_role("button", name="Tạo dự thảo kế hoạch triển khai").click()
    page.get_by_text("Đã tạo dự thảo kế hoạch triển khai.").wait_for()
    draft_url = page.url
    assert "Dự thảo" in page.locator("p.era").first.inner_text()

    # Two tasks go to two agencies of the ward.
    for row, agency in ((0, "Trạm Y tế phường"), (1, "Đoàn Thanh niên phường")):
        form = page.locator("form[action*='/assign/']").nth(row)
        form.locator("select").select_option(label=agency)
        form.get_by_role("button", name="Giao").click()
        page.get_by_text(f"Đã giao nhiệm vụ cho {agency}.").wait_for()

    # The ward leader issues it.
    sign_in(page, base, "lanhdao.songcau")
    page.goto(draft_url)
    page.get_by_label("Ngày ban hành").fill("25/05/2021")
    page.get_by_role("button", name="Ban hành kế hoạch").click()
    page.get_by_text("Đã ban hành kế hoạch.").wait_for()
    assert "Số: 1/KH-UBND" in page.locator(".paper").inner_text()

    # The ward officer sees the tasks under My tasks and reports progress on the health post's.
    sign_in(page, base, "canbo.songcau")
    page.get_by_role("link", name="Nhiệm vụ của tôi").click()
    rows = page.locator("tbody tr")
    assert rows.filter(has_text="Trạm Y tế phường").count() == 1
    assert rows.filter(has_text="Đoàn Thanh niên phường").count() == 1
    rows.filter(has_text="Trạm Y tế phường").get_by_role("link").first.click()
    page.get_by_label("Tiến độ").select_option(label="Hoàn thành")
    page.get_by_label("Ghi chú").fill("Đã khám sàng lọc cho 120 trẻ em.")
    page.get_by_role("button", name="Lưu tiến độ").click()
    page.get_by_text("Đã cập nhật tiến độ.").wait_for()

    # The city sees it on the ward plan's board.
    sign_in(page, base, "canbo.thanhpho")
    page.goto(draft_url.rstrip("/") + "/board/")
    page.get_by_role("heading", name="Theo dõi nhiệm vụ").wait_for()
    health = page.locator("section.card").filter(has_text="Trạm Y tế phường")
    assert "Hoàn thành" in health.inner_text()
    assert re.search(r"1/\d+ nhiệm vụ hoàn thành", page.locator("p.era").first.inner_text())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-board.png"), full_page=True)
    assert page.get_by_role("button", name="In", exact=True).is_visible()
    assert_fits_a_phone(page)
    page.close()
