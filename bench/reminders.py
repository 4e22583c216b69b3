"""Benchmark of the national reminder scan, the inbox count and enqueueing (prints figures; not
a test).

    .venv/bin/python bench/reminders.py          # SQLite: var/bench-reminders.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vitreem_remindbench \
        .venv/bin/python bench/reminders.py

Generates, on the two-tier units, the 2026 Action Month rounds of the 34 provinces with every
report still owed: each commune and ~8 of its agencies, each province's ~15 departments (~30,000
reporters), an officer for each and a leader for each commune and province (~34,000 users);
and an issued plan for every commune giving ~33 tasks to its agencies and to itself
(~100,000 tasks), due over the weeks around the report deadline. Then measures, as medians:
the daily scan (report reminders, late reports with the leaders told and the unit above after
the round's days, task reminders and overdue tasks) on the worst day, when every reporter is
late and the unit above is told, each run from an empty inbox, as one worker runs it; the same
scan again on the same day (nothing new to write); the unread count of the bell for a user
with 1,000 notices, and how many queries it costs; and enqueueing a job on the database queue.
Options: --runs N (default 3), --count-runs N (default 200).
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-reminders.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from vitreem.accounts.models import AgencyMembership, Membership, User  # noqa: E402
from vitreem.notifications import selectors, services  # noqa: E402
from vitreem.notifications.models import Notification  # noqa: E402
from vitreem.notifications.tasks import send_mails  # noqa: E402
from vitreem.plans.models import Assignment, Plan, Task  # noqa: E402
from vitreem.reporting.loaders import load_forms  # noqa: E402
from vitreem.reporting.models import ReportForm, Round, Submission  # noqa: E402
from vitreem.units.loaders import REFORM_DATE, load_units  # noqa: E402
from vitreem.units.models import AdministrativeUnit, Agency  # noqa: E402

BATCH = 20_000
DEADLINE = date(2026, 7, 20)
TASKS_PER_COMMUNE = 33
TITLE = "Bench reminders 2026"


def measure(name: str, fn: Callable[[], object], runs: int, setup: Callable[[], None]) -> None:
    times = []
    for _ in range(runs):
        setup()
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    unit = "s" if median >= 1000 else "ms"
    shown = [t / 1000 if unit == "s" else t for t in (median, min(times), max(times))]
    print(
        f"{name:<62} median {shown[0]:9.2f} {unit}   min {shown[1]:9.2f}   max {shown[2]:9.2f}"
        f"   n={runs}   {result}"
    )


def agencies_of(units: list[AdministrativeUnit]) -> dict[int, list[int]]:
    """~8 agencies a commune and ~15 a province (the benchmark's own, created once)."""
    existing: dict[int, list[int]] = {}
    for unit_id, agency_id in Agency.objects.filter(name__startswith="Cơ quan thử ").values_list(
        "unit_id", "id"
    ):
        existing.setdefault(unit_id, []).append(agency_id)
    missing = [
        Agency(
            unit=unit,
            name=f"Cơ quan thử {i}",
            name_folded=f"co quan thu {i}",
            kind="other",
            valid_from=unit.valid_from,
        )
        for unit in units
        if unit.pk not in existing
        for i in range(15 if unit.level == 1 else 8)
    ]
    if missing:
        Agency.objects.bulk_create(missing, batch_size=BATCH)
        return agencies_of(units)
    return existing


def people(units: list[AdministrativeUnit], agencies: dict[int, list[int]]) -> None:
    """An officer for every unit and agency that reports, a leader for every unit."""
    if User.objects.filter(username__startswith="bench.").exists():
        return
    users = []
    for unit in units:
        users += [
            User(username=f"bench.canbo.{unit.pk}"),
            User(username=f"bench.lanhdao.{unit.pk}"),
        ]
        users += [User(username=f"bench.coquan.{a}") for a in agencies.get(unit.pk, [])]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users, batch_size=BATCH)
    ids = dict(User.objects.filter(username__startswith="bench.").values_list("username", "id"))
    members, agency_members = [], []
    for unit in units:
        members += [
            Membership(user_id=ids[f"bench.canbo.{unit.pk}"], unit=unit, role="officer"),
            Membership(user_id=ids[f"bench.lanhdao.{unit.pk}"], unit=unit, role="leader"),
        ]
        agency_members += [
            AgencyMembership(user_id=ids[f"bench.coquan.{a}"], agency_id=a, role="officer")
            for a in agencies.get(unit.pk, [])
        ]
    Membership.objects.bulk_create(members, batch_size=BATCH)
    AgencyMembership.objects.bulk_create(agency_members, batch_size=BATCH)


def rounds(
    provinces: list[AdministrativeUnit],
    communes_of: dict[int, list[AdministrativeUnit]],
    agencies: dict[int, list[int]],
) -> None:
    form = ReportForm.objects.get(code="action-month-result")
    for province in provinces:
        title = f"{TITLE} {province.code}"
        if Round.objects.filter(title=title).exists():
            continue
        with transaction.atomic():
            round_ = Round.objects.create(
                form=form,
                title=title,
                period_kind="campaign",
                period_start=date(2026, 6, 1),
                period_end=date(2026, 6, 30),
                receiving_unit=province,
                deadlines={"agency": DEADLINE.isoformat(), "commune": DEADLINE.isoformat()},
            )
            owed = [
                Submission(
                    round=round_,
                    unit=province,
                    agency_id=a,
                    reporter_key=f"a{a}",
                    deadline=DEADLINE,
                )
                for a in agencies.get(province.pk, [])
            ]
            for commune in communes_of[province.pk]:
                owed.append(
                    Submission(
                        round=round_, unit=commune, reporter_key=f"u{commune.pk}", deadline=DEADLINE
                    )
                )
                owed += [
                    Submission(
                        round=round_,
                        unit=commune,
                        agency_id=a,
                        reporter_key=f"a{a}",
                        deadline=DEADLINE,
                    )
                    for a in agencies.get(commune.pk, [])
                ]
            Submission.objects.bulk_create(owed, batch_size=BATCH)


def plans(
    communes: list[AdministrativeUnit], agencies: dict[int, list[int]], rng: random.Random
) -> None:
    """An issued plan per commune, its tasks due between 20 days before and 10 after the report
    deadline, a tenth of them done."""
    if Plan.objects.filter(title=TITLE).exists():
        return
    Plan.objects.bulk_create(
        [
            Plan(
                issuer_unit=commune,
                number=900,
                header_name=commune.name,
                title=TITLE,
                status="issued",
                kind="action_month",
                year=2026,
                place=commune.name,
                period_start=date(2026, 6, 1),
                period_end=date(2026, 6, 30),
                issued_on=date(2026, 5, 15),
            )
            for commune in communes
        ],
        batch_size=BATCH,
    )
    plan_of = dict(Plan.objects.filter(title=TITLE).values_list("issuer_unit_id", "id"))
    assignments = []
    for commune in communes:
        assignments.append(
            Assignment(
                plan_id=plan_of[commune.pk],
                order=0,
                assignee_label=commune.name,
                assignee_unit=commune,
            )
        )
        assignments += [
            Assignment(
                plan_id=plan_of[commune.pk],
                order=i + 1,
                assignee_label=f"Cơ quan thử {i}",
                assignee_agency_id=a,
            )
            for i, a in enumerate(agencies.get(commune.pk, []))
        ]
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    by_plan: dict[int, list[int]] = {}
    for plan_id, assignment_id in Assignment.objects.filter(plan__title=TITLE).values_list(
        "plan_id", "id"
    ):
        by_plan.setdefault(plan_id, []).append(assignment_id)
    tasks = []
    for assignment_ids in by_plan.values():
        for order in range(TASKS_PER_COMMUNE):
            tasks.append(
                Task(
                    assignment_id=assignment_ids[order % len(assignment_ids)],
                    order=order,
                    text=f"Nhiệm vụ thử số {order + 1} của Tháng hành động vì trẻ em",
                    role="lead",
                    due_on=DEADLINE + timedelta(days=rng.randint(-20, 10)),
                    status="done" if rng.random() < 0.1 else "in_progress",
                )
            )
    Task.objects.bulk_create(tasks, batch_size=BATCH)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count-runs", type=int, default=200)
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        load_units()
    load_forms()
    provinces = list(
        AdministrativeUnit.objects.filter(level=1, valid_from=REFORM_DATE).order_by("code")
    )
    communes = list(AdministrativeUnit.objects.filter(level=3, valid_from=REFORM_DATE))
    communes_of: dict[int, list[AdministrativeUnit]] = {p.pk: [] for p in provinces}
    for commune in communes:
        communes_of[commune.province_id].append(commune)  # type: ignore[index]
    start = time.perf_counter()
    agencies = agencies_of([*communes, *provinces])
    people([*communes, *provinces], agencies)
    rounds(provinces, communes_of, agencies)
    plans(communes, agencies, random.Random(2026))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}; data ready in {time.perf_counter() - start:.0f} s")
    owed = Submission.objects.filter(round__title__startswith=TITLE).count()
    open_tasks = Task.objects.filter(assignment__plan__title=TITLE).exclude(status="done").count()
    print(
        f"{owed:,} reports owed in {len(provinces)} provincial rounds; {open_tasks:,} open tasks; "
        f"{User.objects.filter(username__startswith='bench.').count():,} users"
    )

    def empty_inbox() -> None:
        Notification.objects.filter(user__username__startswith="bench.").delete()

    # Four days late: each reporter and its unit's leaders are told, and the unit above.
    day = DEADLINE + timedelta(days=4)

    def scan() -> str:
        reports = services.scan_reports(day)
        tasks = services.scan_tasks(day)
        return (
            f"reports due/late/escalated {reports.due:,}/{reports.late:,}/{reports.escalated:,}, "
            f"tasks due/overdue {tasks.due:,}/{tasks.late:,}"
        )

    measure("daily scan, worst day, empty inbox (national)", scan, args.runs, empty_inbox)
    measure("the same scan again the same day (nothing new)", scan, args.runs, lambda: None)

    reader = User.objects.get(username=f"bench.canbo.{communes[0].pk}")
    Notification.objects.filter(user=reader).delete()
    Notification.objects.bulk_create(
        [
            Notification(user=reader, event="task_due", key=f"bench:{i}", text="Thông báo thử")
            for i in range(1000)
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        selectors.unread_count(reader)
    counts = []
    for _ in range(args.count_runs):
        begin = time.perf_counter()
        selectors.unread_count(reader)
        counts.append((time.perf_counter() - begin) * 1000)
    print(
        f"{'unread count of the bell (1,000 unread)':<62} "
        f"median {statistics.median(counts):9.2f} ms"
        f"   queries {len(queries)}   n={args.count_runs}"
    )
    enqueues = []
    for _ in range(50):
        begin = time.perf_counter()
        send_mails.enqueue()
        enqueues.append((time.perf_counter() - begin) * 1000)
    print(
        f"{'enqueue a job (database queue)':<62} "
        f"median {statistics.median(enqueues):9.2f} ms   n=50"
    )
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status="READY").delete()


if __name__ == "__main__":
    main()
