"""Request bodies over their class's limit are answered 413 in Vietnamese, before anything is
read, stored or changed; the pages that take a file have room for their file."""

import json

import pytest
from django.conf import settings
from django.test import Client

from vitreem.core.limits import UPLOAD_CLASSES
from vitreem.documents.workbooks import MAX_BYTES as WORKBOOK_MAX_BYTES
from vitreem.fund.models import Donation
from vitreem.fund.tests.factories import give, make_fund
from vitreem.plans.importing.reading import MAX_BYTES as PLAN_MAX_BYTES
from vitreem.plans.services import ATTACHMENT_MAX_BYTES
from vitreem.reporting.workbooks import MAX_ZIP_BYTES

pytestmark = pytest.mark.django_db

OVER = settings.REQUEST_BODY_MAX_BYTES + 1


def _json(size: int) -> str:
    return json.dumps({"username": "x", "password": "y" * size})


def test_a_token_request_over_the_limit_is_413_in_vietnamese_without_authentication(client):
    response = client.post("/api/v1/auth/token", _json(OVER), content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Dữ liệu gửi lên quá lớn (tối đa 2,5 MB); không có gì được lưu. "
        "Hãy gửi tệp hoặc nội dung nhỏ hơn."
    }


def test_a_body_just_within_the_limit_is_read(client):
    body = _json(settings.REQUEST_BODY_MAX_BYTES - 100)
    assert len(body) <= settings.REQUEST_BODY_MAX_BYTES
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    # Read and checked: the password is longer than any the token endpoint takes.
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["password"]


def test_a_donation_over_the_limit_is_413_and_records_nothing(api_client, personas):
    fund = make_fund(personas)
    donor = give(personas, fund, "Công ty Sữa", 1_000_000).donor
    api_client.login(personas.officer_a)
    before = Donation.objects.count()
    body = {"donor": donor.pk, "received_on": "2026-06-01", "amount": 1, "description": "x" * OVER}
    response = api_client.post(f"/api/v1/funds/{fund.pk}/donations", body)
    assert response.status_code == 413
    assert "quá lớn" in response.json()["detail"]
    assert Donation.objects.count() == before


def test_a_page_over_the_limit_is_a_vietnamese_413_page(client):
    response = client.post("/accounts/login/", {"username": "a", "password": "b" * OVER})
    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>Dữ liệu quá lớn</h1>" in page
    assert "tối đa 2,5 MB" in page


def test_a_body_that_outgrows_the_form_limit_while_read_is_413(client, settings):
    # No Content-Length check catches it (its class allows more): Django's own limit does.
    settings.REQUEST_BODY_MAX_BYTES = 10 * 2**20
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    page = client.post("/accounts/login/", {"username": "a", "password": "b" * 2_000})
    assert page.status_code == 413
    api = client.post("/api/v1/auth/token", _json(2_000), content_type="application/json")
    assert api.status_code == 413
    assert "quá lớn" in api.json()["detail"]


def test_an_upload_page_takes_a_file_larger_than_an_ordinary_body(personas):
    client = Client()
    client.force_login(personas.officer_a)
    data = {"kind": "children", "unit": personas.unit_a.pk, "file": _upload(3 * 2**20)}
    response = client.post("/children/import/", data)
    assert response.status_code != 413
    data["file"] = _upload(settings.UPLOAD_WORKBOOK_MAX_BYTES)
    response = client.post("/children/import/", data)
    assert response.status_code == 413
    assert "tối đa 6 MB" in response.content.decode()


def _upload(size: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("tre-em.xlsx", b"0" * size)


def test_each_upload_class_has_room_for_its_files_own_limit():
    room = {
        "UPLOAD_WORKBOOK_MAX_BYTES": WORKBOOK_MAX_BYTES,
        "UPLOAD_ATTACHMENT_MAX_BYTES": ATTACHMENT_MAX_BYTES,
        "UPLOAD_ARCHIVE_MAX_BYTES": MAX_ZIP_BYTES,
        "UPLOAD_PLAN_MAX_BYTES": PLAN_MAX_BYTES,
    }
    for setting in set(UPLOAD_CLASSES.values()):
        assert getattr(settings, setting) > room[setting], setting
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.REQUEST_BODY_MAX_BYTES
