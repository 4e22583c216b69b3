"""Whole flows in a real browser: Playwright driving Debian's Chromium.

Without Chromium these tests skip with a reason; with VITREEM_REQUIRE_BROWSER=1 (set by CI) a
missing browser is a failure instead, so CI always runs them.
"""

import os
import shutil
from pathlib import Path

import pytest

from vitreem.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: browser tests need `apt-get install chromium`"
        if os.environ.get("VITREEM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM work here happens
    # before and after it, and the live server answers from its own thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def officer(transactional_db):
    # A transactional test empties the tables after itself; whoever runs next reloads the units.
    if not AdministrativeUnit.objects.exists():
        load_units()
    ward = AdministrativeUnit.objects.get(code="01843", valid_to__isnull=True)
    return MembershipFactory(user=UserFactory(username="canbo.trinhduyet"), unit=ward).user


def test_sign_in_search_bac_kan_and_open_the_ward(officer, live_server, browser):
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Đơn vị và vai trò của tôi").wait_for()

    page.get_by_role("link", name="Đơn vị hành chính").first.click()
    page.get_by_label("Xem tại ngày").fill("01/06/2026")
    page.get_by_label("Tìm theo tên").fill("bac kan")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Phường Bắc Kạn").click()

    page.get_by_role("heading", name="Phường Bắc Kạn").wait_for()
    breadcrumb = page.get_by_role("navigation", name="Cấp hành chính").inner_text()
    assert "Tỉnh Thái Nguyên" in breadcrumb
    assert "01/07/2025" in page.locator(".facts").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "unit-phuong-bac-kan.png"), full_page=True)
    assert_fits_a_phone(page)
    page.close()


def assert_fits_a_phone(page) -> None:
    """The page as it is, on a 390 px phone: nothing wider than the screen."""
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wider <= 0, f"{page.url} is {wider} px wider than a 390 px phone"
    if size:
        page.set_viewport_size(size)
