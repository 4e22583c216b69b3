"""A ward officer writes the body of her plan in the outline editor, in a real browser: renames a
section, adds one, adds an indented "+" item with the keyboard, moves a subsection; the preview
beside the outline and the Word file show the new numbering and text. She gives a task to the
ward's residential groups ("Các tổ dân phố") due within a month and dates the plan to the month
only; the preview and the Word file she downloads show them. Chromium as in
vitreem/web/tests/test_browser.py."""

import io

import pytest
from docx import Document

from vitreem.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from vitreem.plans.services import plan_create
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.web.tests.test_browser import (  # noqa: F401  (browser: a fixture)
    ARTIFACTS,
    assert_fits_a_phone,
    browser,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def ward_plan(transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_units()
    ward = AdministrativeUnit.objects.get(code="01843", valid_to__isnull=True)  # phường Bắc Kạn
    officer = MembershipFactory(user=UserFactory(username="canbo.bieumau"), unit=ward).user
    return plan_create(
        actor=officer,
        issuer_unit=ward,
        kind="action_month",
        year=2026,
        title="Triển khai Tháng hành động vì trẻ em năm 2026",
    )


def row(page, text):
    """The outline's row whose text box holds the text (as the server last rendered it)."""
    return page.locator("li.node").filter(has=page.locator(f'input.node-text[value="{text}"]'))


def test_a_ward_officer_writes_the_body_in_the_outline(ward_plan, live_server, browser):  # noqa: F811
    base = live_server.url
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    refused: list[str] = []  # what the Content-Security-Policy stopped: nothing, it must be
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("canbo.bieumau")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Đơn vị và vai trò của tôi").wait_for()

    page.goto(f"{base}/plans/{ward_plan.pk}/")
    page.get_by_role("link", name="Soạn kế hoạch").click()
    page.get_by_role("navigation", name="Các bước soạn kế hoạch").get_by_role(
        "link", name="2. Nội dung"
    ).click()
    page.get_by_role("heading", name="Dàn ý nội dung").wait_for()

    # Renames a section: the text, then Enter.
    targets = row(page, "MỤC TIÊU").locator("input.node-text")
    targets.fill("MỤC TIÊU CỤ THỂ")
    targets.press("Enter")
    row(page, "MỤC TIÊU CỤ THỂ").wait_for()

    # Adds a section after the last: Enter on an unchanged row opens a new one below it.
    row(page, "CHẾ ĐỘ BÁO CÁO").locator("input.node-text").press("Enter")
    new = page.locator("li.new-row input.node-text")
    new.fill("KHEN THƯỞNG")
    new.press("Enter")
    row(page, "KHEN THƯỞNG").wait_for()

    # An item under "Mục đích" with the add form, then an indented "+" item by the keyboard.
    row(page, "Mục đích").get_by_role("link", name="Thêm mục").click()
    form = page.locator("form#new")
    form.get_by_label("Vị trí").select_option(label="Mục con, ở cuối")
    form.get_by_label("Loại").select_option(label="Ý liệt kê")
    form.get_by_label("Nội dung mục mới").fill("Tuyên truyền về quyền trẻ em")
    form.get_by_role("button", name="Thêm mục").click()
    item = row(page, "Tuyên truyền về quyền trẻ em").locator("input.node-text")
    item.press("Enter")
    new = page.locator("li.new-row input.node-text")
    new.fill("trên loa truyền thanh của các tổ dân phố")
    new.press("Enter")
    sub = row(page, "trên loa truyền thanh của các tổ dân phố")
    sub.wait_for()
    page.keyboard.press("Alt+Shift+ArrowRight")  # the new row has the focus
    page.locator("li.d4").filter(
        has=page.locator('input[value="trên loa truyền thanh của các tổ dân phố"]')
    ).wait_for()
    assert row(page, "trên loa truyền thanh của các tổ dân phố").locator(".num").inner_text() == "+"

    # Moves a subsection: "Yêu cầu" above "Mục đích".
    row(page, "Yêu cầu").get_by_role("button", name="Chuyển lên").click()
    page.locator("li.node .num", has_text="1.").first.wait_for()
    page.wait_for_function(
        "() => document.querySelector('#n0-0 input.node-text').value === 'Yêu cầu'"
    )

    preview = page.locator(".paper").inner_text()
    for line in (
        "III. MỤC TIÊU CỤ THỂ",
        "VIII. KHEN THƯỞNG",
        "1. Yêu cầu",
        "2. Mục đích",
        "- Tuyên truyền về quyền trẻ em",
        "+ trên loa truyền thanh của các tổ dân phố",
    ):
        assert line in preview, line
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-outline-editor.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "plan-outline-editor-phone.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 1000})
    assert_fits_a_phone(page)
    assert refused == []

    word = page.request.get(f"{base}/plans/{ward_plan.pk}/document.docx")
    lines = [p.text for p in Document(io.BytesIO(word.body())).paragraphs]
    for line in (
        "III. MỤC TIÊU CỤ THỂ",
        "VIII. KHEN THƯỞNG",
        "1. Yêu cầu",
        "2. Mục đích",
        "- Tuyên truyền về quyền trẻ em",
        "+ trên loa truyền thanh của các tổ dân phố",
    ):
        assert line in lines, line
    page.close()


def _login(page, base):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("canbo.bieumau")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Đơn vị và vai trò của tôi").wait_for()


def test_a_ward_officer_gives_a_task_to_the_residential_groups_and_dates_the_plan_to_a_month(
    ward_plan,
    live_server,
    browser,  # noqa: F811
):
    base = live_server.url
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    _login(page, base)
    page.goto(f"{base}/plans/{ward_plan.pk}/edit/")
    steps = page.get_by_role("navigation", name="Các bước soạn kế hoạch")

    # The task, to "Các tổ dân phố", due within June.
    steps.get_by_role("link", name="5. Nhiệm vụ").click()
    page.locator("select[name=tasks-0-agency]").select_option(label="Các tổ dân phố")
    page.locator("textarea[name=tasks-0-text]").fill(
        "Rà soát, lập danh sách trẻ em sinh hoạt hè tại tổ dân phố."
    )
    page.locator("input[name=tasks-0-due_on]").fill("6/2026")
    page.get_by_role("button", name="Lưu nhiệm vụ").click()
    page.get_by_text("Đã lưu.").wait_for()
    assert page.locator("input[name=tasks-0-due_on]").input_value() == "6/2026"

    # The plan's date: the month only, the day left to be written by hand.
    steps.get_by_role("link", name="1. Thông tin chung").click()
    page.get_by_label("Ngày ban hành (để trống phần chưa biết)").fill("5/2026")
    page.get_by_role("button", name="Lưu thông tin chung").click()
    page.get_by_text("Đã lưu.").wait_for()

    steps.get_by_role("link", name="2. Nội dung").click()
    page.get_by_role("heading", name="Dàn ý nội dung").wait_for()

    # "Mục đích" becomes an activity of the summer group, in June, by the residential groups.
    row(page, "Mục đích").get_by_role("link", name="Loại, dấu, vai trò").click()
    page.get_by_label("Vai trò trong kế hoạch").select_option(label="Hoạt động")
    page.locator("form.new-node").get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã lưu.").wait_for()
    row(page, "Mục đích").get_by_role("link", name="Loại, dấu, vai trò").click()
    page.get_by_label("Nhóm hoạt động (Thông tư 28/2019/TT-BLĐTBXH)").select_option(
        label="Quản lý trẻ em sinh hoạt hè"
    )
    page.get_by_label("Bắt đầu").fill("6/2026")
    page.get_by_label("Đơn vị thực hiện (cách nhau bằng dấu ;)").fill("Các tổ dân phố")
    page.locator("form.new-node").get_by_role("button", name="Lưu").click()
    row(page, "Mục đích").locator(".tag", has_text="Quản lý trẻ em sinh hoạt hè").wait_for()
    activities = page.request.get(f"{base}/api/v1/plans/{ward_plan.pk}").json()["activities"]
    assert [(a["group"], a["start"], a["units"]) for a in activities] == [
        ("summer", "2026-06", ["Các tổ dân phố"])
    ]

    preview = page.locator(".paper").inner_text()
    assert "1. Các tổ dân phố" in preview
    assert "- Rà soát, lập danh sách trẻ em sinh hoạt hè tại tổ dân phố." in preview
    assert "tháng 5 năm 2026" in preview
    assert "tháng      năm 2026" not in preview

    page.goto(f"{base}/plans/{ward_plan.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải văn bản Word").click()
    document = Document(download.value.path())
    lines = [p.text for p in document.paragraphs]
    cells = [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    assert "1. Các tổ dân phố" in lines
    assert "- Rà soát, lập danh sách trẻ em sinh hoạt hè tại tổ dân phố." in lines
    assert any(line.endswith("ngày      tháng 5 năm 2026") for line in cells + lines)
    page.close()
