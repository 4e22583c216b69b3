"""Benchmark of the unit registry: loading both eras, search, listing, subtree filters.

    make bench                                                   # SQLite file var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vitreem_bench .venv/bin/python bench/units.py

Prints the median and the 90th percentile of repeated runs, in milliseconds. The database named
by DATABASE_URL is migrated and loaded; use one of its own.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
# The test client speaks plain HTTP, as a server behind its TLS proxy hears it.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from vitreem.accounts.models import User  # noqa: E402
from vitreem.accounts.services import token_issue  # noqa: E402
from vitreem.units.loaders import load_units  # noqa: E402
from vitreem.units.models import AdministrativeUnit  # noqa: E402
from vitreem.units.selectors import unit_by_code, units_as_of  # noqa: E402


def measure(name: str, fn: Callable[[], object], runs: int = 30) -> None:
    fn()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    p90 = statistics.quantiles(times, n=10)[-1]
    print(f"{name:<58} median {statistics.median(times):8.2f} ms   p90 {p90:8.2f} ms   n={runs}")


def get_ok(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def main() -> None:
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    measure("load_units (both eras, 14,165 units, upsert)", load_units, runs=3)

    day_old, day_new = date(2021, 6, 1), date(2026, 6, 1)
    measure(
        "search 'bac kan' as of 2021-06-01", lambda: list(units_as_of(day_old, query="bac kan"))
    )
    measure(
        "search 'xa' as of 2021 (7,717 hits, first 100)",
        lambda: list(units_as_of(day_old, query="xa")[:100]),
    )
    measure(
        "count communes as of 2021-06-01", lambda: units_as_of(day_old, level="commune").count()
    )
    province = unit_by_code("01", day_old)
    assert province is not None
    measure(
        "subtree of Hà Nội (2021): units below, counted",
        lambda: AdministrativeUnit.objects.filter(province=province).count(),
    )

    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    client = Client(headers={"Authorization": f"Bearer {token_issue(user=user)}"})
    measure(
        "API GET /units?as_of=2026-06-01&level=commune&limit=500",
        lambda: get_ok(client, "/api/v1/units?as_of=2026-06-01&level=commune&limit=500"),
        runs=15,
    )
    measure(
        "API GET /units?q=bac+kan&as_of=2021-06-01",
        lambda: get_ok(client, "/api/v1/units?q=bac+kan&as_of=2021-06-01"),
    )
    measure(
        "API GET /units/19?as_of=2026-06-01 (92 children)",
        lambda: get_ok(client, "/api/v1/units/19?as_of=2026-06-01"),
    )
    print(f"(dates: {day_old} and {day_new})")


if __name__ == "__main__":
    main()
