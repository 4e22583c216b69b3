"""Benchmark of live consolidation at national scale (prints figures; not a test).

    .venv/bin/python bench/consolidation.py         # SQLite: var/bench-consolidation.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vitreem_bench \
        .venv/bin/python bench/consolidation.py

Generates, on the two-tier units, the 2026 Action Month rounds of all 34 provinces: every
commune reports with ~8 of its agencies, every province with ~15 departments (~30,000 reports,
~700,000 values), plus five earlier campaigns of the same size, all filed. Then measures, as
medians of repeated runs: national consolidation (the 34 provincial rounds summed by province),
one province's consolidation, completeness, a province's and the national .xlsx export; the
bulk upload of the 3,321 communes' filled official forms, one .zip per province round (files
generated once and kept in var/bench-upload/), as files per second; and, as the reference of how
fast the sums can be, the same national totals from DuckDB in memory when it is installed
(pip install duckdb). Options: --earlier N (default 5), --runs N (default 15), --upload-runs N
(default 3), --no-upload.
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
    ValueChange,
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
    national_workbook,
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


def upload_rounds(
    admin: "User", provinces: list[AdministrativeUnit], form: ReportForm
) -> list[Round]:
    """One round of drafts per province (an ad hoc September round), opened once."""
    Round.objects.filter(title="Bench upload").delete()  # the earlier one-province measurement
    rounds = []
    for province in provinces:
        title = f"Bench upload {province.code}"
        round_ = Round.objects.filter(title=title, receiving_unit=province).first()
        rounds.append(
            round_
            or round_create(
                actor=admin,
                form=form,
                receiving_unit=province,
                title=title,
                period_kind="ad_hoc",
                period_start=date(2026, 9, 1),
                period_end=date(2026, 9, 30),
            )
        )
    return rounds


def upload_zip(round_: Round, rng: random.Random) -> bytes:
    """The province's .zip: the official form of every commune, filled in as an officer would
    (every cell of the three tables), kept in var/ for the next runs."""
    import io
    import zipfile

    from openpyxl import load_workbook

    database = Path(str(connection.settings_dict["NAME"])).name
    folder = ROOT / "var" / "bench-upload" / f"{connection.vendor}-{database}"
    first = Submission.objects.filter(round=round_).order_by("pk").values_list("pk", flat=True)[0]
    path = folder / f"{round_.receiving_unit.code}-{round_.pk}-{first}.zip"
    if path.exists():
        return path.read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    definition = definition_of(round_.form)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for report in Submission.objects.filter(round=round_, agency=None).select_related(
            "unit", "round__form"
        ):
            book = load_workbook(io.BytesIO(submission_workbook(report)))
            for number, table in enumerate(definition.tables, start=1):
                split = any(len(c.categories) > 1 for c in table.columns)
                row = 8 if split else 7  # the value row under a two- or three-level header
                leaves = [c for c in table.columns for _cat in c.categories]
                for offset, column in enumerate(leaves, start=2):
                    top = 50_000 if column.type == "money" else 200  # money in thousands
                    book[f"Bảng {number}"].cell(row=row, column=offset, value=rng.randint(0, top))
            data = io.BytesIO()
            book.save(data)
            archive.writestr(f"{report.unit.code}.xlsx", data.getvalue())
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def measure_upload(
    admin: "User", provinces: list[AdministrativeUnit], form: ReportForm, runs: int
) -> None:
    """Bulk upload: every commune's filled official form, one .zip per province round, into
    rounds of drafts (each file all or nothing), as files per second over the 34 .zips."""
    rounds = upload_rounds(admin, provinces, form)
    rng = random.Random(9)
    start = time.perf_counter()
    zips = [(round_, upload_zip(round_, rng)) for round_ in rounds]
    print(f"upload files ready in {time.perf_counter() - start:.0f} s")

    def reset() -> None:
        DataValue.objects.filter(submission__round__in=rounds).delete()
        ValueChange.objects.filter(submission__round__in=rounds).delete()
        Submission.objects.filter(round__in=rounds).update(version=0, status="draft")

    def upload_all() -> tuple[int, int, float]:
        imported = files = 0
        start = time.perf_counter()
        for round_, data in zips:
            results = round_import_zip(actor=admin, round_=round_, data=data)
            imported += sum(r.ok for r in results)
            files += len(results)
        return imported, files, time.perf_counter() - start

    rates = []
    for _ in range(runs):
        reset()
        imported, files, elapsed = upload_all()
        assert imported == files, f"{files - imported} files refused"
        rates.append(imported / elapsed)
    changes = ValueChange.objects.filter(submission__round__in=rounds).count()
    print(
        f"{'bulk upload of official .xlsx forms (34 .zips)':<62} median "
        f"{statistics.median(rates):6.1f} files/s   ({imported} files, {changes:,} cells; "
        f"runs: {', '.join(f'{r:.1f}' for r in rates)})"
    )
    _imported, _files, elapsed = upload_all()  # the same files again: nothing changes
    assert ValueChange.objects.filter(submission__round__in=rounds).count() == changes
    print(
        f"{'the same .zips uploaded again (nothing changes)':<62} {files / elapsed:13.1f} files/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--earlier", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--upload-runs", type=int, default=3, help="runs of the bulk upload")
    parser.add_argument("--no-upload", action="store_true", help="skip the bulk upload")
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
    # Reports loaded in bulk bypass the services: their totals are computed once here (the
    # upload rounds hold drafts only, nothing to total).
    for round_ in Round.objects.exclude(
        pk__in=ConsolidatedValue.objects.values("round_id")
    ).exclude(title__startswith="Bench upload"):
        rebuild(round_)
    # Planner statistics after the bulk load, as autovacuum would gather them (it may be off).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
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
    measure(
        "national .xlsx export (34 provinces, official layout)",
        lambda: national_workbook(form, date(2026, 6, 1), date(2026, 6, 30)),
        max(3, args.runs // 3),
    )
    if not args.no_upload:
        measure_upload(admin, provinces, form, args.upload_runs)
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
