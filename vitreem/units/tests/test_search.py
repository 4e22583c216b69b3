import pytest

from conftest import CURRENT_DAY, PRE_REFORM_DAY
from vitreem.units.selectors import units_as_of

pytestmark = pytest.mark.django_db


def names(query, day):
    return [u.name for u in units_as_of(day, query=query)]


@pytest.mark.parametrize("query", ["bac kan", "Bac Kan", "bắc kạn", "BẮC KẠN", "  bắc   kạn "])
def test_search_ignores_accents_case_and_spacing(query):
    assert names(query, PRE_REFORM_DAY)[:2] == ["Tỉnh Bắc Kạn", "Thành phố Bắc Kạn"]


def test_tam_duong_finds_tam_duong_with_its_accent():
    found = names("tam duong", PRE_REFORM_DAY)
    assert "Huyện Tam Đường" in found
    assert "Thị trấn Tam Đường" in found


def test_after_the_reform_bac_kan_is_a_ward_of_thai_nguyen():
    found = units_as_of(CURRENT_DAY, query="bac kan")
    assert [(u.name, u.parent.name) for u in found] == [("Phường Bắc Kạn", "Tỉnh Thái Nguyên")]


def test_d_with_stroke_is_searched_as_d():
    assert "Tỉnh Điện Biên" in names("dien bien", PRE_REFORM_DAY)
    assert "Tỉnh Điện Biên" in names("Điện", PRE_REFORM_DAY)


def test_exact_name_ranks_before_longer_names():
    # "Tam Dương Bắc" contains "tam duong" too; the units named exactly so come first.
    found = names("tam duong", CURRENT_DAY)
    assert found[0] == "Xã Tam Dương"
    assert "Xã Tam Dương Bắc" in found
