import pytest

from vitreem.units.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client, personas):
    api_client.login(personas.officer_a)
    return api_client


@pytest.mark.parametrize(
    ("as_of", "level", "count"),
    [
        ("2021-06-01", "province", 63),
        ("2021-06-01", "district", 696),
        ("2021-06-01", "commune", 10051),
        ("2026-06-01", "province", 34),
        ("2026-06-01", "district", 0),
        ("2026-06-01", "commune", 3321),
    ],
)
def test_counts_per_era_and_level(api, as_of, level, count):
    response = api.get(f"/api/v1/units?as_of={as_of}&level={level}&limit=1")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == count
    assert len(body["items"]) == min(1, count)


def test_search_before_the_reform_finds_the_province_and_the_city(api):
    body = api.get("/api/v1/units?q=bac+kan&as_of=2021-06-01").json()
    found = {(i["name"], i["kind"], i["level"], i["parent_code"]) for i in body["items"]}
    assert ("Tỉnh Bắc Kạn", "province", "province", None) in found
    assert ("Thành phố Bắc Kạn", "city", "district", "06") in found


def test_search_after_the_reform_finds_the_ward_under_thai_nguyen(api):
    body = api.get("/api/v1/units?q=bac+kan&as_of=2026-06-01").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["name"], item["kind"], item["parent_code"]) == ("Phường Bắc Kạn", "ward", "19")
    assert (item["valid_from"], item["valid_to"]) == ("2025-07-01", None)


def test_paging_walks_every_item_once(api):
    first = api.get("/api/v1/units?as_of=2021-06-01&parent=06&limit=5").json()
    second = api.get("/api/v1/units?as_of=2021-06-01&parent=06&limit=5&offset=5").json()
    assert first["count"] == second["count"] == 8  # the districts of Bắc Kạn province
    codes = [i["code"] for i in first["items"] + second["items"]]
    assert len(codes) == len(set(codes)) == 8


def test_unit_detail_has_parent_children_and_agencies(api, personas):
    from vitreem.units.services import agencies_create_standard

    agencies_create_standard(actor=None, unit=personas.unit_a)
    body = api.get("/api/v1/units/01843?as_of=2026-06-01").json()
    assert body["name"] == "Phường Bắc Kạn"
    assert body["parent"]["name"] == "Tỉnh Thái Nguyên"
    assert body["children"] == []
    assert "Phòng Văn hóa - Xã hội" in [a["name"] for a in body["agencies"]]
    assert "Trạm Y tế phường" in [a["name"] for a in body["agencies"]]


def test_same_code_different_era_gives_different_units(api):
    old = api.get("/api/v1/units/06?as_of=2021-06-01").json()
    assert old["name"] == "Tỉnh Bắc Kạn"
    assert len(old["children"]) == 8
    assert api.get("/api/v1/units/06?as_of=2026-06-01").status_code == 404


def test_unknown_code_is_404_with_a_message(api):
    response = api.get("/api/v1/units/99999?as_of=2026-06-01")
    assert response.status_code == 404
    assert "99999" in response.json()["detail"]
    assert "01/06/2026" in response.json()["detail"]


@pytest.mark.parametrize(
    "query", ["as_of=2021-13-01", "as_of=01/06/2021", "as_of=hom-nay", "level=hamlet", "limit=0"]
)
def test_malformed_parameters_are_422_with_the_field_named(api, query):
    response = api.get(f"/api/v1/units?{query}")
    assert response.status_code == 422
    field = query.split("=")[0]
    assert field in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == field


def test_anonymous_requests_are_refused(client):
    for path in ["/api/v1/units", "/api/v1/units/19", "/api/v1/me"]:
        response = client.get(path)
        assert response.status_code == 401
        assert "Bearer" in response.json()["detail"]


def test_health_answers_without_authentication(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_agency_created_through_the_api_by_the_units_leader(api_client, personas):
    api_client.login(personas.leader_a)
    response = api_client.post(
        "/api/v1/units/01843/agencies?as_of=2026-06-01",
        {"name": "Trường Trung học phổ thông Bắc Kạn", "kind": "school"},
    )
    assert response.status_code == 201
    assert Agency.objects.filter(
        unit=personas.unit_a, name="Trường Trung học phổ thông Bắc Kạn"
    ).exists()


def test_duplicate_agency_is_refused_in_vietnamese_and_changes_nothing(api_client, personas):
    api_client.login(personas.leader_a)
    payload = {"name": "Câu lạc bộ Quyền trẻ em", "kind": "other"}
    assert api_client.post("/api/v1/units/01843/agencies", payload).status_code == 201
    response = api_client.post("/api/v1/units/01843/agencies", payload)
    assert response.status_code == 422
    assert "đã có" in response.json()["detail"]
    assert Agency.objects.filter(unit=personas.unit_a).count() == 1


def test_agency_with_a_blank_name_is_refused(api_client, personas):
    api_client.login(personas.leader_a)
    response = api_client.post("/api/v1/units/01843/agencies", {"name": " ", "kind": "other"})
    assert response.status_code == 422
    assert not Agency.objects.filter(unit=personas.unit_a).exists()


def test_unit_detail_costs_the_same_queries_for_92_children_as_for_8(
    api, django_assert_max_num_queries
):
    # Tỉnh Thái Nguyên has 92 communes; one query per child would show here.
    with django_assert_max_num_queries(8):
        assert len(api.get("/api/v1/units/19?as_of=2026-06-01").json()["children"]) == 92


def test_unit_list_page_costs_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/units?as_of=2026-06-01&level=commune&limit=500").json()
    assert len(body["items"]) == 500
    assert all(item["parent_code"] for item in body["items"])
