"""The assessment's pages on a 390 px phone: the province's list and a ward's self-assessment,
with nothing wider than the screen."""

import pytest

from vitreem.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from vitreem.web.tests.test_browser import ARTIFACTS, assert_fits_a_phone, browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_list_and_self_assessment_fit_a_phone(live_server, browser):  # noqa: F811
    from vitreem.assessments.loaders import load_criteria
    from vitreem.assessments.services import ScoreInput, assessment_save, assessment_start
    from vitreem.reporting.loaders import load_forms
    from vitreem.units.loaders import load_units
    from vitreem.units.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        load_units()
        load_forms()
    load_criteria()
    ward = AdministrativeUnit.objects.get(code="01843", valid_to__isnull=True)
    officer = MembershipFactory(
        user=UserFactory(username="canbo.danhgia"), unit=ward, role="officer"
    ).user
    MembershipFactory(user=officer, unit=ward.province, role="viewer")
    assessment = assessment_start(actor=officer, unit=ward, year=2026)
    assessment_save(
        actor=officer,
        assessment=assessment,
        scores=[
            ScoreInput(n, {1: 90, 7: 50}.get(n, 70), "Biên bản kiểm tra của phường")
            for n in range(1, 14)
        ],
    )

    page = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/**")

    page.goto(f"{live_server.url}/assessments/?unit={ward.province.code}&year=2026")
    page.get_by_role("link", name=ward.name).wait_for()
    assert_fits_a_phone(page)
    page.get_by_role("link", name=ward.name).click()
    page.get_by_role("heading", name="Điểm theo tiêu chí").wait_for()
    assert "910" in page.locator(".facts").inner_text()
    assert_fits_a_phone(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "assessment-phone.png"), full_page=True)
    page.close()
