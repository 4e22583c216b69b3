"""The national tables: the provincial rounds of a form and period summed by province, for the
ministry (superusers) only, on a page and as a workbook in the official layout."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from conftest import unit
from vitreem.reporting.models import ReportForm, Submission
from vitreem.reporting.services import round_create, submission_save, submission_submit
from vitreem.reporting.workbooks import national_workbook

pytestmark = pytest.mark.django_db

FORM = "action-month-result"
PAGE = f"/reports/national/?form={FORM}&year=2026"


def province_round(actor, province, title="Tháng hành động 2026"):
    return round_create(
        actor=actor,
        form=ReportForm.objects.get(code=FORM),
        receiving_unit=province,
        title=title,
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )


def file_commune(actor, round_, children: int, cost: int) -> None:
    report = Submission.objects.filter(round=round_, agency=None, unit__level=3).first()
    assert report is not None
    submission_save(
        actor=actor,
        submission=report,
        cells={("gifts_children", "", ""): children, ("gifts_cost", "", "state"): cost},
    )
    submission_submit(actor=actor, submission=Submission.objects.get(pk=report.pk))


@pytest.fixture
def two_provinces(personas):
    """Thái Nguyên and Hà Nội each run the 2026 Action Month round; one commune of each files."""
    thai_nguyen = province_round(personas.admin, personas.province)
    ha_noi = province_round(personas.admin, unit("01"))
    file_commune(personas.admin, thai_nguyen, 40, 4_000_000)
    file_commune(personas.admin, ha_noi, 25, 1_500_000)
    return thai_nguyen, ha_noi


def test_the_national_workbook_has_the_official_layout_a_row_per_province_and_the_total(
    personas, two_provinces
):
    form = ReportForm.objects.get(code=FORM)
    book = load_workbook(io.BytesIO(national_workbook(form, date(2026, 6, 1), date(2026, 6, 30))))
    assert book.sheetnames == ["Bảng 1", "Bảng 2", "Bảng 3"]
    sheet = book["Bảng 2"]
    assert sheet["A1"].value == "TỔNG HỢP SỐ LIỆU BÁO CÁO KẾT QUẢ THÁNG HÀNH ĐỘNG VÌ TRẺ EM"
    assert sheet["A2"].value == "Toàn quốc — từ ngày 01/06/2026 đến ngày 30/06/2026"
    assert sheet["M4"].value == "ĐVT: 1.000đ"
    assert sheet["B5"].value == "Tặng quà"
    assert sheet["B6"].value == "Số lượng trẻ em"
    assert "B5:E5" in {str(r) for r in sheet.merged_cells.ranges}
    labels = [sheet.cell(row=r, column=1).value for r in range(8, sheet.max_row + 1)]
    assert labels[:4] == ["Tỉnh, thành phố", "Thành phố Hà Nội", "Tỉnh Thái Nguyên", "Tổng cộng"]
    # Children, then the cost by state budget, mobilised and their sum.
    rows = {
        label: tuple(sheet.cell(row=8 + i, column=c).value for c in range(2, 6))
        for i, label in enumerate(labels)
    }
    assert rows["Thành phố Hà Nội"] == (25, 1500, None, 1500)
    assert rows["Tỉnh Thái Nguyên"] == (40, 4000, None, 4000)
    assert rows["Tổng cộng"] == (65, 5500, None, 5500)


def test_the_national_page_shows_each_province_and_downloads_the_workbook(
    client, personas, two_provinces, django_assert_max_num_queries
):
    client.force_login(personas.admin)
    with django_assert_max_num_queries(12):
        page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tổng hợp toàn quốc" in text
    assert "2 tỉnh, thành phố có đợt báo cáo" in text
    _thai_nguyen, ha_noi = two_provinces
    assert f'href="/reports/{ha_noi.pk}/consolidated/">Thành phố Hà Nội</a>' in text
    assert '<td class="num">65</td>' in text
    download = client.get(f"/reports/national.xlsx?form={FORM}&year=2026")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(download.content))["Bảng 2"]
    assert sheet["A11"].value == "Tổng cộng"
    assert sheet["B11"].value == 65


def test_the_national_workbook_is_made_by_a_job_and_kept_for_its_starter(
    client, personas, two_provinces, django_capture_on_commit_callbacks
):
    from vitreem.jobs.models import Job

    client.force_login(personas.admin)
    assert "Tạo tệp Excel theo mẫu" in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/reports/national.xlsx?form={FORM}&year=2026")
    job = Job.objects.get()
    assert sent["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.status, job.unit) == ("national_export", "done", None)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Đã tạo bảng tổng hợp toàn quốc." in page
    download = client.get(f"/jobs/{job.pk}/result")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"tong-hop-toan-quoc-{FORM}-" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["Bảng 2"]
    assert sheet["B11"].value == 65
    client.force_login(personas.supervisor)  # a province's leader: not the ministry's file
    assert client.get(f"/jobs/{job.pk}/result").status_code == 404
    assert client.post(f"/reports/national.xlsx?form={FORM}&year=2026").status_code == 404
    assert Job.objects.count() == 1


def test_a_year_without_provincial_rounds_says_so(client, personas):
    client.force_login(personas.admin)
    page = client.get(f"/reports/national/?form={FORM}&year=2030").content.decode()
    assert "Chưa có đợt báo cáo cấp tỉnh nào" in page
    assert client.get(f"/reports/national.xlsx?form={FORM}&year=2030").status_code == 404


@pytest.mark.parametrize("persona", ["officer_a", "leader_a", "supervisor", "viewer"])
def test_nobody_but_the_ministry_sees_the_national_tables(client, personas, two_provinces, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(PAGE).status_code == 404
    assert client.get(f"/reports/national.xlsx?form={FORM}&year=2026").status_code == 404
    assert "/reports/national/" not in client.get("/reports/").content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
