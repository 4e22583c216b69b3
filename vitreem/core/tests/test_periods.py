from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vitreem.core.periods import KINDS, reporting_window


@pytest.mark.parametrize(
    ("kind", "index", "window"),
    [
        ("month", 6, (date(2024, 5, 15), date(2024, 6, 14))),
        ("month", 1, (date(2023, 12, 15), date(2024, 1, 14))),
        ("quarter", 1, (date(2023, 12, 15), date(2024, 3, 14))),
        ("half_year", 1, (date(2023, 12, 15), date(2024, 6, 14))),
        ("year", 1, (date(2023, 12, 15), date(2024, 12, 14))),
    ],
)
def test_windows_of_decree_09(kind, index, window):
    assert reporting_window(kind, 2024, index) == window


@given(st.sampled_from(sorted(KINDS)), st.integers(min_value=2000, max_value=2100))
def test_the_windows_of_a_year_follow_each_other_without_gap_or_overlap(kind, year):
    windows = [reporting_window(kind, year, i) for i in range(1, KINDS[kind] + 1)]
    assert windows[0][0] == date(year - 1, 12, 15)
    assert windows[-1][1] == date(year, 12, 14)
    for (_start, end), (following, _end) in pairwise(windows):
        assert end + timedelta(days=1) == following


def test_a_window_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="quarter 5"):
        reporting_window("quarter", 2024, 5)
