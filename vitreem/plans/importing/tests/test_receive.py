"""The plan of the level above kept as received, and the unit's own plan derived from it; its
access (the receiving unit only); assignees proposed as the unit's new agencies."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vitreem.accounts.access import Action, can_read_plan, get_plan_for_user
from vitreem.documents.plans import render_plan_docx
from vitreem.plans import selectors
from vitreem.plans.importing.pipeline import recognise_upload
from vitreem.plans.importing.services import plan_import_receive, plan_import_save
from vitreem.plans.loaders import load_plan_files
from vitreem.plans.models import AssigneeGroup, Plan, PlanStatus
from vitreem.plans.services import plan_derive, plan_update
from vitreem.units.models import Agency

from .seeds import data_file

pytestmark = pytest.mark.django_db

PROVINCE_PLAN = "thai-nguyen-2026-action-month"


def _recognised(unit) -> dict:
    plan = recognise_upload("ke-hoach-tinh.docx", render_plan_docx(data_file(PROVINCE_PLAN)), unit)
    plan.pop("source_text")
    return plan


def _received(personas) -> Plan:
    return plan_import_receive(
        actor=personas.officer_a,
        receiving_unit=personas.unit_a,
        issuer_unit=personas.province,
        reviewed=_recognised(personas.unit_a),
    )


def test_the_header_names_the_province_above_the_ward(personas):
    assert _recognised(personas.unit_a)["issuer_unit_above"] == personas.province.code


def test_the_province_plan_is_kept_as_received_by_the_ward(personas):
    plan = _received(personas)
    assert plan.status == PlanStatus.RECEIVED
    assert (plan.issuer_unit, plan.received_by) == (personas.province, personas.unit_a)
    assert plan.number_text == "95/KH-UBND"
    assert plan.issued_on.isoformat() == "2026-05-08"
    assert plan.header_name == "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"
    # Assignees as the province wrote them, none linked to an agency of anyone's.
    assert not plan.assignments.filter(assignee_agency__isnull=False).exists()
    communes = plan.assignments.get(assignee_group=AssigneeGroup.COMMUNES)
    assert communes.assignee_label == "Ủy ban nhân dân các xã, phường"


def test_the_ward_derives_its_own_plan_from_it(personas):
    received = _received(personas)
    plan = plan_derive(actor=personas.officer_a, parent=received, issuer_unit=personas.unit_a)
    assert plan.status == PlanStatus.DRAFT
    assert (plan.issuer_unit, plan.parent) == (personas.unit_a, received)
    assert plan.parent_reference == (
        "Kế hoạch số 95/KH-UBND ngày 8/5/2026 của Ủy ban nhân dân tỉnh Thái Nguyên"
    )
    assert plan.opening[0]["text"].startswith("Thực hiện Kế hoạch số 95/KH-UBND ngày 8/5/2026")
    assert (plan.year, plan.theme) == (2026, received.theme)
    assert (plan.period_start, plan.period_end) == (received.period_start, received.period_end)
    assert plan.slogans == received.slogans
    assert plan.slogans
    activities = selectors.plan_activities(plan)
    assert activities
    assert activities == selectors.plan_activities(received)
    # The tasks the province gave to all communes and wards are the ward's to distribute.
    tasks = [t.text for a in plan.assignments.all() for t in a.tasks.all()]
    given = received.assignments.get(assignee_group=AssigneeGroup.COMMUNES).tasks.all()
    assert tasks == [t.text for t in given]


def test_only_the_receiving_unit_sees_it(personas):
    received = _received(personas)
    assert can_read_plan(personas.officer_a, received)
    assert can_read_plan(personas.leader_a, received)
    for other in (personas.officer_b, personas.supervisor, personas.viewer):
        assert not can_read_plan(other, received)
        assert received not in selectors.plans_for_user(other)
        with pytest.raises(Http404):
            get_plan_for_user(other, received.pk)
    assert received in selectors.plans_for_user(personas.officer_a)


def test_another_unit_may_not_derive_from_it(personas):
    received = _received(personas)
    with pytest.raises(PermissionDenied):
        plan_derive(actor=personas.officer_b, parent=received, issuer_unit=personas.unit_b)
    assert Plan.objects.count() == 1


def test_it_is_read_only(personas):
    received = _received(personas)
    with pytest.raises(PermissionDenied):
        plan_update(actor=personas.officer_a, plan=received, title="Khác")
    with pytest.raises(PermissionDenied):
        get_plan_for_user(personas.officer_a, received.pk, Action.ENTER)


def test_it_is_kept_once(personas):
    _received(personas)
    with pytest.raises(ValidationError) as refused:
        _received(personas)
    assert "Đơn vị đã lưu kế hoạch cấp trên này rồi." in refused.value.messages
    assert Plan.objects.count() == 1


def test_a_unit_beside_is_not_a_unit_above(personas):
    with pytest.raises(ValidationError) as refused:
        plan_import_receive(
            actor=personas.officer_a,
            receiving_unit=personas.unit_a,
            issuer_unit=personas.unit_b,
            reviewed=_recognised(personas.unit_a),
        )
    assert "cấp trên" in refused.value.messages[0]
    assert Plan.objects.count() == 0


def test_an_officer_of_another_unit_may_not_receive_for_it(personas):
    with pytest.raises(Http404):
        plan_import_receive(
            actor=personas.officer_b,
            receiving_unit=personas.unit_a,
            issuer_unit=personas.province,
            reviewed=_recognised(personas.unit_a),
        )
    assert Plan.objects.count() == 0


def test_a_plan_the_system_has_is_derived_from_not_received_again(personas):
    in_system = load_plan_files([PROVINCE_PLAN])[0]
    with pytest.raises(ValidationError) as refused:
        _received(personas)
    assert "đã có trên hệ thống" in refused.value.messages[0]
    assert Plan.objects.get() == in_system


def test_the_province_numbers_its_own_plans_as_before(personas):
    _received(personas)
    plan = load_plan_files([PROVINCE_PLAN])[0]
    assert plan.number == 95
    assert plan.status == PlanStatus.ISSUED


def test_an_own_plan_citing_the_received_plan_implements_it(personas):
    received = _received(personas)
    reviewed = _recognised(personas.unit_a)
    reviewed["parent_reference"] = "Kế hoạch số 95/KH-UBND ngày 08/5/2026 của UBND tỉnh"
    plan = plan_import_save(
        actor=personas.officer_a, issuer_unit=personas.unit_a, reviewed=reviewed
    )
    assert plan.parent == received


def test_unmatched_assignees_are_proposed_as_agencies(personas):
    reviewed = _recognised(personas.unit_a)
    proposed = {a["assignee"]: a["proposed_agency"] for a in reviewed["assignments"]}
    assert proposed["Công an tỉnh"] == {"name": "Công an tỉnh", "kind": "police"}
    assert proposed["Ủy ban nhân dân các xã, phường"] is None  # a group of units


def test_a_leader_accepts_creating_the_agency(personas):
    reviewed = _recognised(personas.unit_a)
    for row in reviewed["assignments"]:
        row["create_agency"] = row["assignee"] == "Công an tỉnh"
    plan = plan_import_save(actor=personas.leader_a, issuer_unit=personas.unit_a, reviewed=reviewed)
    agency = Agency.objects.get(unit=personas.unit_a, name="Công an tỉnh")
    assert agency.kind == "police"
    assert plan.assignments.get(assignee_label="Công an tỉnh").assignee_agency == agency
    assert plan.assignments.filter(assignee_agency__isnull=False).count() == 1


def test_an_officer_may_not_create_agencies_and_nothing_is_saved(personas):
    reviewed = _recognised(personas.unit_a)
    reviewed["assignments"][0]["create_agency"] = True
    with pytest.raises(PermissionDenied):
        plan_import_save(actor=personas.officer_a, issuer_unit=personas.unit_a, reviewed=reviewed)
    assert Plan.objects.count() == 0
    assert not Agency.objects.filter(unit=personas.unit_a).exists()
