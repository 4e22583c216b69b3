"""Fields as officials write them: dates known to the month or the year, the header's lines kept
whole, recipients under sub-headings, budget lines with several sources, the launch's units and
participants, assignees labelled as written, nested and grouped, tasks per assignee with their own
marker, a cooperating task without a named lead, a reporting rule inside a task."""

import copy
import io
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from docx import Document
from docx.document import Document as Docx

from vitreem.documents.plans import render_plan_docx
from vitreem.plans.loaders import DATA_DIR, load_plan, read_plan_file
from vitreem.plans.models import Assignment, BudgetLine, ReportingRequirement, Task
from vitreem.plans.selectors import plan_document, plan_with_parts
from vitreem.plans.services import plan_check

pytestmark = pytest.mark.django_db

WARD = read_plan_file(DATA_DIR / "phuong-bac-kan-2026-action-month.yaml")
NBSP = "\u00a0"


def ward_plan(**changes: object) -> dict:
    """The ward's 2026 plan under a key of its own, without a number, changed as given."""
    data = copy.deepcopy(WARD)
    data.update(key="thu-nghiem-truong-moi", number=None, **changes)
    return data


def docx_of(data: dict) -> Docx:
    plan = plan_with_parts(load_plan(data).pk)
    assert plan is not None
    return Document(io.BytesIO(render_plan_docx(plan_document(plan))))


def texts(document: Docx) -> list[str]:
    return [p.text for p in document.paragraphs]


def cell_lines(document: Docx) -> list[str]:
    return [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]


def test_a_plan_dated_only_to_the_month_keeps_the_month(client, personas):
    document = docx_of(ward_plan(issued_on="2026-05"))
    assert "Bắc Kạn, ngày      tháng 5 năm 2026" in cell_lines(document)
    plan = plan_with_parts(load_plan(ward_plan(issued_on="2026-05")).pk)
    assert (plan.issued_on, plan.issued_on_precision) == (date(2026, 5, 1), "month")
    assert plan_document(plan)["issued_on"].iso() == "2026-05"


def test_a_plan_dated_only_to_the_year_leaves_day_and_month_blank():
    document = docx_of(ward_plan(issued_on=2026))
    assert "Bắc Kạn, ngày      tháng      năm 2026" in cell_lines(document)


def test_a_deadline_known_to_the_month_runs_to_the_months_end():
    data = ward_plan()
    data["assignments"][0]["tasks"][0]["due"] = "2026-06"
    data["assignments"][0]["tasks"][0]["start"] = "2026-06"
    plan = load_plan(data)
    task = Task.objects.filter(assignment__plan=plan).order_by("assignment__order", "order")[0]
    assert (task.start_on, task.start_precision) == (date(2026, 6, 1), "month")
    assert (task.due_on, task.due_precision) == (date(2026, 6, 30), "month")
    assert plan_document(plan_with_parts(plan.pk))["assignments"][0]["tasks"][0]["due"].short() == (
        "6/2026"
    )


def test_dates_in_the_body_print_as_written_without_a_zero_before_the_month():
    launch = {**WARD["launch"], "date": date(2026, 5, 15)}
    lines = texts(docx_of(ward_plan(launch=launch)))
    assert "- Thời gian: 15/5/2026" in lines
    assert "- Thời gian: 15/05/2026" not in lines
    month_only = texts(docx_of(ward_plan(launch={**WARD["launch"], "date": "2026-05"})))
    assert "- Thời gian: 5/2026" in month_only


@pytest.mark.parametrize("value", ["2026-13", "15/5/2026", "2026-02-30", True, "tháng 5"])
def test_a_date_that_is_not_a_day_a_month_or_a_year_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match=r"issued_on: not a date"):
        load_plan(ward_plan(issued_on=value))


def _issuer_cell(document: Docx):
    return document.tables[0].rows[0].cells[0].paragraphs[0]


def test_the_header_never_breaks_inside_a_units_name():
    issuer = {**WARD["issuer"], "header_name": "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"}
    paragraph = _issuer_cell(docx_of(ward_plan(issuer=issuer)))
    assert paragraph.text == f"ỦY{NBSP}BAN{NBSP}NHÂN{NBSP}DÂN\nTHÀNH{NBSP}PHỐ{NBSP}HẢI{NBSP}PHÒNG"
    assert all(run.bold for run in paragraph.runs if run.text)


def test_the_issuer_and_the_title_break_where_the_plan_breaks_them(client, personas):
    issuer = {
        **WARD["issuer"],
        "header_above": "UBND TỈNH THÁI NGUYÊN",
        "header_name": "SỞ Y TẾ\nPHÒNG NGHIỆP VỤ",
    }
    title = "Triển khai Tháng hành động vì trẻ em năm 2026\ntrên địa bàn phường Bắc Kạn"
    data = ward_plan(issuer=issuer, title=title)
    document = docx_of(data)
    left = document.tables[0].rows[0].cells[0].paragraphs
    assert left[0].text == f"UBND{NBSP}TỈNH{NBSP}THÁI{NBSP}NGUYÊN"
    assert left[1].text == f"SỞ{NBSP}Y{NBSP}TẾ\nPHÒNG{NBSP}NGHIỆP{NBSP}VỤ"
    assert title in texts(document)
    plan = load_plan(data)
    client.force_login(personas.admin)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f"SỞ{NBSP}Y{NBSP}TẾ<br>PHÒNG{NBSP}NGHIỆP{NBSP}VỤ" in page
    assert "năm 2026<br>trên địa bàn phường Bắc Kạn" in page


def test_recipients_print_under_their_sub_headings(client, personas):
    document = docx_of(ward_plan())
    lines = cell_lines(document)
    start = lines.index("Gửi bản điện tử:")
    assert lines[start + 1] == "- UBND tỉnh Thái Nguyên (b/c);"
    paper = lines.index("Gửi bản giấy:")
    assert lines[paper + 1 : paper + 3] == ["- Các tổ dân phố;", "- Lưu: VT, VHXH."]
    heading = next(
        p
        for t in document.tables
        for c in t.rows[0].cells
        for p in c.paragraphs
        if p.text == "Gửi bản giấy:"
    )
    assert all(run.italic for run in heading.runs)
    plan = load_plan(ward_plan())
    client.force_login(personas.admin)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert '<div class="small i">Gửi bản giấy:</div><div class="small">- Các tổ dân phố;</div>' in (
        page
    )
    assert "Gửi bản điện tử:" in client.get(f"/api/v1/plans/{plan.pk}").json()["recipients"]


def test_a_recipient_that_is_neither_a_text_nor_a_group_is_refused():
    with pytest.raises(ImproperlyConfigured, match=r"recipients\[0\]\.colour: unknown field"):
        load_plan(ward_plan(recipients=[{"heading": "Gửi:", "colour": "red"}]))
    with pytest.raises(ImproperlyConfigured, match=r"recipients\[1\]: must be a text"):
        load_plan(ward_plan(recipients=["Lưu: VT.", 5]))


def test_a_budget_line_draws_on_several_sources():
    plan = load_plan(ward_plan())
    line = BudgetLine.objects.get(plan=plan, text__startswith="Kinh phí tổ chức Lễ phát động")
    assert (line.source, line.sources) == ("state", ["state", "mobilised"])
    budget = plan_document(plan_with_parts(plan.pk))["budget"]
    assert [b["sources"] for b in budget] == [["state"], ["mobilised"], ["state", "mobilised"]]
    with pytest.raises(ImproperlyConfigured, match=r"budget\[0\]\.sources\[1\]: unknown code"):
        load_plan(ward_plan(budget=[{"sources": ["state", "bank"], "text": "Kinh phí"}]))


def test_the_launch_prints_its_lead_cooperating_units_and_participants():
    lines = texts(docx_of(ward_plan()))
    start = lines.index("- Đơn vị chủ trì: Phòng Văn hóa - Xã hội")
    assert lines[start + 1 : start + 4] == [
        "- Đơn vị phối hợp: Đoàn Thanh niên Cộng sản Hồ Chí Minh phường, Trường Tiểu học",
        "- Thành phần tham dự:",
        "+ Lãnh đạo Đảng ủy, HĐND, UBND, Ủy ban MTTQ Việt Nam phường;",
    ]


DEPARTMENT = {
    "assignee": "Sở Y tế",
    "label": "Đề nghị Sở Y tế",
    "marker": "letter",
    "tasks": [
        {"text": "Chủ trì tham mưu Ủy ban nhân dân tỉnh.", "role": "lead"},
        {"text": "Hướng dẫn các xã, phường.", "role": "lead"},
    ],
    "children": [
        {
            "assignee": "Phòng Bảo trợ xã hội, Trẻ em và Bình đẳng giới",
            "tasks": [{"text": "Tổng hợp kết quả của các xã, phường.", "role": "lead"}],
        },
        {
            "assignee": "Trung tâm Kiểm soát bệnh tật",
            "marker": "paragraph",
            "tasks": [{"text": "Tổ chức khám sàng lọc cho trẻ em.", "role": "cooperate"}],
        },
    ],
}


def test_tasks_print_per_assignee_labelled_as_written_with_its_divisions_under_it():
    lines = texts(docx_of(ward_plan(assignments=[DEPARTMENT, *WARD["assignments"]])))
    start = lines.index("1. Đề nghị Sở Y tế")
    assert lines[start : start + 7] == [
        "1. Đề nghị Sở Y tế",
        "a) Chủ trì tham mưu Ủy ban nhân dân tỉnh.",
        "b) Hướng dẫn các xã, phường.",
        "a) Phòng Bảo trợ xã hội, Trẻ em và Bình đẳng giới",
        "- Tổng hợp kết quả của các xã, phường.",
        "b) Trung tâm Kiểm soát bệnh tật",
        "Tổ chức khám sàng lọc cho trẻ em.",
    ]
    assert lines[start + 7] == "2. Phòng Văn hóa - Xã hội"


def test_nested_assignees_are_stored_under_their_agency():
    plan = load_plan(ward_plan(assignments=[DEPARTMENT]))
    department = Assignment.objects.get(plan=plan, parent=None)
    assert (department.assignee_label, department.printed_label) == ("Sở Y tế", "Đề nghị Sở Y tế")
    assert [d.assignee_label for d in department.divisions.order_by("order")] == [
        "Phòng Bảo trợ xã hội, Trẻ em và Bình đẳng giới",
        "Trung tâm Kiểm soát bệnh tật",
    ]


def test_a_single_paragraph_task_prints_without_a_dash_and_the_residential_groups_take_tasks():
    lines = texts(docx_of(ward_plan()))
    label = "Đề nghị Ủy ban MTTQ Việt Nam phường và các tổ chức chính trị - xã hội phường"
    start = next(i for i, line in enumerate(lines) if line.endswith(label))
    assert lines[start + 1].startswith("Phối hợp tuyên truyền, vận động đoàn viên")
    groups = next(i for i, line in enumerate(lines) if line.endswith(". Các tổ dân phố"))
    assert lines[groups + 1].startswith("- Rà soát, nắm danh sách trẻ em sinh hoạt hè")
    plan = load_plan(ward_plan())
    assert Assignment.objects.get(plan=plan, assignee_label="Các tổ dân phố").assignee_group == (
        "hamlets"
    )


def test_a_cooperating_task_without_a_named_lead_loads():
    plan = load_plan(ward_plan())
    task = Task.objects.get(
        assignment__plan=plan, text__startswith="Rà soát, nắm danh sách trẻ em sinh hoạt hè"
    )
    assert (task.role, task.lead_label) == ("cooperate", "")
    assert plan_check(plan) == []  # nothing stops the plan from being issued


def test_a_reporting_rule_inside_a_task_prints_there_once_and_is_still_the_plans_rule():
    data = ward_plan()
    rules = data.pop("reporting")
    task = data["assignments"][0]["tasks"][4]
    task["reporting"] = {key: rules[1][key] for key in ("report", "by", "to", "through", "due")}
    data["reporting"] = rules[:1]
    plan = load_plan(data)
    stored = ReportingRequirement.objects.filter(plan=plan).order_by("order")
    assert [r.report for r in stored] == [rules[0]["report"], rules[1]["report"]]
    inside = stored[1]
    assert inside.task is not None
    assert inside.task.text == task["text"]
    assert (inside.due, inside.text) == (date(2026, 7, 20), task["text"])
    lines = texts(docx_of(data))
    assert sum(line.endswith(task["text"]) for line in lines) == 1
    assert rules[0]["text"] in lines


def test_a_task_reporting_rule_with_an_unknown_field_is_refused():
    data = ward_plan()
    data["assignments"][0]["tasks"][0]["reporting"] = {"report": "Báo cáo", "colour": "red"}
    with pytest.raises(
        ImproperlyConfigured, match=r"assignments\[0\]\.tasks\[0\]\.reporting\.colour"
    ):
        load_plan(data)


def test_an_assignee_marker_outside_its_list_is_refused():
    data = ward_plan()
    data["assignments"][0]["marker"] = "*"
    with pytest.raises(ImproperlyConfigured, match=r"assignments\[0\]\.marker: unknown code"):
        load_plan(data)


def test_a_table_header_cell_spanning_past_the_header_prints_and_a_span_of_zero_is_refused():
    table = {"type": "table", "header_rows": [[{"text": "Đơn vị", "rowspan": 3}, "Số"]]}
    appendix = {"title": "BIỂU SỐ LIỆU", "blocks": [{**table, "rows": [["Tổ 1", 2]]}]}
    lines = cell_lines(docx_of(ward_plan(appendices=[appendix])))
    assert "Đơn vị" in lines
    assert "Tổ 1" in lines
    zero = {**table, "header_rows": [[{"text": "Đơn vị", "colspan": 0}]]}
    with pytest.raises(
        ImproperlyConfigured, match=r"appendices\[0\]\.blocks\[0\]\.header_rows\[0\]\[0\]\.colspan"
    ):
        load_plan(ward_plan(appendices=[{"title": "BIỂU", "blocks": [zero]}]))


def test_a_text_with_a_control_character_is_refused_by_name():
    data = ward_plan()
    data["assignments"][1]["tasks"][0]["text"] = "Khám sức khỏe\x0b cho trẻ em"
    with pytest.raises(ImproperlyConfigured, match=r"assignments\[1\]\.tasks\[0\]\.text: "):
        load_plan(data)


def test_the_migration_gives_each_existing_budget_line_its_one_source():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("vitreem.plans.migrations.0008_fields_as_written")
    plan = load_plan(ward_plan())
    BudgetLine.objects.filter(plan=plan).update(sources=[])
    migration.budget_sources(apps, None)
    assert [line.sources for line in BudgetLine.objects.filter(plan=plan).order_by("order")] == [
        ["state"],
        ["mobilised"],
        ["state"],
    ]


def test_editing_the_launch_on_screen_keeps_its_lead_cooperating_units_and_participants(
    client, personas
):
    data = ward_plan(issuer={**WARD["issuer"], "unit_code": personas.unit_a.code})
    data.update(key="thu-nghiem-le-phat-dong")
    plan = load_plan(data)
    plan.status = "draft"
    plan.save(update_fields=["status"])
    client.force_login(personas.officer_a)
    client.post(
        f"/plans/{plan.pk}/edit/",
        {"part": "launch", "held": "on", "date": "30/05/2026", "place": "Nhà văn hóa", "note": ""},
    )
    plan.refresh_from_db()
    assert plan.launch["place"] == "Nhà văn hóa"
    assert plan.launch["lead"] == "Phòng Văn hóa - Xã hội"
    assert plan.launch["participants"][2] == "Trẻ em và cha mẹ trẻ em trên địa bàn phường."
    client.force_login(personas.officer_b)
    refused = client.post(
        f"/plans/{plan.pk}/edit/", {"part": "launch", "held": "", "date": "", "place": "X"}
    )
    assert refused.status_code == 404
    plan.refresh_from_db()
    assert plan.launch["place"] == "Nhà văn hóa"
