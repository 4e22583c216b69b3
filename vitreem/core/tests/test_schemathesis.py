"""Schemathesis over the committed OpenAPI document, in-process (WSGI, no network), signed in
as a unit leader by token: no server error, and every answer conforms to the declared status
codes and schemas. A fixed budget keeps it a few seconds per operation."""

from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vitreem.core.tests.world import world_of

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"
EXAMPLES = 10  # per operation and phase; the seed is fixed, so a run is repeatable

schema = schemathesis.openapi.from_path(COMMITTED)
schema.app = get_wsgi_application()
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, database="none")
schema.config.seed = 20260601

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(personas):
    # As Django's test client does: the test's transaction outlives each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    from vitreem.accounts.services import token_issue

    # Identity encoding: the in-process transport hands the checks the body as sent, unzipped.
    headers = {
        "Authorization": f"Bearer {token_issue(user=personas.leader_a)}",
        "Accept-Encoding": "identity",
    }
    yield headers, world_of(personas)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case, leader, settings):
    # A server error fails the example with its traceback rather than as a bare 500.
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    headers, world = leader
    case.call_and_validate(headers=headers, checks=CHECKS)
    # The same input against real objects of the leader's unit, not only absent ones.
    real = world.fill(list(case.path_parameters or {}))
    units = {
        k: world.values["code"] for k in ("unit", "issuer", "parent") if k in (case.query or {})
    }
    if real is not None and (real or units):
        case.path_parameters = real or case.path_parameters
        case.query = {**(case.query or {}), **units}
        case.call_and_validate(headers=headers, checks=CHECKS)
