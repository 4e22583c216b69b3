"""The import API: the plan of a unit above saved as received, the unit's plan derived from it
through POST /api/v1/plans/{id}/derive, and a proposed agency created on save; the receiving unit
only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from vitreem.documents.plans import render_plan_docx
from vitreem.plans.models import Plan, PlanStatus
from vitreem.units.models import Agency

from .seeds import data_file

pytestmark = pytest.mark.django_db


def _recognised(api_client, user, code: str) -> dict:
    api_client.login(user)
    data = render_plan_docx(data_file("thai-nguyen-2026-action-month"))
    response = Client().post(
        "/api/v1/plans/import",
        {"unit": code, "file": SimpleUploadedFile("tinh.docx", data)},
        headers=api_client.headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_received_then_derived(api_client, personas):
    plan = _recognised(api_client, personas.officer_a, personas.unit_a.code)
    assert plan["issuer_unit_above"] == personas.province.code
    police = next(a for a in plan["assignments"] if a["assignee"] == "Công an tỉnh")
    assert police["proposed_agency"] == {"name": "Công an tỉnh", "kind": "police"}
    saved = api_client.post(
        "/api/v1/plans/import/save",
        {"unit": personas.unit_a.code, "received_from": personas.province.code, "plan": plan},
    )
    assert saved.status_code == 201, saved.content
    assert saved.json()["status"] == PlanStatus.RECEIVED
    received = Plan.objects.get(pk=saved.json()["id"])
    assert received.number_text == "95/KH-UBND"

    api_client.login(personas.officer_b)
    assert api_client.get(f"/api/v1/plans/{received.pk}").status_code == 404
    refused = api_client.post(f"/api/v1/plans/{received.pk}/derive", {"unit": personas.unit_b.code})
    assert refused.status_code == 404
    assert Plan.objects.count() == 1

    api_client.login(personas.officer_a)
    derived = api_client.post(f"/api/v1/plans/{received.pk}/derive", {"unit": personas.unit_a.code})
    assert derived.status_code == 201, derived.content
    plan = Plan.objects.get(pk=derived.json()["id"])
    assert (plan.parent, plan.issuer_unit, plan.status) == (received, personas.unit_a, "draft")
    assert plan.parent_reference.startswith("Kế hoạch số 95/KH-UBND ngày 8/5/2026")


def test_received_only_from_a_unit_above(api_client, personas):
    plan = _recognised(api_client, personas.officer_a, personas.unit_a.code)
    response = api_client.post(
        "/api/v1/plans/import/save",
        {"unit": personas.unit_a.code, "received_from": personas.unit_b.code, "plan": plan},
    )
    assert response.status_code == 422
    assert "cấp trên" in response.json()["detail"]
    assert Plan.objects.count() == 0


def test_another_units_officer_may_not_receive_for_it(api_client, personas):
    plan = _recognised(api_client, personas.officer_a, personas.unit_a.code)
    api_client.login(personas.officer_b)
    response = api_client.post(
        "/api/v1/plans/import/save",
        {"unit": personas.unit_a.code, "received_from": personas.province.code, "plan": plan},
    )
    assert response.status_code == 404
    assert Plan.objects.count() == 0


def test_a_proposed_agency_is_created_by_a_leader_only(api_client, personas):
    plan = _recognised(api_client, personas.officer_a, personas.unit_a.code)
    for row in plan["assignments"]:
        row["create_agency"] = row["assignee"] == "Công an tỉnh"
    body = {"unit": personas.unit_a.code, "plan": plan}
    assert api_client.post("/api/v1/plans/import/save", body).status_code == 403
    assert Plan.objects.count() == 0
    assert not Agency.objects.filter(unit=personas.unit_a).exists()
    api_client.login(personas.leader_a)
    assert api_client.post("/api/v1/plans/import/save", body).status_code == 201
    agency = Agency.objects.get(unit=personas.unit_a)
    assert Plan.objects.get().assignments.get(assignee_agency=agency).assignee_label == agency.name
