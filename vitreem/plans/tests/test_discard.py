"""Discarding a plan: a draft, or a plan of the level above received by mistake, is deleted with
its parts and the deletion logged; an issued plan, a plan another is built from, or a plan of
another unit is not, and nothing changes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vitreem.accounts.services import token_issue
from vitreem.core.models import AuditEvent
from vitreem.documents.plans import render_plan_docx
from vitreem.plans.importing.pipeline import recognise_upload
from vitreem.plans.importing.services import plan_import_receive
from vitreem.plans.importing.tests.seeds import data_file
from vitreem.plans.models import Assignment, Plan
from vitreem.plans.services import plan_create, plan_derive, plan_discard, plan_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(personas) -> Plan:
    return plan_create(
        actor=personas.officer_a,
        issuer_unit=personas.unit_a,
        kind="action_month",
        year=2026,
        title="Kế hoạch tổ chức Tháng hành động vì trẻ em năm 2026",
    )


@pytest.fixture
def received(personas) -> Plan:
    document = render_plan_docx(data_file("thai-nguyen-2026-action-month"))
    reviewed = recognise_upload("ke-hoach-tinh.docx", document, personas.unit_a)
    reviewed.pop("source_text")
    return plan_import_receive(
        actor=personas.officer_a,
        receiving_unit=personas.unit_a,
        issuer_unit=personas.province,
        reviewed=reviewed,
    )


def _post(client, user, plan: Plan, confirm: bool = True):
    client.force_login(user)
    return client.post(f"/plans/{plan.pk}/discard/", {"confirm": "on"} if confirm else {})


def test_the_officer_discards_her_draft_from_its_page(client, personas, draft):
    client.force_login(personas.officer_a)
    page = client.get(f"/plans/{draft.pk}/")
    assert 'id="discard"' in page.content.decode()
    response = _post(client, personas.officer_a, draft)
    assert response.status_code == 302
    assert not Plan.objects.filter(pk=draft.pk).exists()
    event = AuditEvent.objects.get(action="plan.discard")
    assert (event.actor, event.target_id, event.unit) == (
        personas.officer_a,
        str(draft.pk),
        personas.unit_a,
    )
    assert event.data["title"] == draft.title


def test_without_the_confirmation_nothing_is_deleted(client, personas, draft):
    response = _post(client, personas.officer_a, draft, confirm=False)
    assert response.status_code == 302
    assert Plan.objects.filter(pk=draft.pk).exists()
    page = client.get(f"/plans/{draft.pk}/").content.decode()
    assert "Hãy đánh dấu ô xác nhận trước khi xóa kế hoạch." in page


def test_an_issued_plan_stays(client, personas, draft):
    plan_issue(actor=personas.leader_a, plan=draft, issued_on=date(2026, 5, 8))
    with pytest.raises(ValidationError, match="kế hoạch đã ban hành được lưu giữ"):
        plan_discard(actor=personas.leader_a, plan=draft)
    assert Plan.objects.filter(pk=draft.pk).exists()
    client.force_login(personas.leader_a)
    assert 'id="discard"' not in client.get(f"/plans/{draft.pk}/").content.decode()


def test_another_unit_is_refused_and_a_viewer_too(client, personas, draft):
    assert _post(client, personas.officer_b, draft).status_code == 404
    with pytest.raises(PermissionDenied):
        plan_discard(actor=personas.viewer, plan=draft)
    assert Plan.objects.filter(pk=draft.pk).exists()
    assert not AuditEvent.objects.filter(action="plan.discard").exists()


def test_a_received_plan_is_discarded_by_the_receiving_unit_only(client, personas, received):
    parts = Assignment.objects.filter(plan=received).count()
    assert parts
    # The province issued the document but does not hold this copy: not found, not deleted.
    assert _post(client, personas.supervisor, received).status_code == 404
    assert _post(client, personas.officer_b, received).status_code == 404
    assert Plan.objects.filter(pk=received.pk).exists()
    assert _post(client, personas.officer_a, received).status_code == 302
    assert not Plan.objects.filter(pk=received.pk).exists()
    assert not Assignment.objects.filter(plan_id=received.pk).exists()


def test_a_plan_another_is_built_from_stays(personas, received):
    derived = plan_derive(actor=personas.officer_a, parent=received, issuer_unit=personas.unit_a)
    with pytest.raises(ValidationError, match="Đã có kế hoạch xây dựng từ kế hoạch này"):
        plan_discard(actor=personas.officer_a, plan=received)
    assert Plan.objects.filter(pk=received.pk).exists()
    plan_discard(actor=personas.officer_a, plan=derived)  # the derived draft can go first
    plan_discard(actor=personas.officer_a, plan=received)
    assert not Plan.objects.filter(pk__in=[received.pk, derived.pk]).exists()


def test_the_api_deletes_a_draft_and_refuses_the_rest(client, personas, draft):
    def delete(user, plan):
        headers = {"Authorization": f"Bearer {token_issue(user=user)}"}
        return client.delete(f"/api/v1/plans/{plan.pk}", headers=headers)

    assert delete(personas.officer_b, draft).status_code == 404
    plan_issue(actor=personas.leader_a, plan=draft, issued_on=date(2026, 5, 8))
    refused = delete(personas.officer_a, draft)
    assert refused.status_code == 422
    assert "đã ban hành" in refused.json()["detail"]
    other = plan_create(
        actor=personas.officer_a,
        issuer_unit=personas.unit_a,
        kind="action_month",
        year=2026,
        title="Dự thảo thứ hai",
    )
    assert delete(personas.officer_a, other).status_code == 204
    assert list(Plan.objects.values_list("pk", flat=True)) == [draft.pk]
