"""The editor writes the fields as officials write them: an activity's group of Circular 28, its
own dates and implementing units in the outline (and the API's activities read them there);
recipients under their sub-headings, a launch and a plan dated to the month only, a task given to
the ward's residential groups with a month for its deadline; the API shows each assignee as
written, its nesting, and how much of each date the plan gives. Refusals change nothing."""

import io
import re
from datetime import date

import pytest
from docx import Document

from vitreem.plans.editor import OutlineRefusedError, outline_edit, outline_version
from vitreem.plans.loaders import load_plan
from vitreem.plans.models import ActivityGroup, Assignment, Plan, Task
from vitreem.plans.outline import validate_outline
from vitreem.plans.services import plan_create
from vitreem.plans.tests.test_editor import formset
from vitreem.plans.tests.test_fields_as_written import DEPARTMENT, WARD, ward_plan
from vitreem.units.services import agencies_create_standard

pytestmark = pytest.mark.django_db

PURPOSE = "0.0"  # "Mục đích", the first subsection of the skeleton


@pytest.fixture
def draft(client, personas):
    client.force_login(personas.officer_a)
    return plan_create(
        actor=personas.officer_a,
        issuer_unit=personas.unit_a,
        kind="action_month",
        year=2026,
        title="Triển khai Tháng hành động vì trẻ em năm 2026",
    )


def outline_post(client, plan, **data):
    plan.refresh_from_db()
    data.setdefault("version", outline_version(plan.outline))
    return client.post(f"/plans/{plan.pk}/outline/", data)


def node_at(plan, path):
    plan.refresh_from_db()
    nodes, node = plan.outline, None
    for index in map(int, path.split(".")):
        node = nodes[index]
        nodes = node["children"]
    return node


def edit_post(client, plan, part, data):
    return client.post(f"/plans/{plan.pk}/edit/", {"part": part, **data}, follow=True)


def docx_lines(client, plan):
    response = client.get(f"/plans/{plan.pk}/document.docx")
    document = Document(io.BytesIO(response.content))
    cells = [c for t in document.tables for r in t.rows for c in r.cells]
    return [p.text for p in document.paragraphs] + [p.text for c in cells for p in c.paragraphs]


# -- 1. an activity's group, dates and implementing units, in the outline editor ------------


def test_the_outline_knows_the_seven_groups_of_circular_28():
    from vitreem.plans.outline import ACTIVITY_GROUPS

    assert tuple(ActivityGroup.values) == ACTIVITY_GROUPS


def test_an_officer_sets_an_activitys_group_dates_and_units_in_the_editor(
    client, personas, api_client, draft
):
    response = outline_post(
        client,
        draft,
        op="edit",
        path=PURPOSE,
        kind="heading",
        marker="",
        role="activity",
        text="Tổ chức diễn đàn trẻ em",
        activity_group="participation",
        activity_start="tháng 6/2026",
        activity_end="30/06/2026",
        activity_units="Đoàn Thanh niên phường; Hội Liên hiệp Phụ nữ phường",
    )
    assert response.status_code == 302
    assert node_at(draft, PURPOSE)["activity"] == {
        "group": "participation",
        "start": "2026-06",
        "end": "2026-06-30",
        "units": ["Đoàn Thanh niên phường", "Hội Liên hiệp Phụ nữ phường"],
    }
    page = client.get(f"/plans/{draft.pk}/outline/?edit={PURPOSE}").content.decode()
    assert 'value="6/2026"' in page  # as an official writes it
    assert "Thúc đẩy sự tham gia của trẻ em" in page
    api_client.login(personas.officer_a)
    detail = api_client.get(f"/api/v1/plans/{draft.pk}").json()
    assert detail["activities"] == [
        {
            "group": "participation",
            "group_label": "Thúc đẩy sự tham gia của trẻ em",
            "heading": "Tổ chức diễn đàn trẻ em",
            "start": "2026-06",
            "start_precision": "month",
            "end": "2026-06-30",
            "end_precision": "day",
            "units": ["Đoàn Thanh niên phường", "Hội Liên hiệp Phụ nữ phường"],
        }
    ]
    assert detail["outline"][0]["children"][0]["activity"]["group"] == "participation"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"activity_group": "sports"}, "bảy nhóm của Thông tư 28/2019/TT-BLĐTBXH"),
        ({"activity_start": "32/6/2026"}, "Ngày bắt đầu “32/6/2026” không hợp lệ"),
        (
            {"activity_start": "15/06/2026", "activity_end": "5/2026"},
            "kết thúc trước khi bắt đầu",
        ),
        ({"activity_units": "a" * 301}, "dài quá 300 ký tự"),
    ],
)
def test_a_bad_activity_is_refused_in_vietnamese_and_changes_nothing(
    client, draft, fields, message
):
    outline_post(client, draft, op="edit", path=PURPOSE, role="activity", kind="heading")
    before = node_at(draft, PURPOSE)
    data = {
        "activity_group": "participation",
        "activity_start": "",
        "activity_end": "",
        "activity_units": "",
        **fields,
    }
    response = outline_post(
        client, draft, op="edit", path=PURPOSE, role="activity", kind="heading", **data
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert node_at(draft, PURPOSE) == before


def test_only_an_activity_carries_an_activitys_facts(draft, personas):
    with pytest.raises(OutlineRefusedError, match="vai trò “Hoạt động”"):
        outline_edit(
            actor=personas.officer_a,
            plan=draft,
            op="edit",
            path=PURPOSE,
            node={"role": "purpose", "activity": {"group": "summer"}},
            expected_version=outline_version(draft.outline),
        )
    with pytest.raises(Exception, match="chỉ mục có vai trò hoạt động"):
        validate_outline(
            [{"kind": "paragraph", "text": "x", "role": "intro", "activity": {"group": "summer"}}]
        )


def test_an_activity_turned_into_something_else_drops_its_facts(client, draft):
    outline_post(
        client, draft, op="edit", path=PURPOSE, role="activity", kind="heading",
        activity_group="summer", activity_start="", activity_end="", activity_units="",
    )  # fmt: skip
    assert node_at(draft, PURPOSE)["activity"]["group"] == "summer"
    response = outline_post(
        client, draft, op="edit", path=PURPOSE, role="", kind="heading",
        activity_group="summer", activity_start="", activity_end="", activity_units="",
    )  # fmt: skip
    assert response.status_code == 302
    assert "activity" not in node_at(draft, PURPOSE)


def test_the_api_sets_an_activity_and_its_activities_follow_the_outline(
    personas, api_client, draft
):
    api_client.login(personas.officer_a)
    read = api_client.get(f"/api/v1/plans/{draft.pk}/outline").json()
    response = api_client.post(
        f"/api/v1/plans/{draft.pk}/outline",
        {
            "op": "edit",
            "path": PURPOSE,
            "node": {
                "role": "activity",
                "activity": {"group": "summer", "start": "6/2026", "units": ["Các tổ dân phố"]},
            },
            "expected_version": read["version"],
        },
    )
    assert response.status_code == 200, response.content
    activities = api_client.get(f"/api/v1/plans/{draft.pk}").json()["activities"]
    assert [(a["group"], a["start"], a["units"]) for a in activities] == [
        ("summer", "2026-06", ["Các tổ dân phố"])
    ]
    # One source of truth: the outline, not the former sections the plan was made from.
    draft.refresh_from_db()
    assert not any(
        block.get("activity_group") for s in draft.sections for block in s.get("blocks", [])
    )
    version = api_client.get(f"/api/v1/plans/{draft.pk}/outline").json()["version"]
    api_client.post(
        f"/api/v1/plans/{draft.pk}/outline",
        {"op": "delete", "path": PURPOSE, "expected_version": version},
    )
    assert api_client.get(f"/api/v1/plans/{draft.pk}").json()["activities"] == []


def test_a_loaded_plans_activities_come_from_its_outline(personas):
    plan = load_plan(ward_plan(issuer={**WARD["issuer"], "unit_code": personas.unit_a.code}))
    groups = [n["activity"]["group"] for n in _activities(plan.outline)]
    assert groups == [
        "communication",
        "resources",
        "participation",
        "summer",
        "recreation",
        "safety",
        "movement",
    ]


def _activities(nodes):
    for node in nodes:
        if node["role"] == "activity":
            yield node
        yield from _activities(node["children"])


# -- 2. the edit steps write recipients' groups, a month-only launch and plan date ----------


def test_recipients_are_written_under_their_sub_headings(client, personas, api_client, draft):
    rows = [
        {"text": "Gửi bản điện tử:", "heading": "on"},
        {"text": "UBND tỉnh (b/c);"},
        {"text": "Sở Y tế;"},
        {"text": "Gửi bản giấy:", "heading": "on"},
        {"text": "Lưu: VT."},
    ]
    response = edit_post(client, draft, "recipients", formset("recipients", rows))
    assert "Đã lưu." in response.content.decode()
    draft.refresh_from_db()
    assert draft.recipients == [
        {"heading": "Gửi bản điện tử:", "items": ["UBND tỉnh (b/c);", "Sở Y tế;"]},
        {"heading": "Gửi bản giấy:", "items": ["Lưu: VT."]},
    ]
    lines = docx_lines(client, draft)
    start = lines.index("Gửi bản điện tử:")
    assert lines[start : start + 5] == [
        "Gửi bản điện tử:",
        "- UBND tỉnh (b/c);",
        "- Sở Y tế;",
        "Gửi bản giấy:",
        "- Lưu: VT.",
    ]
    api_client.login(personas.officer_a)
    assert api_client.get(f"/api/v1/plans/{draft.pk}").json()["recipient_groups"] == [
        {"heading": "Gửi bản điện tử:", "recipients": ["UBND tỉnh (b/c);", "Sở Y tế;"]},
        {"heading": "Gửi bản giấy:", "recipients": ["Lưu: VT."]},
    ]
    page = client.get(f"/plans/{draft.pk}/edit/?step=recipients").content.decode()
    assert re.search(r'name="recipients-0-heading"[^>]* checked', page)
    assert not re.search(r'name="recipients-1-heading"[^>]* checked', page)


def test_a_sub_heading_without_recipients_is_refused_and_nothing_changes(client, draft):
    rows = [{"text": "Sở Y tế;"}, {"text": "Gửi bản giấy:", "heading": "on"}]
    response = edit_post(client, draft, "recipients", formset("recipients", rows))
    assert "Nhóm nơi nhận “Gửi bản giấy:” chưa có nơi nhận nào" in response.content.decode()
    draft.refresh_from_db()
    assert draft.recipients == ["Lưu: VT."]


LAUNCH = {"held": "on", "place": "Nhà văn hóa tổ 5", "agenda": "", "note": ""}


def test_the_launch_may_be_dated_to_the_month_only(client, draft):
    response = edit_post(client, draft, "launch", {**LAUNCH, "date": "5/2026"})
    assert "Đã lưu." in response.content.decode()
    draft.refresh_from_db()
    assert draft.launch["date"] == "2026-05"
    assert "Thời gian: 5/2026" in " ".join(docx_lines(client, draft))
    page = client.get(f"/plans/{draft.pk}/edit/?step=launch").content.decode()
    assert 'value="5/2026"' in page


def test_the_launch_step_writes_its_lead_cooperating_units_and_participants(client, draft):
    data = {
        **LAUNCH,
        "date": "30/05/2026",
        "lead": "UBND phường",
        "cooperating": "Đoàn Thanh niên phường\nHội Liên hiệp Phụ nữ phường\n",
        "participants": "Lãnh đạo UBND phường\n\nĐại diện các tổ dân phố",
    }
    edit_post(client, draft, "launch", data)
    draft.refresh_from_db()
    assert draft.launch["lead"] == "UBND phường"
    assert draft.launch["cooperating"] == ["Đoàn Thanh niên phường", "Hội Liên hiệp Phụ nữ phường"]
    assert draft.launch["participants"] == ["Lãnh đạo UBND phường", "Đại diện các tổ dân phố"]


@pytest.mark.parametrize("day", ["32/5/2026", "13/2026", "tháng năm", "5/1900"])
def test_a_launch_date_that_is_no_date_is_refused_and_nothing_changes(client, draft, day):
    edit_post(client, draft, "launch", {**LAUNCH, "date": "30/05/2026"})
    draft.refresh_from_db()
    before = dict(draft.launch)
    response = edit_post(client, draft, "launch", {**LAUNCH, "date": day, "place": "Khác"})
    assert "Đã lưu." not in response.content.decode()
    assert "Ngày" in response.content.decode()
    draft.refresh_from_db()
    assert draft.launch == before


def header(plan, **changes):
    data = {
        "title": plan.title,
        "symbol": plan.symbol,
        "place": plan.place,
        "period_start": "01/06/2026",
        "period_end": "30/06/2026",
    }
    return {**data, **changes}


def test_the_plan_may_be_dated_to_the_month_only(client, draft):
    response = edit_post(client, draft, "header", header(draft, issued="5/2026"))
    assert "Đã lưu." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.issued_on, draft.issued_on_precision) == (date(2026, 5, 1), "month")
    assert any("ngày      tháng 5 năm 2026" in line for line in docx_lines(client, draft))
    page = client.get(f"/plans/{draft.pk}/edit/?step=header").content.decode()
    assert 'value="5/2026"' in page
    # Cleared again: the day and the month are left blank.
    edit_post(client, draft, "header", header(draft, issued=""))
    draft.refresh_from_db()
    assert draft.issued_on is None


def test_a_plan_date_that_is_no_date_is_refused_and_nothing_changes(client, draft):
    response = edit_post(client, draft, "header", header(draft, issued="31/02/2026", scope="X"))
    assert "Ngày không hợp lệ: hãy viết dd/mm/yyyy, chỉ tháng mm/yyyy" in response.content.decode()
    draft.refresh_from_db()
    assert draft.issued_on is None
    assert draft.scope != "X"


# -- 3 and 4. tasks to the residential groups, a month for a deadline; the API shows them ---


def test_a_ward_gives_a_task_to_its_residential_groups_due_within_a_month(
    client, personas, api_client, draft
):
    agencies_create_standard(actor=None, unit=personas.unit_a)
    page = client.get(f"/plans/{draft.pk}/edit/?step=tasks").content.decode()
    assert '<option value="hamlets">Các tổ dân phố</option>' in page
    rows = [
        {
            "agency": "hamlets",
            "text": "Rà soát danh sách trẻ em sinh hoạt hè tại tổ dân phố.",
            "role": "lead",
            "start_on": "",
            "due_on": "6/2026",
        }
    ]
    response = edit_post(client, draft, "tasks", formset("tasks", rows))
    assert "Đã lưu." in response.content.decode()
    assignment = Assignment.objects.get(plan=draft)
    assert (assignment.assignee_group, assignment.assignee_label) == ("hamlets", "Các tổ dân phố")
    task = Task.objects.get(assignment=assignment)
    assert (task.due_on, task.due_precision) == (date(2026, 6, 30), "month")
    page = client.get(f"/plans/{draft.pk}/edit/?step=tasks").content.decode()
    assert 'value="6/2026"' in page
    assert '<option value="hamlets" selected>Các tổ dân phố</option>' in page
    lines = docx_lines(client, draft)
    assert "1. Các tổ dân phố" in lines
    api_client.login(personas.officer_a)
    (given,) = api_client.get(f"/api/v1/plans/{draft.pk}").json()["assignments"]
    assert given["assignee_group"] == "hamlets"
    assert given["tasks"][0]["due"] == "2026-06"
    assert given["tasks"][0]["due_precision"] == "month"
    assert given["tasks"][0]["due_on"] == "2026-06-30"


def test_a_group_of_another_level_is_refused_and_nothing_changes(client, personas, draft):
    agencies_create_standard(actor=None, unit=personas.unit_a)
    rows = [{"agency": "districts", "text": "Nhiệm vụ", "role": "lead", "due_on": ""}]
    response = edit_post(client, draft, "tasks", formset("tasks", rows))
    assert "Đã lưu." not in response.content.decode()
    assert not Assignment.objects.filter(plan=draft).exists()


def test_the_api_shows_assignees_as_written_nested_and_dates_with_their_precision(
    personas, api_client
):
    department = {
        **DEPARTMENT,
        "tasks": [
            {**DEPARTMENT["tasks"][0], "start": "2026-06", "due": "2026-06-30"},
            DEPARTMENT["tasks"][1],
        ],
    }
    plan = load_plan(ward_plan(assignments=[department, *WARD["assignments"]]))
    Plan.objects.filter(pk=plan.pk).update(status="issued")
    api_client.login(personas.admin)
    assignments = api_client.get(f"/api/v1/plans/{plan.pk}").json()["assignments"]
    head, first, second = assignments[:3]
    assert (head["assignee"], head["label"], head["printed_label"]) == (
        "Sở Y tế",
        "Đề nghị Sở Y tế",
        "Đề nghị Sở Y tế",
    )
    assert (head["parent_id"], head["depth"], head["task_marker"]) == (None, 0, "letter")
    assert head["divisions"] == [first["id"], second["id"]]
    assert (first["parent_id"], first["depth"]) == (head["id"], 1)
    assert first["printed_label"] == "Phòng Bảo trợ xã hội, Trẻ em và Bình đẳng giới"
    assert second["task_marker"] == "paragraph"
    task = head["tasks"][0]
    assert (task["start"], task["start_precision"], task["start_on"]) == (
        "2026-06",
        "month",
        "2026-06-01",
    )
    assert (task["due"], task["due_precision"]) == ("2026-06-30", "day")
    assert head["tasks"][1]["due"] is None
    assert head["tasks"][1]["due_precision"] is None


def test_the_migration_gives_a_stored_outlines_activities_their_groups(personas):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("vitreem.plans.migrations.0010_outline_activity_groups")
    plan = load_plan(ward_plan(issuer={**WARD["issuer"], "unit_code": personas.unit_a.code}))
    grouped = [n["activity"]["group"] for n in _activities(plan.outline)]

    def strip(nodes):
        for node in nodes:
            node.pop("activity", None)
            strip(node["children"])

    strip(plan.outline)
    Plan.objects.filter(pk=plan.pk).update(outline=plan.outline)
    migration.fill_groups(apps, None)
    plan.refresh_from_db()
    assert [n["activity"]["group"] for n in _activities(plan.outline)] == grouped


def test_a_copy_into_next_year_moves_an_activitys_own_dates(client, personas, draft):
    from vitreem.plans.services import plan_copy_previous

    outline_post(
        client, draft, op="edit", path=PURPOSE, role="activity", kind="heading",
        activity_group="summer", activity_start="6/2026", activity_end="31/07/2026",
        activity_units="Các tổ dân phố",
    )  # fmt: skip
    copied = plan_copy_previous(actor=personas.officer_a, source=draft, year=2027).plan
    facts = copied.outline[0]["children"][0]["activity"]
    assert (facts["group"], facts["start"], facts["end"]) == ("summer", "2027-06", "2027-07-31")


def test_a_draft_dated_to_the_month_is_dated_in_full_when_issued(client, personas, draft):
    from vitreem.plans.services import plan_issue

    edit_post(client, draft, "header", header(draft, issued="5/2026"))
    draft.refresh_from_db()
    issued = plan_issue(
        actor=personas.leader_a,
        plan=draft,
        issued_on=date(2026, 5, 20),
        confirm_unassigned=True,
    )
    issued.refresh_from_db()
    assert (issued.issued_on, issued.issued_on_precision) == (date(2026, 5, 20), "day")
    assert any("ngày 20 tháng 5 năm 2026" in line for line in docx_lines(client, issued))


@pytest.mark.parametrize(
    ("activity", "status"),
    [
        ({"group": "sports"}, 422),
        ({"start": "32/6/2026"}, 422),
        ({"units": ["x"] * 21}, 422),
        ({"start": "7/2026", "end": "6/2026"}, 422),
    ],
)
def test_the_api_refuses_a_bad_activity_and_changes_nothing(
    personas, api_client, draft, activity, status
):
    api_client.login(personas.officer_a)
    read = api_client.get(f"/api/v1/plans/{draft.pk}/outline").json()
    response = api_client.post(
        f"/api/v1/plans/{draft.pk}/outline",
        {
            "op": "edit",
            "path": PURPOSE,
            "node": {"role": "activity", "activity": activity},
            "expected_version": read["version"],
        },
    )
    assert response.status_code == status
    assert api_client.get(f"/api/v1/plans/{draft.pk}/outline").json()["version"] == read["version"]


def test_an_activitys_heading_is_its_own_words_without_the_text_after_the_colon(
    client, personas, api_client, draft
):
    outline_post(
        client, draft, op="edit", path=PURPOSE, role="activity", kind="heading",
        text="**Hoạt động truyền thông:** Tổ chức tuyên truyền trên loa truyền thanh",
        activity_group="communication", activity_start="", activity_end="", activity_units="",
    )  # fmt: skip
    api_client.login(personas.officer_a)
    (activity,) = api_client.get(f"/api/v1/plans/{draft.pk}").json()["activities"]
    assert activity["heading"] == "Hoạt động truyền thông"
