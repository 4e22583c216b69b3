"""Hostile values in every body field and query parameter of every operation of the committed
OpenAPI document (a new endpoint is covered when the document is regenerated), one field at a
time over a valid request, signed in as a unit leader: never a server error, a refusal is a
declared 4xx that says why and changes nothing, and no NUL or lone surrogate is ever stored."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vitreem.accounts.tests.test_access_matrix import ENDPOINTS, placeholders
from vitreem.core.tests.guard import counts, forbidden_texts
from vitreem.core.tests.hostile import (
    DATES,
    NUMERIC_TEXTS,
    hostile,
    integers,
    json_body,
    numbers,
)
from vitreem.core.tests.hostile import texts as hostile_texts
from vitreem.core.tests.world import world_of

pytestmark = pytest.mark.django_db

DOCUMENT = json.loads(
    (Path(__file__).resolve().parents[3] / "docs" / "openapi.json").read_text(encoding="utf-8")
)
EXAMPLES = 20  # per operation; derandomized, so every run sends the same requests


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _kind(schema: dict) -> str:
    """string, integer, number, boolean or date: what the field expects (null aside)."""
    schema = _resolve(schema)
    for option in schema.get("anyOf", []):
        if _resolve(option).get("type") != "null":
            return _kind(option)
    if schema.get("format") == "date":
        return "date"
    return str(schema.get("type", "string" if "enum" in schema else "other"))


def _inputs(operation: dict) -> list[tuple[str, str, str]]:
    """(where, name, kind) of every query parameter and top-level body field."""
    found = [
        ("query", p["name"], _kind(p.get("schema", {})))
        for p in operation.get("parameters", [])
        if p["in"] == "query"
    ]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        properties = _resolve(body["schema"]).get("properties", {})
        found += [("body", name, _kind(schema)) for name, schema in properties.items()]
    return found


# Sent to every text field in turn: three to refuse, one to store in NFC.
SWEPT = ["Lê\x00Văn", "a\ud800b", "\x1b[0m", "Nguye\u0302\u0303n Thi\u0323 Lan"]
BY_KIND = {
    "string": hostile_texts,
    "integer": integers | numbers | st.booleans() | st.sampled_from(NUMERIC_TEXTS),
    "number": numbers | integers | st.sampled_from(NUMERIC_TEXTS),
    "boolean": st.sampled_from(["yes", "", 0, 2, "true "]) | integers,
    "date": st.sampled_from(DATES) | integers | hostile_texts,
}


OPERATIONS = [
    pytest.param(method, path, _inputs(operation), id=f"{method.upper()} {path}")
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
    if _inputs(operation)
]


def _baseline(personas, method: str, template: str) -> tuple[dict, dict]:
    """A valid body and query for the operation, from the access matrix's requests."""
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + r"(\?.*)?$"
    for endpoint in ENDPOINTS:
        if endpoint.api and endpoint.method == method.upper() and re.match(pattern, endpoint.path):
            names = placeholders(personas, endpoint)
            path = endpoint.path.format(**names)
            query = dict(part.split("=", 1) for part in path.partition("?")[2].split("&") if part)
            body = {
                key: value.format(**names) if isinstance(value, str) else value
                for key, value in endpoint.body.items()
            }
            return body, query
    return {}, {}


def _query_text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@pytest.mark.parametrize(("method", "template", "inputs"), OPERATIONS)
def test_hostile_values_in_every_input_of_every_operation(
    client, personas, method, template, inputs
):
    from vitreem.accounts.services import token_issue

    world = world_of(personas)
    declared = {int(code) for code in DOCUMENT["paths"][template][method]["responses"]}
    path_names = re.findall(r"\{([^}]+)\}", template)
    path = template.format(**(world.fill(path_names) or dict.fromkeys(path_names, 0)))
    body, query = _baseline(personas, method, template)
    headers = {"Authorization": f"Bearer {token_issue(user=personas.leader_a)}"}

    def send_one(target, value):
        where, name, _kind = target
        before = counts()
        sent_query = {**query, **({name: _query_text(value)} if where == "query" else {})}
        sent_body = {**body, name: value} if where == "body" else body
        response = client.generic(
            method.upper(),
            path,
            json_body(sent_body) if method != "get" else "",
            content_type="application/json",
            headers=headers,
            QUERY_STRING=_encode(sent_query),
        )
        assert response.status_code < 500
        assert response.status_code in declared, (target, value, response.status_code)
        if response.status_code >= 400:
            assert counts() == before, (target, value)
            assert response.json()["detail"], (target, value)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(data=st.data())
    def send(data):
        target = data.draw(st.sampled_from(inputs))
        # Mostly a hostile value of the field's own type, sometimes of any type at all.
        value = data.draw(st.one_of(BY_KIND.get(target[2], hostile), hostile))
        send_one(target, value)

    for target in inputs:
        if target[2] == "string":
            for value in SWEPT:
                send_one(target, value)
    send()
    assert forbidden_texts() == []


def _encode(query: dict) -> str:
    from urllib.parse import quote

    return "&".join(
        f"{quote(k)}={quote(v, safe='', errors='surrogatepass')}" for k, v in query.items()
    )
