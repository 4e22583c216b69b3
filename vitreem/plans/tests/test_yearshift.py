"""The year replacer of a copied plan: only the plan's own year moves, as it was written."""

from hypothesis import given
from hypothesis import strategies as st

from vitreem.plans.yearshift import YearShift

OLD, NEW = 2026, 2027
days = st.integers(1, 28)
months = st.integers(1, 12)
other_years = st.integers(1990, 2060).filter(lambda y: y != OLD)


def written(day: int, month: int, year: int, style: int) -> str:
    return [
        f"{day}/{month}/{year}",
        f"{day:02d}/{month:02d}/{year}",
        f"{day:02d}/{month}/{year}",
        f"ngày {day} tháng {month} năm {year}",
    ][style]


styles = st.integers(0, 3)
words = st.text(alphabet="abc ăâđ,.;:", max_size=15)


@given(words, days, months, other_years, styles, words)
def test_a_date_of_another_year_is_untouched(before, day, month, year, style, after):
    text = f"{before} {written(day, month, year, style)} {after}"
    shift = YearShift(old_year=OLD, new_year=NEW)
    assert shift.text(text) == text
    assert shift.changes == []


@given(words, days, months, styles, words, days, months, other_years, styles)
def test_a_date_of_the_plans_year_moves_and_keeps_its_format(
    before, day, month, style, after, day2, month2, year2, style2
):
    other = written(day2, month2, year2, style2)
    text = f"{before} {written(day, month, OLD, style)} {after} {other}"
    shift = YearShift(old_year=OLD, new_year=NEW)
    assert shift.text(text) == f"{before} {written(day, month, NEW, style)} {after} {other}"
    assert len(shift.changes) == 1


def test_every_text_of_a_tree_is_moved_and_the_theme_replaced():
    shift = YearShift(old_year=OLD, new_year=NEW, old_theme="Chủ đề cũ", new_theme="Chủ đề mới")
    tree = [{"text": "Hưởng ứng chủ đề “Chủ đề cũ” năm 2026", "n": 3}, ["01/6/2026", "2025"]]
    assert shift.tree(tree, "Nội dung") == [
        {"text": "Hưởng ứng chủ đề “Chủ đề mới” năm 2027", "n": 3},
        ["01/6/2027", "2025"],
    ]
    assert [where for where, _, _ in shift.changes] == ["Nội dung", "Nội dung"]
