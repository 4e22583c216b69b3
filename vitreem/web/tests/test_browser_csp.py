"""In a real browser, the pages and the API's documentation run under the Content-Security-
Policy without a single refusal: nothing inline, nothing from elsewhere."""

import pytest

from vitreem.accounts.tests.factories import PASSWORD
from vitreem.web.tests.test_browser import browser, officer  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_no_page_breaks_the_policy(officer, live_server, browser):  # noqa: F811
    page = browser.new_page(locale="vi-VN")
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Đơn vị và vai trò của tôi").wait_for()
    for path in ["/units/", "/children/", "/reports/", "/no/such/page/"]:
        page.goto(f"{live_server.url}{path}")
    page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_role("button", name="Mở trình xem tương tác (khoảng 1,7 MB)").click()
    page.locator(".swagger-ui .info").wait_for()
    assert page.evaluate("getComputedStyle(document.body).margin") is not None
    assert refused == []
    page.close()
