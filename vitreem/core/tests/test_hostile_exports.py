"""Text with a formula prefix entered through the API comes back out of the exports as the same
text, never as a formula; and text the API refuses leaves the registry as it was."""

import io

import openpyxl
import pytest

from vitreem.children.models import Child
from vitreem.core.tests.hostile import FORMULAS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_prefixes_round_trip_as_text_in_the_children_export(
    client, api_client, personas, text
):
    api_client.login(personas.leader_a)
    name = f"{text} Lò Thị Lan"
    address = f"{text}Tổ 1"
    created = api_client.post(
        "/api/v1/children",
        {
            "unit": personas.unit_a.code,
            "full_name": name,
            "date_of_birth": "2018-03-03",
            "sex": "female",
            "address": address,
        },
    )
    assert created.status_code == 201, created.json()
    stored = Child.objects.get(public_id=created.json()["public_id"])

    client.force_login(personas.leader_a)
    response = client.get("/children/export.xlsx", {"unit": personas.unit_a.code})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert stored.full_name in values
    assert stored.address in values


@pytest.mark.parametrize("text", ["Lò\x00Lan", "Lò\ud800Lan", "Lò\x1bLan"])
def test_control_characters_and_lone_surrogates_never_reach_the_registry(client, personas, text):
    from vitreem.accounts.services import token_issue
    from vitreem.core.tests.hostile import json_body

    before = Child.objects.count()
    response = client.post(
        "/api/v1/children",
        json_body(
            {
                "unit": personas.unit_a.code,
                "full_name": text,
                "date_of_birth": "2018-03-03",
                "sex": "female",
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_issue(user=personas.leader_a)}"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "full_name"
    assert "ký tự không hợp lệ" in response.json()["detail"]
    assert Child.objects.count() == before
