import io

import pytest
from openpyxl import load_workbook

from vitreem.assessments import services
from vitreem.assessments.models import Score, Status

from .conftest import all_points

pytestmark = pytest.mark.django_db


def _put(client, user, path, body):
    from vitreem.accounts.services import token_issue

    headers = {"Authorization": f"Bearer {token_issue(user=user)}"}
    return client.put(path, body, content_type="application/json", headers=headers)


def test_api_saves_points_and_refuses_bad_ones(client, assessment, personas):
    url = f"/api/v1/assessments/{assessment.pk}/scores"
    ok = _put(
        client,
        personas.officer_a,
        url,
        {"scores": [{"criterion": 6, "points": 100, "evidence": "Danh sách trợ giúp"}]},
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["scores"][5]["points"] == 100
    for bad in (126, -5, 12.5):
        refused = _put(
            client, personas.officer_a, url, {"scores": [{"criterion": 6, "points": bad}]}
        )
        assert refused.status_code == 422, (bad, refused.content)
        assert refused.json()["detail"]
    assert Score.objects.get(assessment=assessment, criterion__number=6).points == 100


def test_api_list_detail_submit_appraise(client, api_client, assessment, personas):
    services.assessment_save(actor=personas.officer_a, assessment=assessment, scores=all_points(70))
    api_client.login(personas.leader_a)
    assert api_client.post(f"/api/v1/assessments/{assessment.pk}/submit").status_code == 200
    api_client.login(personas.supervisor)
    listed = api_client.get(f"/api/v1/assessments?unit={personas.province.code}&year=2026")
    assert listed.status_code == 200
    mine = [i for i in listed.json()["items"] if i["unit_code"] == personas.unit_a.code]
    assert mine[0]["status"] == "submitted"
    assert mine[0]["verdict"]["total"] == 910
    decided = api_client.post(
        f"/api/v1/assessments/{assessment.pk}/appraise",
        {"recognised": True, "decision_number": "45/QĐ-UBND", "decided_on": "2026-11-20"},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == Status.RECOGNISED
    detail = api_client.get(f"/api/v1/assessments/{assessment.pk}").json()
    assert detail["verdict"] == {
        "total": 910,
        "threshold": 850,
        "missing": [],
        "zero": [],
        "meets": True,
    }


def test_api_hides_another_units_assessment(client, api_client, assessment, personas):
    api_client.login(personas.officer_b)
    assert api_client.get(f"/api/v1/assessments/{assessment.pk}").status_code == 404
    assert (
        _put(
            client,
            personas.officer_b,
            f"/api/v1/assessments/{assessment.pk}/scores",
            {"scores": [{"criterion": 1, "points": 10}]},
        ).status_code
        == 404
    )
    assert (
        api_client.get(f"/api/v1/assessments?unit={personas.unit_a.code}&year=2026").status_code
        == 404
    )
    assert not Score.objects.filter(points__isnull=False).exists()


def test_page_shows_the_prefilled_source_and_saves(client, assessment, personas):
    Score.objects.filter(assessment=assessment, criterion__number=6).update(
        evidence="3/4 trẻ em", prefill_source="Sổ theo dõi trẻ em của hệ thống"
    )
    client.force_login(personas.officer_a)
    page = client.get(f"/assessments/{assessment.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nguồn: Sổ theo dõi trẻ em của hệ thống" in text
    assert "Tối đa 125 điểm." in text
    assert "30/10/2026" in text
    assert "Phường Bắc Kạn, năm 2026" in text  # a year, not a number with a thousands dot
    body = {"commune_type": "other", "points_1": "80", "evidence_1": "Nghị quyết HĐND"}
    saved = client.post(f"/assessments/{assessment.pk}/", body)
    assert saved.status_code == 302
    assert Score.objects.get(assessment=assessment, criterion__number=1).points == 80


def test_page_refuses_points_over_the_maximum(client, assessment, personas):
    client.force_login(personas.officer_a)
    refused = client.post(
        f"/assessments/{assessment.pk}/",
        {"commune_type": "other", "points_1": "80", "points_6": "130"},
    )
    assert refused.status_code == 400
    assert "Tiêu chí 6 tối đa 125 điểm" in refused.content.decode()
    refused = client.post(
        f"/assessments/{assessment.pk}/", {"commune_type": "other", "points_6": "7,5"}
    )
    assert "Điểm phải là số nguyên." in refused.content.decode()
    assert not Score.objects.filter(points__isnull=False).exists()


def test_pages_refuse_another_unit_and_the_viewer(client, assessment, personas):
    client.force_login(personas.officer_b)
    assert client.get(f"/assessments/{assessment.pk}/").status_code == 404
    assert client.post(f"/assessments/{assessment.pk}/submit/").status_code == 404
    client.force_login(personas.viewer)
    assert client.get(f"/assessments/{assessment.pk}/").status_code == 200
    refused = client.post(
        f"/assessments/{assessment.pk}/", {"commune_type": "other", "points_1": "5"}
    )
    assert refused.status_code == 403
    assert (
        client.post(f"/assessments/{assessment.pk}/appraise/", {"recognised": "1"}).status_code
        == 403
    )
    assert not Score.objects.filter(points__isnull=False).exists()


def test_province_list_page_and_excel(client, assessment, personas):
    client.force_login(personas.supervisor)
    page = client.get(f"/assessments/?unit={personas.province.code}&year=2026")
    assert page.status_code == 200
    assert personas.unit_a.name in page.content.decode()
    assert "trẻ em năm 2026" in page.content.decode()
    export = client.get(f"/assessments/export.xlsx?unit={personas.province.code}&year=2026")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows[personas.unit_a.code][4] == "Đang tự đánh giá"
    assert rows[personas.unit_b.code][4] == "Chưa lập"


def test_excel_keeps_a_formula_like_text_as_text(client, assessment, personas):
    assessment.decision_number = '=HYPERLINK("http://x")'
    assessment.save(update_fields=["decision_number"])
    client.force_login(personas.supervisor)
    export = client.get(f"/assessments/export.xlsx?unit={personas.province.code}&year=2026")
    sheet = load_workbook(io.BytesIO(export.content)).active
    cell = next(r for r in sheet.iter_rows(min_row=4) if r[1].value == personas.unit_a.code)[10]
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_commune_officer_opens_an_assessment_from_the_list(client, personas):
    client.force_login(personas.officer_a)
    page = client.get("/assessments/?year=2026")
    assert "Lập và điền sẵn số liệu" in page.content.decode()
    made = client.post(
        "/assessments/new/", {"unit": personas.unit_a.code, "year": "2026", "commune_type": "other"}
    )
    assert made.status_code == 302
    client.force_login(personas.officer_b)
    refused = client.post(
        "/assessments/new/", {"unit": personas.unit_a.code, "year": "2025", "commune_type": "other"}
    )
    assert refused.status_code == 404


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def test_evidence_file_is_checked_by_its_content(client, assessment, personas, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.officer_a)
    url = f"/assessments/{assessment.pk}/file/"
    fake = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 a program, not a PDF")
    refused = client.post(url, {"criterion": "1", "file": fake})
    assert refused.status_code == 400
    assert "không có gì được lưu" in refused.content.decode()
    assert not Score.objects.exclude(evidence_file="").exists()

    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(url, {"criterion": "1", "file": pdf}).status_code == 302
    score = Score.objects.get(assessment=assessment, criterion__number=1)
    assert score.evidence_file
    download = client.get(f"/assessments/{assessment.pk}/criteria/1/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    client.force_login(personas.officer_b)
    assert client.get(f"/assessments/{assessment.pk}/criteria/1/file/").status_code == 404
    other = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(url, {"criterion": "2", "file": other}).status_code == 404
    assert not Score.objects.filter(criterion__number=2).exclude(evidence_file="").exists()


def test_list_page_for_someone_of_no_unit(client, personas):
    from vitreem.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(username="khong.don.vi"))
    page = client.get("/assessments/")
    assert page.status_code == 200
    assert "Bạn chưa thuộc đơn vị nào" in page.content.decode()
