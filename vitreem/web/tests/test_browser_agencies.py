"""An agency as an actor, in a real browser: the ward's police officer sees the police's tasks
only and reports progress with a PDF; the ward's officer reads the note on the board and opens
the file; the province's receiving officer presses "Nhắc nộp" and the ward's officer, whose
report is missing, finds the notice under the bell. Chromium as in test_browser.py."""

import re
from datetime import date

import pytest
from django.db import connection

from vitreem.accounts.models import AgencyMembership
from vitreem.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from vitreem.notifications.models import Notification
from vitreem.plans.models import Assignment, Plan, Task, TaskProgress
from vitreem.reporting.loaders import load_forms
from vitreem.reporting.models import ReportForm, Round
from vitreem.reporting.services import round_create
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit, Agency
from vitreem.web.tests.test_browser import ARTIFACTS, browser  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
POLICE_TASKS = ["Bảo đảm an ninh khu vui chơi", "Tuyên truyền phòng, chống xâm hại trẻ em"]
SCHOOL_TASK = "Tổ chức diễn đàn học sinh"
WARD_TASK = "Rà soát trẻ em có hoàn cảnh đặc biệt"
NOTE = "Đã bố trí 4 tổ tuần tra tại khu vui chơi"


@pytest.fixture
def ward(transactional_db, settings, tmp_path):
    """Phường Bắc Kạn with its police (officer congan.backan) and school, the ward's issued plan
    giving two tasks to the police, one to the school and one to the ward; the ward's officer;
    and the province's round of the Action Month opened by the province's officer."""
    settings.MEDIA_ROOT = tmp_path
    # A transactional test empties the tables after itself; whoever runs next reloads them.
    if not AdministrativeUnit.objects.exists():
        load_units()
    if not ReportForm.objects.exists():
        load_forms()
    unit = AdministrativeUnit.objects.get(code="01843", valid_to__isnull=True)
    province = AdministrativeUnit.objects.get(code="19", valid_to__isnull=True)
    police = Agency.objects.create(
        unit=unit, name="Công an phường Bắc Kạn", kind="police", valid_from=unit.valid_from
    )
    school = Agency.objects.create(
        unit=unit, name="Trường Tiểu học Đức Xuân", kind="school", valid_from=unit.valid_from
    )
    AgencyMembership.objects.create(
        user=UserFactory(username="congan.backan"), agency=police, role="officer"
    )
    AgencyMembership.objects.create(
        user=UserFactory(username="truong.ducxuan"), agency=school, role="officer"
    )
    MembershipFactory(user=UserFactory(username="canbo.backan"), unit=unit, role="officer")
    province_officer = MembershipFactory(
        user=UserFactory(username="canbo.tinh"), unit=province, role="officer"
    ).user
    plan = Plan.objects.create(
        issuer_unit=unit,
        number=12,
        header_name="Ủy ban nhân dân phường Bắc Kạn",
        title="Kế hoạch Tháng hành động vì trẻ em năm 2026",
        status="issued",
        kind="action_month",
        year=2026,
        place="Bắc Kạn",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
        issued_on=date(2026, 5, 20),
    )

    def tasks(order: int, texts: list[str], **assignee) -> list[Task]:
        assignment = Assignment.objects.create(plan=plan, order=order, **assignee)
        return [
            Task.objects.create(
                assignment=assignment, order=i, text=text, role="lead", due_on=date(2026, 6, 30)
            )
            for i, text in enumerate(texts)
        ]

    tasks(1, POLICE_TASKS, assignee_label=police.name, assignee_agency=police)
    tasks(2, [SCHOOL_TASK], assignee_label=school.name, assignee_agency=school)
    tasks(3, [WARD_TASK], assignee_label=unit.name, assignee_unit=unit)
    round_ = round_create(
        actor=province_officer,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=province,
        title="Tháng hành động 2026",
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    yield plan, round_
    # The ORM ran on this thread's connection while Playwright's loop was running: close it, or
    # it would outlive the test and keep the test database from being dropped.
    connection.close()


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()  # a fresh session: the next person signs in
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name=re.compile("Xin chào")).wait_for()


def test_police_reports_with_a_pdf_the_ward_opens_it_and_nhac_nop_reaches_the_ward(
    ward,
    live_server,
    browser,  # noqa: F811
):
    plan, round_ = ward
    base = live_server.url
    page = browser.new_page(
        locale="vi-VN", viewport={"width": 1280, "height": 1000}, accept_downloads=True
    )

    # The police officer sees the police's two tasks, and neither the school's nor the ward's.
    sign_in(page, base, "congan.backan")
    page.get_by_role("link", name="Nhiệm vụ của tôi").first.click()
    page.get_by_role("heading", name="Nhiệm vụ của tôi").wait_for()
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    listed = rows.all_inner_texts()
    assert [any(text in row for row in listed) for text in POLICE_TASKS] == [True, True]
    assert SCHOOL_TASK not in page.content()
    assert WARD_TASK not in page.content()

    # It reports progress on the first with a note and a PDF.
    page.get_by_role("link", name=POLICE_TASKS[0]).click()
    page.get_by_role("heading", name="Cập nhật tiến độ").wait_for()
    page.get_by_label("Tiến độ").select_option(label="Đang thực hiện")
    page.get_by_label("Ghi chú").fill(NOTE)
    page.get_by_label("Tệp đính kèm").set_input_files(
        {"name": "bao-cao-tuan-tra.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Lưu tiến độ").click()
    page.get_by_text("Đã cập nhật tiến độ.").wait_for()
    assert (
        page.locator("main table tbody tr", has_text=POLICE_TASKS[0])
        .inner_text()
        .endswith("Đang thực hiện")
    )
    page.get_by_role("link", name=POLICE_TASKS[0]).click()
    page.get_by_role("heading", name="Lịch sử cập nhật").wait_for()
    history = page.locator("section.card", has_text="Lịch sử cập nhật").inner_text()
    assert NOTE in history
    assert "bao-cao-tuan-tra.pdf" in history
    # Another agency's task is not there for the police, as if it did not exist.
    school_task = Task.objects.get(text=SCHOOL_TASK)
    assert page.goto(f"{base}/plans/tasks/{school_task.pk}/").status == 404

    # The ward's officer reads the note on the plan's board and opens the file from there.
    sign_in(page, base, "canbo.backan")
    page.goto(f"{base}/plans/{plan.pk}/")
    page.get_by_role("link", name="Theo dõi nhiệm vụ").first.click()
    page.get_by_role("heading", name="Theo dõi nhiệm vụ").wait_for()
    row = page.locator("tr", has_text=POLICE_TASKS[0])
    assert NOTE in row.inner_text()
    assert "Công an phường Bắc Kạn" in row.inner_text()
    link = row.get_by_role("link", name=re.compile("bao-cao-tuan-tra.pdf"))
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename.endswith(".pdf")
    assert download.failure() is None
    with open(download.path(), "rb") as saved:
        assert saved.read() == PDF
    answer = page.request.get(base + link.get_attribute("href"))
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body() == PDF
    progress = TaskProgress.objects.get()
    assert progress.attachment.name not in page.content()  # never where the file is stored
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "agency-board-with-file.png"), full_page=True)

    # Before any reminder the ward's officer has nothing under the bell.
    assert page.locator("a.bell .count").count() == 0

    # The province's receiving officer presses "Nhắc nộp" on the round's completeness view.
    sign_in(page, base, "canbo.tinh")
    page.goto(f"{base}/reports/{round_.pk}/")
    page.get_by_role("heading", name="Nhắc nộp báo cáo").wait_for()
    page.get_by_role("button", name=re.compile(r"^Nhắc nộp \(\d+ đơn vị chưa nộp\)$")).click()
    page.get_by_text(re.compile(r"Đã nhắc \d+ đơn vị chưa nộp báo cáo")).wait_for()
    assert "Chưa có tài khoản để nhắc:" in page.content()  # most communes have no account yet

    # The ward's officer, whose report is missing, finds the notice: the bell counts it, the
    # inbox shows it and leads to the ward's report.
    sign_in(page, base, "canbo.backan")
    bell = page.locator("a.bell")
    assert bell.locator(".count").inner_text() == "1"
    assert bell.get_attribute("aria-label") == "Thông báo: 1 chưa đọc"
    bell.click()
    notice = page.get_by_text("Nhắc nộp: báo cáo “Tháng hành động 2026” của Phường Bắc Kạn")
    notice.wait_for()
    text = notice.inner_text()
    assert "quá hạn" in text or "hạn nộp" in text
    report = round_.submissions.get(unit__code="01843", agency__isnull=True)
    assert page.locator(f"a[href='/reports/submissions/{report.pk}/']").count() >= 1
    # The police, who owe no report of the round, were told nothing.
    assert not Notification.objects.filter(user__username="congan.backan").exists()
    assert Round.objects.get(pk=round_.pk).submissions.filter(status="draft").exists()
    page.close()
