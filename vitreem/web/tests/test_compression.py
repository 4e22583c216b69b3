"""Pages and API answers travel gzipped; the icon and the manifest are the site's own."""

import gzip
import json

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_when_the_browser_accepts_it(client, personas):
    client.force_login(personas.officer_a)
    plain = client.get("/units/")
    zipped = client.get("/units/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content).decode().count("Đơn vị hành chính") >= 1
    assert len(zipped.content) < len(plain.content) / 2


def test_an_api_list_is_gzipped(api_client, personas):
    api_client.login(personas.officer_a)
    response = api_client.get("/api/v1/units?q=bac+kan", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["count"] > 0


def test_a_workbook_is_not_compressed_twice(client, personas, province_round):
    round_ = province_round
    client.force_login(personas.supervisor)
    response = client.get(
        f"/api/v1/rounds/{round_.pk}/consolidated.xlsx?unit=19", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert response.content[:2] == b"PK"


def test_favicon_ico_leads_to_the_icon_and_pages_link_it_and_the_manifest(client, personas):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/web/favicon.svg"
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/web/favicon.svg"' in page
    assert 'rel="manifest" href="/static/web/manifest.json"' in page


def test_the_icon_and_the_manifest_are_served(live_server):
    from urllib.request import urlopen

    with urlopen(f"{live_server.url}/favicon.ico") as icon:  # follows the redirect
        assert icon.headers["Content-Type"].startswith("image/svg+xml")
        assert b"<svg" in icon.read()
    with urlopen(f"{live_server.url}/static/web/manifest.json") as manifest:
        data = json.load(manifest)
    assert data["start_url"] == "/"
    assert data["icons"][0]["src"] == "favicon.svg"
