import pytest
from django.core.management import call_command

from conftest import PRE_REFORM_DAY, unit
from vitreem.units import selectors
from vitreem.units.models import Succession

pytestmark = pytest.mark.django_db


def test_phuong_bac_kan_was_formed_from_wards_of_bac_kan_city():
    ward = unit("01843")
    formed_from = [link.predecessor for link in selectors.predecessors(ward)]
    assert formed_from
    assert {u.parent.name for u in formed_from} == {"Thành phố Bắc Kạn"}
    assert all(u.valid_to is not None for u in formed_from)


def test_bac_kan_province_became_thai_nguyen():
    links = selectors.successors(unit("06", PRE_REFORM_DAY))
    assert [(link.successor.name, link.act) for link in links] == [
        ("Tỉnh Thái Nguyên", "Nghị quyết 202/2025/QH15")
    ]


def test_a_divided_commune_has_several_successors_and_exactly_one_default():
    divided = Succession.objects.filter(is_default=False).first()
    assert divided is not None
    links = selectors.successors(divided.predecessor)
    assert len(links) >= 2
    assert [link.is_default for link in links].count(True) == 1
    assert links[0].is_default


def test_the_report_prints_the_coverage(capsys):
    call_command("succession_report")
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("communes mapped:"))
    mapped, total = line.split(":")[1].split("(")[0].strip().split("/")
    assert total == "10051"
    assert int(mapped) / int(total) >= 0.99
    assert "provinces mapped: 63/63 (100.00%)" in out


def test_loading_again_changes_nothing():
    from vitreem.units.loaders import load_succession

    before = Succession.objects.count()
    assert load_succession() == before
    assert Succession.objects.count() == before


def test_the_api_gives_predecessors_and_successors(api_client, personas):
    api_client.login(personas.officer_b)  # units are reference data: any member reads them
    body = api_client.get("/api/v1/units/01843/succession?as_of=2026-06-01").json()
    assert body["successors"] == []
    first = body["predecessors"][0]
    assert set(first) == {"code", "name", "valid_from", "valid_to"}
    assert first["valid_to"] == "2025-06-30"
    old = api_client.get("/api/v1/units/06/succession?as_of=2021-06-01").json()
    assert old["successors"] == [
        {
            "code": "19",
            "name": "Tỉnh Thái Nguyên",
            "valid_from": "2025-07-01",
            "valid_to": None,
            "is_default": True,
        }
    ]


def test_the_api_refuses_an_unknown_code_a_bad_date_and_anonymous(api_client, client, personas):
    api_client.login(personas.officer_a)
    assert api_client.get("/api/v1/units/99999/succession?as_of=2026-06-01").status_code == 404
    bad = api_client.get("/api/v1/units/01843/succession?as_of=1900-01-01")
    assert bad.status_code == 422
    assert "as_of" in bad.json()["detail"]
    assert "1990" in bad.json()["detail"]
    assert client.get("/api/v1/units/01843/succession").status_code == 401


def test_the_unit_pages_link_both_ways(client, personas):
    client.force_login(personas.officer_b)
    page = client.get("/units/01843/?as_of=01/06/2026").content.decode()
    assert "Hình thành từ" in page
    assert "?as_of=30/06/2025" in page
    divided = Succession.objects.filter(is_default=False).first()
    assert divided is not None
    old = divided.predecessor
    page = client.get(f"/units/{old.code}/?as_of=01/06/2021").content.decode()
    assert "Đã trở thành" in page
    assert page.count("mặc định") == 1
