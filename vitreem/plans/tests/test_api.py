import io
from datetime import date

import pytest
from docx import Document

from conftest import PRE_REFORM_DAY, unit
from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.plans.loaders import load_plan_files
from vitreem.plans.models import Plan, PlanStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(db):
    return {p.key: p for p in load_plan_files()}


@pytest.fixture
def draft_a(personas):
    return Plan.objects.create(
        issuer_unit=personas.unit_a,
        header_name="Ủy ban nhân dân phường Bắc Kạn",
        kind="action_month",
        status=PlanStatus.DRAFT,
        year=2026,
        place="Bắc Kạn",
        title="Triển khai Tháng hành động vì trẻ em năm 2026",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )


def token_client(client, user):
    from vitreem.accounts.services import token_issue

    headers = {"Authorization": f"Bearer {token_issue(user=user)}"}
    return lambda path: client.get(path, headers=headers)


def test_city_officer_lists_and_reads_the_city_plan(client, personas, seeds):
    get = token_client(client, personas.old_officer)
    body = get("/api/v1/plans?year=2021").json()
    titles = [i["title"] for i in body["items"]]
    assert "Triển khai Tháng hành động vì trẻ em năm 2021" in titles
    plan = seeds["bac-kan-city-2021-action-month"]
    detail = get(f"/api/v1/plans/{plan.pk}").json()
    assert detail["issuer_code"] == "058"
    assert detail["theme"].startswith("Chung tay bảo đảm thực hiện quyền trẻ em")
    assert sum(len(a["tasks"]) for a in detail["assignments"]) == 20
    assert detail["reporting"][0]["due"] == "2021-07-03"


def test_a_ward_below_reads_the_issued_city_plan(client, seeds):
    ward_officer = MembershipFactory(
        user=UserFactory(username="canbo.songcau"), unit=unit("01837", PRE_REFORM_DAY)
    ).user
    plan = seeds["bac-kan-city-2021-action-month"]
    assert token_client(client, ward_officer)(f"/api/v1/plans/{plan.pk}").status_code == 200


def test_other_provinces_and_eras_do_not_see_the_plan(client, personas, seeds):
    plan = seeds["bac-kan-city-2021-action-month"]
    get = token_client(client, personas.officer_a)
    assert get(f"/api/v1/plans/{plan.pk}").status_code == 404
    assert get("/api/v1/plans?year=2021").json()["count"] == 0


def test_a_draft_is_hidden_from_another_commune_but_read_by_the_province(client, personas, draft_a):
    assert (
        token_client(client, personas.officer_b)(f"/api/v1/plans/{draft_a.pk}").status_code == 404
    )
    assert (
        token_client(client, personas.supervisor)(f"/api/v1/plans/{draft_a.pk}").status_code == 200
    )
    assert (
        token_client(client, personas.officer_a)(f"/api/v1/plans/{draft_a.pk}").status_code == 200
    )


def test_document_is_a_word_file_of_the_plan(client, personas, seeds):
    plan = seeds["hai-phong-2024-action-month"]
    response = token_client(client, personas.admin)(f"/api/v1/plans/{plan.pk}/document")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    assert any(
        p.text == "Lê Khắc Nam"
        for t in document.tables
        for c in t.columns[1].cells
        for p in c.paragraphs
    )


def test_document_of_a_hidden_plan_is_404(client, personas, draft_a):
    response = token_client(client, personas.officer_b)(f"/api/v1/plans/{draft_a.pk}/document")
    assert response.status_code == 404


def test_unknown_plan_is_404_and_bad_year_422(client, personas):
    get = token_client(client, personas.admin)
    assert get("/api/v1/plans/999999").status_code == 404
    assert get("/api/v1/plans?year=hai-nghin").status_code == 422


def test_plan_list_costs_a_fixed_number_of_queries(
    client, personas, seeds, django_assert_max_num_queries
):
    get = token_client(client, personas.admin)
    with django_assert_max_num_queries(6):
        assert get("/api/v1/plans").json()["count"] == len(seeds)


@pytest.fixture
def issued_task(personas):
    from vitreem.plans.models import Assignment, Task

    plan = Plan.objects.create(
        issuer_unit=personas.unit_a,
        header_name="UBND PHƯỜNG BẮC KẠN",
        kind="action_month",
        status=PlanStatus.ISSUED,
        year=2026,
        place="Bắc Kạn",
        title="Kế hoạch",
        number=3,
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    assignment = Assignment.objects.create(
        plan=plan, assignee_label="Phường Bắc Kạn", assignee_unit=personas.unit_a
    )
    return Task.objects.create(
        assignment=assignment, text="Tổ chức diễn đàn trẻ em", role="lead", due_on=date(2026, 6, 20)
    )


def test_unit_tasks_and_progress_through_the_api(client, personas, issued_task):
    from vitreem.accounts.services import token_issue

    headers = {"Authorization": f"Bearer {token_issue(user=personas.officer_a)}"}
    tasks = client.get("/api/v1/units/01843/tasks", headers=headers).json()
    assert [t["text"] for t in tasks] == ["Tổ chức diễn đàn trẻ em"]
    assert tasks[0]["plan_number"] == "3/KH-UBND"
    response = client.post(
        f"/api/v1/tasks/{issued_task.pk}/progress",
        {"status": "in_progress", "note": "Đã mời 40 em"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    issued_task.refresh_from_db()
    assert issued_task.status == "in_progress"


def test_another_commune_neither_lists_nor_reports_the_tasks(client, personas, issued_task):
    from vitreem.accounts.services import token_issue

    headers = {"Authorization": f"Bearer {token_issue(user=personas.officer_b)}"}
    assert client.get("/api/v1/units/01843/tasks", headers=headers).status_code == 404
    response = client.post(
        f"/api/v1/tasks/{issued_task.pk}/progress",
        {"status": "done"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404
    issued_task.refresh_from_db()
    assert issued_task.status == "not_started"


def test_progress_with_an_unknown_status_is_422(client, personas, issued_task):
    from vitreem.accounts.services import token_issue

    headers = {"Authorization": f"Bearer {token_issue(user=personas.officer_a)}"}
    response = client.post(
        f"/api/v1/tasks/{issued_task.pk}/progress",
        {"status": "xong"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert "status" in response.json()["detail"]


def test_activities_carry_the_seven_groups_of_circular_28(client, personas, seeds):
    get = token_client(client, personas.admin)
    detail = get(f"/api/v1/plans/{seeds['bac-kan-province-2021-action-month'].pk}").json()
    assert [a["group"] for a in detail["activities"]] == [
        "communication",
        "resources",
        "participation",
        "summer",
        "recreation",
        "safety",
        "movement",
    ]
    assert detail["activities"][0]["group_label"] == "Truyền thông"
