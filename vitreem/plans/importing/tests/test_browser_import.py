"""Importing in a real browser: a ward officer uploads the province's plan as a Word file,
corrects one field on the review page beside the source, and saves the draft. Chromium as in
vitreem/web/tests/test_browser.py."""

import re

import pytest

from vitreem.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from vitreem.documents.plans import render_plan_docx
from vitreem.plans.models import Plan
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.web.tests.test_browser import (  # noqa: F401  (browser: a fixture)
    ARTIFACTS,
    browser,
)

from .seeds import data_file

pytestmark = pytest.mark.browser


@pytest.fixture
def ward_officer(transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_units()
    ward = AdministrativeUnit.objects.get(code="01843", valid_to__isnull=True)
    return MembershipFactory(user=UserFactory(username="canbo.nhap"), unit=ward).user


def _upload_province_plan(browser, live_server, user, tmp_path):  # noqa: F811
    """Signed in as the user, the province's 2026 plan uploaded as a Word file for the ward."""
    docx = tmp_path / "ke-hoach-tinh.docx"
    docx.write_bytes(render_plan_docx(data_file("thai-nguyen-2026-action-month")))
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/plans/import/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.get_by_role("heading", name="Nhập kế hoạch từ tệp").wait_for()
    page.get_by_label("Đơn vị nhập kế hoạch").select_option(label="Phường Bắc Kạn")
    page.get_by_label("Tệp kế hoạch").set_input_files(str(docx))
    page.get_by_role("button", name="Đọc tệp").click()
    return page


def test_import_province_plan(ward_officer, live_server, browser, tmp_path):  # noqa: F811
    """The ward officer uploads, corrects the title, saves; the draft is hers."""
    page = _upload_province_plan(browser, live_server, ward_officer, tmp_path)

    page.get_by_role("heading", name="Rà soát kế hoạch đã nhận dạng").wait_for()
    source = page.locator("[data-source]").inner_text()
    assert "KẾ HOẠCH" in source
    title = page.get_by_label("Trích yếu (tên kế hoạch)")
    assert "Tháng hành động vì trẻ em" in title.input_value()
    assert Plan.objects.count() == 0  # nothing saved while she reviews
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-import-review.png"), full_page=True)

    corrected = "Triển khai Tháng hành động vì trẻ em năm 2026 trên địa bàn phường Bắc Kạn"
    title.fill(corrected)
    page.get_by_label("Dự thảo kế hoạch của đơn vị tôi").check()  # not kept as the province's
    page.get_by_role("button", name="Lưu kế hoạch").click()

    page.get_by_text("Đã lưu dự thảo kế hoạch từ tệp đã nhập.").wait_for()
    plan = Plan.objects.get()
    assert plan.title == corrected
    assert plan.issuer_unit.code == "01843"
    assert plan.assignments.exists()
    page.close()


def test_derive_the_ward_plan_from_the_province_plan(ward_officer, live_server, browser, tmp_path):  # noqa: F811
    """The ward officer uploads the province's plan, corrects its title, keeps it as the plan
    her ward received, and derives her ward's draft from it, pre-filled."""
    page = _upload_province_plan(browser, live_server, ward_officer, tmp_path)

    page.get_by_role("heading", name="Rà soát kế hoạch đã nhận dạng").wait_for()
    received_choice = page.get_by_label(re.compile("Kế hoạch cấp trên đã nhận, của Tỉnh Thái"))
    assert received_choice.is_checked()  # the header names the province above the ward
    assert page.get_by_label("Số văn bản gốc").input_value() == "95"
    assert page.get_by_label("Ngày ban hành văn bản gốc").input_value() == "08/05/2026"
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone, no sideways scroll
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.set_viewport_size({"width": 1280, "height": 900})
    corrected = "Triển khai Tháng hành động vì trẻ em năm 2026 trên địa bàn tỉnh"
    page.get_by_label("Trích yếu (tên kế hoạch)").fill(corrected)
    page.get_by_role("button", name="Lưu kế hoạch").click()

    page.get_by_text("Đã lưu kế hoạch cấp trên đã nhận.").wait_for()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("#received").is_visible()
    assert page.get_by_role("link", name="Soạn kế hoạch").count() == 0  # read-only
    received = Plan.objects.get()
    assert (received.status, received.title, received.number) == ("received", corrected, 95)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-import-received.png"), full_page=True)

    page.get_by_label("Đơn vị triển khai").select_option(label="Phường Bắc Kạn")
    page.get_by_role("button", name="Tạo dự thảo kế hoạch triển khai").click()
    page.get_by_text("Đã tạo dự thảo kế hoạch triển khai.").wait_for()
    derived = Plan.objects.exclude(pk=received.pk).get()
    assert (derived.parent, derived.issuer_unit.code) == (received, "01843")
    text = page.locator("main").inner_text()
    assert corrected in text
    assert (
        "Thực hiện Kế hoạch số 95/KH-UBND ngày 8/5/2026 của Ủy ban nhân dân tỉnh Thái Nguyên"
        in (text)
    )
    assert received.theme in text
    assert received.slogans[1] in text
    assert "Tổ chức các hoạt động truyền thông" in text  # the activities, as the province set them
    page.screenshot(path=str(ARTIFACTS / "plan-import-derived.png"), full_page=True)
    page.close()
