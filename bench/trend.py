"""Benchmark of a unit's trend across the 2025 reform (reporting.selectors.unit_trend).

    .venv/bin/python bench/trend.py          # SQLite file var/bench-trend.sqlite3
    DATABASE_URL=postgres://... .venv/bin/python bench/trend.py

The Action Month rounds of 2021–2025 of the former provinces Bắc Kạn and Thái Nguyên (June,
before the reform) and of 2026 of tỉnh Thái Nguyên, every commune filed with all 21 cells
(made-up figures from a seeded generator, written in bulk). Then the trend of the province (two
predecessors, the subtrees of both) and of phường Bắc Kạn (four predecessors), as selector and
as API call.
Prints the median and the 90th percentile, in milliseconds. The database named by DATABASE_URL
is migrated and loaded; use one of its own.
"""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# Pages rendered as in the demo: assets from the apps, no collected manifest needed.
os.environ.setdefault("VITREEM_DEMO", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-trend.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from vitreem.accounts.models import User  # noqa: E402
from vitreem.accounts.services import token_issue  # noqa: E402
from vitreem.reporting.loaders import load_forms  # noqa: E402
from vitreem.reporting.models import DataValue, ReportForm, Round, Submission  # noqa: E402
from vitreem.reporting.selectors import TREND_ROUNDS_MAX, unit_trend  # noqa: E402
from vitreem.reporting.services import round_create  # noqa: E402
from vitreem.units.loaders import load_units  # noqa: E402
from vitreem.units.models import AdministrativeUnit  # noqa: E402
from vitreem.units.selectors import unit_by_code  # noqa: E402

AS_OF = date(2026, 12, 31)


def measure(name: str, fn: Callable[[], object], runs: int = 30) -> None:
    fn()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    p90 = statistics.quantiles(times, n=10)[-1]
    print(f"{name:<58} median {statistics.median(times):8.2f} ms   p90 {p90:8.2f} ms   n={runs}")


def unit(code: str, day: date) -> AdministrativeUnit:
    found = unit_by_code(code, day)
    assert found is not None, code
    return found


@transaction.atomic
def build(admin: User) -> int:
    """The rounds, every report filed with every cell; the values' count."""
    form = ReportForm.objects.get(code="action-month-result")
    cells = [
        (e.pk, category)
        for e in form.elements.all()
        for category in (["state", "mobilised"] if e.disaggregation == "source" else [""])
    ]
    rng = random.Random(2025)
    # 2021–2025 (each June, before the reform): the former provinces; 2026: tỉnh Thái Nguyên.
    receivers = [(year, "06") for year in range(2021, 2026)] + [
        (year, "19") for year in range(2021, 2027)
    ]
    for year, code in receivers:
        day = date(year, 6, 30)
        round_ = round_create(
            actor=admin,
            form=form,
            receiving_unit=unit(code, day),
            title=f"Tháng hành động {year} — {code}",
            period_kind="campaign",
            period_start=date(year, 6, 1),
            period_end=day,
        )
        reports = list(round_.submissions.values_list("pk", flat=True))
        Submission.objects.filter(pk__in=reports).update(status="submitted")
        DataValue.objects.bulk_create(
            [
                DataValue(submission_id=pk, element_id=element, category=category, value=v)
                for pk in reports
                for element, category in cells
                for v in [rng.randint(0, 300)]
            ],
            batch_size=5000,
        )
    return DataValue.objects.count()


def main() -> None:
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    if not AdministrativeUnit.objects.exists():
        load_units()
    load_forms()
    admin, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    if not Round.objects.exists():
        values = build(admin)
        print(f"built {Round.objects.count()} rounds, {values} values")
    form = ReportForm.objects.filter(code="action-month-result").order_by("-year")[0]
    province = unit("19", AS_OF)
    ward = unit("01843", AS_OF)
    for label, subject in (("tỉnh Thái Nguyên", province), ("phường Bắc Kạn", ward)):
        with CaptureQueriesContext(connection) as queries:
            trend = unit_trend(subject, form, AS_OF, limit=TREND_ROUNDS_MAX)
        rounds = sum(len(y.rounds) for y in trend.years)
        reports = sum(len(y.from_units) for y in trend.years)
        print(
            f"{label}: {len(trend.years)} years, {rounds} rounds, {reports} unit-years, "
            f"{len(queries)} queries"
        )
    measure(
        "unit_trend: tỉnh Thái Nguyên (6 years, all 11 rounds)",
        lambda: unit_trend(province, form, AS_OF, limit=TREND_ROUNDS_MAX),
    )
    measure(
        "unit_trend: phường Bắc Kạn (6 years, all 6 rounds)",
        lambda: unit_trend(ward, form, AS_OF, limit=TREND_ROUNDS_MAX),
    )
    client = Client(headers={"Authorization": f"Bearer {token_issue(user=admin)}"})
    path = "/api/v1/units/19/trend?form=action-month-result&as_of=2026-12-31&rounds=20"

    def api() -> None:
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    measure("API GET /units/19/trend (6 years, all 11 rounds)", api, runs=15)

    browser = Client()
    browser.force_login(admin)

    def dashboard() -> None:
        response = browser.get("/dashboard/?unit=19")
        assert response.status_code == 200, response.status_code

    measure("page GET /dashboard/?unit=19 (open rounds, both forms)", dashboard, runs=15)


if __name__ == "__main__":
    main()
