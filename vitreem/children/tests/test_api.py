"""The registry over the API: scoped lists, masked sensitive data, reads logged, 422s."""

from datetime import date

import pytest

from vitreem.children.models import Child, ChildRead, SupportRecord
from vitreem.children.services import circumstance_add

from .factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(personas):
    a = register(
        personas.officer_a,
        personas.unit_a,
        name="Hà Văn Khánh",
        ethnicity="07",
        born=date(2017, 1, 5),
    )
    b = register(personas.officer_a, personas.unit_a, name="Lò Thị Duyên", born=date(2012, 8, 8))
    circumstance_add(actor=personas.officer_a, child=a, group="a", started_on=date(2025, 1, 1))
    circumstance_add(actor=personas.officer_a, child=b, group="l", started_on=date(2025, 3, 1))
    other = register(personas.officer_b, personas.unit_b, name="Vi Văn Tùng")
    return a, b, other


def test_a_province_list_covers_its_communes_and_logs_every_child_returned(
    api_client, personas, children
):
    api_client.login(personas.supervisor)
    body = api_client.get("/api/v1/children?unit=19&as_of=2026-06-01").json()
    assert body["count"] == 3
    assert {i["full_name"] for i in body["items"]} == {
        "Hà Văn Khánh",
        "Lò Thị Duyên",
        "Vi Văn Tùng",
    }
    assert ChildRead.objects.filter(user=personas.supervisor, via="api").count() == 3


def test_group_filter_and_sensitive_masking(api_client, personas, children):
    a, b, _other = children
    api_client.login(personas.officer_a)
    body = api_client.get("/api/v1/children?unit=01843&group=l&as_of=2026-06-01").json()
    assert [i["public_id"] for i in body["items"]] == [b.public_id]
    assert body["items"][0]["groups"] == ["l"]
    khanh = api_client.get(f"/api/v1/children/{a.public_id}").json()
    assert khanh["ethnicity"] == "07"
    api_client.login(personas.viewer)
    assert api_client.get("/api/v1/children?unit=19&group=l").status_code == 403
    listed = api_client.get("/api/v1/children?unit=01843&as_of=2026-06-01").json()["items"]
    duyen = next(i for i in listed if i["public_id"] == b.public_id)
    assert duyen["groups"] == []  # group l is sensitive
    assert api_client.get(f"/api/v1/children/{a.public_id}").json()["ethnicity"] is None


@pytest.mark.parametrize("group", ["f", "đ", "z", "A"])
def test_an_unknown_group_is_a_422_naming_the_field(api_client, personas, children, group):
    api_client.login(personas.officer_a)
    response = api_client.get(f"/api/v1/children?unit=01843&group={group}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "group"


def test_other_communes_and_strangers_get_404(api_client, personas, children):
    a, _b, _other = children
    api_client.login(personas.officer_b)
    assert api_client.get(f"/api/v1/children/{a.public_id}").status_code == 404
    assert api_client.get("/api/v1/children?unit=01843").status_code == 404
    assert api_client.get(f"/api/v1/children/{a.public_id}/support").status_code == 404
    assert (
        not ChildRead.objects.filter(user=personas.officer_b)
        .exclude(child__unit=personas.unit_b)
        .exists()
    )


def test_registering_and_recording_support_over_the_api(api_client, personas):
    api_client.login(personas.officer_a)
    response = api_client.post(
        "/api/v1/children",
        {"unit": "01843", "full_name": "Ma Văn Quân", "date_of_birth": "2020-02-29", "sex": "male"},
    )
    assert response.status_code == 201
    public_id = response.json()["public_id"]
    support = api_client.post(
        f"/api/v1/children/{public_id}/support",
        {
            "kind": "gift",
            "given_on": "2026-06-01",
            "value": 250000,
            "source": "mobilised",
            "occasion": "childrens_day",
        },
    )
    assert support.status_code == 201
    assert SupportRecord.objects.get().value == 250_000


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"date_of_birth": "2009-01-01"}, 422),
        ({"date_of_birth": "2030-01-01"}, 422),
        ({"sex": "x"}, 422),
        ({"personal_id": "abc"}, 422),
    ],
)
def test_bad_registrations_are_refused_and_nothing_saved(api_client, personas, payload, status):
    api_client.login(personas.officer_a)
    body = {
        "unit": "01843",
        "full_name": "Ma Văn Quân",
        "date_of_birth": "2020-02-29",
        "sex": "male",
        **payload,
    }
    response = api_client.post("/api/v1/children", body)
    assert response.status_code == status
    assert response.json()["detail"]
    assert not Child.objects.exists()


@pytest.mark.parametrize("value", [-1, "nhiều", 1.5])
def test_a_negative_or_non_numeric_amount_is_refused(api_client, personas, children, value):
    a, _b, _other = children
    api_client.login(personas.officer_a)
    response = api_client.post(
        f"/api/v1/children/{a.public_id}/support",
        {
            "kind": "gift",
            "given_on": "2026-06-01",
            "value": value,
            "source": "state",
            "occasion": "other",
        },
    )
    assert response.status_code == 422
    assert not SupportRecord.objects.exists()


def test_a_viewer_cannot_write(api_client, personas, children):
    a, _b, _other = children
    api_client.login(personas.viewer)
    response = api_client.post(
        f"/api/v1/children/{a.public_id}/support",
        {
            "kind": "gift",
            "given_on": "2026-06-01",
            "value": 1000,
            "source": "state",
            "occasion": "other",
        },
    )
    assert response.status_code == 403
    assert not SupportRecord.objects.exists()
