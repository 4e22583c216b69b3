"""Idempotent loaders of the administrative units of both eras (sources: data/PROVENANCE.md)."""

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import F

from vitreem.core.text import fold, nfc

from .models import KIND_LEVEL, AdministrativeUnit, Kind, Succession

DATA_DIR = Path(__file__).with_name("data")
PRE_REFORM_FILE = DATA_DIR / "pre_reform_units.csv"
SUCCESSION_FILE = DATA_DIR / "succession.csv"

PRE_REFORM_FROM = date(2018, 1, 1)
PRE_REFORM_TO = date(2025, 6, 30)
REFORM_DATE = date(2025, 7, 1)

PRE_REFORM_SOURCE = "vietnam-provinces 0.6.0 (2025-01-04)"

# The official name starts with the kind; the short name is what follows.
NAME_PREFIX = {
    Kind.PROVINCE: "Tỉnh",
    Kind.CENTRAL_CITY: "Thành phố",
    Kind.DISTRICT: "Huyện",
    Kind.URBAN_DISTRICT: "Quận",
    Kind.TOWN: "Thị xã",
    Kind.CITY: "Thành phố",
    Kind.COMMUNE: "Xã",
    Kind.WARD: "Phường",
    Kind.TOWNSHIP: "Thị trấn",
    Kind.SPECIAL_ZONE: "Đặc khu",
}
CURRENT_KIND = {
    "tỉnh": Kind.PROVINCE,
    "thành phố trung ương": Kind.CENTRAL_CITY,
    "xã": Kind.COMMUNE,
    "phường": Kind.WARD,
    "đặc khu": Kind.SPECIAL_ZONE,
}


@dataclass(frozen=True)
class UnitRow:
    code: str
    parent_code: str
    kind: str
    name: str


def short_name(kind: str, name: str) -> str:
    prefix = NAME_PREFIX[Kind(kind)] + " "
    return name[len(prefix) :] if name.startswith(prefix) else name


def pre_reform_rows() -> list[UnitRow]:
    with PRE_REFORM_FILE.open(encoding="utf-8", newline="") as fh:
        return [UnitRow(**row) for row in csv.DictReader(fh)]


def current_rows() -> tuple[list[UnitRow], str]:
    import vietnam_provinces

    source = (
        f"vietnam-provinces {vietnam_provinces.__version__} ({vietnam_provinces.__data_version__})"
    )
    provinces = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text("utf-8"))
    rows: list[UnitRow] = []
    for province in provinces:
        p_kind = CURRENT_KIND[province["division_type"]]
        p_name = nfc(province["name"])
        prefix = NAME_PREFIX[p_kind]
        if not p_name.startswith(prefix + " "):
            p_name = f"{prefix} {p_name}"
        p_code = str(province["code"]).zfill(2)
        rows.append(UnitRow(p_code, "", p_kind, p_name))
        for ward in province["wards"]:
            kind = CURRENT_KIND[ward["division_type"]]
            rows.append(UnitRow(str(ward["code"]).zfill(5), p_code, kind, nfc(ward["name"])))
    return rows, source


@transaction.atomic
def load_era(rows: list[UnitRow], *, valid_from: date, valid_to: date | None, source: str) -> int:
    """Insert or update one era's units, level by level, and set their ancestors."""
    ids: dict[str, int] = {}
    ancestors: dict[str, tuple[int | None, int | None]] = {}  # code → (province_id, district_id)
    for level in (1, 2, 3):
        batch = []
        for row in rows:
            if KIND_LEVEL[row.kind] != level:
                continue
            name = nfc(row.name)
            province_id, district_id = ancestors.get(row.parent_code, (None, None))
            batch.append(
                AdministrativeUnit(
                    code=row.code,
                    name=name,
                    short_name=short_name(row.kind, name),
                    name_folded=fold(name),
                    kind=row.kind,
                    level=level,
                    parent_id=ids[row.parent_code] if row.parent_code else None,
                    province_id=province_id,
                    district_id=district_id,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    source=source,
                )
            )
        AdministrativeUnit.objects.bulk_create(
            batch,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code", "valid_from"],
            update_fields=[
                "name",
                "short_name",
                "name_folded",
                "kind",
                "level",
                "parent",
                "province",
                "district",
                "valid_to",
                "source",
                "updated_at",
            ],
        )
        era = AdministrativeUnit.objects.filter(valid_from=valid_from, level=level)
        if level == 1:
            era.update(province=F("id"))
        elif level == 2:
            era.update(district=F("id"))
        for unit_id, code, province_id, district_id in era.values_list(
            "id", "code", "province_id", "district_id"
        ):
            ids[code] = unit_id
            ancestors[code] = (province_id, district_id)
    return len(rows)


LEVEL_OF = {"province": 1, "district": 2, "commune": 3}


@transaction.atomic
def load_succession() -> int:
    """Link each old unit to the new ones it became (data/succession.csv), in place."""
    old = {
        (level, code): pk
        for pk, level, code in AdministrativeUnit.objects.filter(
            valid_from=PRE_REFORM_FROM
        ).values_list("id", "level", "code")
    }
    new = {
        (level, code): pk
        for pk, level, code in AdministrativeUnit.objects.filter(
            valid_from=REFORM_DATE
        ).values_list("id", "level", "code")
    }
    links = []
    with SUCCESSION_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            new_level = 1 if row["level"] == "province" else 3
            links.append(
                Succession(
                    predecessor_id=old[(LEVEL_OF[row["level"]], row["predecessor"])],
                    successor_id=new[(new_level, row["successor"])],
                    date=date.fromisoformat(row["date"]),
                    is_default=row["is_default"] == "1",
                    act=row["act"],
                )
            )
    # Defaults first cleared, so that a default moved between two parts never collides.
    Succession.objects.filter(is_default=True).update(is_default=False)
    Succession.objects.bulk_create(
        links,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["predecessor", "successor"],
        update_fields=["date", "is_default", "act", "updated_at"],
    )
    return len(links)


def load_units() -> dict[str, int]:
    """Load both eras and their succession; running it again updates in place and creates
    nothing twice."""
    current, current_source = current_rows()
    counts = {
        "pre_reform": load_era(
            pre_reform_rows(),
            valid_from=PRE_REFORM_FROM,
            valid_to=PRE_REFORM_TO,
            source=PRE_REFORM_SOURCE,
        ),
        "current": load_era(current, valid_from=REFORM_DATE, valid_to=None, source=current_source),
    }
    counts["succession"] = load_succession()
    return counts
