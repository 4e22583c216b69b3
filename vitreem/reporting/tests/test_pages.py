from datetime import date

import pytest

from vitreem.reporting.models import ReportForm, Submission

pytestmark = pytest.mark.django_db


def report_a(personas, round_):
    return Submission.objects.get(round=round_, unit=personas.unit_a, agency=None)


def test_the_officer_enters_in_the_official_layout_and_submits(client, personas, province_round):
    sub = report_a(personas, province_round)
    client.force_login(personas.officer_a)
    page = client.get(f"/reports/submissions/{sub.pk}/").content.decode()
    assert "2. Hoạt động hỗ trợ trẻ em" in page
    assert "Tặng quà" in page
    assert "Ngân sách" in page
    assert "Vận động" in page
    response = client.post(
        f"/reports/submissions/{sub.pk}/",
        {
            "version": "0",
            "action": "submit",
            "send": "1",
            "c-gifts_children--": "40",
            "c-gifts_cost--state": "4.000",
            "c-gifts_cost--mobilised": "1.000",
            "n-I.1": "UBND phường ban hành Kế hoạch số 41/KH-UBND.",
        },
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == "submitted"
    assert sub.narrative["I.1"].startswith("UBND phường")
    values = {v.category: v.value for v in sub.values.filter(element__code="gifts_cost")}
    assert values == {"state": 4_000_000, "mobilised": 1_000_000}


def test_the_consolidated_table_keeps_the_state_budget_and_mobilised_split(
    client, personas, province_round
):
    sub = report_a(personas, province_round)
    client.force_login(personas.officer_a)
    client.post(
        f"/reports/submissions/{sub.pk}/",
        {
            "version": "0",
            "action": "submit",
            "send": "1",
            "c-gifts_children--": "40",
            "c-gifts_cost--state": "4.000",
            "c-gifts_cost--mobilised": "1.500",
        },
    )
    client.force_login(personas.supervisor)
    page = client.get(f"/reports/{province_round.pk}/consolidated/").content.decode()
    table = page.split("2. Hoạt động hỗ trợ trẻ em", 1)[1].split("</table>", 1)[0]
    assert "<th>Ngân sách</th><th>Vận động</th><th>Tổng số</th>" in table
    total = table.split("Tổng cộng", 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</td>", 1)[0] for c in total.split('<td class="num">')[1:]]
    assert cells[:4] == ["40", "4.000", "1.500", "5.500"]


def test_bad_cells_are_named_and_nothing_is_saved(client, personas, province_round):
    sub = report_a(personas, province_round)
    client.force_login(personas.officer_a)
    response = client.post(
        f"/reports/submissions/{sub.pk}/",
        {
            "version": "0",
            "action": "save",
            "c-gifts_children--": "40",
            "c-camps--": "hai",
        },
    )
    page = response.content.decode()
    assert "Bảng 3, cột “Cắm trại – Số lượng (lần cắm trại)”: “hai” không phải số nguyên" in page
    assert not sub.values.exists()


def test_the_province_returns_then_approves_and_the_tables_add_up(client, personas, province_round):
    sub = report_a(personas, province_round)
    client.force_login(personas.officer_a)
    client.post(
        f"/reports/submissions/{sub.pk}/",
        {
            "version": "0",
            "action": "submit",
            "send": "1",
            "c-forums--": "2",
            "c-forums_children--": "80",
        },
    )
    client.force_login(personas.supervisor)
    client.post(
        f"/reports/submissions/{sub.pk}/decide/", {"action": "return", "reason": "Thiếu bảng 2"}
    )
    assert Submission.objects.get(pk=sub.pk).status == "returned"
    client.force_login(personas.officer_a)
    assert "Thiếu bảng 2" in client.get("/reports/").content.decode()
    version = Submission.objects.get(pk=sub.pk).version
    client.post(
        f"/reports/submissions/{sub.pk}/",
        {
            "version": str(version),
            "action": "submit",
            "send": "1",
            "c-forums--": "2",
            "c-forums_children--": "80",
            "c-gifts_children--": "12",
        },
    )
    client.force_login(personas.supervisor)
    client.post(f"/reports/submissions/{sub.pk}/decide/", {"action": "approve"})
    assert Submission.objects.get(pk=sub.pk).status == "approved"
    page = client.get(f"/reports/{province_round.pk}/consolidated/?unit=19").content.decode()
    assert "Phường Bắc Kạn" in page
    assert "Tổng cộng" in page
    round_page = client.get(f"/reports/{province_round.pk}/").content.decode()
    assert "Đã duyệt" in round_page


def test_a_sibling_commune_sees_neither_the_report_nor_the_provinces_table(
    client, personas, province_round
):
    sub = report_a(personas, province_round)
    client.force_login(personas.officer_b)
    assert client.get(f"/reports/submissions/{sub.pk}/").status_code == 404
    assert client.get(f"/reports/{province_round.pk}/consolidated/?unit=19").status_code == 404
    assert client.get(f"/reports/{province_round.pk}/consolidated/?unit=05443").status_code == 200
    response = client.post(f"/reports/submissions/{sub.pk}/", {"version": "0", "c-forums--": "9"})
    assert response.status_code == 404
    assert not sub.values.exists()


def test_a_viewer_reads_but_cannot_write(client, personas, province_round):
    sub = report_a(personas, province_round)
    client.force_login(personas.viewer)
    page = client.get(f"/reports/submissions/{sub.pk}/").content.decode()
    assert "readonly" in page
    response = client.post(f"/reports/submissions/{sub.pk}/", {"version": "0", "c-forums--": "9"})
    assert response.status_code == 403
    assert not sub.values.exists()


def test_opening_a_round_from_the_page(client, personas):
    client.force_login(personas.supervisor)
    form = ReportForm.objects.get(code="action-month-result")
    response = client.post(
        "/reports/new/",
        {
            "form": form.pk,
            "receiving_unit": personas.province.pk,
            "title": "Tháng hành động 2026",
            "period_kind": "campaign",
            "period_start": "01/06/2026",
            "period_end": "30/06/2026",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Phải nộp" in page
    assert "Phường Bắc Kạn" in page


def test_uploading_a_form_is_for_the_units_officers_only(client, personas, province_round):
    import io

    from openpyxl import load_workbook

    from vitreem.reporting.workbooks import submission_workbook

    sub = report_a(personas, province_round)
    book = load_workbook(io.BytesIO(submission_workbook(sub)))
    book["Bảng 3"]["D7"] = 2
    buffer = io.BytesIO()
    book.save(buffer)

    def upload(user):
        client.force_login(user)
        buffer.seek(0)
        buffer.name = "bao-cao.xlsx"
        return client.post(f"/reports/submissions/{sub.pk}/upload/", {"file": buffer})

    assert upload(personas.officer_b).status_code == 404
    assert upload(personas.viewer).status_code == 403
    assert not sub.values.exists()
    response = upload(personas.officer_a)
    assert response.status_code == 302
    assert sub.values.get().value == 2


def test_a_round_of_another_province_is_hidden_page_by_page(client, personas, province_round):
    client.force_login(personas.old_officer)  # thành phố Bắc Kạn, before the reform
    for path in ["", "consolidated/", "upload/", "consolidated.xlsx"]:
        assert client.get(f"/reports/{province_round.pk}/{path}").status_code == 404, path


def test_ids_and_versions_in_the_page_carry_no_thousands_separator(
    client, personas, province_round
):
    sub = report_a(personas, province_round)
    Submission.objects.filter(pk=sub.pk).update(version=12345)
    moved = Submission.objects.get(pk=sub.pk)
    moved.pk = 123456  # a large id, as on a database that has seen many reports
    moved.reporter_key = "u-test"
    moved.save(force_insert=True)
    client.force_login(personas.officer_a)
    page = client.get("/reports/submissions/123456/").content.decode()
    assert 'data-submission="123456"' in page
    assert 'name="version" value="12345"' in page


def test_a_half_year_round_takes_the_decree_09_window(client, personas):
    from vitreem.reporting.models import Round

    client.force_login(personas.supervisor)
    form = ReportForm.objects.get(code="special-circumstances")
    response = client.post(
        "/reports/new/",
        {
            "form": form.pk,
            "receiving_unit": personas.province.pk,
            "title": "Báo cáo 6 tháng 2026",
            "period_kind": "half_year",
            "period_year": "2026",
            "period_index": "1",
        },
    )
    assert response.status_code == 302
    round_ = Round.objects.get(title="Báo cáo 6 tháng 2026")
    assert (round_.period_start, round_.period_end) == (date(2025, 12, 15), date(2026, 6, 14))
    missing = client.post(
        "/reports/new/",
        {
            "form": form.pk,
            "receiving_unit": personas.province.pk,
            "title": "Thiếu kỳ",
            "period_kind": "ad_hoc",
        },
    )
    assert "Hãy nhập từ ngày, đến ngày" in missing.content.decode()


def test_the_narrative_is_stored_nfc_with_its_paragraphs(client, personas, province_round):
    import unicodedata

    sub = report_a(personas, province_round)
    client.force_login(personas.officer_a)
    text = unicodedata.normalize("NFD", "Đã phát động ngày 01/6.\nCó 300 em tham gia.")
    client.post(
        f"/reports/submissions/{sub.pk}/", {"version": "0", "action": "save", "n-II.1": text}
    )
    sub.refresh_from_db()
    assert sub.narrative["II.1"] == "Đã phát động ngày 01/6.\nCó 300 em tham gia."


def test_a_round_cannot_be_opened_for_another_unit(client, personas):
    from vitreem.reporting.models import Round

    client.force_login(personas.officer_b)
    form = ReportForm.objects.get(code="action-month-result")
    response = client.post(
        "/reports/new/",
        {
            "form": form.pk,
            "receiving_unit": personas.province.pk,
            "title": "Không được",
            "period_kind": "campaign",
            "period_start": "01/06/2026",
            "period_end": "30/06/2026",
        },
    )
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not Round.objects.exists()


def test_the_round_its_tables_and_a_report_print_with_unit_and_period(
    client, personas, province_round
):
    from vitreem.reporting.models import Submission

    report = Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)
    client.force_login(personas.supervisor)
    for path, unit in [
        (f"/reports/{province_round.pk}/", "Tỉnh Thái Nguyên"),
        (f"/reports/{province_round.pk}/consolidated/", "Tỉnh Thái Nguyên"),
        (f"/reports/submissions/{report.pk}/", "Phường Bắc Kạn"),
    ]:
        page = client.get(path).content.decode()
        assert 'class="print-button" data-print' in page, path
        head = page.split('class="print-only print-head"', 1)[1].split("</div>", 1)[0]
        assert unit in head, path
        assert "Tháng hành động 2026" in head, path
        assert "01/06/2026 – 30/06/2026" in head, path
        assert "In ngày" in head, path


def test_the_entry_page_names_its_script_in_the_head_so_a_slow_line_fetches_it_at_once(
    client, personas, province_round
):
    # At the end of a long page the script is found only when the whole page has arrived: one
    # more round trip (400 ms on a slow mobile line) before the page has loaded.
    sub = report_a(personas, province_round)
    client.force_login(personas.officer_a)
    page = client.get(f"/reports/submissions/{sub.pk}/").content.decode()
    head, body = page.split("</head>", 1)
    assert "reporting/entry.js" in head
    assert "<script" not in body
