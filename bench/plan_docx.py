"""Benchmark of the Word document of a plan (prints figures; not a test).

    .venv/bin/python bench/plan_docx.py          # SQLite: var/bench-plan-docx.sqlite3

Loads the plan data files and measures, as medians, for the longest of the three seed plans
(the one with the most lines in its Word file) and for each other data file: the whole download
(the plan read with its parts, its plain data and the .docx bytes built), and the build alone
from the plain data. Options: --runs N (default 15).
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-plan-docx.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from docx import Document  # noqa: E402

from vitreem.documents.plans import render_plan_docx  # noqa: E402
from vitreem.plans.loaders import load_plan_files  # noqa: E402
from vitreem.plans.selectors import plan_document, plan_with_parts  # noqa: E402
from vitreem.units.loaders import load_units  # noqa: E402
from vitreem.units.models import AdministrativeUnit  # noqa: E402

SEEDS = (
    "bac-kan-city-2021-action-month",
    "hai-phong-2024-action-month",
    "tam-duong-2021-child-protection",
)


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        load_units()
    plans = {str(plan.key): plan.pk for plan in load_plan_files()}

    def download(key: str) -> bytes:
        plan = plan_with_parts(plans[key])
        assert plan is not None
        return render_plan_docx(plan_document(plan))

    def lines(key: str) -> int:
        return len(Document(io.BytesIO(download(key))).paragraphs)

    longest = max(SEEDS, key=lines)
    print(f"{'plan':42} {'lines':>6} {'download':>10} {'build':>8}")
    for key in [longest, *sorted(k for k in plans if k != longest)]:
        plan = plan_with_parts(plans[key])
        assert plan is not None
        data = plan_document(plan)
        whole = median_ms(partial(download, key), args.runs)
        build = median_ms(partial(render_plan_docx, data), args.runs)
        mark = " (longest seed)" if key == longest else ""
        print(f"{key:42} {lines(key):6d} {whole:8.1f}ms {build:6.1f}ms{mark}")


if __name__ == "__main__":
    main()
