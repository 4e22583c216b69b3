"""A report from keyboard entry to approval; the same totals in the page, the .xlsx and the API."""

import json

import pytest
from openpyxl import load_workbook

from vitreem.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from vitreem.reporting.loaders import load_forms
from vitreem.reporting.models import ReportForm, Submission
from vitreem.reporting.services import round_create
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.units.services import agencies_create_standard
from vitreem.web.tests.test_browser import assert_fits_a_phone, browser  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def city_round(transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_units()
    load_forms()
    city = AdministrativeUnit.objects.get(code="058", valid_to__isnull=False)
    ward = AdministrativeUnit.objects.get(code="01837", valid_to__isnull=False)
    agencies_create_standard(actor=None, unit=city)
    leader = MembershipFactory(
        user=UserFactory(username="lanhdao.thanhpho"), unit=city, role="leader"
    ).user
    MembershipFactory(user=UserFactory(username="canbo.songcau"), unit=ward, role="officer")
    round_ = round_create(
        actor=leader,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=city,
        title="Tháng hành động 2021",
        period_kind="campaign",
        period_start=ward.valid_from.replace(year=2021, month=6, day=1),
        period_end=ward.valid_from.replace(year=2021, month=6, day=30),
    )
    report = Submission.objects.get(round=round_, unit=ward, agency=None)
    return round_, report


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Đơn vị và vai trò của tôi").wait_for()


def test_keyboard_entry_return_resubmit_approve_and_equal_totals(city_round, live_server, browser):  # noqa: F811
    round_, report = city_round
    base = live_server.url
    page = browser.new_page(locale="vi-VN", viewport={"width": 1400, "height": 1000})

    # The ward officer types table 2 with the keyboard: a number, Tab to the next cell.
    sign_in(page, base, "canbo.songcau")
    page.goto(f"{base}/reports/submissions/{report.pk}/")
    page.get_by_label("Tặng quà – Số lượng trẻ em", exact=True).click()
    for text in ["40", "3.000", "1.000", "5", "10.000"]:
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    # Every save has answered (the status no longer says it is saving), and the last one saved.
    page.wait_for_function(
        "() => { const s = document.getElementById('autosave').textContent;"
        " return s && !s.startsWith('Đang'); }",
        timeout=60_000,
    )
    assert page.locator("#autosave").inner_text() == "Đã lưu nháp."
    assert_fits_a_phone(page)
    page.get_by_label("Tôi xác nhận gửi báo cáo", exact=False).check()
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã gửi báo cáo.").wait_for()

    # The city's leader returns it with a reason.
    sign_in(page, base, "lanhdao.thanhpho")
    page.goto(f"{base}/reports/submissions/{report.pk}/")
    page.get_by_label("Lý do trả lại").fill("Số trẻ em được tặng quà chưa khớp danh sách.")
    page.get_by_role("button", name="Trả lại").click()
    page.get_by_text("Đã trả lại báo cáo.").wait_for()

    # The officer corrects and resubmits.
    sign_in(page, base, "canbo.songcau")
    page.goto(f"{base}/reports/submissions/{report.pk}/")
    assert "chưa khớp danh sách" in page.content()
    page.get_by_label("Tặng quà – Số lượng trẻ em", exact=True).fill("42")
    page.get_by_label("Tôi xác nhận gửi báo cáo", exact=False).check()
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã gửi báo cáo.").wait_for()

    # The leader approves; the page, the .xlsx and the API show the same totals.
    sign_in(page, base, "lanhdao.thanhpho")
    page.goto(f"{base}/reports/submissions/{report.pk}/")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    page.get_by_text("Đã duyệt báo cáo.").wait_for()
    page.goto(f"{base}/reports/{round_.pk}/consolidated/")
    table2 = page.locator("section.card").filter(has_text="2. Hoạt động hỗ trợ trẻ em")
    total_cells = table2.locator("tr.total td").all_inner_texts()
    assert_fits_a_phone(page)
    # The cost by state budget and mobilised, then their sum; then the next count.
    assert total_cells[1:6] == ["42", "3.000", "1.000", "4.000", "5"]
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel theo mẫu").click()
    with open(download.value.path(), "rb") as fh:  # the saved download has no file extension
        sheet = load_workbook(fh)["Bảng 2"]
    total_row = next(
        r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "Tổng cộng"
    )
    assert [sheet.cell(row=total_row, column=c).value for c in range(2, 7)] == [
        42,
        3000,
        1000,
        4000,
        5,
    ]
    api = json.loads(page.request.get(f"{base}/api/v1/rounds/{round_.pk}/consolidated").text())
    totals = next(t for t in api["tables"] if t["code"] == "2")["total"]
    assert (totals["gifts_children"], totals["gifts_cost"], totals["scholarships_children"]) == (
        42,
        4_000_000,
        5,
    )
    page.close()
