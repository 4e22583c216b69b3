"""POST /api/v1/plans/import reads and recognises without saving; /import/save saves the
reviewed plan as a draft; both follow the access rule of the unit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from vitreem.plans.models import Plan, PlanStatus
from vitreem.units.models import Agency

from .seeds import FIXTURES

pytestmark = pytest.mark.django_db

SEED = "hai-phong-2024-action-month"


def _upload(headers: dict[str, str], code: str, name: str = f"{SEED}.txt"):
    data = (FIXTURES / f"{SEED}.txt").read_bytes()
    return Client().post(
        "/api/v1/plans/import",
        {"unit": code, "file": SimpleUploadedFile(name, data)},
        headers=headers,
    )


def test_import_answers_the_recognised_plan_and_saves_nothing(api_client, personas):
    api_client.login(personas.officer_a)
    response = _upload(api_client.headers, personas.unit_a.code)
    assert response.status_code == 200, response.content
    plan = response.json()
    assert plan["theme"] == "Hành động thiết thực, ưu tiên nguồn lực cho trẻ em"
    assert (plan["period_start"], plan["period_end"]) == ("2024-06-01", "2024-06-30")
    assert plan["symbol"] == "KH-UBND"
    assert plan["place"] == "Hải Phòng"
    assert plan["date"] == "2024"
    assert len(plan["slogans"]) == 12
    assert plan["assignments"][0]["assignee"] == "Sở Lao động - Thương binh và Xã hội"
    assert plan["reporting"]["deadline"] == "2024-07-15"
    assert plan["signer"]["name"] == "Lê Khắc Nam"
    assert "Lưu: VT, LĐ." in plan["recipients"]
    assert plan["sure"]["theme"] is True
    assert Plan.objects.count() == 0


def test_assignees_are_matched_to_the_units_agencies_by_folded_name(api_client, personas):
    agency = Agency.objects.create(
        unit=personas.unit_a,
        name="Sở Lao Động - Thương Binh và Xã Hội",
        kind="labour",
        valid_from=personas.unit_a.valid_from,
    )
    api_client.login(personas.officer_a)
    plan = _upload(api_client.headers, personas.unit_a.code).json()
    assert plan["assignments"][0]["agency"] == str(agency.pk)
    assert plan["assignments"][2]["agency"] is None  # Sở Giáo dục: not an agency of the ward


def test_the_reviewed_plan_is_saved_as_a_draft(api_client, personas):
    api_client.login(personas.officer_a)
    plan = _upload(api_client.headers, personas.unit_a.code).json()
    plan["title"] = "Triển khai Tháng hành động vì trẻ em phường Bắc Kạn năm 2024"
    response = api_client.post(
        "/api/v1/plans/import/save", {"unit": personas.unit_a.code, "plan": plan}
    )
    assert response.status_code == 201, response.content
    saved = Plan.objects.get(pk=response.json()["id"])
    assert saved.status == PlanStatus.DRAFT
    assert saved.issuer_unit == personas.unit_a
    assert saved.title == plan["title"]
    assert saved.theme == plan["theme"]
    assert saved.slogans == plan["slogans"]
    assert saved.recipients == plan["recipients"]
    assert saved.signer_name == "Lê Khắc Nam"
    assert [a.assignee_label for a in saved.assignments.all()] == [
        a["assignee"] for a in plan["assignments"]
    ]
    assert sum(a.tasks.count() for a in saved.assignments.all()) == sum(
        len(a["tasks"]) for a in plan["assignments"]
    )
    headings = [n["text"] for n in saved.outline if n["kind"] == "heading"]
    assert headings[:2] == ["MỤC ĐÍCH, YÊU CẦU", "CHỦ ĐỀ, THỜI GIAN, PHẠM VI TRIỂN KHAI"]
    assert saved.reporting.get().due.isoformat() == "2024-07-15"


def test_another_units_officer_is_refused_as_if_the_unit_were_absent(api_client, personas):
    api_client.login(personas.officer_b)
    assert _upload(api_client.headers, personas.unit_a.code).status_code == 404
    response = api_client.post(
        "/api/v1/plans/import/save",
        {
            "unit": personas.unit_a.code,
            "plan": {"title": "Kế hoạch", "period_start": "2026-06-01", "period_end": "2026-06-30"},
        },
    )
    assert response.status_code == 404
    assert Plan.objects.count() == 0


def test_a_viewer_may_not_import(api_client, personas):
    api_client.login(personas.viewer)
    assert _upload(api_client.headers, personas.unit_a.code).status_code == 403
    assert Plan.objects.count() == 0


def test_an_anonymous_caller_is_asked_to_authenticate(personas):
    assert _upload({}, personas.unit_a.code).status_code == 401


def test_a_document_number_out_of_bounds_is_refused_and_nothing_saved(api_client, personas):
    api_client.login(personas.officer_a)
    for number in (2**63, 0, "264", True):
        response = api_client.post(
            "/api/v1/plans/import/save",
            {
                "unit": personas.unit_a.code,
                "plan": {
                    "title": "Kế hoạch",
                    "number": number,
                    "period_start": "2026-06-01",
                    "period_end": "2026-06-30",
                },
            },
        )
        assert response.status_code == 422, (number, response.content)
        assert "number" in response.content.decode()
    assert Plan.objects.count() == 0
