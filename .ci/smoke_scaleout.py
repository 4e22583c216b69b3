"""The scale-out smoke test's steps that need Django or HTTP (smoke_scaleout.sh runs the servers).

smoke_scaleout.py setup          accounts and a reporting round in the smoke database
smoke_scaleout.py check A B      file a report through web server A, read it through B,
                                 and see a queued job run exactly once by the workers
"""

import http.cookiejar
import json
import os
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from typing import Any

import django

PASSWORD = "smoke-Passw0rd-not-secret"  # accounts of a throwaway database
WARD, PROVINCE = "01843", "19"  # phường Bắc Kạn, tỉnh Thái Nguyên


def setup() -> None:
    from vitreem.accounts.models import Membership, User
    from vitreem.reporting.models import ReportForm
    from vitreem.reporting.services import round_create
    from vitreem.units.selectors import unit_by_code

    day = date(2026, 6, 1)
    ward, province = unit_by_code(WARD, day), unit_by_code(PROVINCE, day)
    assert ward is not None
    assert province is not None
    people = {}
    for username, unit, role in [
        ("smoke.canbo", ward, "officer"),
        ("smoke.lanhdao", province, "leader"),
    ]:
        user = User.objects.create_user(username, password=PASSWORD)
        Membership.objects.create(user=user, unit=unit, role=role)
        people[role] = user
    round_ = round_create(
        actor=people["leader"],
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=province,
        title="Tháng hành động 2026 (kiểm thử)",
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    print(f"setup: round {round_.pk} with {round_.submissions.count()} reports expected")


def call(base: str, method: str, path: str, body: Any = None, token: str = "") -> Any:
    if not base.startswith("http://127.0.0.1:"):
        raise ValueError(f"the smoke test talks to loopback servers only, not {base}")
    request = urllib.request.Request(  # noqa: S310  (http on the loopback, checked above)
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)


def token(base: str, username: str) -> str:
    return str(
        call(base, "POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD})[
            "token"
        ]
    )


def camps_total(base: str, leader: str, round_id: int) -> int:
    tables = call(
        base, "GET", f"/api/v1/rounds/{round_id}/consolidated?unit={PROVINCE}", token=leader
    )["tables"]
    return sum(t["total"].get("camps", 0) for t in tables)


def signed_in_on_both(web_a: str, web_b: str) -> None:
    """A browser signed in through one server stays signed in on the other: sessions are shared
    (the database's, or Redis's with REDIS_URL), the web servers keep nothing."""
    jar = http.cookiejar.CookieJar()  # cookies ignore ports: both servers get them
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = browser.open(f"{web_a}/accounts/login/", timeout=30).read().decode()
    # The collected, hashed stylesheet is served by either server (WhiteNoise).
    stylesheet = login_page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert stylesheet.startswith("/static/web/vitreem.")
    assert stylesheet != "/static/web/vitreem.css"
    css = browser.open(f"{web_b}{stylesheet}", timeout=30)
    assert css.headers["Content-Type"].startswith("text/css"), css.headers["Content-Type"]
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    form = {"username": "smoke.canbo", "password": PASSWORD, "csrfmiddlewaretoken": csrf}
    browser.open(f"{web_a}/accounts/login/", urllib.parse.urlencode(form).encode(), timeout=30)
    home = browser.open(f"{web_b}/", timeout=30)
    assert home.geturl() == f"{web_b}/", home.geturl()  # not sent to the login page
    assert "smoke.canbo" in home.read().decode()
    print(f"check: signed in through {web_a}, still signed in through {web_b}")


def check(web_a: str, web_b: str) -> None:
    from django_tasks_db.models import DBTaskResult

    from vitreem.reporting.models import Round, TotalsRebuild
    from vitreem.reporting.services import totals_rebuild_request

    for base in (web_a, web_b):
        health = call(base, "GET", "/api/v1/health")
        assert health["status"] == "ok", health
    signed_in_on_both(web_a, web_b)
    officer, leader = token(web_a, "smoke.canbo"), token(web_b, "smoke.lanhdao")
    round_id = Round.objects.get(title="Tháng hành động 2026 (kiểm thử)").pk
    before = camps_total(web_b, leader, round_id)
    mine = call(web_a, "GET", f"/api/v1/rounds/{round_id}/submissions", token=officer)
    report = call(web_a, "GET", f"/api/v1/submissions/{mine[0]['id']}", token=officer)
    saved = call(
        web_a,
        "PUT",
        f"/api/v1/submissions/{report['id']}/values",
        {"version": report["version"], "values": [{"element": "camps", "value": 7}]},
        token=officer,
    )
    assert saved["version"] > report["version"], saved
    assert (
        call(web_a, "POST", f"/api/v1/submissions/{report['id']}/submit", token=officer)["status"]
        == "submitted"
    )
    after = camps_total(web_b, leader, round_id)
    assert after == before + 7, (before, after)
    print(
        f"check: report {report['id']} filed through {web_a}, consolidated through {web_b}:"
        f" camps {before} → {after}"
    )

    rebuild = totals_rebuild_request(actor=None, round_=Round.objects.get(pk=round_id))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rebuild.refresh_from_db()
        if rebuild.status in ("done", "failed"):
            break
        time.sleep(0.5)
    time.sleep(2)  # let a second worker show itself, were it to take the same job
    rebuild.refresh_from_db()
    job = DBTaskResult.objects.get(id=rebuild.task_id)
    assert (rebuild.status, rebuild.runs) == ("done", 1), (
        rebuild.status,
        rebuild.runs,
        rebuild.error,
    )
    assert job.status == "SUCCESSFUL", job.status
    assert len(job.worker_ids) == 1, job.worker_ids
    assert TotalsRebuild.objects.filter(round_id=round_id).count() == 1
    assert camps_total(web_b, leader, round_id) == after
    print(f"check: job {job.id} ran once, by worker {job.worker_ids[0]}: {rebuild.totals} totals")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
    sys.path.insert(0, os.getcwd())
    django.setup()
    if sys.argv[1:2] == ["setup"]:
        setup()
    elif sys.argv[1:2] == ["check"] and len(sys.argv) == 4:
        check(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
