"""Agency members: the agency's own tasks, reports and plans, and nothing else of the unit."""

from datetime import date

import pytest

from vitreem.accounts.models import AgencyMembership, User
from vitreem.accounts.tests.factories import UserFactory
from vitreem.plans.models import Assignment, Plan, Task, TaskProgress
from vitreem.units.models import Agency

pytestmark = pytest.mark.django_db


def agency(unit, name: str, kind: str) -> Agency:
    return Agency.objects.create(unit=unit, name=name, kind=kind, valid_from=unit.valid_from)


def agency_member(username: str, agency_: Agency, role: str):
    UserFactory(username=username)
    user = User.objects.get(username=username)
    AgencyMembership.objects.create(user=user, agency=agency_, role=role)
    return user


@pytest.fixture
def ward(personas):
    """Phường Bắc Kạn's police and school, each with its officers, and the ward's issued plan
    giving two tasks to the police, one to the school, one to all agencies and one to the ward."""
    unit = personas.unit_a
    police = agency(unit, "Công an phường Bắc Kạn", "police")
    school = agency(unit, "Trường Tiểu học Đức Xuân", "school")
    plan = Plan.objects.create(
        issuer_unit=unit,
        number=12,
        header_name="Ủy ban nhân dân phường Bắc Kạn",
        title="Kế hoạch Tháng hành động vì trẻ em năm 2026",
        status="issued",
        kind="action_month",
        year=2026,
        place="Bắc Kạn",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )

    def tasks(order: int, texts: list[str], **assignee) -> list[Task]:
        assignment = Assignment.objects.create(plan=plan, order=order, **assignee)
        return [
            Task.objects.create(assignment=assignment, order=i, text=text, role="lead")
            for i, text in enumerate(texts)
        ]

    police_tasks = tasks(
        1,
        ["Bảo đảm an ninh khu vui chơi", "Tuyên truyền phòng, chống xâm hại trẻ em"],
        assignee_label=police.name,
        assignee_agency=police,
    )
    school_tasks = tasks(
        2, ["Tổ chức diễn đàn học sinh"], assignee_label=school.name, assignee_agency=school
    )
    group_tasks = tasks(
        3,
        ["Báo cáo kết quả Tháng hành động"],
        assignee_label="Các cơ quan, ban, ngành",
        assignee_group="agencies",
    )
    ward_tasks = tasks(
        4, ["Rà soát trẻ em có hoàn cảnh đặc biệt"], assignee_label=unit.name, assignee_unit=unit
    )

    class Ward:
        pass

    w = Ward()
    w.unit, w.police, w.school, w.plan = unit, police, school, plan
    w.police_tasks, w.school_tasks, w.group_tasks, w.ward_tasks = (
        police_tasks,
        school_tasks,
        group_tasks,
        ward_tasks,
    )
    w.police_officer = agency_member("congan.backan", police, "officer")
    w.police_viewer = agency_member("xem.congan", police, "viewer")
    w.police_leader = agency_member("truongcongan.backan", police, "leader")
    w.school_officer = agency_member("truong.ducxuan", school, "officer")
    return w


def test_an_agency_officer_lists_only_the_agencys_tasks(client, ward):
    client.force_login(ward.police_officer)
    page = client.get("/plans/tasks/").content.decode()
    for task in ward.police_tasks + ward.group_tasks:
        assert task.text in page
    for task in ward.school_tasks + ward.ward_tasks:
        assert task.text not in page


def test_an_agency_officer_reports_progress_for_the_agency(client, api_client, ward):
    client.force_login(ward.police_officer)
    task = ward.police_tasks[0]
    response = client.post(
        f"/plans/tasks/{task.pk}/", {"status": "in_progress", "note": "Đã bố trí 4 tổ tuần tra"}
    )
    assert response.status_code == 302
    progress = TaskProgress.objects.get(task=task)
    assert progress.agency == ward.police
    assert progress.note == "Đã bố trí 4 tổ tuần tra"

    api_client.login(ward.police_officer)
    group = ward.group_tasks[0]
    assert (
        api_client.post(f"/api/v1/tasks/{group.pk}/progress", {"status": "done"}).status_code == 201
    )
    assert TaskProgress.objects.get(task=group).agency == ward.police


def test_another_agencys_task_and_the_units_tasks_are_hidden(client, api_client, ward):
    client.force_login(ward.police_officer)
    for task in ward.school_tasks + ward.ward_tasks:
        assert client.get(f"/plans/tasks/{task.pk}/").status_code == 404
        assert client.post(f"/plans/tasks/{task.pk}/", {"status": "done"}).status_code == 404
    api_client.login(ward.police_officer)
    other = ward.school_tasks[0]
    assert (
        api_client.post(f"/api/v1/tasks/{other.pk}/progress", {"status": "done"}).status_code == 404
    )
    assert not TaskProgress.objects.exists()


def test_an_agency_viewer_reads_but_may_not_report(client, ward):
    client.force_login(ward.police_viewer)
    task = ward.police_tasks[0]
    assert client.get(f"/plans/tasks/{task.pk}/").status_code == 200
    assert client.post(f"/plans/tasks/{task.pk}/", {"status": "done"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "not_started"
    assert not TaskProgress.objects.exists()


def test_an_agency_member_never_reaches_the_units_other_data(client, api_client, ward):
    code = ward.unit.code
    client.force_login(ward.police_officer)
    for path in (
        f"/children/?unit={code}",
        f"/children/new/?unit={code}",
        f"/units/{code}/members/?as_of=01/06/2026",
        f"/children/reads/?unit={code}",
    ):
        assert client.get(path).status_code == 404, path
    api_client.login(ward.police_officer)
    assert api_client.get(f"/api/v1/children?unit={code}").status_code == 404
    assert api_client.get(f"/api/v1/units/{code}/tasks?as_of=2026-06-01").status_code == 404


def test_plans_an_agency_reads(client, personas, ward):
    draft = Plan.objects.create(
        issuer_unit=ward.unit,
        header_name="Ủy ban nhân dân phường Bắc Kạn",
        title="Dự thảo kế hoạch",
        kind="action_month",
        year=2026,
        place="Bắc Kạn",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    client.force_login(ward.police_officer)
    assert client.get(f"/plans/{ward.plan.pk}/").status_code == 200  # issued by its ward
    assert client.get(f"/plans/{draft.pk}/").status_code == 404  # the ward's draft
    listing = client.get("/plans/").content.decode()
    assert ward.plan.title in listing
    assert "Dự thảo kế hoạch" not in listing


def test_a_sector_plan_is_drafted_by_the_agencys_officer_and_issued_by_its_leader(client, ward):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from vitreem.plans.services import plan_create, plan_issue

    plan = plan_create(
        actor=ward.police_officer,
        issuer_unit=ward.unit,
        issuer_agency=ward.police,
        kind="other",
        year=2026,
        title="Kế hoạch bảo đảm an ninh Tháng hành động vì trẻ em",
    )
    assert plan.header_name == "CÔNG AN PHƯỜNG BẮC KẠN"
    with pytest.raises(PermissionDenied):
        plan_issue(actor=ward.police_officer, plan=plan, issued_on=date(2026, 5, 20))
    client.force_login(ward.school_officer)
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    with pytest.raises(Http404):
        plan_create(
            actor=ward.school_officer,
            issuer_unit=ward.unit,
            issuer_agency=ward.police,
            kind="other",
            year=2026,
            title="Kế hoạch của cơ quan khác",
        )
    issued = plan_issue(actor=ward.police_leader, plan=plan, issued_on=date(2026, 5, 20))
    assert issued.status == "issued"


def test_an_agency_reports_in_a_round_and_sees_only_its_report(client, personas, ward):
    from vitreem.reporting.models import ReportForm, Submission
    from vitreem.reporting.services import round_create

    round_ = round_create(
        actor=personas.officer_a,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=ward.unit,
        title="Tháng hành động 2026 của phường",
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    own = Submission.objects.get(round=round_, agency=ward.police)
    other = Submission.objects.get(round=round_, agency=ward.school)
    client.force_login(ward.police_officer)
    assert client.get(f"/reports/submissions/{own.pk}/").status_code == 200
    assert client.get(f"/reports/submissions/{other.pk}/").status_code == 404
    assert client.get(f"/reports/{round_.pk}/").url == f"/reports/submissions/{own.pk}/"
    assert client.get(f"/reports/{round_.pk}/consolidated/").status_code == 404
    assert round_.title in client.get("/reports/").content.decode()


def test_the_api_lists_the_agency_memberships_and_the_agencys_tasks(api_client, ward):
    api_client.login(ward.police_officer)
    me = api_client.get("/api/v1/me").json()
    assert me["memberships"] == []
    assert [(m["agency_name"], m["unit_code"], m["role"]) for m in me["agency_memberships"]] == [
        ("Công an phường Bắc Kạn", ward.unit.code, "officer")
    ]
    mine = api_client.get("/api/v1/tasks/mine").json()
    assert sorted(t["text"] for t in mine) == sorted(
        t.text for t in ward.police_tasks + ward.group_tasks
    )
    first = next(t for t in mine if t["id"] == ward.police_tasks[0].pk)
    assert first["agency"] == "Công an phường Bắc Kạn"
    assert first["assignee"] == "Công an phường Bắc Kạn"
    assert first["status"] == "not_started"


def test_my_tasks_need_a_signed_in_user_and_show_nobody_elses(client, api_client, personas, ward):
    assert client.get("/api/v1/tasks/mine").status_code == 401
    api_client.login(personas.officer_b)  # an officer of another ward
    assert api_client.get("/api/v1/tasks/mine").json() == []
