"""The outline editor's services: each operation, refusals that change nothing, two people at
once, who may edit, undo; and any sequence of accepted operations prints."""

import contextlib

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vitreem.core.models import AuditEvent
from vitreem.documents.plans import render_plan_docx
from vitreem.plans import selectors
from vitreem.plans.editor import (
    OPS,
    OutlineConflictError,
    OutlineRefusedError,
    outline_edit,
    outline_version,
)
from vitreem.plans.models import Assignment, Plan, Task
from vitreem.plans.outline import heading_numbers, validate_outline
from vitreem.plans.services import plan_copy_previous, plan_create, plan_derive

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(personas):
    return plan_create(
        actor=personas.officer_a,
        issuer_unit=personas.unit_a,
        kind="action_month",
        year=2026,
        title="Triển khai Tháng hành động vì trẻ em năm 2026",
    )


def edit(plan, user, op, path="", node=None, version=None):
    plan.refresh_from_db()
    done = outline_edit(
        actor=user,
        plan=plan,
        op=op,
        path=path,
        node=node,
        expected_version=version or outline_version(plan.outline),
    )
    plan.refresh_from_db()
    return done


def headings(plan):
    plan.refresh_from_db()
    return [(number, node["text"]) for node, number in heading_numbers(plan.outline) if number]


def test_rename_a_section(draft, personas):
    edit(draft, personas.officer_a, "edit", "2", {"text": "MỤC TIÊU CỤ THỂ"})
    assert ("III.", "MỤC TIÊU CỤ THỂ") in headings(draft)
    # Its part standing for the targets stays under it.
    assert draft.outline[2]["children"][0]["role"] == "targets"


def test_add_after_and_insert_at(draft, personas):
    done = edit(draft, personas.officer_a, "add", "0", {"kind": "heading", "text": "CĂN CỨ"})
    assert done.focus == "1"
    assert headings(draft)[:4] == [
        ("I.", "MỤC ĐÍCH, YÊU CẦU"),
        ("1.", "Mục đích"),
        ("2.", "Yêu cầu"),
        ("II.", "CĂN CỨ"),
    ]
    edit(
        draft,
        personas.officer_a,
        "insert",
        "0.0.0",
        {"kind": "item", "text": "Nâng cao *nhận thức*"},
    )
    item = draft.outline[0]["children"][0]["children"][0]
    assert (item["kind"], item["marker"], item["text"]) == ("item", "-", "Nâng cao *nhận thức*")


def test_delete_up_down(draft, personas):
    edit(draft, personas.officer_a, "delete", "0.1")
    assert [c["text"] for c in draft.outline[0]["children"]] == ["Mục đích"]
    edit(draft, personas.officer_a, "down", "3")
    assert [n for n, _t in headings(draft)][:6] == ["I.", "1.", "II.", "III.", "IV.", "V."]
    assert draft.outline[3]["text"] == "KINH PHÍ THỰC HIỆN"
    assert draft.outline[4]["text"] == "NỘI DUNG HOẠT ĐỘNG"
    edit(draft, personas.officer_a, "up", "4")
    assert draft.outline[3]["text"] == "NỘI DUNG HOẠT ĐỘNG"


def test_indent_makes_a_plus_item_and_outdent_undoes_it(draft, personas):
    officer = personas.officer_a
    edit(draft, officer, "insert", "0.0.0", {"kind": "item", "text": "Tuyên truyền"})
    edit(draft, officer, "add", "0.0.0", {"text": "trên loa phát thanh"})
    done = edit(draft, officer, "indent", "0.0.1")
    assert done.focus == "0.0.0.0"
    sub = draft.outline[0]["children"][0]["children"][0]["children"][0]
    assert (sub["marker"], sub["text"]) == ("+", "trên loa phát thanh")
    edit(draft, officer, "outdent", "0.0.0.0")
    items = draft.outline[0]["children"][0]["children"]
    assert [(i["marker"], i["text"]) for i in items] == [
        ("-", "Tuyên truyền"),
        ("-", "trên loa phát thanh"),
    ]


def test_indent_a_section_makes_it_a_subsection(draft, personas):
    edit(draft, personas.officer_a, "indent", "6")  # CHẾ ĐỘ BÁO CÁO under TỔ CHỨC THỰC HIỆN
    assert headings(draft)[-2:] == [("VI.", "TỔ CHỨC THỰC HIỆN"), ("1.", "CHẾ ĐỘ BÁO CÁO")]


def _refused(draft, user, op, path, node=None, match=""):
    before = Plan.objects.get(pk=draft.pk).outline
    events = AuditEvent.objects.count()
    with pytest.raises(OutlineRefusedError, match=match):
        edit(draft, user, op, path, node)
    assert Plan.objects.get(pk=draft.pk).outline == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("op", "path", "node", "match"),
    [
        ("edit", "0", {"text": "**MỤC ĐÍCH"}, "chưa đóng"),
        ("edit", "0", {"text": "<b>MỤC ĐÍCH</b>"}, "đậm"),
        ("edit", "0", {"text": "MỤC &amp; ĐÍCH"}, "đậm"),
        ("edit", "0", {"text": "  "}, "trống"),
        ("edit", "0", {"text": "A\x00B"}, "không hợp lệ"),
        ("edit", "0", {"html": "x"}, "không được phép"),
        ("edit", "0", {"kind": "table"}, "Loại mục"),
        ("edit", "0", {"marker": "*"}, "Dấu"),
        ("edit", "0", {"role": "secret"}, "Vai trò"),
        ("rename", "0", {"text": "x"}, "không có"),
        ("edit", "9", {"text": "x"}, "Không có mục"),
        ("edit", "0.7", {"text": "x"}, "Không có mục"),
        ("edit", "-1", {"text": "x"}, "không hợp lệ"),
        ("edit", "0..1", {"text": "x"}, "không hợp lệ"),
        ("edit", "", {"text": "x"}, "không hợp lệ"),
        ("up", "0", None, "đầu"),
        ("down", "6", None, "cuối"),
        ("indent", "0", None, "Mục đầu tiên"),
        ("outdent", "0", None, "ngoài cùng"),
        # A heading inside a paragraph, a sub-item under a part standing for the plan's rows.
        ("insert", "1.0.0", {"kind": "item", "text": "x"}, "không có mục con"),
        ("edit", "0.0", {"kind": "paragraph"}, None),
        # The theme's part printed twice.
        ("add", "1.0", {"kind": "paragraph", "role": "theme", "text": ""}, "hai lần"),
        # Two headings with the same number: the 24th letter heading wraps to a) again.
    ],
)
def test_refusals_change_nothing(draft, personas, op, path, node, match):
    if node == {"kind": "paragraph"}:
        # A paragraph "Mục đích" holding a heading would be allowed only without children.
        edit(draft, personas.officer_a, "insert", "0.0.0", {"kind": "heading", "text": "Chung"})
        match = "chỉ có item con"
    _refused(draft, personas.officer_a, op, path, node, match)


def test_more_sections_than_roman_numerals_is_refused(draft, personas):
    for i in range(7):
        edit(draft, personas.officer_a, "add", "6", {"kind": "heading", "text": f"MỤC {i}"})
    assert headings(draft)[-1][0] == "XIV."
    _refused(draft, personas.officer_a, "add", "6", {"kind": "heading", "text": "MỤC 15"}, "XIV")


def test_letter_headings_do_not_wrap_to_the_same_letter(draft, personas):
    edit(draft, personas.officer_a, "insert", "0.0.0", {"kind": "heading", "text": "Mục a"})
    for i in range(22):
        edit(draft, personas.officer_a, "add", f"0.0.{i}", {"kind": "heading", "text": f"M{i}"})
    assert heading_numbers(draft.outline)
    _refused(draft, personas.officer_a, "add", "0.0.22", {"kind": "heading", "text": "M"}, "số")


def test_numbered_items_beside_headings_are_refused(draft, personas):
    _refused(
        draft,
        personas.officer_a,
        "add",
        "0.1",
        {"kind": "item", "marker": "number", "text": "Một"},
        "trùng số",
    )


def test_the_part_holding_the_tasks_cannot_be_removed_while_there_are_tasks(draft, personas):
    assignment = Assignment.objects.create(plan=draft, assignee_label="Phòng Văn hóa - Xã hội")
    Task.objects.create(assignment=assignment, text="Tổ chức diễn đàn trẻ em", role="lead")
    # The section with the tasks' part, the part itself, or its text made its own.
    _refused(draft, personas.officer_a, "delete", "5", match="Phân công nhiệm vụ")
    _refused(draft, personas.officer_a, "delete", "5.0", match="1 dòng")
    _refused(draft, personas.officer_a, "edit", "5.0", {"text": "Các cơ quan"}, "Phân công")
    # Moved, it keeps its place in the document: allowed.
    edit(draft, personas.officer_a, "up", "5")
    assert draft.outline[4]["children"][0]["role"] == "tasks"
    # Without rows, the part may go.
    edit(draft, personas.officer_a, "delete", "2")  # MỤC TIÊU: the plan has no targets
    assert "MỤC TIÊU" not in [t for _n, t in headings(draft)]


def test_a_stale_version_is_a_conflict_and_changes_nothing(draft, personas):
    seen = outline_version(draft.outline)
    edit(draft, personas.officer_a, "edit", "0", {"text": "MỤC ĐÍCH"})
    after = Plan.objects.get(pk=draft.pk).outline
    with pytest.raises(OutlineConflictError, match="người khác") as conflict:
        edit(draft, personas.leader_a, "delete", "1", version=seen)
    assert conflict.value.version == outline_version(after)
    assert Plan.objects.get(pk=draft.pk).outline == after


def test_another_units_officer_and_a_viewer_are_refused(draft, personas):
    before = Plan.objects.get(pk=draft.pk).outline
    with pytest.raises(Http404):  # not theirs: as if absent
        edit(draft, personas.officer_b, "delete", "0")
    with pytest.raises(PermissionDenied):  # theirs to read, not to change
        edit(draft, personas.viewer, "delete", "0")
    assert Plan.objects.get(pk=draft.pk).outline == before


def test_an_issued_plan_is_not_edited(draft, personas):
    Plan.objects.filter(pk=draft.pk).update(status="issued")
    _refused(draft, personas.officer_a, "delete", "0", match="ban hành")


def test_undo_puts_back_the_last_change_once(draft, personas):
    original = Plan.objects.get(pk=draft.pk).outline
    edit(draft, personas.officer_a, "delete", "0")
    done = edit(draft, personas.officer_a, "undo")
    assert Plan.objects.get(pk=draft.pk).outline == original
    assert done.focus == "0"
    _refused(draft, personas.officer_a, "undo", "", match="Không còn")


def test_undo_of_another_persons_change_is_refused(draft, personas):
    edit(draft, personas.leader_a, "delete", "0")
    _refused(draft, personas.officer_a, "undo", "", match="người khác")


# -- any sequence of accepted operations keeps a valid body that prints -------------------------

TEXTS = st.sampled_from(["Mục mới", "**Đậm** và *nghiêng*", "Nội dung \\* sao", "Tổ dân phố"])
NODES = st.fixed_dictionaries(
    {"kind": st.sampled_from(["heading", "paragraph", "item"]), "text": TEXTS},
    optional={"marker": st.sampled_from(["-", "+", "number"])},
)


def _paths(outline, prefix=()):
    for i, node in enumerate(outline):
        yield ".".join(map(str, (*prefix, i)))
        yield from _paths(node["children"], (*prefix, i))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_operations_keep_the_outline_valid_and_printable(draft, personas, data):
    Plan.objects.filter(pk=draft.pk).update(outline=validate_outline(draft.outline))
    plan = Plan.objects.get(pk=draft.pk)
    for _step in range(data.draw(st.integers(1, 12), label="steps")):
        paths = list(_paths(plan.outline)) or ["0"]
        op = data.draw(st.sampled_from([o for o in OPS if o != "undo"]), label="op")
        path = data.draw(st.sampled_from(paths), label="path")
        if op == "insert":
            path = path.rsplit(".", 1)[0] + ".0" if "." in path else "0"
        node = data.draw(NODES, label="node") if op in {"add", "insert", "edit"} else None
        with contextlib.suppress(OutlineRefusedError):
            outline_edit(
                actor=personas.officer_a,
                plan=plan,
                op=op,
                path=path,
                node=node,
                expected_version=outline_version(plan.outline),
            )
        plan = Plan.objects.get(pk=plan.pk)
        assert validate_outline(plan.outline) == plan.outline
        list(heading_numbers(plan.outline))
    assert render_plan_docx(selectors.plan_document(selectors.plan_with_parts(plan.pk)))


# -- the body as edited is what a copy and a derived plan start from ---------------------------


def test_a_copy_into_next_year_keeps_the_edited_body(draft, personas):
    edit(draft, personas.officer_a, "edit", "0.0", {"text": "Mục đích của kế hoạch năm 2026"})
    copied = plan_copy_previous(actor=personas.officer_a, source=draft, year=2027).plan
    assert copied.outline[0]["children"][0]["text"] == "Mục đích của kế hoạch năm 2027"


def test_a_derived_plan_starts_from_the_parents_edited_body():
    from conftest import PRE_REFORM_DAY, unit
    from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
    from vitreem.plans.loaders import load_plan_files

    city_plan = load_plan_files(["bac-kan-city-2021-action-month"])[0]
    outline = [*city_plan.outline, {**city_plan.outline[-1], "text": "PHẦN THÊM", "role": None}]
    outline[-1]["children"] = []
    Plan.objects.filter(pk=city_plan.pk).update(outline=validate_outline(outline))
    city_plan.refresh_from_db()
    ward = unit("01837", PRE_REFORM_DAY)
    officer = MembershipFactory(user=UserFactory(username="canbo.pheptrien"), unit=ward).user
    derived = plan_derive(actor=officer, parent=city_plan, issuer_unit=ward)
    assert derived.outline[-1]["text"] == "PHẦN THÊM"
    assert derived.outline[0]["text"].startswith("Thực hiện Kế hoạch số")
    assert not any(n["role"] == "basis" for n in derived.outline)


def test_undo_does_not_take_away_the_place_of_tasks_given_since(draft, personas):
    edit(draft, personas.officer_a, "delete", "5.0")  # the tasks' part: no tasks yet
    edit(
        draft,
        personas.officer_a,
        "insert",
        "5.0",
        {"kind": "paragraph", "role": "tasks", "text": ""},
    )
    assignment = Assignment.objects.create(plan=draft, assignee_label="Các tổ dân phố")
    Task.objects.create(
        assignment=assignment, text="Rà soát trẻ em có hoàn cảnh đặc biệt", role="lead"
    )
    _refused(draft, personas.officer_a, "undo", "", match="Phân công nhiệm vụ")
