"""The recognition rule of Decision 06/2019/QĐ-TTg, framework-free.

A commune is recognised child-friendly when every one of the 13 criteria scores above 0 and the
total reaches the threshold of its kind: 900 points for a phường of a quận, thị xã or city of a
centrally-run city; 800 for a xã or thị trấn of a mountainous or island area and for a xã đặc
biệt khó khăn; 850 for every other xã, phường and thị trấn.
"""

from collections.abc import Mapping
from dataclasses import dataclass

CRITERIA_COUNT = 13

URBAN_WARD = "urban_ward"
OTHER = "other"
HIGHLAND = "highland"

THRESHOLDS: dict[str, int] = {URBAN_WARD: 900, OTHER: 850, HIGHLAND: 800}


@dataclass(frozen=True)
class Verdict:
    total: int
    threshold: int
    missing: tuple[int, ...]  # criteria without points yet
    zero: tuple[int, ...]  # criteria scored 0
    meets: bool


def evaluate(points: Mapping[int, int | None], commune_type: str) -> Verdict:
    """The verdict on a commune's points per criterion number (1 to 13)."""
    threshold = THRESHOLDS[commune_type]
    numbers = range(1, CRITERIA_COUNT + 1)
    missing = tuple(n for n in numbers if points.get(n) is None)
    zero = tuple(n for n in numbers if points.get(n) == 0)
    total = sum(p for p in points.values() if p is not None)
    meets = not missing and not zero and total >= threshold
    return Verdict(total=total, threshold=threshold, missing=missing, zero=zero, meets=meets)
