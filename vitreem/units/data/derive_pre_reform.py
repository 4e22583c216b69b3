"""Derive pre_reform_units.csv from the data of the PyPI package vietnam-provinces 0.6.0.

Run by hand, once, when the source changes (see PROVENANCE.md):

    pip download --no-deps vietnam-provinces==0.6.0 && unzip vietnam_provinces-0.6.0-*.whl
    python vitreem/units/data/derive_pre_reform.py vietnam_provinces/data/nested-divisions.json

The package names every level with one generic type (tỉnh / huyện / xã); the kind of each unit
is read from the prefix of its official name instead.
"""

import csv
import json
import sys
import unicodedata
from pathlib import Path

OUTPUT = Path(__file__).with_name("pre_reform_units.csv")

# (level, name prefix) → kind, longest prefixes first.
PREFIX_KIND = [
    (1, "Thành phố", "central_city"),
    (1, "Tỉnh", "province"),
    (2, "Thành phố", "city"),
    (2, "Thị xã", "town"),
    (2, "Quận", "urban_district"),
    (2, "Huyện", "district"),
    (3, "Thị trấn", "township"),
    (3, "Phường", "ward"),
    (3, "Xã", "commune"),
]
CODE_WIDTH = {1: 2, 2: 3, 3: 5}


def kind_and_name(level: int, raw_name: str) -> tuple[str, str]:
    name = " ".join(unicodedata.normalize("NFC", raw_name).split())
    for prefix_level, prefix, kind in PREFIX_KIND:
        if prefix_level == level and name.lower().startswith(prefix.lower() + " "):
            # The source writes "Thành Phố" in a few names; the official spelling is "Thành phố".
            return kind, prefix + name[len(prefix) :]
    raise ValueError(f"no kind for level {level} unit {raw_name!r}")


def rows(source: Path) -> list[list[str]]:
    out: list[list[str]] = []
    for province in json.loads(source.read_text(encoding="utf-8")):
        p_code = str(province["code"]).zfill(CODE_WIDTH[1])
        kind, name = kind_and_name(1, province["name"])
        out.append([p_code, "", kind, name])
        for district in province["districts"]:
            d_code = str(district["code"]).zfill(CODE_WIDTH[2])
            kind, name = kind_and_name(2, district["name"])
            out.append([d_code, p_code, kind, name])
            for ward in district["wards"]:
                kind, name = kind_and_name(3, ward["name"])
                out.append([str(ward["code"]).zfill(CODE_WIDTH[3]), d_code, kind, name])
    return out


def main() -> None:
    data = rows(Path(sys.argv[1]))
    with OUTPUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "parent_code", "kind", "name"])
        writer.writerows(data)
    print(f"wrote {len(data)} units to {OUTPUT.name}")


if __name__ == "__main__":
    main()
