"""Load the criteria of data/criteria.yaml (idempotent: by number, updated in place)."""

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from . import rules
from .models import Criterion

CRITERIA_FILE = Path(__file__).with_name("data") / "criteria.yaml"


def read_criteria(path: Path = CRITERIA_FILE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    numbers = [c["number"] for c in data["criteria"]]
    if sorted(numbers) != list(range(1, rules.CRITERIA_COUNT + 1)):
        raise ValueError(f"{path.name}: the criteria must be numbered 1 to {rules.CRITERIA_COUNT}")
    for c in data["criteria"]:
        top = c.get("max_points")
        if top is not None and (not isinstance(top, int) or isinstance(top, bool) or top < 1):
            raise ValueError(f"{path.name}: criterion {c['number']} has a bad max_points")
    return data


@transaction.atomic
def load_criteria(path: Path = CRITERIA_FILE) -> list[Criterion]:
    data = read_criteria(path)
    source = f"Quyết định {data['decision']}"
    return [
        Criterion.objects.update_or_create(
            number=c["number"],
            defaults={
                "title": c["title"],
                "title_en": c.get("title_en", ""),
                "max_points": c.get("max_points"),
                "source": source,
            },
        )[0]
        for c in data["criteria"]
    ]
