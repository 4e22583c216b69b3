"""A ward officer registers a child, gives a gift from the ward's fund, and sees the fund's
balance and the proposals for the Action Month report change; then fills the report from them."""

import re
from datetime import date

import pytest
from django.db import connection

from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.children.models import Child
from vitreem.fund.models import Fund
from vitreem.fund.services import donation_record, donor_add, fund_create, norm_decision_add
from vitreem.reporting.loaders import load_forms
from vitreem.reporting.models import ReportForm, Submission
from vitreem.reporting.services import round_create, submission_cells
from vitreem.reporting.tests.test_browser_flow import sign_in
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.web.tests.test_browser import assert_fits_a_phone, browser  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def ward(transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_units()
    load_forms()
    ward = AdministrativeUnit.objects.get(code="01843", valid_to__isnull=True)
    province = AdministrativeUnit.objects.get(code="19", valid_to__isnull=True)
    leader = MembershipFactory(
        user=UserFactory(username="lanhdao.phuong"), unit=ward, role="leader", sensitive_data=True
    ).user
    MembershipFactory(
        user=UserFactory(username="canbo.phuong"), unit=ward, role="officer", sensitive_data=True
    )
    admin = UserFactory(username="quantri", is_superuser=True)
    fund = fund_create(actor=leader, unit=ward, name="Quỹ Bảo trợ trẻ em phường Bắc Kạn")
    norm_decision_add(
        actor=leader,
        fund=fund,
        number="01/QĐ-HĐQ",
        signed_on=date(2026, 1, 5),
        valid_from=date(2026, 1, 5),
        items=[("gift", "Quà cho trẻ em", 500_000)],
    )
    donor = donor_add(actor=leader, fund=fund, kind="organisation", name="Công ty TNHH Minh Phát")
    donation_record(
        actor=leader, fund=fund, donor=donor, received_on=date(2026, 3, 2), amount=60_000_000
    )
    round_ = round_create(
        actor=admin,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=province,
        title="Kết quả Tháng hành động vì trẻ em năm 2026",
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    return ward, fund, Submission.objects.get(round=round_, unit=ward, agency=None)


def test_register_give_from_the_fund_and_fill_the_report(ward, live_server, browser):  # noqa: F811
    unit, fund, report = ward
    base = live_server.url
    page = browser.new_page(locale="vi-VN", viewport={"width": 1400, "height": 1000})
    sign_in(page, base, "canbo.phuong")

    # Before: the fund holds what was given, and the registry proposes nothing for table 2.
    page.goto(f"{base}/funds/{fund.pk}/")
    page.get_by_text("60.000.000").first.wait_for()
    page.goto(f"{base}/children/prefill/{report.pk}/")
    page.get_by_text("Sổ theo dõi chưa có số liệu cho báo cáo này").wait_for()

    # Register a child.
    page.goto(f"{base}/children/?unit={unit.code}")
    page.get_by_role("link", name="Đăng ký trẻ em").click()
    page.get_by_label("Họ và tên").fill("Hoàng Thị Mỹ Duyên")
    page.get_by_label("Ngày sinh").fill("12/03/2018")
    page.get_by_label("Giới tính").select_option("female")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name="Hoàng Thị Mỹ Duyên").wait_for()
    child = Child.objects.get()
    assert page.url.endswith(f"/children/{child.public_id}/")
    assert "Duy" not in page.url  # the name never travels in a URL
    assert_fits_a_phone(page)

    # A gift from the ward's fund for the Action Month.
    page.get_by_role("link", name=re.compile("Hỗ trợ từ Quỹ Bảo trợ trẻ em phường Bắc Kạn")).click()
    page.get_by_label("Hình thức hỗ trợ").select_option("gift")
    page.get_by_label("Ngày hỗ trợ").fill("01/06/2026")
    page.get_by_label("Giá trị (đồng)").fill("400.000")
    page.get_by_label("Dịp").select_option("action_month")
    page.get_by_role("button", name="Ghi hỗ trợ").click()
    page.get_by_text("Đã ghi hỗ trợ từ quỹ").wait_for()
    assert "400.000" in page.locator("main").inner_text()

    # After: the fund's balance is lower by the gift, and table 2 has a proposal for it.
    page.goto(f"{base}/funds/{fund.pk}/")
    page.get_by_text("59.600.000").first.wait_for()
    page.goto(f"{base}/children/prefill/{report.pk}/")
    rows = page.locator("table.official tbody tr")
    gifts = rows.filter(has_text="Tặng quà – Số lượng trẻ em")
    assert gifts.locator("td").nth(3).inner_text().startswith("1")
    cost = rows.filter(has_text="Tặng quà – Kinh phí (ĐVT: 1.000đ) – Vận động")
    assert cost.locator("td").nth(3).inner_text().startswith("400")
    page.get_by_role("button", name="Điền các ô đã đánh dấu").click()
    page.get_by_text("Đã điền 3 ô từ sổ theo dõi.").wait_for()
    assert page.locator('input[name="c-gifts_children--"]').input_value() == "1"
    assert page.locator('input[name="c-gifts_cost--mobilised"]').input_value() == "400"
    assert (
        submission_cells(Submission.objects.get(pk=report.pk))[("gifts_cost", "", "mobilised")]
        == 400_000
    )
    assert Fund.objects.get().disbursements.get().amount == 400_000
    page.close()
    # The ORM calls above ran inside Playwright's event loop, on a connection of their own: close
    # it, or it would outlive the test and keep the test database from being dropped.
    connection.close()
