from datetime import date

import pytest
from django.db.models import F

from conftest import CURRENT_DAY, PRE_REFORM_DAY, unit
from vitreem.units.loaders import load_units
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import era_summary, unit_ancestors, unit_children

pytestmark = pytest.mark.django_db


def test_pre_reform_era_has_63_provinces_696_districts_10051_communes():
    summary = era_summary(PRE_REFORM_DAY)
    assert (summary.provinces, summary.districts, summary.communes) == (63, 696, 10051)


def test_current_era_has_34_provinces_and_3321_communes_and_no_districts():
    summary = era_summary(CURRENT_DAY)
    assert (summary.provinces, summary.districts, summary.communes) == (34, 0, 3321)


@pytest.mark.parametrize(
    ("day", "provinces"),
    [(date(2025, 6, 30), 63), (date(2025, 7, 1), 34), (date(2018, 1, 1), 63)],
)
def test_the_reform_date_switches_the_hierarchy(day, provinces):
    assert era_summary(day).provinces == provinces


def test_loading_again_creates_nothing_and_keeps_identities():
    before = dict(AdministrativeUnit.objects.values_list("id", "name"))
    load_units()
    after = dict(AdministrativeUnit.objects.values_list("id", "name"))
    assert after == before


def test_pre_reform_unit_knows_its_kind_parent_and_ancestors():
    ward = unit("01837", PRE_REFORM_DAY)
    assert ward.name == "Phường Sông Cầu"
    assert ward.kind == "ward"
    assert [a.name for a in unit_ancestors(ward)] == ["Tỉnh Bắc Kạn", "Thành phố Bắc Kạn"]
    assert ward.province.name == "Tỉnh Bắc Kạn"
    assert ward.district.name == "Thành phố Bắc Kạn"
    assert ward.valid_to == date(2025, 6, 30)


def test_kinds_are_read_from_official_names():
    assert unit("01", PRE_REFORM_DAY).kind == "central_city"
    assert unit("058", PRE_REFORM_DAY).kind == "city"
    assert unit("001", PRE_REFORM_DAY).kind == "urban_district"
    assert unit("106", PRE_REFORM_DAY).kind == "district"
    assert unit("03390", PRE_REFORM_DAY).kind == "township"
    assert unit("01852", PRE_REFORM_DAY).kind == "commune"


def test_current_units_carry_the_province_prefix_and_special_zones():
    province = unit("19")
    assert (province.name, province.short_name, province.kind) == (
        "Tỉnh Thái Nguyên",
        "Thái Nguyên",
        "province",
    )
    assert unit("01").name == "Thành phố Hà Nội"
    assert (
        AdministrativeUnit.objects.filter(kind="special_zone", valid_to__isnull=True).count() == 13
    )


def test_a_code_shared_by_both_eras_means_the_unit_in_force_on_the_date():
    assert unit("19", PRE_REFORM_DAY).name == "Tỉnh Thái Nguyên"
    old, new = unit("31", PRE_REFORM_DAY), unit("31")
    assert old.pk != new.pk
    assert len(unit_children(old, PRE_REFORM_DAY)) == 15  # districts of Hải Phòng before 2025
    assert all(c.level == 3 for c in unit_children(new, CURRENT_DAY))


def test_every_current_commune_sits_directly_under_its_province():
    communes = AdministrativeUnit.objects.filter(level=3, valid_to__isnull=True)
    assert not communes.exclude(parent_id=F("province_id")).exists()
