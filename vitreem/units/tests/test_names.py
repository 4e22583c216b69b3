"""Names as an official writes them, over the real units of both eras."""

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CURRENT_DAY, unit
from vitreem.units.models import AdministrativeUnit, Agency
from vitreem.units.names import (
    address,
    agency_full_name,
    agency_label,
    agency_name,
    committee,
    committee_header,
    unit_phrase,
    unit_title,
)
from vitreem.units.services import standard_agencies

pytestmark = pytest.mark.django_db

KINDS = ["Tỉnh", "Thành phố", "Thị xã", "Quận", "Huyện", "Phường", "Xã", "Đặc khu", "Thị trấn"]


@cache
def real_units() -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.order_by("pk"))


def test_both_eras_hold_every_kind():
    kinds = {u.name.split(" ")[0] for u in real_units()} | {
        " ".join(u.name.split(" ")[:2]) for u in real_units()
    }
    assert set(KINDS) <= kinds


def test_a_ward_in_a_sentence_at_a_line_start_and_in_a_header():
    song_cau = AdministrativeUnit.objects.get(name="Phường Sông Cầu", valid_to__isnull=False)
    assert unit_phrase(song_cau) == "phường Sông Cầu"
    assert unit_title(song_cau) == "Phường Sông Cầu"
    assert committee(song_cau) == "Ủy ban nhân dân phường Sông Cầu"
    assert committee_header(song_cau) == "ỦY BAN NHÂN DÂN PHƯỜNG SÔNG CẦU"


def test_the_city_police_names_the_city_once():
    city = AdministrativeUnit.objects.get(name="Thành phố Bắc Kạn")
    assert agency_name("Công an thành phố", city) == "Công an thành phố Bắc Kạn"
    assert agency_name("Công an thành phố Thành phố Bắc Kạn", city) == "Công an thành phố Bắc Kạn"
    assert agency_name("Phòng Tư pháp", city) == "Phòng Tư pháp"


def test_an_address_names_the_ward_once():
    ward = unit("19", CURRENT_DAY).children.get(name="Phường Bắc Kạn")
    assert address("Tổ 3, phường Bắc Kạn", ward) == "Tổ 3, phường Bắc Kạn"
    assert address("Tổ 3, phường Bắc Kạn, Phường Bắc Kạn", ward) == "Tổ 3, phường Bắc Kạn"
    assert address("Tổ 3", ward) == "Tổ 3, phường Bắc Kạn"


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_every_real_unit_is_named_without_repetition_or_title_case(data):
    u = data.draw(st.sampled_from(real_units()))
    sentence = committee(u)
    assert sentence.startswith("Ủy ban nhân dân ")
    assert "Ủy Ban" not in sentence
    assert "Nhân Dân" not in sentence
    phrase = unit_phrase(u)
    assert phrase[0].islower()
    assert unit_title(u) == u.name
    assert committee_header(u) == sentence.upper()
    for item in standard_agencies(u):
        full = agency_name(item["name"], u)
        kind = phrase.removesuffix(" " + u.short_name)
        assert full.lower().count(f"{kind} {kind}") == 0
        assert full.count(u.short_name) <= 1 + item["name"].count(u.short_name)
        assert u.name not in full or full.startswith(u.name)
    written = address(f"Tổ 1, {u.name}, {phrase}", u)
    assert written == f"Tổ 1, {phrase}"


def test_an_agencys_word_document_names_the_agency_with_its_city():
    city = AdministrativeUnit.objects.get(name="Thành phố Bắc Kạn")
    police = Agency(unit=city, name="Công an thành phố")
    assert agency_full_name(police) == "Công an thành phố Bắc Kạn"


def test_an_agency_in_a_list_of_several_units_is_named_once_with_its_unit():
    city = AdministrativeUnit.objects.get(name="Thành phố Bắc Kạn")
    assert agency_label(Agency(unit=city, name="Công an thành phố")) == "Công an thành phố Bắc Kạn"
    assert agency_label(Agency(unit=city, name="Phòng Tư pháp")) == (
        "Phòng Tư pháp — Thành phố Bắc Kạn"
    )
