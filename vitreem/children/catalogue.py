"""The reference lists of the registry, read from children/data: groups and ethnicities."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data")
LAW_2016 = "2016"
LAW_2004 = "2004"


@dataclass(frozen=True)
class Group:
    basis: str
    code: str
    point: str  # as the law prints it: "đ" for the code "dd"
    label: str
    sensitive: bool
    subgroups: tuple[tuple[str, str], ...]

    @property
    def title(self) -> str:
        return f"{self.point}) {self.label}" if self.basis == LAW_2016 else self.label


@cache
def groups() -> dict[str, Group]:
    """Every group of both laws by code ("a".."o" of 2016, "2004-1".."2004-9")."""
    data = yaml.safe_load((DATA / "groups.yaml").read_text(encoding="utf-8"))
    found: dict[str, Group] = {}
    for basis, items in data.items():
        for item in items:
            found[item["code"]] = Group(
                basis=str(basis),
                code=item["code"],
                point=str(item["point"]),
                label=item["label"],
                sensitive=bool(item["sensitive"]),
                subgroups=tuple((s["code"], s["label"]) for s in item["subgroups"]),
            )
    return found


def groups_of(basis: str) -> list[Group]:
    return [g for g in groups().values() if g.basis == basis]


GROUP_CODES_2016 = ("a", "b", "c", "d", "dd", "e", "g", "h", "i", "k", "l", "m", "n", "o")


def sensitive_groups() -> set[str]:
    return {code for code, group in groups().items() if group.sensitive}


@cache
def ethnicities() -> dict[str, str]:
    """Code → name of Vietnam's 54 ethnic groups."""
    items = yaml.safe_load((DATA / "ethnicities.yaml").read_text(encoding="utf-8"))
    return {item["code"]: item["name"] for item in items}
