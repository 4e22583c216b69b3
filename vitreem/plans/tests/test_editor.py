"""Drafting a plan from scratch: header, targets, tasks; bad input refused, nothing saved."""

import io

import pytest
from docx import Document

from vitreem.plans.editor import outline_version
from vitreem.plans.models import Plan, Target, Task
from vitreem.units.services import agencies_create_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client, personas):
    agencies_create_standard(actor=None, unit=personas.unit_a)
    client.force_login(personas.officer_a)
    response = client.post(
        "/plans/new/",
        {
            "unit": personas.unit_a.pk,
            "kind": "action_month",
            "year": "2026",
            "title": "Triển khai Tháng hành động vì trẻ em năm 2026",
        },
    )
    plan = Plan.objects.get(issuer_unit=personas.unit_a)
    assert response["Location"] == f"/plans/{plan.pk}/edit/"
    return plan


def formset(prefix, rows, total_initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(total_initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_new_plan_starts_with_the_skeleton_and_the_years_theme(client, draft):
    assert draft.status == "draft"
    assert draft.theme == "Trẻ em hạnh phúc, an toàn, vững bước trong kỷ nguyên số"
    assert (draft.period_start.isoformat(), draft.period_end.isoformat()) == (
        "2026-06-01",
        "2026-06-30",
    )
    document = Document(io.BytesIO(client.get(f"/plans/{draft.pk}/document.docx").content))
    texts = [p.text for p in document.paragraphs]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in texts
    assert "1. Chủ đề: “Trẻ em hạnh phúc, an toàn, vững bước trong kỷ nguyên số”" in texts
    assert "2. Thời gian: Từ ngày 01/6/2026 đến ngày 30/6/2026" in texts  # as plans write it


def test_header_with_a_period_outside_the_year_is_refused(client, draft):
    response = client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "header",
            "symbol": "KH-UBND",
            "title": draft.title,
            "place": "Bắc Kạn",
            "period_start": "01/06/2025",
            "period_end": "30/06/2025",
        },
        follow=True,
    )
    assert "Thời gian thực hiện phải nằm trong năm của kế hoạch." in response.content.decode()
    draft.refresh_from_db()
    assert draft.period_start.year == 2026


def test_period_end_before_start_is_refused_in_vietnamese(client, draft):
    response = client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "header",
            "symbol": "KH-UBND",
            "title": draft.title,
            "place": "Bắc Kạn",
            "period_start": "30/06/2026",
            "period_end": "01/06/2026",
        },
        follow=True,
    )
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()


def test_targets_and_tasks_are_saved_and_printed(client, draft, personas):
    client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "targets",
            **formset(
                "targets",
                [
                    {
                        "text": "100% trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế",
                        "value": "100",
                        "unit": "%",
                    },
                ],
            ),
        },
    )
    health = draft.issuer_unit.agencies.get(name="Trạm Y tế phường")
    youth = draft.issuer_unit.agencies.get(name="Đoàn Thanh niên Cộng sản Hồ Chí Minh phường")
    client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "tasks",
            **formset(
                "tasks",
                [
                    {
                        "agency": health.pk,
                        "text": "Khám sàng lọc cho trẻ em",
                        "role": "lead",
                        "due_on": "20/06/2026",
                    },
                    {
                        "agency": youth.pk,
                        "text": "Tổ chức diễn đàn trẻ em",
                        "role": "lead",
                        "due_on": "25/06/2026",
                    },
                ],
            ),
        },
    )
    assert Target.objects.get(plan=draft).value == 100
    assert Task.objects.filter(assignment__plan=draft).count() == 2
    texts = [
        p.text
        for p in Document(
            io.BytesIO(client.get(f"/plans/{draft.pk}/document.docx").content)
        ).paragraphs
    ]
    assert "- 100% trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế" in texts
    assert "2. Đoàn Thanh niên Cộng sản Hồ Chí Minh phường" in texts


def test_a_task_due_before_it_starts_changes_nothing(client, draft):
    health = draft.issuer_unit.agencies.get(name="Trạm Y tế phường")
    client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "tasks",
            **formset(
                "tasks",
                [
                    {
                        "agency": health.pk,
                        "text": "Khám sàng lọc",
                        "role": "lead",
                        "due_on": "20/06/2026",
                    },
                ],
            ),
        },
    )
    response = client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "tasks",
            **formset(
                "tasks",
                [
                    {
                        "agency": health.pk,
                        "text": "Khám lại",
                        "role": "lead",
                        "start_on": "20/06/2026",
                        "due_on": "10/06/2026",
                    },
                    {"agency": health.pk, "text": "Phối hợp tuyên truyền", "role": "cooperate"},
                ],
            ),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Dòng 1: hạn hoàn thành trước ngày bắt đầu." in page
    assert "Dòng 2: nhiệm vụ phối hợp phải ghi đơn vị chủ trì." in page
    assert list(Task.objects.filter(assignment__plan=draft).values_list("text", flat=True)) == [
        "Khám sàng lọc"
    ]


def test_another_commune_cannot_open_the_editor(client, draft, personas):
    client.force_login(personas.officer_b)
    assert client.get(f"/plans/{draft.pk}/edit/").status_code == 404
    client.force_login(personas.viewer)
    assert client.get(f"/plans/{draft.pk}/edit/").status_code == 403


def outline_post(client, plan, **data):
    plan.refresh_from_db()
    return client.post(
        f"/plans/{plan.pk}/outline/", {"version": outline_version(plan.outline), **data}
    )


def test_sections_are_edited_in_the_outline_and_keep_their_typed_parts(client, draft):
    response = outline_post(
        client,
        draft,
        op="add",
        path="0.0",
        where="child",
        kind="item",
        marker="-",
        text="Nâng cao nhận thức về quyền trẻ em.",
    )
    assert response.status_code == 302
    outline_post(client, draft, op="add", path="0.0.0", text="Huy động nguồn lực cho trẻ em.")
    outline_post(client, draft, op="edit", path="2", text="MỤC TIÊU CỤ THỂ")
    outline_post(
        client,
        draft,
        op="insert",
        path="2.0",
        kind="paragraph",
        text="Phấn đấu đạt các chỉ tiêu sau:",
    )
    draft.refresh_from_db()
    purpose = draft.outline[0]["children"][0]["children"]
    assert [(n["marker"], n["text"]) for n in purpose] == [
        ("-", "Nâng cao nhận thức về quyền trẻ em."),
        ("-", "Huy động nguồn lực cho trẻ em."),
    ]
    assert [(n["kind"], n["role"]) for n in draft.outline[2]["children"]] == [
        ("paragraph", None),
        ("paragraph", "targets"),
    ]
    texts = [
        p.text
        for p in Document(
            io.BytesIO(client.get(f"/plans/{draft.pk}/document.docx").content)
        ).paragraphs
    ]
    assert "- Huy động nguồn lực cho trẻ em." in texts
    assert "III. MỤC TIÊU CỤ THỂ" in texts


def test_an_empty_section_heading_is_refused(client, draft):
    response = outline_post(client, draft, op="edit", path="1", text="")
    assert response.status_code == 422
    assert "trống" in response.content.decode()
    draft.refresh_from_db()
    assert draft.outline[1]["text"] == "CHỦ ĐỀ, THỜI GIAN, PHẠM VI TRIỂN KHAI"


def test_slogans_budget_and_reporting_lists(client, draft):
    client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "slogans",
            **formset(
                "slogans",
                [
                    {"text": "Trẻ em hạnh phúc, an toàn, vững bước trong kỷ nguyên số."},
                    {"text": "Tổng đài 111 - tiếp nhận thông tin mọi lúc, bảo vệ trẻ em mọi nơi."},
                ],
            ),
        },
    )
    client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "budget",
            **formset(
                "budget",
                [
                    {
                        "source": "state",
                        "text": "Ngân sách phường: 30.000.000 đồng",
                        "amount": "30000000",
                    },
                ],
            ),
        },
    )
    client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "reporting",
            **formset(
                "reporting",
                [
                    {
                        "report": "Báo cáo kết quả",
                        "to": "UBND phường",
                        "due": "05/07/2026",
                        "text": "Các cơ quan gửi báo cáo về UBND phường trước ngày 05/7/2026.",
                    },
                ],
            ),
        },
    )
    draft.refresh_from_db()
    assert len(draft.slogans) == 2
    assert draft.budget_lines.get().amount == 30_000_000
    assert draft.reporting.get().due.isoformat() == "2026-07-05"
    bad = client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "budget",
            **formset(
                "budget",
                [
                    {"source": "state", "text": "Âm", "amount": "-5"},
                ],
            ),
        },
    )
    assert bad.status_code == 200
    assert draft.budget_lines.get().amount == 30_000_000


def test_opening_launch_awards_and_recipients(client, draft):
    outline_post(
        client,
        draft,
        op="insert",
        path="0",
        kind="paragraph",
        role="basis",
        text="*Căn cứ Luật Trẻ em năm 2016;*",
    )
    client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "launch",
            "held": "on",
            "date": "30/05/2026",
            "place": "Nhà văn hóa phường",
            "agenda": "Văn nghệ chào mừng\nPhát biểu phát động",
            "note": "",
        },
    )
    client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "awards",
            **formset(
                "awards",
                [
                    {
                        "text": "Tặng Giấy khen cho nhà hảo tâm ủng hộ từ 50.000.000 đồng trở lên.",
                        "threshold": "50000000",
                    },
                ],
            ),
        },
    )
    client.post(
        f"/plans/{draft.pk}/edit/",
        {
            "part": "recipients",
            **formset(
                "recipients",
                [
                    {"text": "UBND tỉnh (b/c);"},
                    {"text": "Lưu: VT, VHXH."},
                ],
            ),
        },
    )
    draft.refresh_from_db()
    assert draft.outline[0]["role"] == "basis"
    assert draft.launch["date"] == "2026-05-30"
    assert draft.award_rules.get().threshold == 50_000_000
    document = Document(io.BytesIO(client.get(f"/plans/{draft.pk}/document.docx").content))
    texts = [p.text for p in document.paragraphs]
    basis = next(p for p in document.paragraphs if p.text == "Căn cứ Luật Trẻ em năm 2016;")
    assert all(run.italic for run in basis.runs)
    assert "- Thời gian: 30/5/2026" in texts  # as plans write it
    assert "+ Phát biểu phát động" in texts
    assert "- Tặng Giấy khen cho nhà hảo tâm ủng hộ từ 50.000.000 đồng trở lên." in texts
    cells = [p.text for t in document.tables for c in t.columns[0].cells for p in c.paragraphs]
    assert "- Lưu: VT, VHXH." in cells


def test_a_launch_without_a_date_is_refused(client, draft):
    response = client.post(
        f"/plans/{draft.pk}/edit/", {"part": "launch", "held": "on", "place": "Sân"}
    )
    assert "Lễ phát động cần có ngày." in response.content.decode()
    draft.refresh_from_db()
    assert draft.launch == {}


def test_an_agency_issues_a_sector_plan_under_its_committee(client, personas):
    agencies_create_standard(actor=None, unit=personas.unit_a)
    office = personas.unit_a.agencies.get(name="Phòng Văn hóa - Xã hội")
    client.force_login(personas.officer_a)
    client.post(
        "/plans/new/",
        {
            "unit": personas.unit_a.pk,
            "agency": office.pk,
            "kind": "sector",
            "year": "2026",
            "title": "Truyền thông về quyền trẻ em năm 2026",
        },
    )
    plan = Plan.objects.get(issuer_unit=personas.unit_a)
    assert plan.issuer_agency == office
    header = Document(io.BytesIO(client.get(f"/plans/{plan.pk}/document.docx").content)).tables[0]
    issuer = header.rows[0].cells[0].text.replace("\u00a0", " ").split("\n")
    assert issuer[:3] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG BẮC KẠN", "PHÒNG VĂN HÓA - XÃ HỘI"]


def test_an_agency_of_another_unit_is_refused(client, personas):
    agencies_create_standard(actor=None, unit=personas.unit_b)
    client.force_login(personas.officer_a)
    response = client.post(
        "/plans/new/",
        {
            "unit": personas.unit_a.pk,
            "agency": personas.unit_b.agencies.first().pk,
            "kind": "sector",
            "year": "2026",
            "title": "Kế hoạch",
        },
    )
    assert response.status_code == 200
    assert not Plan.objects.exists()
