from hypothesis import given
from hypothesis import strategies as st

from vitreem.assessments import rules


def _points(value: int) -> dict[int, int | None]:
    return dict.fromkeys(range(1, 14), value)


def test_recognised_at_the_threshold_of_each_type():
    # 13 criteria of 70 make 910; of 66, 858; of 62, 806.
    assert rules.evaluate(_points(70), rules.URBAN_WARD).meets
    assert not rules.evaluate(_points(69), rules.URBAN_WARD).meets  # 897 < 900
    assert rules.evaluate(_points(66), rules.OTHER).meets
    assert not rules.evaluate(_points(65), rules.OTHER).meets  # 845 < 850
    assert rules.evaluate(_points(62), rules.HIGHLAND).meets
    assert not rules.evaluate(_points(61), rules.HIGHLAND).meets  # 793 < 800


def test_one_criterion_at_zero_is_not_recognised_whatever_the_total():
    points = _points(100)
    points[4] = 0
    verdict = rules.evaluate(points, rules.HIGHLAND)
    assert verdict.total == 1200
    assert verdict.zero == (4,)
    assert not verdict.meets


def test_a_criterion_not_scored_is_not_recognised():
    points = _points(100)
    del points[13]
    verdict = rules.evaluate(points, rules.OTHER)
    assert verdict.missing == (13,)
    assert not verdict.meets


def test_thresholds_are_those_of_the_decision():
    assert rules.THRESHOLDS == {"urban_ward": 900, "other": 850, "highland": 800}


@given(
    st.lists(st.integers(min_value=0, max_value=200), min_size=13, max_size=13),
    st.sampled_from(sorted(rules.THRESHOLDS)),
)
def test_recognised_exactly_when_no_zero_and_total_reaches_threshold(values, kind):
    points = {n: v for n, v in enumerate(values, start=1)}
    verdict = rules.evaluate(points, kind)
    assert verdict.total == sum(values)
    assert verdict.meets == (min(values) > 0 and sum(values) >= rules.THRESHOLDS[kind])
