"""Saving a reviewed import: the plan it cites is linked when it is in the system and readable,
the body is kept as the editor keeps it, and a refused part saves nothing."""

import pytest
from django.core.exceptions import ValidationError

from vitreem.plans.importing.recognise import recognise
from vitreem.plans.importing.services import plan_import_save
from vitreem.plans.loaders import load_plan_files
from vitreem.plans.models import Plan

from .seeds import seed_lines

pytestmark = pytest.mark.django_db


def test_the_cited_plan_above_is_linked(personas):
    province = load_plan_files(["bac-kan-province-2021-action-month"])[0]
    reviewed = recognise(seed_lines("bac-kan-city-2021-action-month")).data
    plan = plan_import_save(
        actor=personas.old_officer, issuer_unit=personas.old_city, reviewed=reviewed
    )
    assert plan.parent == province
    assert plan.parent_reference.startswith("Kế hoạch số 264/KH-UBND ngày 11/5/2021")


def test_the_body_is_kept_as_the_editor_keeps_it(personas):
    reviewed = recognise(seed_lines("hai-phong-2024-action-month")).data
    plan = plan_import_save(
        actor=personas.officer_a, issuer_unit=personas.unit_a, reviewed=reviewed
    )
    headings = [s["heading"] for s in plan.sections]
    assert headings[0] == "MỤC ĐÍCH, YÊU CẦU"
    assert {"type": "assignments"} in plan.sections[headings.index("TỔ CHỨC THỰC HIỆN")]["blocks"]
    blocks = [b["type"] for s in plan.sections for b in s["blocks"]]
    assert "bullets" in blocks
    assert plan.opening[0] == {
        "text": "Căn cứ Thông tư số 28/2019/TT-BLĐTBXH ngày 26/12/2019 của Bộ Lao động - "
        "Thương binh và Xã hội về việc hướng dẫn tổ chức Tháng hành động vì trẻ em;",
        "basis": True,
    }
    assert plan.slogans == reviewed["slogans"]
    groups = {
        b["heading"]: b["activity_group"]
        for s in plan.sections
        for b in s["blocks"]
        if b.get("activity_group")
    }
    assert groups == {a["heading"]: a["group"] for a in reviewed["activities"]}
    assert groups["Hoạt động tuyên truyền"] == "communication"
    assert [(b.source, b.text) for b in plan.budget_lines.all()] == [
        (b["source"], b["text"]) for b in reviewed["budget"]
    ]
    assert plan.parent is None  # it implements a ministry's letter, not a plan of the system


def test_a_plan_without_its_period_saves_nothing(personas):
    reviewed = recognise(seed_lines("hai-phong-2024-action-month")).data
    reviewed["period_start"] = None
    with pytest.raises(ValidationError):
        plan_import_save(actor=personas.officer_a, issuer_unit=personas.unit_a, reviewed=reviewed)
    assert Plan.objects.count() == 0


def test_a_bad_outline_saves_nothing(personas):
    reviewed = recognise(seed_lines("hai-phong-2024-action-month")).data
    reviewed["outline"] = [{"kind": "heading", "text": "**", "colour": "red"}]
    with pytest.raises(ValidationError):
        plan_import_save(actor=personas.officer_a, issuer_unit=personas.unit_a, reviewed=reviewed)
    assert Plan.objects.count() == 0
