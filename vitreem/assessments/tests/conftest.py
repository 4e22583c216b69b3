from datetime import date

import pytest
import time_machine

from vitreem.assessments.loaders import load_criteria

# 1 October 2026: the assessment year 2026 is open, its report due on 30/10.
TODAY = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _criteria_and_day(db):
    load_criteria()
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def assessment(personas):
    from vitreem.assessments.services import assessment_start

    return assessment_start(actor=personas.officer_a, unit=personas.unit_a, year=2026)


def all_points(value: int = 70) -> list:
    from vitreem.assessments.services import ScoreInput

    # Criterion 7 scores at most 50 (criteria.yaml): what it cannot take goes to criterion 1,
    # so that the total stays 13 times the value.
    seven = min(value, 50)
    points = {n: value for n in range(1, 14)} | {7: seven, 1: value + value - seven}
    return [ScoreInput(n, points[n]) for n in range(1, 14)]
