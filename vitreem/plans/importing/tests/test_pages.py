"""The import pages: the file read and shown beside what was recognised, the unsure first;
saved as a draft only when the officer saves."""

import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vitreem.plans.models import Plan

from .seeds import FIXTURES

pytestmark = pytest.mark.django_db


def _review(client, personas, key: str = "bac-kan-city-2021-action-month"):
    client.force_login(personas.officer_a)
    data = (FIXTURES / f"{key}.txt").read_bytes()
    return client.post(
        "/plans/import/",
        {
            "step": "upload",
            "unit": personas.unit_a.pk,
            "file": SimpleUploadedFile(f"{key}.txt", data),
        },
    )


def test_the_review_shows_the_repaired_source_beside_the_fields_unsure_first(client, personas):
    response = _review(client, personas)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Trung tâm Văn hóa" in page  # repaired from "Trung t m Văn h a"
    assert "ƣ" not in page
    sure = re.findall(r'data-sure="(yes|no)"', page)
    assert "no" in sure
    assert "yes" in sure
    assert sure == sorted(sure)  # "no" before "yes"
    assert Plan.objects.count() == 0


def _save_form(page: str, **changes: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    for name in ("title", "symbol", "place", "theme", "scope", "period_start", "period_end"):
        match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
        fields[name] = match.group(1) if match else ""
    for name in ("slogans", "recipients"):
        match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
        fields[name] = match.group(1) if match else ""
    fields = {k: html.unescape(v) for k, v in fields.items()}
    fields.update(changes)
    return fields


def test_the_officer_corrects_a_field_and_saves_a_draft(client, personas):
    page = _review(client, personas).content.decode()
    form = _save_form(page, title="Triển khai Tháng hành động vì trẻ em phường Bắc Kạn năm 2021")
    assert json.loads(form["recognised"])["theme"]
    response = client.post("/plans/import/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get()
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert plan.title == "Triển khai Tháng hành động vì trẻ em phường Bắc Kạn năm 2021"
    assert plan.issuer_unit == personas.unit_a
    assert len(plan.slogans) == 11
    assert plan.assignments.count() == 6


def test_another_units_officer_cannot_save_into_the_unit(client, personas):
    page = _review(client, personas).content.decode()
    form = _save_form(page)
    client.force_login(personas.officer_b)
    assert client.post("/plans/import/", form).status_code == 404
    assert Plan.objects.count() == 0


def test_a_refused_file_is_told_on_the_upload_page(client, personas):
    client.force_login(personas.officer_a)
    response = client.post(
        "/plans/import/",
        {
            "step": "upload",
            "unit": personas.unit_a.pk,
            "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 broken"),
        },
    )
    assert response.status_code == 200
    assert "Tệp PDF bị hỏng" in response.content.decode()
    assert Plan.objects.count() == 0


def test_the_officer_gives_an_assignee_to_an_agency_of_the_unit(client, personas):
    from vitreem.units.models import Agency

    police = Agency.objects.create(
        unit=personas.unit_a,
        name="Công an phường",
        kind="police",
        valid_from=personas.unit_a.valid_from,
    )
    page = _review(client, personas).content.decode()
    assert 'name="agency_0"' in page
    assert "Công an phường" in page
    form = _save_form(page, agency_0=str(police.pk), agency_1="999999")
    assert client.post("/plans/import/", form).status_code == 302
    first, second = Plan.objects.get().assignments.all()[:2]
    assert first.assignee_agency == police
    assert first.assignee_label == "Phòng Lao động - Thương binh và Xã hội"  # as written
    assert second.assignee_agency is None  # not an agency of the unit: kept as written
