"""Benchmark of the outline editor: one operation on a draft's body, saved (prints figures; not a
test).

    .venv/bin/python bench/plan_editor.py          # SQLite: var/bench-plan-editor.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vitreem_editorbench \\
        .venv/bin/python bench/plan_editor.py

The body of phường Bắc Kạn's 2026 Action Month plan (a seed plan, made a draft) is edited by its
officer in rounds of eight operations — rename a heading, add an item after another, indent it,
outdent it, move a section down and up, delete the added item, undo — each the service call
(lock, version check, checks of the whole outline, save, audit) in its own transaction. Then the
same operations as the browser sends them (the row's form in the background), answered with the
outline and the Decree-30 preview the page swaps in. Medians and 95th percentiles per operation
and over all; the goal is an edit saved within 100 ms at p95. Options: --rounds N (default 60).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-plan-editor.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from vitreem.accounts.models import Membership, User  # noqa: E402
from vitreem.plans.editor import outline_edit, outline_version  # noqa: E402
from vitreem.plans.loaders import load_plan_files  # noqa: E402
from vitreem.plans.models import Plan  # noqa: E402
from vitreem.units.loaders import load_units  # noqa: E402
from vitreem.units.models import AdministrativeUnit  # noqa: E402

SEED = "phuong-bac-kan-2026-action-month"


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, times: list[float]) -> None:
    print(
        f"{name:<44} median {statistics.median(times):7.2f} ms   p95 {p95(times):7.2f} ms"
        f"   max {max(times):7.2f} ms   n={len(times)}"
    )


def setup() -> tuple[User, Plan]:
    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        load_units()
    ward = AdministrativeUnit.objects.get(code="01843", valid_to__isnull=True)
    user, _created = User.objects.get_or_create(username="bench.editor")
    Membership.objects.get_or_create(user=user, unit=ward, defaults={"role": "officer"})
    plan = Plan.objects.filter(key=SEED).first() or load_plan_files([SEED])[0]
    fresh = load_plan_files([SEED])[0] if plan is None else plan
    Plan.objects.filter(pk=fresh.pk).update(status="draft", number=None)
    return user, Plan.objects.get(pk=fresh.pk)


# One round: (name, op, path, node); the paths are those of the plan's own body.
def round_of(plan: Plan) -> list[tuple[str, str, str, dict[str, str] | None]]:
    top = len(plan.outline)
    first = next(i for i, n in enumerate(plan.outline) if n["kind"] == "heading")
    return [
        ("edit (rename a section)", "edit", str(first), {"text": "MỤC ĐÍCH, YÊU CẦU CHUNG"}),
        ("add (an item after another)", "insert", f"{first}.0", {"kind": "item", "text": "Ý"}),
        ("add (a second item)", "add", f"{first}.0", {"text": "Ý thứ hai"}),
        ("indent", "indent", f"{first}.1", None),
        ("outdent", "outdent", f"{first}.0.0", None),
        ("down (a section)", "down", str(top - 2), None),
        ("up (a section)", "up", str(top - 1), None),
        ("delete", "delete", f"{first}.1", None),
        ("undo", "undo", "", None),
        ("delete (the other item)", "delete", f"{first}.0", None),
    ]


def run_services(user: User, plan: Plan, rounds: int) -> None:
    original = plan.outline
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        Plan.objects.filter(pk=plan.pk).update(outline=original)
        for name, op, path, node in round_of(plan):
            current = Plan.objects.get(pk=plan.pk)
            start = time.perf_counter()
            outline_edit(
                actor=user,
                plan=current,
                op=op,
                path=path,
                node=node,
                expected_version=outline_version(current.outline),
            )
            times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    for name, values in times.items():
        report(name, values)
    report("all operations (service, saved)", [t for v in times.values() for t in v])
    Plan.objects.filter(pk=plan.pk).update(outline=original)


def run_requests(user: User, plan: Plan, rounds: int) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    # The pages name their assets unhashed here: no collectstatic for a benchmark.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(user)
    url = f"/plans/{plan.pk}/outline/"
    client.get(url)
    original = plan.outline
    times: list[float] = []
    for _ in range(rounds):
        Plan.objects.filter(pk=plan.pk).update(outline=original)
        for _name, op, path, node in round_of(plan):
            version = outline_version(Plan.objects.get(pk=plan.pk).outline)
            data = {"op": op, "path": path, "version": version, **(node or {})}
            start = time.perf_counter()
            response = client.post(url, data, headers={"X-Requested-With": "fetch"})
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content[:300]
    report("the browser's post, answered with outline+preview", times)
    Plan.objects.filter(pk=plan.pk).update(outline=original)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    user, plan = setup()
    nodes: list[int] = [0]

    def count(items: list[dict[str, object]]) -> None:
        for item in items:
            nodes[0] += 1
            count(item["children"])  # type: ignore[arg-type]

    count(plan.outline)
    print(f"{SEED}: {nodes[0]} nodes; database {settings.DATABASES['default']['ENGINE']}")
    timed: Callable[[User, Plan, int], None]
    for timed in (run_services, run_requests):
        timed(user, plan, args.rounds)


if __name__ == "__main__":
    main()
