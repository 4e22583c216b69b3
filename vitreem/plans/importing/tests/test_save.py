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


def test_a_printed_plan_saved_keeps_its_sources_and_how_its_tasks_print(personas):
    """The ward's 2026 plan through Word: a line of two sources and a task written as a plain
    paragraph are saved as the plan writes them, so the saved plan prints them so again."""
    from vitreem.documents.plans import render_plan_docx
    from vitreem.plans.importing.reading import read_lines

    from .seeds import data_file

    data = data_file("phuong-bac-kan-2026-action-month")
    reviewed = recognise(read_lines("plan.docx", render_plan_docx(data))).data
    plan = plan_import_save(
        actor=personas.officer_a, issuer_unit=personas.unit_a, reviewed=reviewed
    )
    assert [(b.source, b.sources, b.text) for b in plan.budget_lines.all()] == [
        ((b.get("sources") or [b["source"]])[0], b.get("sources") or [b["source"]], b["text"])
        for b in data["budget"]
    ]
    written = {
        a.get("label") or a["assignee"]: a["marker"] for a in data["assignments"] if a.get("marker")
    }
    assert written  # the data file writes one assignee's task as a paragraph
    saved = {a.assignee_label: a.task_marker for a in plan.assignments.all()}
    assert {name: saved[name] for name in written} == written


def test_a_budget_line_of_an_unknown_source_saves_nothing(personas):
    reviewed = recognise(seed_lines("hai-phong-2024-action-month")).data
    reviewed["budget"][0]["sources"] = ["state", "bitcoin"]
    with pytest.raises(ValidationError, match="Nguồn kinh phí không hợp lệ"):
        plan_import_save(actor=personas.officer_a, issuer_unit=personas.unit_a, reviewed=reviewed)
    assert Plan.objects.count() == 0


def test_numbered_and_lettered_tasks_are_saved_as_they_print(personas):
    """Tasks printed 1. 2. 3. and a) b) c), read back from Word, are saved with their marker;
    a division's tasks with its own."""
    from vitreem.documents.plans import render_plan_docx
    from vitreem.plans.importing.reading import read_lines

    from .seeds import data_file

    data = data_file("thai-nguyen-2026-action-month")
    task = {"text": "Chủ trì tổ chức các hoạt động vui chơi giải trí cho trẻ em."}
    data["assignments"] = [
        {"assignee": "Công an xã", "marker": "number", "tasks": [task, task]},
        {
            "assignee": "Trạm Y tế",
            "marker": "letter",
            "tasks": [task],
            "children": [{"assignee": "Tổ công tác xã", "marker": "number", "tasks": [task]}],
        },
    ]
    reviewed = recognise(read_lines("plan.docx", render_plan_docx(data))).data
    plan = plan_import_save(
        actor=personas.officer_a, issuer_unit=personas.unit_a, reviewed=reviewed
    )
    saved = [(a.assignee_label, a.task_marker, a.tasks.count()) for a in plan.assignments.all()]
    assert saved == [
        ("Công an xã", "number", 2),
        ("Trạm Y tế", "letter", 1),
        ("Tổ công tác xã", "number", 1),
    ]
