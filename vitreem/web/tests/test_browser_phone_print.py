"""On a phone (390 × 844) no page of the main flows scrolls sideways and the menu folds into one
button; on paper the consolidated tables print on A4 without the menu and without a row cut in
two. The demo's data and personas: real names, the widest tables the demo has."""

import os
import re
import shutil
import subprocess

import pytest
from django.db import connection

from vitreem.children.models import Child
from vitreem.demo.personas import DEMO_PASSWORD
from vitreem.demo.services import demo_load
from vitreem.plans.models import Plan, Task
from vitreem.reporting.models import Round, Submission
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.web.tests.test_browser import ARTIFACTS, browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db, settings):
    if not AdministrativeUnit.objects.exists():
        load_units()
    settings.DEMO_MODE = True
    demo_load()
    yield
    # The ORM ran on this thread's connection while Playwright's loop was running: close it, or
    # it would outlive the test and keep the test database from being dropped.
    connection.close()


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name=re.compile("Xin chào")).wait_for()


def sideways(page) -> int:
    """How many pixels the page is wider than the window (0 when it does not scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def phone_pages() -> dict[str, list[str]]:
    """The pages of the main flows, per demo persona, found in the demo's data."""
    ward, city = "01843", "058"
    ward_plan = Plan.objects.get(issuer_unit__code=ward, year=2026)
    city_plan = Plan.objects.get(issuer_unit__code=city, year=2021)
    task = Task.objects.filter(assignment__plan=ward_plan).order_by("pk").first()
    province_round = Round.objects.filter(receiving_unit__code="19").order_by("pk").first()
    city_round = Round.objects.get(receiving_unit__code=city)
    report = Submission.objects.get(round=province_round, unit__code=ward, agency=None)
    child = Child.objects.filter(unit__code=ward, unit__valid_to__isnull=True).first()
    assert task is not None
    assert province_round is not None
    assert child is not None
    fund = child.unit.funds.get()
    return {
        "canbo.backan": [
            "/",
            "/units/",
            f"/units/{ward}/",
            "/plans/",
            f"/plans/{ward_plan.pk}/",
            "/plans/tasks/",
            f"/plans/tasks/{task.pk}/",
            "/reports/",
            f"/reports/{province_round.pk}/",
            f"/reports/submissions/{report.pk}/",
            "/children/",
            f"/children/{child.public_id}/",
            "/funds/",
            f"/funds/{fund.pk}/",
            "/notifications/",
            "/plans/new/",
            "/plans/import/",
        ],
        # The ward's police: its own tasks and inbox.
        "congan.backan": ["/", "/plans/tasks/", "/notifications/"],
        # The ward's leader: the registry, its read log (the officer's reads above) and a
        # child's lines of it.
        "lanhdao.backan": [
            "/",
            "/dashboard/",
            f"/units/{ward}/members/",
            "/children/",
            "/children/reads/",
            f"/children/reads/?child={child.public_id}",
        ],
        "lanhdao.tpbackan": [
            f"/plans/{city_plan.pk}/",
            f"/plans/{city_plan.pk}/board/",
            f"/reports/{city_round.pk}/",
            f"/reports/{city_round.pk}/consolidated/",
        ],
        "giamsat.thainguyen": [
            f"/reports/{province_round.pk}/?unit=19",
            f"/reports/{province_round.pk}/consolidated/?unit=19",
            "/dashboard/?unit=19",
            "/children/",
        ],
    }


def test_no_page_of_the_main_flows_scrolls_sideways_on_a_phone(demo, live_server, browser):  # noqa: F811
    base = live_server.url
    pages = phone_pages()
    page = browser.new_page(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    too_wide: list[tuple[str, str, int]] = []

    page.goto(f"{base}/accounts/login/")
    if sideways(page) > 0:
        too_wide.append(("", "/accounts/login/", sideways(page)))
    ARTIFACTS.mkdir(exist_ok=True)
    for username, paths in pages.items():
        sign_in(page, base, username)
        for path in paths:
            page.goto(f"{base}{path}")
            if sideways(page) > 0:
                too_wide.append((username, path, sideways(page)))
        if username == "canbo.backan":
            # The menu is one button; it opens and closes the links.
            menu = page.get_by_role("link", name="Trẻ em", exact=True)
            assert not menu.is_visible()
            toggle = page.get_by_role("button", name="Trình đơn")
            assert toggle.bounding_box()["height"] >= 40
            toggle.click()
            assert menu.is_visible()
            assert menu.bounding_box()["height"] >= 40
            assert toggle.get_attribute("aria-expanded") == "true"
            toggle.click()
            assert not menu.is_visible()
            for name, path in [
                ("phone-home", "/"),
                ("phone-children", "/children/"),
                ("phone-report-entry", paths[9]),
            ]:
                page.goto(f"{base}{path}")
                if name == "phone-report-entry":
                    page.locator("section.card.scroll h2").first.evaluate(
                        "h => window.scrollTo(0, h.getBoundingClientRect().top + scrollY - 8)"
                    )
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    assert too_wide == []

    # The report's cells ask a phone for its number keyboard.
    page.goto(f"{base}{pages['canbo.backan'][9]}")
    sign_in(page, base, "canbo.backan")
    page.goto(f"{base}{pages['canbo.backan'][9]}")
    cell = page.locator("input.cell").first
    assert cell.get_attribute("inputmode") == "numeric"
    assert cell.bounding_box()["height"] >= 40
    page.close()


def test_the_consolidated_tables_print_on_a4_without_the_menu(demo, live_server, browser):  # noqa: F811
    if not shutil.which("pdftotext"):
        message = "pdftotext not found: the print test needs `apt-get install poppler-utils`"
        if os.environ.get("VITREEM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    base = live_server.url
    city_round = Round.objects.get(receiving_unit__code="058")
    page = browser.new_page(locale="vi-VN")
    sign_in(page, base, "lanhdao.tpbackan")
    page.goto(f"{base}/reports/{city_round.pk}/consolidated/")
    assert page.get_by_role("button", name="In", exact=True).is_visible()
    rows = page.locator("table.official tbody tr:not(.group)").all_inner_texts()
    names = [r.split("\t")[0].strip() for r in rows if r.strip()]
    assert len(names) > 30

    page.emulate_media(media="print")
    assert (
        page.locator("table.official tr").first.evaluate("tr => getComputedStyle(tr).breakInside")
        == "avoid"
    )
    assert (
        page.locator("table.official thead").first.evaluate("t => getComputedStyle(t).display")
        == "table-header-group"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "consolidated-print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 1  # long enough for a row to fall on a page break
    texts = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, pages + 1)
    ]
    whole = "\n".join(texts)
    for menu_item in ["Trang chủ", "Nhiệm vụ của tôi", "Tài khoản", "Đăng xuất", "English"]:
        assert menu_item not in whole
    assert "Tải Excel theo mẫu" not in whole
    assert "Thành phố Bắc Kạn" in texts[0]
    assert "In ngày" in texts[0]
    # No row is cut in two: each row's name (which may wrap) stands whole on one page.
    squeeze = [re.sub(r"\s+", "", t) for t in texts]
    for name in names:
        key = re.sub(r"\s+", "", name)
        assert any(key in t for t in squeeze), name
    # The page number in the bottom margin of every page.
    for n, text in enumerate(squeeze, start=1):
        assert f"{n}/{pages}" in text, (n, text[-200:])
