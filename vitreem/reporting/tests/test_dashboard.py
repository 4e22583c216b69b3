"""The leader's dashboard (/dashboard/): the open rounds of a unit with the reports of each part
of its tree on time, late or missing, and its figures year over year; charts drawn by Chart.js
served from this site, each above its table."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders

from conftest import unit
from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.reporting.models import Submission
from vitreem.reporting.selectors import open_rounds
from vitreem.reporting.services import submission_save, submission_submit

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def file(actor, round_, reporter, gifts: int, on: date | None = None) -> None:
    report = Submission.objects.get(round=round_, unit=reporter, agency=None)
    submission_save(actor=actor, submission=report, cells={("gifts_children", "", ""): gifts})
    submission_submit(actor=actor, submission=Submission.objects.get(pk=report.pk))
    if on is not None:
        Submission.objects.filter(pk=report.pk).update(
            submitted_at=datetime(on.year, on.month, on.day, 9, tzinfo=VN)
        )


def row(name: str, expected: int, on_time: int, late: int, missing: int) -> str:
    cells = "".join(f'<td class="num">{n}</td>' for n in (expected, on_time, late, missing))
    return f'<th scope="row">{name}</th>{cells}'


def link(commune) -> str:
    """A commune's row opens its own dashboard."""
    return f'<a href="?unit={commune.code}">{commune.name}</a>'


@pytest.fixture
def filed(personas, province_round):
    """In the 2026 round of Thái Nguyên (communes' deadline 20/07/2026): phường Phan Đình Phùng
    filed on 10/07, phường Bắc Kạn on 25/07 (late); the other communes have not filed."""
    file(personas.admin, province_round, personas.unit_b, 25, date(2026, 7, 10))
    file(personas.admin, province_round, personas.unit_a, 40, date(2026, 7, 25))
    return province_round


def test_the_province_sees_each_commune_on_time_late_or_missing(client, personas, filed):
    client.force_login(personas.supervisor)
    page = client.get("/dashboard/?unit=19").content.decode()
    assert "Các đợt báo cáo đang mở" in page
    assert filed.title in page
    assert row(link(personas.unit_b), 1, 1, 0, 0) in page
    assert row(link(personas.unit_a), 1, 0, 1, 0) in page
    communes = Submission.objects.filter(round=filed, agency=None).count()
    assert row(link(unit("01840")), 1, 0, 0, 1) in page  # phường Đức Xuân has not filed
    total = re.search(r'<tr class="total"><th scope="row">Tổng cộng</th>(.*?)</tr>', page)
    assert total is not None
    assert re.findall(r">(\d+)<", total.group(1)) == [
        str(n) for n in (communes, 1, 1, communes - 2)
    ]


def test_the_leader_of_a_ward_sees_its_own_report_missing_and_its_figures_over_the_years(
    client, personas, province_round
):
    client.force_login(personas.leader_a)
    page = client.get("/dashboard/").content.decode()  # the unit the user leads
    assert f"Bảng điều hành — {personas.unit_a.name}" in page
    assert row("Báo cáo của đơn vị", 1, 0, 0, 1) in page
    assert "Số liệu qua các năm" in page
    assert '<table class="grid trend" data-chart="trend"' in page
    assert '<th scope="col" class="num">2026<br>' in page
    assert "chưa có báo cáo nào được nộp." in page


def test_a_round_whose_reports_are_all_filed_and_due_is_not_open(personas, filed):
    assert [r.round for r in open_rounds(personas.unit_a, date(2026, 12, 4))] == []
    assert [r.round for r in open_rounds(personas.unit_a, date(2026, 7, 1))] == [filed]
    assert [r.round for r in open_rounds(personas.province, date(2026, 12, 4))] == [filed]


def test_another_ward_another_province_and_the_anonymous_are_refused(client, personas, filed):
    ha_noi = MembershipFactory(
        user=UserFactory(username="lanhdao.hanoi"), unit=unit("01"), role="leader"
    ).user
    for user in (personas.officer_b, ha_noi, personas.old_officer):
        client.force_login(user)
        refused = client.get("/dashboard/?unit=01843")
        assert refused.status_code == 404, user.username
        assert personas.unit_a.name not in refused.content.decode()
    client.force_login(personas.officer_b)
    for code in ("01843%27", "01843%00", "1" * 9, "99999"):
        assert client.get(f"/dashboard/?unit={code}").status_code == 404, code
    client.logout()
    assert client.get("/dashboard/?unit=01843").status_code == 302


def test_the_charts_come_from_this_site_with_no_inline_script(client, personas, filed):
    client.force_login(personas.supervisor)
    response = client.get("/dashboard/?unit=19")
    page = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert '<script src="/static/vendor/chart.js/dist/chart.umd.min.js" defer>' in scripts
    assert '<script src="/static/reporting/dashboard.js" defer>' in scripts
    assert all(' src="/static/' in tag for tag in scripts)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # The library is installed from package.json and found where the page asks for it.
    assert finders.find("vendor/chart.js/dist/chart.umd.min.js") is not None
    assert finders.find("reporting/dashboard.js") is not None


def test_an_officer_of_a_former_unit_reads_its_dashboard_by_its_code(client, personas):
    client.force_login(personas.old_officer)
    page = client.get("/dashboard/?unit=058")
    assert page.status_code == 200
    assert "Bảng điều hành — Thành phố Bắc Kạn" in page.content.decode()
    assert "Bảng điều hành — Thành phố Bắc Kạn" in client.get("/dashboard/").content.decode()
