"""Derive succession.csv (old unit → new unit on 1 July 2025) from the PyPI package
vietnamadminunits 1.0.4.

Run by hand, once, when the source changes (see PROVENANCE.md), with the project's environment
(it reads the current units from the installed vietnam-provinces):

    pip download --no-deps vietnamadminunits==1.0.4 && unzip vietnamadminunits-1.0.4-*.whl
    python vitreem/units/data/derive_succession.py vietnamadminunits/data

The package's converter names units by keys built from their names ("tinhbackan_thanhphobackan_
phuongsongcau"); its dataset gives each key its unit's code. Old units are matched to ours by
code (the statistics codes did not change; only spellings did); new communes by province and
name, since the package numbers some new communes differently from vietnam-provinces.
"""

import csv
import json
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).parent
OUTPUT = DATA / "succession.csv"
PRE_REFORM = DATA / "pre_reform_units.csv"
DATE = "2025-07-01"
PROVINCE_ACT = "Nghị quyết 202/2025/QH15"
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def name_key(name: str) -> str:
    """A name compared across sources: case, spacing, dashes, apostrophes and the place of the
    tone mark ("Hoà" / "Hòa") do not count."""
    text = unicodedata.normalize("NFD", name.lower().replace("’", "'").replace("–", "-"))
    words = []
    for word in text.split():
        tones = "".join(c for c in word if c in TONES)
        bare = "".join(c for c in word if c not in TONES)
        words.append(unicodedata.normalize("NFC", bare + tones))
    return " ".join(words)


def current_units() -> tuple[set[str], dict[tuple[str, str], str]]:
    """Our current provinces' codes, and (province code, name key) → commune code."""
    import vietnam_provinces

    provinces = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text("utf-8"))
    codes = {str(p["code"]).zfill(2) for p in provinces}
    communes: dict[tuple[str, str], str] = {}
    for p in provinces:
        for ward in p["wards"]:
            key = (str(p["code"]).zfill(2), name_key(ward["name"]))
            assert key not in communes, key
            communes[key] = str(ward["code"]).zfill(5)
    return codes, communes


def main() -> None:
    source = Path(sys.argv[1])
    converter = json.loads((source / "converter_2025.json").read_text("utf-8"))
    db = sqlite3.connect(source / "dataset.db")

    with PRE_REFORM.open(encoding="utf-8", newline="") as fh:
        ours_old = {row["code"]: row for row in csv.DictReader(fh)}
    by_district_name = {
        (row["parent_code"], name_key(row["name"])): code
        for code, row in ours_old.items()
        if len(code) == 5
    }
    new_provinces, new_communes = current_units()

    old_province = dict(
        db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy")
    )
    new_province = dict(db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units"))
    # The new commune of (new province key, commune key), through its province and name.
    new_commune: dict[tuple[str, str], str] = {}
    for p_key, w_key, p_code, name in db.execute(
        "SELECT provinceKey, wardKey, provinceCode, ward FROM admin_units"
    ):
        new_commune[(p_key, w_key)] = new_communes[(p_code, name_key(name))]
    # The old unit of an old key: the commune by code; an island district without communes by
    # its district code. A commune the package numbers with a code we lack (merged in early
    # 2025) is found by its name in the same district.
    old_unit: dict[str, tuple[str, str]] = {}
    bridged = []
    for p_key, d_key, w_key, d_code, w_code, name in db.execute(
        "SELECT provinceKey, districtKey, wardKey, districtCode, wardCode, ward"
        " FROM admin_units_legacy"
    ):
        key = f"{p_key}_{d_key}_{w_key or ''}"
        if not w_code:
            assert ours_old[d_code]["kind"] == "district", d_code
            old_unit[key] = ("district", d_code)
        elif w_code in ours_old:
            assert ours_old[w_code]["parent_code"] == d_code, (w_code, d_code)
            old_unit[key] = ("commune", w_code)
        elif (d_code, name_key(name)) in by_district_name:
            code = by_district_name[(d_code, name_key(name))]
            bridged.append(f"{w_code} → {code} {name}")
            old_unit[key] = ("commune", code)

    rows: list[list[str]] = []
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        act = PROVINCE_ACT if len(old_keys) > 1 else ""
        for old_key in old_keys:
            old_code, new_code = old_province[old_key], new_province[new_key]
            assert ours_old[old_code]["parent_code"] == ""
            assert new_code in new_provinces
            rows.append(["province", old_code, new_code, "1", act])
    for p_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for w_key, old_keys in wards.items():
            for old_key in old_keys:
                if old_key in old_unit:
                    level, code = old_unit[old_key]
                    rows.append([level, code, new_commune[(p_key, w_key)], "1", ""])
    for p_key, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            if old_key not in old_unit:
                continue
            assert sum(part["isDefaultNewWard"] for part in parts) == 1, old_key
            level, code = old_unit[old_key]
            for part in parts:
                new_code = new_commune[(p_key, part["newWardKey"])]
                rows.append([level, code, new_code, "1" if part["isDefaultNewWard"] else "0", ""])

    # One row per pair; a bridged commune whose name survived in a merged one may come twice.
    seen: dict[tuple[str, str, str], list[str]] = {}
    for row in rows:
        seen.setdefault((row[0], row[1], row[2]), row)
    defaults: dict[tuple[str, str], int] = defaultdict(int)
    for row in seen.values():
        defaults[(row[0], row[1])] += row[3] == "1"
    assert all(n == 1 for n in defaults.values()), [k for k, n in defaults.items() if n != 1]

    level_order = {"province": 1, "district": 2, "commune": 3}
    out = sorted(seen.values(), key=lambda r: (level_order[r[0]], r[1], r[3] != "1", r[2]))
    with OUTPUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["level", "predecessor", "successor", "is_default", "date", "act"])
        writer.writerows([[*r[:4], DATE, r[4]] for r in out])
    communes = {r[1] for r in out if r[0] == "commune"}
    print(f"wrote {len(out)} links for {len(communes)} old communes to {OUTPUT.name}")
    for line in bridged:
        print("matched by name:", line)


if __name__ == "__main__":
    main()
