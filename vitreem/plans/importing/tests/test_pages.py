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


def _review_docx(client, user, unit):
    from vitreem.documents.plans import render_plan_docx

    from .seeds import data_file

    client.force_login(user)
    data = render_plan_docx(data_file("thai-nguyen-2026-action-month"))
    return client.post(
        "/plans/import/",
        {"step": "upload", "unit": unit.pk, "file": SimpleUploadedFile("tinh.docx", data)},
    )


def test_the_province_plan_is_offered_as_received_and_derived_from(client, personas):
    page = _review_docx(client, personas.officer_a, personas.unit_a).content.decode()
    assert 'value="19" checked' in page or re.search(r'value="19"[^>]*checked', page)
    assert 'name="issued_on"' in page
    form = _save_form(page, keep_as="19", number="95", issued_on="08/05/2026", theme="Chủ đề sửa")
    response = client.post("/plans/import/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    received = Plan.objects.get()
    assert (received.status, received.received_by) == ("received", personas.unit_a)
    assert received.theme == "Chủ đề sửa"
    detail = client.get(response["Location"]).content.decode()
    assert 'id="received"' in detail
    assert "Soạn kế hoạch" not in detail  # read-only
    assert client.get(f"/plans/{received.pk}/edit/").status_code == 403
    derived = client.post(f"/plans/{received.pk}/derive/", {"unit": personas.unit_a.pk})
    plan = Plan.objects.exclude(pk=received.pk).get()
    assert derived["Location"] == f"/plans/{plan.pk}/"
    assert (plan.parent, plan.theme, plan.status) == (received, "Chủ đề sửa", "draft")


def test_another_unit_neither_sees_nor_derives_from_the_received_plan(client, personas):
    page = _review_docx(client, personas.officer_a, personas.unit_a).content.decode()
    client.post("/plans/import/", _save_form(page, keep_as="19", number="95"))
    received = Plan.objects.get()
    client.force_login(personas.officer_b)
    assert client.get(f"/plans/{received.pk}/").status_code == 404
    assert (
        client.post(f"/plans/{received.pk}/derive/", {"unit": personas.unit_b.pk}).status_code
        == 404
    )
    client.force_login(personas.supervisor)
    assert client.get(f"/plans/{received.pk}/").status_code == 404
    assert Plan.objects.count() == 1


def test_a_leader_accepts_the_proposed_agency_on_the_review(client, personas):
    from vitreem.units.models import Agency

    page = _review_docx(client, personas.leader_a, personas.unit_a).content.decode()
    assert "Tạo cơ quan mới của đơn vị: Công an tỉnh" in page
    recognised = json.loads(_save_form(page)["recognised"])
    police = [a["assignee"] for a in recognised["assignments"]].index("Công an tỉnh")
    form = _save_form(page, **{f"agency_{police}": "new"})
    assert client.post("/plans/import/", form).status_code == 302
    agency = Agency.objects.get(unit=personas.unit_a)
    assert (agency.name, agency.kind) == ("Công an tỉnh", "police")
    assert (
        Plan.objects.get().assignments.get(assignee_agency=agency).assignee_label == "Công an tỉnh"
    )


def test_an_officer_sees_the_proposal_but_may_not_create(client, personas):
    page = _review_docx(client, personas.officer_a, personas.unit_a).content.decode()
    assert re.search(r'<option value="new" disabled>', page)
    assert "Chỉ lãnh đạo đơn vị tạo được cơ quan mới" in page


def test_the_officer_corrects_an_assignees_name(client, personas):
    page = _review_docx(client, personas.officer_a, personas.unit_a).content.decode()
    form = _save_form(page, assignee_0="Sở Y tế tỉnh Thái Nguyên")
    assert client.post("/plans/import/", form).status_code == 302
    assert Plan.objects.get().assignments.filter(assignee_label="Sở Y tế tỉnh Thái Nguyên").exists()


def test_a_bad_number_is_told_in_vietnamese_and_nothing_saved(client, personas):
    page = _review_docx(client, personas.officer_a, personas.unit_a).content.decode()
    response = client.post("/plans/import/", _save_form(page, keep_as="19", number="-3"))
    assert response.status_code == 200
    assert "Số văn bản phải là một số nguyên dương." in response.content.decode()
    assert Plan.objects.count() == 0
