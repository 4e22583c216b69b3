"""On a phone (390 × 844) no page of the main flows scrolls sideways and the menu folds into one
button; on paper the consolidated tables print on A4 without the menu and without a row cut in
two. The demo's data and personas: real names, the widest tables the demo has."""

import os
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.db import connection

from vitreem.accounts.models import User
from vitreem.children.models import Child
from vitreem.demo.personas import DEMO_PASSWORD, PRE_REFORM_DAY
from vitreem.demo.services import demo_load
from vitreem.documents.plans import render_plan_docx
from vitreem.fund.services import (
    DisbursementData,
    disbursement_record,
    donation_record,
    donor_add,
    fund_create,
    norm_decision_add,
)
from vitreem.plans.importing.tests.seeds import data_file
from vitreem.plans.models import Plan, Task
from vitreem.plans.services import plan_copy_previous, plan_lists_update, plan_tasks_replace
from vitreem.plans.views_editor import STEPS
from vitreem.reporting.models import Round, Submission
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import unit_by_code
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


def scrolling_boxes(page, *, tables: bool = True) -> list[str]:
    """The boxes other than a table's `.scroll` container that scroll sideways on the page (a
    field's own text does not count), each with what is wider than it. With tables=False a card
    may scroll a wide table (the phone's rule for the tables of the main flows' cards): only a
    box that something else makes wide, a row of fields or buttons, a heading, is named."""
    return page.evaluate(
        """tables => [...document.body.querySelectorAll("*")]
          .filter(e => !e.matches(".scroll, input, textarea, select")
            && ["auto", "scroll"].includes(getComputedStyle(e).overflowX)
            && e.scrollWidth > e.clientWidth + 1)
          .map(e => {
            const edge = e.getBoundingClientRect().left + e.clientLeft + e.clientWidth
              - parseFloat(getComputedStyle(e).paddingRight);
            const wide = [...e.querySelectorAll("*")]
              .filter(c => tables || !c.closest("table"))
              .find(c => c.getBoundingClientRect().right > edge + 0.5);
            const name = x => x.tagName.toLowerCase() + (x.id ? "#" + x.id : "")
              + (x.classList.length ? "." + [...x.classList].join(".") : "");
            if (!tables && !wide) return "";
            return name(e) + " holds " + (wide ? name(wide) : "?")
              + " (" + e.scrollWidth + " px in " + e.clientWidth + ")";
          })
          .filter(Boolean)""",
        tables,
    )


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
    too_wide: list[tuple[str, str, int | str]] = []

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
            for box in scrolling_boxes(page, tables=False):
                too_wide.append((username, path, box))
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
    assert not too_wide, "\n".join(f"{who} {path}: {what}" for who, path, what in too_wide)

    # The report's cells ask a phone for its number keyboard.
    page.goto(f"{base}{pages['canbo.backan'][9]}")
    sign_in(page, base, "canbo.backan")
    page.goto(f"{base}{pages['canbo.backan'][9]}")
    cell = page.locator("input.cell").first
    assert cell.get_attribute("inputmode") == "numeric"
    assert cell.bounding_box()["height"] >= 40
    page.close()


def ward_draft() -> Plan:
    """The ward's 2026 plan copied as its 2027 draft by its officer, with the facts the editor's
    widest steps show: a launch with its lead, cooperating units and participants, tasks of an
    agency and of the residential groups due within a month, recipients in two groups, appendices
    with tables."""
    officer = User.objects.get(username="canbo.backan")
    source = Plan.objects.get(issuer_unit__code="01843", year=2026)
    draft = plan_copy_previous(actor=officer, source=source, year=2027).plan
    plan_lists_update(
        actor=officer,
        plan=draft,
        recipients=source.recipients,
        launch={**source.launch, "date": "2027-06"},
    )
    tasks = [
        {
            "agency": task.assignment.assignee_agency,
            "group": task.assignment.assignee_group or None,
            "text": task.text,
            "role": task.role,
            "lead_label": task.lead_label,
            "start_on": "2027-06" if n % 2 else None,
            "due_on": "2027-06",
        }
        for n, task in enumerate(
            Task.objects.filter(assignment__plan=draft)
            .select_related("assignment__assignee_agency")
            .order_by("assignment__order", "order")
        )
    ]
    # The copied tasks a draft's editor would refuse (no agency of the ward, a cooperation
    # without its lead) are left out.
    tasks = [
        t
        for t in tasks
        if (t["agency"] or t["group"]) and (t["role"] != "cooperate" or t["lead_label"])
    ]
    assert any(t["group"] for t in tasks)
    # The city's report form and its figures' tables as the draft's appendices: the widest the
    # appendices step shows.
    Plan.objects.filter(pk=draft.pk).update(
        appendices=data_file("bac-kan-city-2021-action-month")["appendices"]
    )
    return plan_tasks_replace(actor=officer, plan=draft, tasks=tasks)


def successor_fund_with_a_past() -> int:
    """Phường Sông Cầu's fund before the reform, so that phường Bắc Kạn's fund (its successor's
    first) shows the inherited entries with the column "Đơn vị ghi sổ"; the successor's fund."""
    admin = User.objects.get(username="admin")
    old_ward = unit_by_code("01837", PRE_REFORM_DAY)
    assert old_ward is not None
    old = fund_create(actor=admin, unit=old_ward, name="Quỹ Bảo trợ trẻ em phường Sông Cầu")
    norm_decision_add(
        actor=admin,
        fund=old,
        number="01/QĐ-HĐQ",
        signed_on=date(2024, 1, 5),
        valid_from=date(2024, 1, 5),
        items=[("gift", "Quà Tháng hành động, Trung thu", None)],
    )
    donor = donor_add(
        actor=admin, fund=old, kind="organisation", name="Công ty Cổ phần Khoáng sản Bắc Kạn"
    )
    on = date(2024, 6, 1)
    donation_record(actor=admin, fund=old, donor=donor, received_on=on, amount=4_000_000, today=on)
    on = date(2024, 9, 17)
    disbursement_record(
        actor=admin,
        fund=old,
        data=DisbursementData(
            paid_on=on, category="gift", purpose="Quà Trung thu cho trẻ em", amount=1_000_000
        ),
        today=on,
    )
    ward = unit_by_code("01843", date(2026, 6, 1))
    assert ward is not None
    return ward.funds.get().pk


def test_the_pages_added_since_do_not_scroll_sideways_on_a_phone(
    demo,
    live_server,
    browser,  # noqa: F811
    tmp_path,
):
    """Each step of the plan editor, the outline editor with an activity's form open, a draft's
    page with its deletion open, the import review, the assessments with the round to open and
    a successor's fund with its predecessor's entries."""
    base = live_server.url
    draft = ward_draft()
    fund = successor_fund_with_a_past()
    docx = tmp_path / "ke-hoach-tinh.docx"
    docx.write_bytes(render_plan_docx(data_file("thai-nguyen-2026-action-month")))
    page = browser.new_page(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    too_wide: list[tuple[str, str]] = []

    def check(what: str) -> None:

        if sideways(page) > 0:
            too_wide.append((what, f"the page is {sideways(page)} px too wide"))
        too_wide.extend((what, box) for box in scrolling_boxes(page))

    sign_in(page, base, "canbo.backan")
    for step, _label in STEPS:
        page.goto(f"{base}/plans/{draft.pk}/edit/?step={step}")
        check(f"edit ?step={step}")
    page.goto(f"{base}/plans/{draft.pk}/edit/?step=recipients")
    assert page.get_by_role("columnheader", name="Tiêu đề nhóm").is_visible()
    assert page.locator("input[type=checkbox][name$='-heading']").first.is_checked()
    page.goto(f"{base}/plans/{draft.pk}/edit/?step=launch")
    assert "Phòng Văn hóa - Xã hội" in page.content()
    page.goto(f"{base}/plans/{draft.pk}/edit/?step=tasks")
    assert "6/2027" in [i.input_value() for i in page.locator("input[name$=due_on]").all()]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-plan-tasks.png"))

    page.goto(f"{base}/plans/{draft.pk}/outline/")
    check("outline")
    activity = page.locator("li.node", has=page.locator(".tag")).first
    activity.get_by_role("link", name="Loại, dấu, vai trò").click()
    page.get_by_label("Nhóm hoạt động (Thông tư 28/2019/TT-BLĐTBXH)").wait_for()
    check("outline, an activity's form open")

    page.goto(f"{base}/plans/{draft.pk}/")
    page.locator("summary", has_text="Xóa dự thảo").click()
    page.locator("details[open]", has_text="Xóa dự thảo").wait_for()
    check("a draft, its deletion open")

    page.goto(f"{base}/funds/{fund}/?year=2024")
    assert "Đơn vị ghi sổ" in page.content()
    check("the successor's fund, 2024")

    page.goto(f"{base}/plans/import/")
    unit = page.get_by_label("Đơn vị nhập kế hoạch")
    if unit.evaluate("e => e.tagName") == "SELECT":
        unit.select_option(label="Phường Bắc Kạn")
    page.get_by_label("Tệp kế hoạch").set_input_files(str(docx))
    page.get_by_role("button", name="Đọc tệp").click()
    page.get_by_role("heading", name="Rà soát kế hoạch đã nhận dạng").wait_for()
    check("import review")
    page.screenshot(path=str(ARTIFACTS / "phone-import-review.png"))

    sign_in(page, base, "giamsat.thainguyen")
    page.goto(f"{base}/assessments/?unit=19&year=2026")
    assert page.get_by_role("button", name="Mở đợt báo cáo").is_visible()
    check("assessments, the round to open")
    page.close()
    assert not too_wide, "\n".join(f"{what}: {box}" for what, box in too_wide)


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
