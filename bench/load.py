"""Load test: many people at once against gunicorn on PostgreSQL (prints figures; not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vitreem_bench make bench-load

Needs the national-scale data of bench/consolidation.py in that database (run
`make bench-consolidation` with the same DATABASE_URL first; bench/registry.py adds children).
Prepares, idempotently, a province supervisor of Hà Nội and commune officers of its communes,
and a round of draft reports of Hà Nội for them to type into; starts gunicorn on 127.0.0.1
(the production configuration: DEBUG off, WhiteNoise, gunicorn.conf.py), then runs Locust
headless with bench/locustfile.py for a bounded time and prints, per request and overall, the
count, failures, median and p95 (gunicorn's log in var/load/). Stops gunicorn and Locust
itself, whatever happens. Options: --users N (default 50), --seconds N (default 60),
--workers N (gunicorn; default its configuration's), --port N.
"""

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")

# One secret for the accounts prepared here and the server: sessions and tokens are bound to it.
os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
os.environ["VITREEM_DEMO"] = ""
PASSWORD = "tai-thu-nghiem-2026"  # the load test's own accounts, in the benchmark database only
TITLE = "Tải thử nghiệm 2026"


def prepare(officers: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vitreem.accounts.models import Membership, Role, User
    from vitreem.reporting.loaders import definition_of
    from vitreem.reporting.models import ReportForm, Round, Submission
    from vitreem.reporting.services import round_create
    from vitreem.units.loaders import REFORM_DATE
    from vitreem.units.models import AdministrativeUnit

    if connection.vendor != "postgresql":
        sys.exit("the load test runs on PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    form = ReportForm.objects.filter(code="action-month-result").order_by("-year").first()
    if form is None or not Round.objects.filter(title__startswith="Bench 2026").exists():
        sys.exit("no benchmark data: run bench/consolidation.py with this DATABASE_URL first")
    hanoi = AdministrativeUnit.objects.get(code="01", level=1, valid_from=REFORM_DATE)
    communes = list(
        AdministrativeUnit.objects.filter(province=hanoi, level=3, valid_from=REFORM_DATE).order_by(
            "code"
        )[:officers]
    )

    def account(username: str, unit: AdministrativeUnit, role: str) -> None:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": role})

    supervisors = [f"tai.giamsat{i}" for i in range(1, 6)]
    for name in supervisors:
        account(name, hanoi, Role.LEADER)
    first = User.objects.get(username=supervisors[0])
    round_ = Round.objects.filter(title=TITLE, receiving_unit=hanoi).first() or round_create(
        actor=first,
        form=form,
        receiving_unit=hanoi,
        title=TITLE,
        period_kind="ad_hoc",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    plan_officers: list[dict[str, Any]] = []
    for commune in communes:
        name = f"tai.canbo.{commune.code}"
        account(name, commune, Role.OFFICER)
        report = Submission.objects.get(round=round_, unit=commune, agency=None)
        plan_officers.append({"username": name, "unit": commune.code, "submission": report.pk})
    plan_people: list[dict[str, Any]] = [*plan_officers, *({"username": n} for n in supervisors)]
    for person in plan_people:
        person.update(signed_in(User.objects.get(username=person["username"])))
    definition = definition_of(form)
    table = definition.tables[0]
    cells = [[c.code, cat] for c in table.columns for cat, _label in c.categories]
    return {
        "province": hanoi.code,
        "round": round_.pk,
        "officers": plan_officers,
        "supervisors": [p for p in plan_people if p["username"] in supervisors],
        "cells": cells,
    }


def signed_in(user: object) -> dict[str, str]:
    """A browser session and an API token, made here rather than by signing in during the run:
    a sign-in is an Argon2 hash, costly by design, and 50 at once would measure only that."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from vitreem.accounts.services import token_issue

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    session.create()
    return {"session": session.session_key or "", "token": token_issue(user=user)}  # type: ignore[arg-type]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url}")


def report(stats_csv: Path, users: int, seconds: int) -> int:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    print(f"\n{users} users for {seconds} s, waiting 1–3 s between actions")
    print(f"{'request':<40} {'count':>7} {'fail':>5} {'median':>8} {'p95':>7} {'max':>7}  ms")
    failures = 0
    for row in rows:
        label = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        failures += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        print(
            f"{label:<40} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{row['50%']:>8} {row['95%']:>7} {float(row['Max Response Time']):>7.0f}"
        )
    return failures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: its config)")
    parser.add_argument("--port", type=int, default=8150)
    args = parser.parse_args()
    out = ROOT / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    plan = prepare(officers=max(args.users, 40))
    users_file = out / "users.json"
    users_file.write_text(json.dumps(plan), encoding="utf-8")

    host = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",  # plain HTTP on loopback
        "SECURE_SSL_REDIRECT": "0",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "LOAD_USERS": str(users_file),
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    venv = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log = (out / "gunicorn.log").open("wb")  # its access lines, as in production
    web = subprocess.Popen(
        [str(venv / "gunicorn"), "-c", "gunicorn.conf.py"],
        stdout=log,
        stderr=log,
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up(f"{host}/api/v1/health")
        prefix = out / "locust"
        subprocess.run(
            [
                str(venv / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{args.seconds}s",
                "--stop-timeout",
                "5",
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            timeout=args.seconds + 120,
        )
        failures = report(Path(f"{prefix}_stats.csv"), args.users, args.seconds)
        print(f"failures: {failures}")
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        try:
            web.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(web.pid, signal.SIGKILL)
        log.close()


if __name__ == "__main__":
    main()
