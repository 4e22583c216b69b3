"""Reminders of task deadlines: to the agency the task is given to (or the unit), on their days,
once each; an overdue task also to the unit's leaders. Reports of an agency remind its members."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from vitreem.accounts.models import AgencyMembership
from vitreem.accounts.tests.factories import UserFactory
from vitreem.notifications import services
from vitreem.notifications.models import Notification
from vitreem.plans.models import Assignment, Plan, Task
from vitreem.reporting.models import Submission
from vitreem.units.models import Agency

pytestmark = pytest.mark.django_db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = date(2026, 6, 15)


def told(user, event: str) -> list[Notification]:
    return sorted(Notification.objects.filter(user=user, event=event), key=lambda n: n.created_at)


def run_days(first: date, last: date, runs: int = 2) -> None:
    day = first
    while day <= last:
        with time_machine.travel(datetime(day.year, day.month, day.day, 7, tzinfo=VIETNAM)):
            for _run in range(runs):  # a second run the same day tells nobody twice
                services.scan_tasks(day)
        day += timedelta(days=1)


@pytest.fixture
def police(personas):
    unit = personas.unit_a
    agency = Agency.objects.create(
        unit=unit, name="Công an phường Bắc Kạn", kind="police", valid_from=unit.valid_from
    )
    officer = UserFactory(username="congan.backan")
    AgencyMembership.objects.create(user=officer, agency=agency, role="officer")
    agency.officer = officer
    return agency


def a_plan(personas, status: str = "issued", number: int = 12) -> Plan:
    return Plan.objects.create(
        issuer_unit=personas.unit_a,
        number=number,
        header_name="Ủy ban nhân dân phường Bắc Kạn",
        title="Kế hoạch Tháng hành động vì trẻ em năm 2026",
        status=status,
        kind="action_month",
        year=2026,
        place="Bắc Kạn",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )


def a_task(plan: Plan, text: str, due_on: date | None = DUE, **assignee) -> Task:
    assignment = Assignment.objects.create(
        plan=plan, order=plan.assignments.count(), assignee_label=text[:40], **assignee
    )
    return Task.objects.create(assignment=assignment, text=text, role="lead", due_on=due_on)


def test_the_agency_is_reminded_on_its_days_and_once_overdue_with_the_units_leader(
    personas, police
):
    task = a_task(
        a_plan(personas),
        "Bảo đảm an ninh khu vui chơi",
        assignee_agency=police,
    )
    run_days(DUE - timedelta(days=10), DUE + timedelta(days=5))
    due = told(police.officer, "task_due")
    assert [timezone.localtime(n.created_at).date() for n in due] == [
        date(2026, 6, 8),
        date(2026, 6, 12),
        date(2026, 6, 14),
    ]
    assert [n.text.split(" ngày")[0] for n in due] == ["Còn 7", "Còn 3", "Còn 1"]
    assert all("15/06/2026" in n.text and "Bảo đảm an ninh" in n.text for n in due)
    assert due[0].link == f"/plans/tasks/{task.pk}/"
    overdue = told(police.officer, "task_overdue")
    assert [timezone.localtime(n.created_at).date() for n in overdue] == [date(2026, 6, 16)]
    assert "quá hạn 1 ngày" in overdue[0].text
    # The ward's leader hears of the overdue task, not of the days before; the ward's officer,
    # who does not act for the police, hears nothing; nor does another ward.
    assert len(told(personas.leader_a, "task_overdue")) == 1
    assert told(personas.leader_a, "task_due") == []
    assert told(personas.officer_a, "task_due") == told(personas.officer_a, "task_overdue") == []
    assert not Notification.objects.filter(user=personas.officer_b).exists()


def test_a_task_of_the_unit_reminds_its_officer_and_a_missed_day_is_caught_up(personas):
    a_task(a_plan(personas), "Rà soát trẻ em có hoàn cảnh đặc biệt", assignee_unit=personas.unit_a)
    run_days(DUE + timedelta(days=4), DUE + timedelta(days=6))  # the scan did not run until then
    overdue = told(personas.officer_a, "task_overdue")
    assert len(overdue) == 1
    assert "quá hạn 4 ngày" in overdue[0].text


def test_done_tasks_drafts_and_tasks_without_a_date_remind_nobody(personas, police):
    issued = a_plan(personas)
    done = a_task(issued, "Tổ chức diễn đàn trẻ em", assignee_agency=police)
    done.status = "done"
    done.save()
    a_task(issued, "Tuyên truyền trên loa truyền thanh", due_on=None, assignee_agency=police)
    draft = a_plan(personas, status="draft", number=13)
    a_task(draft, "Thăm hỏi trẻ em khó khăn", assignee_agency=police)
    run_days(DUE - timedelta(days=8), DUE + timedelta(days=2), runs=1)
    assert not Notification.objects.exists()


def test_a_report_owed_by_an_agency_reminds_the_agencys_members(personas, police, province_round):
    """ "Nhắc nộp" and the deadline scan reach the agency's officer for the agency's report."""
    submission = Submission.objects.create(
        round=province_round, unit=personas.unit_a, agency=police, deadline=date(2026, 7, 20)
    )
    reminded = services.round_remind(
        actor=personas.supervisor, round_=province_round, today=date(2026, 7, 22)
    )
    assert reminded.told >= 1
    notice = Notification.objects.get(user=police.officer, event="report_reminder")
    assert notice.link == f"/reports/submissions/{submission.pk}/"
    assert "quá hạn 2 ngày" in notice.text
    # The ward's own report still goes to the ward's officer, not to the police.
    assert Notification.objects.filter(user=personas.officer_a, event="report_reminder").exists()
    assert Notification.objects.filter(user=police.officer, event="report_reminder").count() == 1
