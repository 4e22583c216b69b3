"""The outline of a draft for integrators: read with its version, changed one operation at a
time; a stale version is a 409, a change that would break the document a 422, nothing saved."""

import pytest

from vitreem.plans.models import Plan
from vitreem.plans.services import plan_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(personas):
    return plan_create(
        actor=personas.officer_a,
        issuer_unit=personas.unit_a,
        kind="action_month",
        year=2026,
        title="Triển khai Tháng hành động vì trẻ em năm 2026",
    )


def test_read_then_edit_with_the_version(api_client, personas, draft):
    api_client.login(personas.officer_a)
    read = api_client.get(f"/api/v1/plans/{draft.pk}/outline").json()
    assert [n["number"] for n in read["outline"]][:3] == ["I.", "II.", "III."]
    assert read["outline"][5]["children"][0] == {
        "kind": "paragraph",
        "role": "tasks",
        "text": "",
        "marker": None,
        "number": "",
        "children": [],
        "activity": None,
    }
    done = api_client.post(
        f"/api/v1/plans/{draft.pk}/outline",
        {
            "op": "add",
            "path": "0",
            "node": {"kind": "heading", "text": "CĂN CỨ *pháp lý*"},
            "expected_version": read["version"],
        },
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["focus"] == "1"
    assert (body["outline"][1]["number"], body["outline"][1]["text"]) == ("II.", "CĂN CỨ *pháp lý*")
    assert body["version"] != read["version"]
    # The same version again: someone (here, the same client) changed it since.
    stale = api_client.post(
        f"/api/v1/plans/{draft.pk}/outline",
        {"op": "delete", "path": "0", "expected_version": read["version"]},
    )
    assert stale.status_code == 409
    assert stale.json()["errors"] == [{"field": "expected_version", "message": body["version"]}]
    assert len(Plan.objects.get(pk=draft.pk).outline) == 8


def test_refusals_are_422_and_change_nothing(api_client, personas, draft):
    api_client.login(personas.officer_a)
    version = api_client.get(f"/api/v1/plans/{draft.pk}/outline").json()["version"]
    for payload in (
        {"op": "edit", "path": "0", "node": {"text": "**đậm"}},
        {"op": "edit", "path": "0", "node": {"text": "<i>nghiêng</i>"}},
        {"op": "explode", "path": "0"},
        {"op": "delete", "path": "7.7"},
        {"op": "delete", "path": "../0"},
        {"op": "edit", "path": "0", "node": {"kind": "table"}},
    ):
        response = api_client.post(
            f"/api/v1/plans/{draft.pk}/outline", {**payload, "expected_version": version}
        )
        assert response.status_code == 422, payload
        assert response.json()["detail"]
    assert api_client.get(f"/api/v1/plans/{draft.pk}/outline").json()["version"] == version


def test_another_commune_is_404_and_a_viewer_403(api_client, personas, draft):
    before = Plan.objects.get(pk=draft.pk).outline
    payload = {"op": "delete", "path": "0", "expected_version": "x"}
    api_client.login(personas.officer_b)
    assert api_client.get(f"/api/v1/plans/{draft.pk}/outline").status_code == 404
    assert api_client.post(f"/api/v1/plans/{draft.pk}/outline", payload).status_code == 404
    api_client.login(personas.viewer)
    assert api_client.get(f"/api/v1/plans/{draft.pk}/outline").status_code == 200
    assert api_client.post(f"/api/v1/plans/{draft.pk}/outline", payload).status_code == 403
    assert Plan.objects.get(pk=draft.pk).outline == before
