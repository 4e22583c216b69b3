"""Benchmark of the registry of children at 1/25 of the nation (prints figures; not a test).

    .venv/bin/python bench/registry.py         # SQLite: var/bench-registry.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vitreem_registry_bench \
        .venv/bin/python bench/registry.py

Generates once, on the 3,321 communes of the two-tier units, 1,000,000 children (--children)
spread unevenly over the communes: ages 0–15, both sexes, the ethnic mix of the census, most with
a personal id; ~6.5% of them in one or more of the 14 groups of the 2016 law (some left their
group before turning 16); and the support history of five Action Months (June 2022–2026) and four
Mid-Autumn festivals (2022–2025): gifts, scholarships, health care and surgery, given by the
commune or by a department of the province. Loaded with COPY on PostgreSQL (executemany on
SQLite), reused when present. Then measures, as medians of repeated runs: counts by province ×
14 groups on a day (goal ≤ 300 ms), a commune's children list page (goal p95 ≤ 100 ms) and the
selector under it, the pre-fill of Action Month table 2 for a province, and the import of a
generated 10,000-row children file, as Excel saves it and as openpyxl writes it (goal
≥ 10,000 rows/s, committed; the imported children are removed after each run), with the
time spent reading the file apart.
Options: --children N, --runs N, --rows N (import file), --explain (EXPLAIN ANALYZE the queries).
"""

import argparse
import io
import os
import random
import re
import statistics
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
# The test client speaks plain HTTP, as a server behind its TLS proxy hears it.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-registry.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from vitreem.accounts.models import Membership, User  # noqa: E402
from vitreem.children import imports, prefill, selectors  # noqa: E402
from vitreem.children.models import (  # noqa: E402
    Child,
    Circumstance,
    PossibleDuplicate,
    SupportRecord,
)
from vitreem.children.services import last_day_as_child  # noqa: E402
from vitreem.core.models import AuditEvent  # noqa: E402
from vitreem.core.text import fold  # noqa: E402
from vitreem.units.loaders import REFORM_DATE, load_units  # noqa: E402
from vitreem.units.models import AdministrativeUnit, Agency  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 30)  # the registry's "today": every child is under 16 on it
AS_OF = date(2026, 6, 1)
BATCH = 20_000
PAGE_USER = "bench.registry"

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Hà",
    "Lò",
    "Lương",
    "Nông",
    "Triệu",
    "Ma",
    "Sầm",
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thành", "Gia", "Anh", "Trung"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Minh", "Khánh", "Bảo", "Phương", "Thanh", "Mai", "Hồng"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Huy",
    "Khang",
    "Khoa",
    "Long",
    "Minh",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Trí",
    "Tuấn",
    "Việt",
    "Vinh",
]
GIVEN_F = [
    "An",
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "My",
    "Ngân",
    "Nhi",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Trang",
    "Vy",
    "Yến",
    "Tú",
]
# Census 2019 shares, rounded; the rest spread over the other groups.
ETHNICITY = {
    "01": 85.3,
    "02": 1.9,
    "03": 1.9,
    "06": 1.5,
    "05": 1.4,
    "07": 1.1,
    "08": 1.5,
    "09": 0.9,
    "10": 0.5,
    "12": 0.4,
    "04": 0.8,
    "13": 0.3,
    "14": 0.2,
}
# Children in special circumstances by group (disability and illness dominate, as reported).
GROUPS = {
    "a": 8,
    "b": 2,
    "c": 6,
    "d": 45,
    "dd": 1.5,
    "e": 2,
    "g": 0.3,
    "h": 8,
    "i": 2,
    "k": 1,
    "l": 1.5,
    "m": 0.1,
    "n": 20,
    "o": 0.3,
}
IN_NEED = 0.065
EVENTS = [(date(y, 6, 1), "action_month") for y in range(2022, 2027)] + [
    (d, "mid_autumn")
    for d in (date(2022, 9, 10), date(2023, 9, 29), date(2024, 9, 17), date(2025, 10, 6))
]

CHILD_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "full_name",
    "name_folded",
    "date_of_birth",
    "sex",
    "ethnicity",
    "personal_id",
    "unit_id",
    "province_id",
    "address",
    "representative_name",
    "representative_relation",
    "representative_phone",
    "disability_level",
    "insurance_number",
    "insurance_valid_to",
    "registered_on",
    "registered_by_id",
]
CIRC_COLUMNS = [
    "created_at",
    "updated_at",
    "child_id",
    "legal_basis",
    "group",
    "subgroup",
    "started_on",
    "ended_on",
    "end_reason",
    "unit_id",
    "province_id",
    "recorded_by_id",
]
SUPPORT_COLUMNS = [
    "created_at",
    "updated_at",
    "child_id",
    "kind",
    "surgery_kind",
    "given_on",
    "value",
    "source",
    "occasion",
    "description",
    "giver_unit_id",
    "giver_agency_id",
    "unit_id",
    "province_id",
    "recorded_by_id",
]


def measure(name: str, fn: Callable[[], object], runs: int) -> list[float]:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=20) if len(times) >= 2 else [times[0]] * 19
    print(
        f"{name:<62} median {statistics.median(times):9.1f} ms   p90 {cuts[17]:9.1f} ms"
        f"   p95 {cuts[18]:9.1f} ms   n={runs}"
    )
    return times


def explain(sql: str, params: Iterable[Any]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", list(params))
        for (line,) in cursor.fetchall():
            print("    " + line)


def load(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Write rows fast: COPY on PostgreSQL, executemany in batches elsewhere."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        cursor.executemany(sql, batch)
        return count + len(batch)


def weighted(rng: random.Random, table: dict[str, float], n: int) -> list[str]:
    return rng.choices(list(table), weights=list(table.values()), k=n)


def pick_name(rng: random.Random, male: bool) -> tuple[str, str]:
    parts = [
        rng.choice(FAMILY),
        rng.choice(MIDDLE_M if male else MIDDLE_F),
        rng.choice(GIVEN_M if male else GIVEN_F),
    ]
    if rng.random() < 0.3:
        parts.insert(2, rng.choice(MIDDLE_M if male else MIDDLE_F))
    name = " ".join(parts)
    return name, fold(name)


def province_agencies(provinces: list[AdministrativeUnit]) -> dict[int, list[int]]:
    """Three departments per province that give support (the benchmark's own names)."""
    names = ["Sở Y tế (thử)", "Hội Chữ thập đỏ (thử)", "Hội Bảo trợ trẻ em (thử)"]
    have = set(Agency.objects.filter(name__in=names).values_list("unit_id", "name"))
    Agency.objects.bulk_create(
        Agency(
            unit=p,
            name=n,
            name_folded=fold(n),
            kind="other",
            valid_from=p.valid_from,
        )
        for p in provinces
        for n in names
        if (p.pk, n) not in have
    )
    found: dict[int, list[int]] = {}
    for unit_id, agency_id in Agency.objects.filter(name__in=names).values_list("unit_id", "id"):
        found.setdefault(unit_id, []).append(agency_id)
    return found


def generate(total: int, communes: list[AdministrativeUnit], rng: random.Random) -> None:
    provinces = list({c.province_id for c in communes if c.province_id is not None})
    code_of = {c.pk: int(c.province.code) for c in communes if c.province is not None}
    agencies = province_agencies(list(AdministrativeUnit.objects.filter(pk__in=provinces)))
    weights = [rng.lognormvariate(0, 0.6) for _ in communes]
    scale = total / sum(weights)
    sizes = [max(1, round(w * scale)) for w in weights]
    sizes[0] += total - sum(sizes)
    now = datetime.now(VN)
    start_id = 1
    first_day = TODAY - timedelta(days=16 * 365 - 5)
    span = (TODAY - first_day).days
    children: list[tuple[int, date, int, int]] = []  # id, born, unit, province

    def child_rows() -> Iterator[tuple[Any, ...]]:
        child_id = start_id
        serial = 0
        for commune, size in zip(communes, sizes, strict=True):
            for _ in range(size):
                male = rng.random() < 0.512
                name, folded = pick_name(rng, male)
                born = first_day + timedelta(days=rng.randrange(span))
                serial += 1
                # Province, century and sex, year of birth, a serial: unique by the serial.
                province_code = code_of[commune.pk]
                pid = (
                    f"{province_code:03d}{2 if male else 3}{born.year % 100:02d}{serial:06d}"
                    if rng.random() < 0.8 and serial < 1_000_000
                    else None
                )
                under_six = (TODAY - born).days < 6 * 365
                children.append((child_id, born, commune.pk, commune.province_id or 0))
                yield (
                    child_id,
                    now,
                    now,
                    f"{rng.getrandbits(64):016x}",
                    name,
                    folded,
                    born,
                    "male" if male else "female",
                    weighted(rng, ETHNICITY, 1)[0],
                    pid,
                    commune.pk,
                    commune.province_id,
                    f"Tổ {rng.randint(1, 40)}",
                    f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}",
                    rng.choice(["father", "mother", "mother", "grandparent"]),
                    f"09{rng.randrange(10**8):08d}",
                    "severe" if rng.random() < 0.01 else "",
                    f"TE1{code_of[commune.pk]:02d}{rng.randrange(10**10):010d}"
                    if under_six
                    else "",
                    date(TODAY.year + 1, 12, 31) if under_six else None,
                    born + timedelta(days=rng.randint(30, 400))
                    if born < TODAY - timedelta(400)
                    else TODAY,
                    None,
                )
                child_id += 1

    started = time.perf_counter()
    n = load(Child._meta.db_table, CHILD_COLUMNS, child_rows())
    print(f"  {n:,} children in {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    in_need: list[tuple[int, date, int, int]] = []

    def circumstance_rows() -> Iterator[tuple[Any, ...]]:
        for child in children:
            if rng.random() >= IN_NEED:
                continue
            child_id, born, unit, province = child
            in_need.append(child)
            groups = set(weighted(rng, GROUPS, 2 if rng.random() < 0.15 else 1))
            for group in groups:
                earliest = max(born, date(2017, 6, 1))
                start = earliest + timedelta(days=rng.randrange(max(1, (TODAY - earliest).days)))
                last = last_day_as_child(born)
                if rng.random() < 0.2 and (TODAY - start).days > 30:
                    end = start + timedelta(days=rng.randrange(30, (TODAY - start).days + 1))
                    reason = "Hoàn cảnh đã thay đổi"
                else:
                    end, reason = last, "Đủ 16 tuổi"
                yield (
                    now,
                    now,
                    child_id,
                    "2016",
                    group,
                    "",
                    start,
                    end,
                    reason,
                    unit,
                    province,
                    None,
                )

    n = load(Circumstance._meta.db_table, CIRC_COLUMNS, circumstance_rows())
    print(
        f"  {n:,} circumstances ({len(in_need):,} children) in"
        f" {time.perf_counter() - started:.0f} s"
    )

    started = time.perf_counter()

    def support_rows() -> Iterator[tuple[Any, ...]]:
        for day, occasion in EVENTS:
            # Every child in need alive then, and ~3% of the others, get something.
            lucky = [c for c in in_need if c[1] <= day <= last_day_as_child(c[1])]
            lucky += [
                c
                for c in rng.sample(children, len(children) // 33)
                if c[1] <= day <= last_day_as_child(c[1])
            ]
            for child_id, _born, unit, province in lucky:
                given = day + timedelta(days=rng.randint(-3, 20))
                kind = rng.choices(
                    ["gift", "scholarship", "medical", "surgery", "insurance_card"],
                    weights=[75, 12, 8, 1, 4],
                )[0]
                value = {
                    "gift": 300_000,
                    "scholarship": 1_000_000,
                    "medical": 800_000,
                    "surgery": 20_000_000,
                    "insurance_card": 700_000,
                }[kind]
                value = value * rng.randint(1, 4) // 2
                source = rng.choices(["state", "mobilised", "fund"], weights=[45, 45, 10])[0]
                giver_agency = (
                    rng.choice(agencies[province])
                    if rng.random() < 0.2 and province in agencies
                    else None
                )
                yield (
                    now,
                    now,
                    child_id,
                    kind,
                    rng.choice(["heart", "lips", "eyes"]) if kind == "surgery" else "",
                    min(given, TODAY),
                    value,
                    source,
                    occasion,
                    "",
                    province if giver_agency else unit,
                    giver_agency,
                    unit,
                    province,
                    None,
                )

    n = load(SupportRecord._meta.db_table, SUPPORT_COLUMNS, support_rows())
    print(f"  {n:,} support records in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('children_child', 'id'), "
                "(SELECT max(id) FROM children_child))"
            )


def import_file(unit: AdministrativeUnit, rows: int, rng: random.Random) -> bytes:
    """A filled children template of new children (their ids cannot clash with generated ones)."""
    book = load_workbook(io.BytesIO(imports.template_workbook(imports.CHILDREN, unit)))
    sheet = book[imports.SHEETS[imports.CHILDREN]]
    first_day = TODAY - timedelta(days=16 * 365 - 5)
    for number in range(1, rows + 1):
        male = rng.random() < 0.5
        name, _folded = pick_name(rng, male)
        born = first_day + timedelta(days=rng.randrange((TODAY - first_day).days))
        in_need = rng.random() < 0.07
        start = max(born, date(2017, 6, 1)) + timedelta(days=30)
        sheet.append(
            [
                number,
                name,
                born.strftime("%d/%m/%Y"),
                "Nam" if male else "Nữ",
                rng.choice(["Kinh", "Kinh", "Kinh", "Tày", "Nùng", "01"]),
                f"099{number:09d}",
                f"Tổ {rng.randint(1, 40)}",
                f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN_M)}",
                rng.choice(["Cha", "Mẹ", "Ông, bà"]),
                f"09{rng.randrange(10**8):08d}",
                "",
                "",
                "",
                rng.choice(["d", "a, n", "h"]) if in_need and start <= TODAY else "",
                start.strftime("%d/%m/%Y") if in_need and start <= TODAY else "",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shared_strings(data: bytes) -> bytes:
    """The workbook as Excel or LibreOffice save it: openpyxl writes each text in its cell
    (inline strings); office programs keep them once in a shared-strings part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    strings: dict[bytes, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        index = strings.setdefault(match.group(4), len(strings))
        return b"<c " + match.group(1) + b't="s"' + match.group(2) + b"><v>%d</v></c>" % index

    inline = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t([^>]*)>(.*?)</t></is></c>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                part = inline.sub(shared, part)
            elif item.filename == "[Content_Types].xml":
                part = part.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                part = part.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" '
                    b'Target="sharedStrings.xml"/></Relationships>',
                )
            target.writestr(item, part)
        items = b"".join(b'<si><t xml:space="preserve">' + t + b"</t></si>" for t in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'count="%d" uniqueCount="%d">' % (len(strings), len(strings)) + items + b"</sst>",
        )
    return out.getvalue()


def remove_imported(unit: AdministrativeUnit) -> None:
    """The children a measured import created (their ids start with 099), and its audit."""
    imported = Child.objects.filter(unit=unit, personal_id__startswith="099")
    Circumstance.objects.filter(child__in=imported).delete()
    PossibleDuplicate.objects.filter(child__in=imported).delete()
    imported.delete()
    AuditEvent.objects.filter(action="children.import", unit=unit).delete()


def measure_import(user: User, unit: AdministrativeUnit, rows: int, runs: int) -> None:
    """Import speed, committed (the foreign keys are checked at commit), then the same file
    again; the imported children are removed after each run."""
    written = import_file(unit, rows, random.Random(7))
    for label, data in (
        ("as Excel saves it", shared_strings(written)),
        ("as openpyxl writes it", written),
    ):
        remove_imported(unit)
        speeds, again, reading = [], [], []
        for _ in range(runs):
            with imports._collector_paused():  # as during the import
                started = time.perf_counter()
                imports.read_rows(imports.CHILDREN, unit, data)
                reading.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            result = imports.children_import(actor=user, unit=unit, data=data, today=TODAY)
            speeds.append(rows / (time.perf_counter() - started))
            assert result.ok, result.errors[:5]
            assert result.created == rows
            started = time.perf_counter()
            result = imports.children_import(actor=user, unit=unit, data=data, today=TODAY)
            again.append(rows / (time.perf_counter() - started))
            assert result.present == rows
            remove_imported(unit)
        print(
            f"{f'import of {rows:,} children, {label} ({len(data) // 1024} KB)':<62} "
            f"median {statistics.median(speeds):9,.0f} rows/s   best {max(speeds):,.0f}   n={runs}"
        )
        print(
            f"{'  of which reading it (the reader, its checks, the rows)':<62} "
            f"median {statistics.median(reading):9.1f} ms   best {min(reading):,.1f} ms"
        )
        print(
            f"{'  the same file again (every row already present)':<62} "
            f"median {statistics.median(again):9,.0f} rows/s   best {max(again):,.0f}   n={runs}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the imported file")
    parser.add_argument("--import-runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        load_units()
    communes = list(
        AdministrativeUnit.objects.filter(level=3, valid_from=REFORM_DATE)
        .select_related("province")
        .order_by("code")
    )
    started = time.perf_counter()
    have = Child.objects.count()
    if have < args.children * 0.99:
        if have:
            print(f"{have:,} children of an interrupted run: generating again")
            SupportRecord.objects.all().delete()
            Circumstance.objects.all().delete()
            Child.objects.all().delete()
        with transaction.atomic():
            generate(args.children, communes, random.Random(2026))
    if connection.vendor == "postgresql":
        # Planner statistics for every table, the units included: before autovacuum gets to a
        # freshly loaded table, the planner takes 13,372 communes for 12 and joins support
        # records to them one commune at a time (pre-fill of table 2: 2.6 s instead of 0.1 s).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}; data ready in {time.perf_counter() - started:.0f} s: "
        f"{Child.objects.count():,} children in {len(communes):,} communes, "
        f"{Circumstance.objects.count():,} circumstances, "
        f"{SupportRecord.objects.count():,} support records"
    )

    measure(
        "counts by province × 14 groups on a day (nation)",
        lambda: selectors.counts_by_province(AS_OF),
        args.runs,
    )
    if args.explain:
        qs = Circumstance.objects.filter(selectors.active_on(AS_OF), legal_basis="2016")
        sql, params = (
            qs.values_list("province", "group")
            .annotate(n=django.db.models.Count("id"))
            .order_by()  # as the selector
            .query.sql_with_params()
        )
        explain(sql, params)

    # A commune of the larger kind: the 95th percentile of sizes.
    sizes = dict(
        Child.objects.values_list("unit")
        .annotate(n=django.db.models.Count("id"))
        .values_list("unit", "n")
    )
    ordered = sorted(sizes, key=sizes.__getitem__)
    commune = next(c for c in communes if c.pk == ordered[int(len(ordered) * 0.95)])
    user = User.objects.filter(username=PAGE_USER).first()
    if user is None:
        user = User.objects.create_user(PAGE_USER, password=None)
    Membership.objects.update_or_create(
        user=user, defaults={"unit": commune, "role": "officer", "sensitive_data": True}
    )
    user = User.objects.get(pk=user.pk)
    print(f"commune: {commune.name} ({commune.code}), {sizes[commune.pk]:,} children")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages render without collected static files, as in the tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(user)
    url = f"/children/?unit={commune.code}"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    measure(f"commune list page GET {url}", lambda: client.get(url), max(args.runs, 40))
    measure(
        f"commune list page, page 3 ({sizes[commune.pk]:,} children)",
        lambda: client.get(url + "&page=3"),
        max(args.runs, 40),
    )

    def first_page() -> None:
        children = selectors.children_in(user, commune, as_of=TODAY)
        list(children[:50])
        children.count()

    measure("children_in: first page of 50 and the count", first_page, args.runs)
    if args.explain:
        sql, params = selectors.children_in(user, commune, as_of=TODAY)[:50].query.sql_with_params()
        explain(sql, params)

    hanoi = AdministrativeUnit.objects.get(code="01", valid_from=REFORM_DATE)
    measure(
        "pre-fill of table 2 for a province (Hà Nội, June 2026)",
        lambda: prefill.support_by_reporter(hanoi, date(2026, 6, 1), date(2026, 6, 30)),
        args.runs,
    )
    if args.explain:
        sql, params = (
            selectors.support_in(hanoi, date(2026, 6, 1), date(2026, 6, 30))
            .values_list("giver_unit", "giver_agency")
            .annotate(n=django.db.models.Count("child", distinct=True))
            .query.sql_with_params()
        )
        explain(sql, params)
    figures = prefill.support_by_reporter(hanoi, date(2026, 6, 1), date(2026, 6, 30))
    print(f"  ({len(figures):,} reporters in Hà Nội)")
    measure(
        "group counts of a province on a day (Hà Nội)",
        lambda: selectors.group_counts(hanoi, AS_OF),
        args.runs,
    )
    measure(
        "period changes of a commune (first half of 2026)",
        lambda: selectors.period_changes(commune, date(2025, 12, 15), date(2026, 6, 14)),
        args.runs,
    )
    measure_import(user, commune, args.rows, args.import_runs)


if __name__ == "__main__":
    main()
