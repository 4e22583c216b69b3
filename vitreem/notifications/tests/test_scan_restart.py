"""The deadline scans survive a worker killed mid-scan: what the killed run committed stays, what
it had not committed is lost, and the next run tells exactly those not yet told — nobody twice,
nobody missed — on the right days. The scans read in batches (services.BATCH), each batch in
one transaction; the tests make the batches small and kill the worker in the second one."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.notifications import services
from vitreem.notifications.models import Notification
from vitreem.notifications.tests.test_task_reminders import (  # noqa: F401  (police: a fixture)
    a_plan,
    a_task,
    police,
)
from vitreem.reporting.models import Submission

pytestmark = pytest.mark.django_db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = date(2026, 7, 20)  # communes of a two-tier province report by 20 July
TASK_DUE = date(2026, 6, 15)
SMALL_BATCH = 10


class WorkerKilledError(Exception):
    """The worker's process dies: its open transaction is lost, its committed ones stay."""


@contextmanager
def killed_in_the_second_batch(monkeypatch, scan_batch: str, midway: bool) -> Iterator[dict]:
    """Kill the run in its second batch: before the batch does anything, or (midway) right
    after the batch wrote its first notices, before its transaction commits."""
    state = {"batch": 0, "killed": False}
    real_batch = getattr(services, scan_batch)
    real_deliver = services.deliver

    def batch(*args, **kwargs):
        state["batch"] += 1
        if state["batch"] == 2 and not midway:
            state["killed"] = True
            raise WorkerKilledError
        return real_batch(*args, **kwargs)

    def deliver(notices):
        written = real_deliver(notices)
        if state["batch"] == 2 and midway and written:
            state["killed"] = True
            raise WorkerKilledError
        return written

    with monkeypatch.context() as patched:
        patched.setattr(services, scan_batch, batch)
        patched.setattr(services, "deliver", deliver)
        yield state


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def run_killed_then_again(monkeypatch, scan, scan_batch: str, day: date, midway: bool) -> bool:
    """The day's scan killed in its second batch, then the restarted worker's full run."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 7, tzinfo=VIETNAM)):
        with (
            killed_in_the_second_batch(monkeypatch, scan_batch, midway) as state,
            suppress(WorkerKilledError),
        ):
            scan(day)
        before = Notification.objects.count()
        scan(day)  # the restarted worker
        scan(day)  # and a double run on top: nothing more
        assert Notification.objects.count() >= before
    return state["killed"]


def local_days(notices) -> list[date]:
    return sorted(timezone.localtime(n.created_at).date() for n in notices)


@pytest.fixture
def staffed_round(personas, province_round, monkeypatch):
    """Every commune of the province with an officer, so that every batch has someone to tell;
    batches of ten reports."""
    monkeypatch.setattr(services, "BATCH", SMALL_BATCH)
    reports = list(
        Submission.objects.filter(round=province_round).select_related("unit").order_by("pk")
    )
    assert len(reports) > 3 * SMALL_BATCH
    assert {r.deadline for r in reports} == {DEADLINE}
    officers = {personas.unit_a.pk: personas.officer_a, personas.unit_b.pk: personas.officer_b}
    for report in reports:
        if report.unit_id not in officers:
            officers[report.unit_id] = MembershipFactory(
                user=UserFactory(username=f"canbo.{report.unit.code}"),
                unit=report.unit,
                role="officer",
            ).user
    return reports, officers


@pytest.mark.parametrize("midway", [False, True], ids=["between-batches", "inside-a-batch"])
def test_a_report_scan_killed_mid_run_then_run_again_tells_everyone_once_on_their_days(
    personas, staffed_round, monkeypatch, midway
):
    reports, officers = staffed_round
    killed = [
        run_killed_then_again(monkeypatch, services.scan_reports, "_scan_batch", day, midway)
        for day in days(DEADLINE - timedelta(days=10), DEADLINE + timedelta(days=6))
    ]
    # The worker was killed on every day something was to be told, and on the others too.
    assert sum(killed) >= 5

    for report in reports:
        officer = officers[report.unit_id]
        due = Notification.objects.filter(user=officer, event="report_due")
        # 7, 3 and 1 day before the deadline, each once, on its day.
        assert local_days(due) == [date(2026, 7, 13), date(2026, 7, 17), date(2026, 7, 19)], (
            report.unit.name
        )
        late = Notification.objects.filter(user=officer, event="report_late")
        assert local_days(late) == [date(2026, 7, 21)], report.unit.name
        assert all(report.unit.name in n.text for n in [*due, *late])
    # The ward's leader hears of its late report once; the province's leader of each late
    # report once, after more than 3 days late.
    assert local_days(Notification.objects.filter(user=personas.leader_a)) == [date(2026, 7, 21)]
    escalated = Notification.objects.filter(user=personas.supervisor, event="report_late")
    assert local_days(escalated) == [date(2026, 7, 24)] * len(reports)
    assert len({n.key for n in escalated}) == len(reports)
    # Nobody holds two notices of one cause.
    causes = Counter(Notification.objects.values_list("user_id", "event", "text"))
    assert max(causes.values()) == 1


@pytest.mark.parametrize("midway", [False, True], ids=["between-batches", "inside-a-batch"])
def test_a_task_scan_killed_mid_run_then_run_again_tells_everyone_once_on_their_days(
    personas,
    police,  # noqa: F811
    monkeypatch,
    midway,
):
    monkeypatch.setattr(services, "BATCH", SMALL_BATCH)
    plan = a_plan(personas)
    police_tasks = [
        a_task(plan, f"Tuần tra khu vui chơi số {i}", assignee_agency=police) for i in range(15)
    ]
    ward_tasks = [
        a_task(plan, f"Rà soát trẻ em tổ dân phố {i}", assignee_unit=personas.unit_a)
        for i in range(15)
    ]
    killed = [
        run_killed_then_again(monkeypatch, services.scan_tasks, "_scan_task_batch", day, midway)
        for day in days(TASK_DUE - timedelta(days=8), TASK_DUE + timedelta(days=3))
    ]
    assert sum(killed) >= 4

    for officer, tasks in ((police.officer, police_tasks), (personas.officer_a, ward_tasks)):
        for task in tasks:
            link = f"/plans/tasks/{task.pk}/"
            due = Notification.objects.filter(user=officer, event="task_due", link=link)
            assert local_days(due) == [date(2026, 6, 8), date(2026, 6, 12), date(2026, 6, 14)]
            overdue = Notification.objects.filter(user=officer, event="task_overdue", link=link)
            assert local_days(overdue) == [date(2026, 6, 16)]
        # Told of its own tasks only.
        assert Notification.objects.filter(user=officer).count() == 4 * len(tasks)
    # The ward's leader: each overdue task once, police's and ward's alike.
    overdue = Notification.objects.filter(user=personas.leader_a, event="task_overdue")
    assert local_days(overdue) == [date(2026, 6, 16)] * 30
    assert not Notification.objects.filter(user=personas.officer_b).exists()
