"""Benchmark of live consolidation at national scale (prints figures; not a test).

    .venv/bin/python bench/consolidation.py         # SQLite: var/bench-consolidation.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vitreem_bench \
        .venv/bin/python bench/consolidation.py

Generates, on the two-tier units, the 2026 Action Month rounds of all 34 provinces: every
commune reports with ~8 of its agencies, every province with ~15 departments (~30,000 reports,
~700,000 values), plus five earlier campaigns of the same size, all filed. Then measures, as
medians of repeated runs: national consolidation (the 34 provincial rounds summed by province),
one province's consolidation, completeness, the national .xlsx export; and, as the reference
of how fast the sums can be, the same national totals from DuckDB in memory when it is installed
(pip install duckdb). Options: --earlier N (default 5), --runs N (default 15).
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-consolidation.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from vitreem.accounts.models import User  # noqa: E402
from vitreem.reporting.loaders import definition_of, load_forms  # noqa: E402
from vitreem.reporting.models import (  # noqa: E402
    ConsolidatedValue,
    DataElement,
    DataValue,
    ReportForm,
    Round,
    Submission,
)
from vitreem.reporting.rollups import rebuild  # noqa: E402
from vitreem.reporting.selectors import completeness, consolidate, consolidate_national  # noqa: E402
from vitreem.reporting.services import (  # noqa: E402
    round_create,
    submission_return,
    submission_submit,
)
from vitreem.reporting.workbooks import (  # noqa: E402
    consolidated_workbook,
    round_import_zip,
    submission_workbook,
)
from vitreem.units.loaders import REFORM_DATE, load_units  # noqa: E402
from vitreem.units.models import AdministrativeUnit, Agency  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BATCH = 20_000


def measure(name: str, fn: Callable[[], object], runs: int) -> None:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    p90 = statistics.quantiles(times, n=10)[-1] if len(times) >= 2 else times[0]
    print(f"{name:<62} median {statistics.median(times):9.1f} ms   p90 {p90:9.1f} ms   n={runs}")


def ensure_agencies(
    communes: list[AdministrativeUnit], provinces: list[AdministrativeUnit]
) -> dict[int, list[int]]:
    """~8 agencies a commune and ~15 a province, created once (the benchmark's own names)."""
    existing: dict[int, list[int]] = {}
    for unit_id, agency_id in Agency.objects.filter(name__startswith="Cơ quan thử ").values_list(
        "unit_id", "id"
    ):
        existing.setdefault(unit_id, []).append(agency_id)
    missing = []
    for unit in [*communes, *provinces]:
        if unit.pk in existing:
            continue
        count = 15 if unit.level == 1 else 8
        missing += [
            Agency(
                unit=unit,
                name=f"Cơ quan thử {i}",
                name_folded=f"co quan thu {i}",
                kind="other",
                valid_from=unit.valid_from,
            )
            for i in range(count)
        ]
    Agency.objects.bulk_create(missing, batch_size=BATCH)
    existing = {}
    for unit_id, agency_id in Agency.objects.filter(name__startswith="Cơ quan thử ").values_list(
        "unit_id", "id"
    ):
        existing.setdefault(unit_id, []).append(agency_id)
    return existing


def generate(
    form: ReportForm,
    year: int,
    provinces: list[AdministrativeUnit],
    communes_of: dict[int, list[AdministrativeUnit]],
    agencies: dict[int, list[int]],
    rng: random.Random,
) -> list[Round]:
    elements = list(DataElement.objects.filter(form=form))
    cells = [
        (e, cat) for e in elements for cat in (["state", "mobilised"] if e.disaggregation else [""])
    ]
    rounds = []
    for province in provinces:
        title = f"Bench {year} {province.code}"
        round_ = Round.objects.filter(title=title).first()
        if round_ is not None:
            rounds.append(round_)
            continue
        with transaction.atomic():
            round_ = Round.objects.create(
                form=form,
                title=title,
                period_kind="campaign",
                period_start=date(year, 6, 1),
                period_end=date(year, 6, 30),
                receiving_unit=province,
                deadlines={"agency": f"{year}-07-15", "commune": f"{year}-07-20"},
            )
            filed = datetime(year, 7, 10, 9, tzinfo=VN)
            subs = [
                Submission(
                    round=round_,
                    unit=province,
                    agency_id=a,
                    reporter_key=f"a{a}",
                    status="approved",
                    submitted_at=filed,
                    deadline=date(year, 7, 15),
                )
                for a in agencies.get(province.pk, [])
            ]
            for commune in communes_of[province.pk]:
                subs.append(
                    Submission(
                        round=round_,
                        unit=commune,
                        reporter_key=f"u{commune.pk}",
                        status="submitted",
                        submitted_at=filed,
                        deadline=date(year, 7, 20),
                    )
                )
                subs += [
                    Submission(
                        round=round_,
                        unit=commune,
                        agency_id=a,
                        reporter_key=f"a{a}",
                        status="approved",
                        submitted_at=filed,
                        deadline=date(year, 7, 20),
                    )
                    for a in agencies.get(commune.pk, [])
                ]
            Submission.objects.bulk_create(subs, batch_size=BATCH)
            ids = list(Submission.objects.filter(round=round_).values_list("id", flat=True))
            values = [
                DataValue(
                    submission_id=sid,
                    element=e,
                    row="",
                    category=cat,
                    value=rng.randint(0, 200) * (1000 if e.value_type == "money" else 1),
                )
                for sid in ids
                for e, cat in cells
            ]
            DataValue.objects.bulk_create(values, batch_size=BATCH)
        rounds.append(round_)
    return rounds


def measure_upload(
    admin: "User", province: AdministrativeUnit, form: ReportForm, files: int
) -> None:
    """Bulk upload: a .zip of filled official forms into a round of drafts (each file all or
    nothing), as files per second."""
    import io
    import zipfile

    from openpyxl import load_workbook

    title = "Bench upload"
    Round.objects.filter(title=title).delete()
    round_ = round_create(
        actor=admin,
        form=form,
        receiving_unit=province,
        title=title,
        period_kind="ad_hoc",
        period_start=date(2026, 9, 1),
        period_end=date(2026, 9, 30),
    )
    reports = list(Submission.objects.filter(round=round_, agency=None)[:files])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, report in enumerate(reports):
            book = load_workbook(io.BytesIO(submission_workbook(report)))
            for column in "BCDEFGHI":
                book["Bảng 3"][f"{column}7"] = number % 50 + 1
            data = io.BytesIO()
            book.save(data)
            archive.writestr(f"{report.unit.code}.xlsx", data.getvalue())
    start = time.perf_counter()
    results = round_import_zip(actor=admin, round_=round_, data=buffer.getvalue())
    elapsed = time.perf_counter() - start
    imported = sum(r.ok for r in results)
    print(
        f"{'bulk upload of official .xlsx forms (one .zip)':<62} {imported / elapsed:9.1f} files/s"
        f"   ({imported} of {len(results)} files in {elapsed:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--earlier", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--upload", type=int, default=300, help="files in the bulk upload")
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        load_units()
    load_forms()
    form = ReportForm.objects.get(code="action-month-result")
    provinces = list(
        AdministrativeUnit.objects.filter(level=1, valid_from=REFORM_DATE).order_by("code")
    )
    communes = list(AdministrativeUnit.objects.filter(level=3, valid_from=REFORM_DATE))
    communes_of: dict[int, list[AdministrativeUnit]] = {p.pk: [] for p in provinces}
    for commune in communes:
        communes_of[commune.province_id].append(commune)  # type: ignore[index]
    rng = random.Random(2026)
    start = time.perf_counter()
    agencies = ensure_agencies(communes, provinces)
    for year in range(2026 - args.earlier, 2026):
        generate(form, year, provinces, communes_of, agencies, rng)
    rounds = generate(form, 2026, provinces, communes_of, agencies, rng)
    # Reports loaded in bulk bypass the services: their totals are computed once here.
    for round_ in Round.objects.exclude(pk__in=ConsolidatedValue.objects.values("round_id")):
        rebuild(round_)
    print(f"database: {connection.vendor}; data ready in {time.perf_counter() - start:.0f} s")
    current = Submission.objects.filter(round__in=rounds).count()
    values = DataValue.objects.filter(submission__round__in=rounds).count()
    print(
        f"current campaign: {len(rounds)} provincial rounds, {current:,} reports, "
        f"{values:,} values; all values: {DataValue.objects.count():,}"
    )

    hanoi = next(r for r in rounds if r.receiving_unit.code == "01")
    measure(
        "national consolidation (34 rounds, by province)",
        lambda: consolidate_national(form, date(2026, 6, 1), date(2026, 6, 30)),
        args.runs,
    )
    measure(
        "province consolidation (Hà Nội, by commune and department)",
        lambda: consolidate(hanoi, hanoi.receiving_unit),
        args.runs,
    )
    measure(
        "province completeness (Hà Nội)",
        lambda: completeness(hanoi, hanoi.receiving_unit, date(2026, 8, 1)),
        args.runs,
    )
    measure(
        "province .xlsx export (Hà Nội)",
        lambda: consolidated_workbook(hanoi, hanoi.receiving_unit),
        max(3, args.runs // 3),
    )
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench", password=None
    )
    commune_report = Submission.objects.filter(round=hanoi, agency=None, unit__level=3).first()
    assert commune_report is not None

    def refile() -> None:
        # Withdraw and file again one commune's report: both keep the totals up to date.
        report = Submission.objects.get(pk=commune_report.pk)
        submission_return(actor=admin, submission=report, reason="Đo thời gian")
        submission_submit(actor=admin, submission=Submission.objects.get(pk=report.pk))

    measure("return + resubmit one report (totals maintained twice)", refile, args.runs)
    measure_upload(admin, hanoi.receiving_unit, form, args.upload)
    national = consolidate_national(form, date(2026, 6, 1), date(2026, 6, 30))
    print(
        f"national total of gifts_children: {national[1].total.get('gifts_children', 0):,}"
        if len(national) > 1
        else ""
    )
    try:
        import duckdb
    except ImportError:
        print("DuckDB not installed: reference skipped (pip install duckdb)")
        return
    rows = list(
        DataValue.objects.filter(submission__round__in=rounds).values_list(
            "submission__unit__province_id", "element__code", "category", "value"
        )
    )
    import csv
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as fh:
        csv.writer(fh).writerows(rows)
    con = duckdb.connect()
    con.execute(
        "create table v as select * from read_csv(?, header=false, columns={"
        "'province': 'BIGINT', 'element': 'VARCHAR', 'category': 'VARCHAR', 'value': 'BIGINT'})",
        [fh.name],
    )
    os.unlink(fh.name)
    measure(
        "DuckDB in memory: the same national totals",
        lambda: con.execute("select province, element, sum(value) from v group by 1, 2").fetchall(),
        args.runs,
    )
    print(f"(definition {definition_of(form).code})")


if __name__ == "__main__":
    main()
