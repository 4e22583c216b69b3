"""The Excel round trip: the official layout out, a filled form back in, hostile files refused."""

import io
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from vitreem.reporting.models import Submission, ValueChange
from vitreem.reporting.services import submission_save, submission_submit
from vitreem.reporting.workbooks import (
    consolidated_workbook,
    submission_import,
    submission_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(personas, province_round):
    return Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)


def fill(data: bytes, values: dict[tuple[str, str], int | float | str]) -> bytes:
    """Type values into the downloaded form as an official would: sheet, cell → value."""
    book = load_workbook(io.BytesIO(data))
    for (sheet, cell), value in values.items():
        book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_downloaded_form_filled_in_gives_the_same_values_back(personas, report):
    blank = submission_workbook(report)
    sheet = load_workbook(io.BytesIO(blank))["Bảng 2"]
    assert sheet["B5"].value == "Tặng quà"
    assert sheet["B6"].value == "Số lượng trẻ em"
    assert sheet["C6"].value == "Kinh phí (ĐVT: 1.000đ)"
    assert (sheet["C7"].value, sheet["D7"].value) == ("Ngân sách", "Vận động")
    assert sheet["A8"].value == "Phường Bắc Kạn"
    filled = fill(
        blank,
        {
            ("Bảng 2", "B8"): 40,
            ("Bảng 2", "C8"): 4000,
            ("Bảng 2", "D8"): 1500,
            ("Bảng 3", "D7"): 2,
            ("Bảng 3", "E7"): 90,
        },
    )
    submission_import(actor=personas.officer_a, submission=report, data=filled)
    values = {
        (v.element.code, v.category): v.value for v in report.values.select_related("element")
    }
    assert values == {
        ("gifts_children", ""): 40,
        ("gifts_cost", "state"): 4_000_000,
        ("gifts_cost", "mobilised"): 1_500_000,
        ("forums", ""): 2,
        ("forums_children", ""): 90,
    }
    again = submission_workbook(Submission.objects.get(pk=report.pk))
    assert load_workbook(io.BytesIO(again))["Bảng 2"]["C8"].value == 4000


def test_the_same_file_twice_changes_nothing(personas, report):
    filled = fill(submission_workbook(report), {("Bảng 1", "B7"): 1})
    submission_import(actor=personas.officer_a, submission=report, data=filled)
    version, changes = Submission.objects.get(pk=report.pk).version, ValueChange.objects.count()
    submission_import(
        actor=personas.officer_a, submission=Submission.objects.get(pk=report.pk), data=filled
    )
    assert (Submission.objects.get(pk=report.pk).version, ValueChange.objects.count()) == (
        version,
        changes,
    )


def refused(personas, report, data: bytes) -> str:
    submission_save(actor=personas.officer_a, submission=report, cells={("camps", "", ""): 3})
    before = list(report.values.values_list("element__code", "value"))
    with pytest.raises(ValidationError) as error:
        submission_import(
            actor=personas.officer_a, submission=Submission.objects.get(pk=report.pk), data=data
        )
    assert list(report.values.values_list("element__code", "value")) == before
    return " ".join(error.value.messages)


def test_a_bad_cell_is_named_and_the_whole_file_is_refused(personas, report):
    data = fill(submission_workbook(report), {("Bảng 1", "B7"): 2, ("Bảng 2", "B8"): "bốn mươi"})
    message = refused(personas, report, data)
    assert (
        "Trang “Bảng 2”, ô B8 (Số lượng trẻ em): “bốn mươi” không phải số nguyên không âm."
        in message
    )


def test_a_formula_where_a_value_belongs_is_refused(personas, report):
    data = fill(submission_workbook(report), {("Bảng 2", "B8"): "=10+30"})
    assert "Trang “Bảng 2”, ô B8: có công thức; hãy nhập số." in refused(personas, report, data)


def test_a_negative_or_fractional_number_is_refused(personas, report):
    data = fill(submission_workbook(report), {("Bảng 3", "B7"): -1, ("Bảng 3", "C7"): 2.5})
    message = refused(personas, report, data)
    assert "ô B7" in message
    assert "không được là số âm" in message
    assert "ô C7" in message
    assert "không phải số nguyên" in message


def test_something_that_is_not_a_workbook_is_refused(personas, report):
    assert "không phải bảng tính Excel" in refused(personas, report, b"%PDF-1.4 not a workbook")


def test_a_workbook_of_another_layout_is_refused(personas, report):
    book = Workbook()
    book.active["A1"] = "Một bảng tính bất kỳ"
    buffer = io.BytesIO()
    book.save(buffer)
    assert "không phải biểu mẫu tải từ hệ thống" in refused(personas, report, buffer.getvalue())


def test_another_reports_form_is_refused(personas, report):
    other = Submission.objects.filter(round=report.round).exclude(pk=report.pk).first()
    data = fill(submission_workbook(other), {("Bảng 1", "B7"): 1})
    assert "biểu mẫu của báo cáo khác" in refused(personas, report, data)


def test_an_edited_header_is_refused(personas, report):
    data = fill(submission_workbook(report), {("Bảng 2", "B6"): "Số quà"})
    assert "tiêu đề “Số quà” không đúng mẫu" in refused(personas, report, data)


def test_an_oversized_file_is_refused(personas, report):
    assert "Tệp quá lớn" in refused(personas, report, b"PK" + b"0" * (6 * 1024 * 1024))


def test_a_zip_bomb_is_refused_before_it_is_opened(personas, report):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (60 * 1024 * 1024))
    assert "nén bất thường" in refused(personas, report, buffer.getvalue())


def test_the_consolidated_workbook_has_the_official_layout_and_totals(personas, report):
    submission_save(
        actor=personas.officer_a,
        submission=report,
        cells={
            ("gifts_children", "", ""): 40,
            ("gifts_cost", "", "state"): 4_000_000,
            ("gifts_cost", "", "mobilised"): 1_000_000,
        },
    )
    submission_submit(actor=personas.officer_a, submission=report)
    book = load_workbook(io.BytesIO(consolidated_workbook(report.round, personas.province)))
    sheet = book["Bảng 2"]
    assert sheet["A1"].value == "TỔNG HỢP SỐ LIỆU BÁO CÁO KẾT QUẢ THÁNG HÀNH ĐỘNG VÌ TRẺ EM"
    # A cost keeps its funding sources, then their sum (the official form's single column).
    assert sheet["M4"].value == "ĐVT: 1.000đ"
    assert "B5:E5" in {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(row=7, column=c).value for c in (3, 4, 5)] == [
        "Ngân sách",
        "Vận động",
        "Tổng số",
    ]
    labels = [sheet.cell(row=r, column=1).value for r in range(8, sheet.max_row + 1)]
    assert labels[0] == "Phòng/ban/ngành/đơn vị..."
    assert "Xã, phường" in labels
    for name in ("Phường Bắc Kạn", "Tổng cộng"):
        row = labels.index(name) + 8
        assert [sheet.cell(row=row, column=c).value for c in range(2, 6)] == [40, 4000, 1000, 5000]


def test_the_report_prints_as_a_decree_30_word_document(personas, report):
    from docx import Document

    from vitreem.reporting.documents import submission_docx

    submission_save(
        actor=personas.officer_a,
        submission=report,
        cells={("gifts_children", "", ""): 40, ("gifts_cost", "", "state"): 4_000_000},
        narrative={"I.1": "UBND phường ban hành Kế hoạch số 41/KH-UBND ngày 15/5/2026."},
    )
    document = Document(io.BytesIO(submission_docx(Submission.objects.get(pk=report.pk))))
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert "I. TỔ CHỨC THỰC HIỆN" in texts
    assert "1. Công tác chỉ đạo, ban hành Kế hoạch triển khai" in texts
    assert "UBND phường ban hành Kế hoạch số 41/KH-UBND ngày 15/5/2026." in texts
    assert "2. Hoạt động hỗ trợ trẻ em" in texts
    table2 = document.tables[2]
    assert [c.text for c in table2.rows[2].cells][2:5] == ["Ngân sách", "Vận động", "Tổng số"]
    # The cost by funding source, then its sum; a source left blank stays blank.
    assert [c.text for c in table2.rows[3].cells][:5] == [
        "Phường Bắc Kạn",
        "40",
        "4.000",
        "",
        "4.000",
    ]


def test_the_word_document_is_dated_with_the_day_in_vietnam(personas, report):
    import time_machine
    from docx import Document

    from vitreem.reporting.documents import submission_docx

    # 20:00 UTC on 1 December is 03:00 on 2 December in Hà Nội.
    with time_machine.travel(datetime(2026, 12, 1, 20, tzinfo=UTC), tick=False):
        submission_submit(actor=personas.officer_a, submission=report, confirmed=True)
        document = Document(io.BytesIO(submission_docx(Submission.objects.get(pk=report.pk))))
    # The place and date stand in the header table, beside the issuer.
    texts = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("ngày 02 tháng 12 năm 2026" in t for t in texts), texts
    assert not any("ngày 01 tháng 12" in t for t in texts)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_of_forms_imports_each_file_on_its_own(personas, report):
    from vitreem.reporting.workbooks import round_import_zip

    good = fill(submission_workbook(report), {("Bảng 3", "D7"): 3})
    other = Submission.objects.filter(round=report.round).exclude(pk=report.pk).first()
    foreign = fill(submission_workbook(other), {("Bảng 3", "D7"): 4})  # not officer A's unit
    bad = fill(submission_workbook(report), {("Bảng 3", "D7"): "ba"})
    results = round_import_zip(
        actor=personas.officer_a,
        round_=report.round,
        data=zipped(
            {
                "bac-kan.xlsx": good,
                "khac.xlsx": foreign,
                "loi.xlsx": bad,
                "ghi-chu.txt": b"x",
            }
        ),
    )
    by_name = {r.name: r for r in results}
    assert by_name["bac-kan.xlsx"].ok
    assert not by_name["khac.xlsx"].ok
    assert "không có quyền" in by_name["khac.xlsx"].message
    assert not by_name["loi.xlsx"].ok
    assert "không phải số nguyên" in by_name["loi.xlsx"].message
    assert not by_name["ghi-chu.txt"].ok
    assert report.values.get(element__code="forums").value == 3
    assert not other.values.exists()


def test_a_zip_bomb_of_forms_is_refused_file_by_file(personas, report):
    from vitreem.reporting.workbooks import round_import_zip

    results = round_import_zip(
        actor=personas.officer_a,
        round_=report.round,
        data=zipped(
            {
                "bom.xlsx": b"0" * (20 * 1024 * 1024),
            }
        ),
    )
    assert [(r.ok, r.message) for r in results] == [(False, "Tệp quá lớn hoặc nén bất thường.")]


def test_the_bulk_upload_page_lists_each_file(
    client, personas, report, django_capture_on_commit_callbacks
):
    good = fill(submission_workbook(report), {("Bảng 3", "D7"): 5})
    client.force_login(personas.officer_a)
    upload = io.BytesIO(zipped({"bac-kan.xlsx": good}))
    upload.name = "bao-cao.zip"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/reports/{report.round_id}/upload/", {"file": upload})
    assert sent.status_code == 302
    assert "/jobs/" in sent["Location"]
    page = client.get(sent["Location"]).content.decode()
    assert "Hoàn thành" in page
    assert "1/1 tệp đã nhập" in page
    assert "bac-kan.xlsx" in page
    assert report.values.get(element__code="forums").value == 5


def test_a_file_that_is_no_zip_is_refused_at_the_upload(client, personas, report):
    from vitreem.jobs.models import Job

    client.force_login(personas.officer_a)
    upload = io.BytesIO(b"PK not really a zip")
    upload.name = "bao-cao.zip"
    page = client.post(f"/reports/{report.round_id}/upload/", {"file": upload})
    assert page.status_code == 200
    assert "Tệp không phải tệp nén .zip." in page.content.decode()
    assert not Job.objects.exists()
