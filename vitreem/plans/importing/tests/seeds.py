"""The shared plan seeds as test fixtures, and their hand-transcribed data files."""

from pathlib import Path
from typing import Any

from vitreem.core.text import nfc
from vitreem.documents.plans import body_outline
from vitreem.plans.loaders import DATA_DIR, read_plan_file
from vitreem.plans.outline import Node, plain

FIXTURES = Path(__file__).with_name("fixtures")
SEEDS = (
    "bac-kan-city-2021-action-month",
    "hai-phong-2024-action-month",
    "tam-duong-2021-child-protection",
)


def seed_lines(key: str) -> list[str]:
    return (FIXTURES / f"{key}.txt").read_text(encoding="utf-8").splitlines()


def data_file(key: str) -> dict[str, Any]:
    return read_plan_file(DATA_DIR / f"{key}.yaml")


def flat(nodes: list[Node], depth: int = 0) -> list[tuple[int, str, str | None, str]]:
    """Each node as (depth, kind, marker, its text as read), in document order."""
    out: list[tuple[int, str, str | None, str]] = []
    for node in nodes:
        out.append((depth, node["kind"], node.get("marker"), nfc(plain(node["text"]))))
        out.extend(flat(node["children"], depth + 1))
    return out


def expected_outline(data: dict[str, Any]) -> list[Node]:
    """The body of a data file as it prints: its facts in their places."""
    return body_outline(data)
