"""Benchmark of the leader's dashboards: a province's (/dashboard/?unit=19), the national one
(/dashboard/national/) and a 2026 province's five-year trend through its predecessors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a database of its own> \
        .venv/bin/python bench/dashboard.py [--children 300000] [--runs 40]

The data of bench/trend.py (the Action Month rounds 2021–2026 of the former Bắc Kạn and Thái
Nguyên provinces and of tỉnh Thái Nguyên, every report filed with every cell), the 2026 Action
Month round of each of the other 33 provinces (two thirds of the reports filed, one in nine of
those late), and the children of bench/registry.py (circumstances and support records) over the
communes of the nation. Prints the median and the 95th percentile in milliseconds, and the
queries of each page.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
# Pages rendered as in the demo (assets from the apps), answered to the test client.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("VITREEM_DEMO", "1")

import registry  # noqa: E402  (sets Django up)
import trend  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from vitreem.accounts.models import Membership, User  # noqa: E402
from vitreem.children.models import Child  # noqa: E402
from vitreem.reporting.loaders import load_forms  # noqa: E402
from vitreem.reporting.models import DataValue, ReportForm, Round, Submission  # noqa: E402
from vitreem.reporting.selectors import unit_trend  # noqa: E402
from vitreem.reporting.services import round_create  # noqa: E402
from vitreem.units.loaders import REFORM_DATE, load_units  # noqa: E402
from vitreem.units.models import AdministrativeUnit  # noqa: E402

DAY = date(2026, 7, 31)
NATIONAL_TITLE = "Tháng hành động 2026 (toàn quốc) — "
FIVE_YEARS = 5  # 2022–2026: the rounds of tỉnh Thái Nguyên and of the two provinces before it


def measure(name: str, fn: Callable[[], object], runs: int) -> None:
    fn()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"{name:<62} median {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms   n={runs}")


@transaction.atomic
def national_rounds(admin: User) -> int:
    """The 2026 Action Month round of every other province, two thirds of its reports filed."""
    form = ReportForm.objects.get(code="action-month-result")
    cells = [
        (e.pk, category)
        for e in form.elements.all()
        for category in (["state", "mobilised"] if e.disaggregation == "source" else [""])
    ]
    rng = random.Random(2026)
    provinces = AdministrativeUnit.objects.filter(level=1, valid_to__isnull=True).exclude(code="19")
    made = 0
    for province in provinces.order_by("code"):
        round_ = round_create(
            actor=admin,
            form=form,
            receiving_unit=province,
            title=NATIONAL_TITLE + province.name,
            period_kind="campaign",
            period_start=date(2026, 6, 1),
            period_end=date(2026, 6, 30),
        )
        reports = list(round_.submissions.order_by("pk").values_list("pk", "deadline"))
        filed = reports[: len(reports) * 2 // 3]
        for index, (pk, deadline) in enumerate(filed):
            day = (deadline or date(2026, 7, 20)) + timedelta(days=3 if index % 9 == 4 else -2)
            Submission.objects.filter(pk=pk).update(
                status="submitted",
                submitted_at=datetime(day.year, day.month, day.day, 9, tzinfo=registry.VN),
            )
        DataValue.objects.bulk_create(
            [
                DataValue(submission_id=pk, element_id=element, category=category, value=v)
                for pk, _deadline in filed
                for element, category in cells
                for v in [rng.randint(0, 300)]
            ],
            batch_size=5000,
        )
        made += 1
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    started = time.perf_counter()
    if not AdministrativeUnit.objects.exists():
        load_units()
    load_forms()
    admin, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    if not Round.objects.exists():
        trend.build(admin)
    if not Round.objects.filter(title__startswith=NATIONAL_TITLE).exists():
        national_rounds(admin)
    if Child.objects.count() < args.children * 0.99:
        communes = list(
            AdministrativeUnit.objects.filter(level=3, valid_from=REFORM_DATE)
            .select_related("province")
            .order_by("code")
        )
        with transaction.atomic():
            registry.generate(args.children, communes, random.Random(2026))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"data ready in {time.perf_counter() - started:.0f} s: {Round.objects.count()} rounds, "
        f"{Submission.objects.count():,} reports, {DataValue.objects.count():,} values, "
        f"{Child.objects.count():,} children"
    )
    province = trend.unit("19", DAY)
    leader, _ = User.objects.get_or_create(username="bench.lanhdao")
    Membership.objects.get_or_create(
        user=leader, unit=province, defaults={"role": "leader", "sensitive_data": True}
    )
    form = ReportForm.objects.filter(code="action-month-result").order_by("-year")[0]

    page = Client()
    page.force_login(leader)
    ministry = Client()
    ministry.force_login(admin)

    def get(client: Client, path: str) -> Callable[[], None]:
        def call() -> None:
            response = client.get(path)
            assert response.status_code == 200, response.status_code

        return call

    for label, client, path in (
        ("province", page, "/dashboard/?unit=19"),
        ("national", ministry, "/dashboard/national/"),
    ):
        with CaptureQueriesContext(connection) as queries:
            get(client, path)()
        print(f"{label} dashboard {path}: {len(queries)} queries")
    # 2022–2026: before the reform, a round of each of the two provinces it was formed from.
    five = unit_trend(province, form, DAY, limit=FIVE_YEARS)
    print(f"five-year trend of tỉnh Thái Nguyên: {[y.year for y in five.years]}")
    measure(
        "page GET /dashboard/?unit=19 (tỉnh Thái Nguyên, a leader)",
        get(page, "/dashboard/?unit=19"),
        args.runs,
    )
    measure(
        "page GET /dashboard/national/ (the ministry)",
        get(ministry, "/dashboard/national/"),
        args.runs,
    )
    measure(
        "unit_trend: tỉnh Thái Nguyên, five years through its predecessors",
        lambda: unit_trend(province, form, DAY, limit=FIVE_YEARS),
        args.runs,
    )


if __name__ == "__main__":
    main()
