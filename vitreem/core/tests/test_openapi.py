from pathlib import Path

from vitreem.core.management.commands.export_openapi import openapi_document

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def test_committed_openapi_document_matches_the_api():
    # An intended API change regenerates it: `make openapi`.
    assert COMMITTED.read_text(encoding="utf-8") == openapi_document()


def test_every_operation_but_health_token_and_disclosure_requires_authentication():
    import json

    document = json.loads(openapi_document())
    open_paths = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not operation.get("security"):
                open_paths.add(f"{method.upper()} {path}")
    assert open_paths == {
        "GET /api/v1/health",
        "POST /api/v1/auth/token",
        "GET /api/v1/funds/{fund_id}/disclosure",  # the fund's public disclosure
    }


def test_interactive_docs_load_their_assets_locally(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page


def test_the_docs_page_lists_the_operations_and_fetches_the_viewer_only_on_demand(client):
    import re

    page = client.get("/api/v1/docs").content.decode()
    # The reference is there without JavaScript: every operation, listed by the server.
    assert "<code>POST</code></td><td><code>/api/v1/auth/token</code>" in page
    assert "<code>GET</code></td><td><code>/api/v1/units</code>" in page
    # What the page loads by itself is light: the 1.7 MB viewer waits for the reader's click.
    loaded = re.findall(r'<(?:script[^>]* src|link[^>]* href)="([^"]+)"', page)
    assert loaded
    assert not [url for url in loaded if "swagger-ui" in url]
    # No script of its own either: on a slow line each more file is one more round trip.
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', page)
    assert [url.rsplit("/", 1)[-1] for url in scripts] == ["site.js"]
    assert "Mở trình xem tương tác" in page


def test_openapi_json_is_served_without_authentication(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/units" in response.json()["paths"]


def test_every_operation_declares_the_refusals_it_gives_with_the_shared_error_schema():
    import json

    document = json.loads(openapi_document())
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            responses = operation["responses"]
            expected = set()
            if operation.get("security"):
                expected |= {"401", "403"}
            if operation.get("parameters") or "requestBody" in operation:
                expected |= {"404", "422"}
            if "requestBody" in operation:
                expected.add("413")
            assert expected <= set(responses), name
            for code, response in responses.items():
                if code.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == error, name
    token = document["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert {"401", "422", "429"} <= set(token)
    assert set(document["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "errors"}
