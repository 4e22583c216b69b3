"""Security headers of every page, HTTPS in production, and no inline script the policy
would have to allow."""

import json
import logging
import re
from pathlib import Path

import pytest

from vitreem.core.logs import JsonFormatter

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2]


def test_pages_carry_the_content_security_policy_and_the_other_headers(client, personas):
    client.force_login(personas.officer_a)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_error_pages_and_the_api_carry_the_policy_too(client):
    assert "script-src 'self'" in client.get("/no/such/page/")["Content-Security-Policy"]
    assert "default-src 'self'" in client.get("/api/v1/health")["Content-Security-Policy"]


def test_production_redirects_to_https_and_sends_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    secure = client.get("/accounts/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/accounts/login/", secure=True).cookies.get("csrftoken")["secure"]
    # The load balancer asks for the health over plain HTTP on the private network.
    assert client.get("/api/v1/health").status_code == 200


def test_a_proxys_request_id_is_kept_when_sane(client):
    assert (
        client.get("/api/v1/health", headers={"X-Request-ID": "lb-12345678"})["X-Request-ID"]
        == "lb-12345678"
    )
    odd = client.get("/api/v1/health", headers={"X-Request-ID": "<script>"})["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", odd)


def test_templates_hold_no_inline_script_handler_or_style():
    offenders = []
    for template in sorted(TEMPLATES.glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for script in re.findall(r"<script\b[^>]*>", text):
            # A JSON data block (Django's json_script) is data, never run: CSP does not apply.
            if "src=" not in script and 'type="application/json"' not in script:
                offenders.append(f"{template.name}: inline {script}")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template.name}: inline event handler")
        if re.search(r"\sstyle\s*=|<style\b", text):
            offenders.append(f"{template.name}: inline style")
        if re.search(r"(src|href)=\"(https?:)?//", text):
            offenders.append(f"{template.name}: asset from another site")
    assert offenders == []


def test_json_log_lines_name_the_request():
    record = logging.LogRecord("vitreem", logging.INFO, __file__, 1, "filed %s", ("ok",), None)
    record.request_id = "abcdef0123"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "filed ok"
    assert line["request_id"] == "abcdef0123"
    assert line["level"] == "INFO"


def test_json_access_lines_keep_the_request_and_drop_its_headers():
    atoms = {
        "m": "PUT",
        "U": "/api/v1/submissions/1/values",
        "q": "",
        "s": "200",
        "M": 12,
        "B": 345,
        "h": "10.0.0.5",
        "{x-request-id}o": "abcdef0123",
        "{authorization}i": "Bearer secret",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(m)s", (), None)
    record.args = atoms
    line = json.loads(JsonFormatter().format(record))
    assert line["method"] == "PUT"
    assert line["status"] == 200
    assert line["duration_ms"] == 12
    assert line["request_id"] == "abcdef0123"
    assert "secret" not in json.dumps(line)
