"""The access matrix: every page and endpoint that touches a unit's own data, for every persona.

A new unit-scoped page or endpoint joins ENDPOINTS; the matrix then checks it for everybody.
Expected outcomes: "ok" (the operation happens), "forbidden" (403: may read, may not change),
"hidden" (404: not theirs, indistinguishable from absent), "login" (anonymous).
"""

from dataclasses import dataclass, field
from typing import Any

import pytest

from vitreem.core.models import AuditEvent
from vitreem.units.models import Agency

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # {code} is unit A's code
    action: str  # the access rule's action
    api: bool
    body: dict[str, Any] = field(default_factory=dict)


ENDPOINTS = [
    Endpoint("api members", "GET", "/api/v1/units/{code}/members?as_of=2026-06-01", "read", True),
    Endpoint(
        "api add agency",
        "POST",
        "/api/v1/units/{code}/agencies?as_of=2026-06-01",
        "manage",
        True,
        {"name": "Câu lạc bộ Quyền trẻ em", "kind": "other"},
    ),
    Endpoint("api draft plan", "GET", "/api/v1/plans/{plan}", "read", True),
    Endpoint("api draft plan document", "GET", "/api/v1/plans/{plan}/document", "read", True),
    Endpoint("page draft plan", "GET", "/plans/{plan}/", "read", False),
    Endpoint("page draft plan docx", "GET", "/plans/{plan}/document.docx", "read", False),
    Endpoint(
        "page assign task",
        "POST",
        "/plans/{plan}/tasks/{task}/assign/",
        "enter",
        False,
        {"t{task}-agency": "{agency}"},
    ),
    Endpoint("page plan editor", "GET", "/plans/{plan}/edit/", "enter", False),
    Endpoint(
        "page save plan header",
        "POST",
        "/plans/{plan}/edit/",
        "enter",
        False,
        {
            "part": "header",
            "symbol": "KH-UBND",
            "title": "Kế hoạch sửa",
            "place": "Bắc Kạn",
            "period_start": "01/06/2026",
            "period_end": "30/06/2026",
        },
    ),
    Endpoint("page amend issued plan", "POST", "/plans/{issued_plan}/amend/", "enter", False),
    Endpoint("page copy plan", "POST", "/plans/{plan}/copy/", "enter", False, {"year": "2027"}),
    Endpoint(
        "page issue plan",
        "POST",
        "/plans/{plan}/issue/",
        "approve",
        False,
        {"issued_on": "01/06/2026"},
    ),
    Endpoint("api unit tasks", "GET", "/api/v1/units/{code}/tasks?as_of=2026-06-01", "read", True),
    Endpoint(
        "api task progress",
        "POST",
        "/api/v1/tasks/{issued_task}/progress",
        "enter",
        True,
        {"status": "done"},
    ),
    Endpoint(
        "page task progress",
        "POST",
        "/plans/tasks/{issued_task}/",
        "enter",
        False,
        {"status": "done"},
    ),
    Endpoint("page unit members", "GET", "/units/{code}/members/?as_of=01/06/2026", "read", False),
    Endpoint(
        "page agency form", "GET", "/units/{code}/agencies/new/?as_of=01/06/2026", "manage", False
    ),
    Endpoint(
        "page add agency",
        "POST",
        "/units/{code}/agencies/new/?as_of=01/06/2026",
        "manage",
        False,
        {"name": "Câu lạc bộ Quyền trẻ em", "kind": "other"},
    ),
    Endpoint(
        "page standard agencies",
        "POST",
        "/units/{code}/agencies/standard/?as_of=01/06/2026",
        "manage",
        False,
    ),
]

# persona → outcome per action on unit A (phường Bắc Kạn).
EXPECTED = {
    "anonymous": {"read": "login", "enter": "login", "approve": "login", "manage": "login"},
    "officer_b": {"read": "hidden", "enter": "hidden", "approve": "hidden", "manage": "hidden"},
    "old_officer": {"read": "hidden", "enter": "hidden", "approve": "hidden", "manage": "hidden"},
    "officer_a": {"read": "ok", "enter": "ok", "approve": "forbidden", "manage": "forbidden"},
    "viewer": {"read": "ok", "enter": "forbidden", "approve": "forbidden", "manage": "forbidden"},
    "supervisor": {
        "read": "ok",
        "enter": "forbidden",
        "approve": "forbidden",
        "manage": "forbidden",
    },
    "leader_a": {"read": "ok", "enter": "ok", "approve": "ok", "manage": "ok"},
    "admin": {"read": "ok", "enter": "ok", "approve": "ok", "manage": "ok"},
}

STATUS = {
    (True, "ok"): {200, 201},
    (True, "forbidden"): {403},
    (True, "hidden"): {404},
    (True, "login"): {401},
    (False, "ok"): {200, 302},
    (False, "forbidden"): {403},
    (False, "hidden"): {404},
    (False, "login"): {302},
}


def draft_plan_of(unit):
    from datetime import date

    from vitreem.plans.models import Assignment, Plan, Task

    plan, created = Plan.objects.get_or_create(
        issuer_unit=unit,
        title="Dự thảo kế hoạch Tháng hành động vì trẻ em năm 2026",
        defaults={
            "header_name": f"Ủy ban nhân dân {unit.name}",
            "kind": "action_month",
            "year": 2026,
            "place": unit.short_name,
            "period_start": date(2026, 6, 1),
            "period_end": date(2026, 6, 30),
        },
    )
    if created:
        assignment = Assignment.objects.create(plan=plan, assignee_label="Chưa phân công")
        Task.objects.create(assignment=assignment, text="Tổ chức diễn đàn trẻ em", role="lead")
    return plan


def issued_task_of(unit):
    from datetime import date

    from vitreem.plans.models import Assignment, Plan, Task

    plan, created = Plan.objects.get_or_create(
        issuer_unit=unit,
        number=99,
        defaults={
            "header_name": f"Ủy ban nhân dân {unit.name}",
            "title": "Kế hoạch đã ban hành",
            "status": "issued",
            "kind": "action_month",
            "year": 2026,
            "place": unit.short_name,
            "period_start": date(2026, 6, 1),
            "period_end": date(2026, 6, 30),
        },
    )
    if created:
        assignment = Assignment.objects.create(
            plan=plan, assignee_label=unit.name, assignee_unit=unit
        )
        Task.objects.create(assignment=assignment, text="Tổ chức diễn đàn trẻ em", role="lead")
    return Task.objects.get(assignment__plan=plan)


def call(client, personas, persona: str, endpoint: Endpoint):
    from vitreem.accounts.services import token_issue

    plan = draft_plan_of(personas.unit_a)
    agency = Agency.objects.get_or_create(
        unit=personas.unit_a,
        name="Trạm Y tế phường",
        defaults={"kind": "health", "valid_from": personas.unit_a.valid_from},
    )[0]
    names = {
        "code": personas.unit_a.code,
        "plan": plan.pk,
        "task": plan.assignments.first().tasks.first().pk,
        "agency": agency.pk,
        "issued_task": issued_task_of(personas.unit_a).pk,
        "issued_plan": issued_task_of(personas.unit_a).assignment.plan_id,
    }
    path = endpoint.path.format(**names)
    body = {key.format(**names): str(value).format(**names) for key, value in endpoint.body.items()}
    headers = {}
    if persona != "anonymous":
        user = getattr(personas, persona)
        if endpoint.api:
            headers["Authorization"] = f"Bearer {token_issue(user=user)}"
        else:
            client.force_login(user)
    if endpoint.method == "GET":
        return client.get(path, headers=headers)
    if endpoint.api:
        return client.post(path, body, content_type="application/json", headers=headers)
    return client.post(path, body, headers=headers)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("persona", list(EXPECTED))
def test_access_matrix(client, personas, persona, endpoint):
    outcome = EXPECTED[persona][endpoint.action]
    draft_plan_of(personas.unit_a)
    issued_task_of(personas.unit_a)
    agencies_before = Agency.objects.count() + 1  # the matrix's own "Trạm Y tế phường"
    audit_before = AuditEvent.objects.exclude(action="token.issue").count()

    response = call(client, personas, persona, endpoint)

    assert response.status_code in STATUS[(endpoint.api, outcome)], (
        persona,
        endpoint.name,
        response.status_code,
    )
    if outcome == "login":
        assert endpoint.api or "/accounts/login/" in response["Location"]
    if endpoint.method == "POST" and outcome != "ok":
        assert Agency.objects.count() == agencies_before
        assert AuditEvent.objects.exclude(action="token.issue").count() == audit_before
    if outcome == "ok" and endpoint.method == "POST":
        assert AuditEvent.objects.exclude(action="token.issue").count() > audit_before


def test_hidden_and_absent_look_the_same(client, personas):
    client.force_login(personas.officer_b)
    hidden = client.get(f"/units/{personas.unit_a.code}/members/?as_of=01/06/2026")
    absent = client.get("/units/99999/members/?as_of=01/06/2026")
    assert hidden.status_code == absent.status_code == 404


def test_province_supervisor_reads_every_commune_of_the_province(client, personas):
    client.force_login(personas.supervisor)
    for commune in (personas.unit_a, personas.unit_b):
        assert client.get(f"/units/{commune.code}/members/?as_of=01/06/2026").status_code == 200


def test_pre_reform_membership_does_not_reach_the_new_units(client, personas):
    client.force_login(personas.old_officer)
    assert client.get("/units/058/members/?as_of=01/06/2021").status_code == 200
    assert client.get("/units/01837/members/?as_of=01/06/2021").status_code == 200
    assert client.get("/units/01843/members/?as_of=01/06/2026").status_code == 404
