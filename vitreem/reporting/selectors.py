"""Live consolidation and completeness of a round, for any unit of its tree."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import (
    Action,
    AnyUser,
    agency_ids_with_action,
    can,
    memberships,
    readable_units_q,
)
from vitreem.core.text import fold
from vitreem.plans.datafile import CHILD_WORK_ROW, PLAN_ISSUED_ROW
from vitreem.units.models import AdministrativeUnit, Agency, Succession, in_force_on
from vitreem.units.selectors import formation_links, unit_by_code

from .definitions import TOTAL_CATEGORY, Column, FormDefinition, Row, Table
from .loaders import definition_of
from .models import (
    ConsolidatedValue,
    DataValue,
    ReportForm,
    Round,
    Submission,
    SubmissionStatus,
    TotalsRebuild,
    ValueChange,
)
from .rollups import TOTAL
from .validation import MONEY_FACTOR

FILED = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


def round_submissions(round_: Round, unit: AdministrativeUnit) -> QuerySet[Submission]:
    """The round's submissions in the unit's subtree."""
    return Submission.objects.filter(round=round_).filter(
        **{f"unit__{unit.subtree_field}": unit.pk}
    )


@dataclass
class ConsolidatedRow:
    key: str
    unit_code: str
    unit_name: str
    group: str  # "agencies", "units" or "rows" (grid tables)
    values: dict[str, int] = field(default_factory=dict)  # element code → total over categories
    by_category: dict[tuple[str, str], int] = field(default_factory=dict)

    def printed(self, table: Table) -> list[int | None]:
        """The row's values in the printed columns: a cost by funding source, then its sum."""
        return printed_values(table, self.values, self.by_category)


def printed_values(
    table: Table, values: dict[str, int], by_category: dict[tuple[str, str], int]
) -> list[int | None]:
    return [
        values.get(column.code)
        if category in ("", TOTAL_CATEGORY)
        else by_category.get((column.code, category))
        for column in table.columns
        for category, _label in column.printed_categories
    ]


@dataclass
class ConsolidatedTable:
    table: Table
    rows: list[ConsolidatedRow]
    total: dict[str, int]
    total_by_category: dict[tuple[str, str], int]

    def printed_total(self) -> list[int | None]:
        return printed_values(self.table, self.total, self.total_by_category)


def consolidate(round_: Round, unit: AdministrativeUnit) -> list[ConsolidatedTable]:
    """The round's tables over the unit's subtree, rows as the official form groups them:
    the unit's agencies, then the units directly below, then "Tổng cộng". Only filed reports
    (submitted or approved) count; every saved value shows at once, there is no stored copy.
    """
    definition = definition_of(round_.form)
    cells: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    # (row key, table row, element) → {category: total}
    for child, row, code, category, total in (
        ConsolidatedValue.objects.filter(round=round_, node=unit, reports__gt=0)
        .exclude(child=TOTAL)
        .values_list("child", "row", "element__code", "category", "value")
    ):
        cells[(child, row, code)][category] = total
    agencies = {
        f"a{a.pk}": a
        for a in Agency.objects.filter(
            pk__in=round_submissions(round_, unit).filter(unit=unit).values("agency_id")
        )
    }
    children = {
        f"u{u.pk}": u
        for u in AdministrativeUnit.objects.filter(
            parent=unit, pk__in=_reporting_children(round_, unit)
        )
    }
    return [_table(definition, table, cells, agencies, children) for table in definition.tables]


def consolidate_national(
    form: Any, period_start: date, period_end: date
) -> list[ConsolidatedTable]:
    """The provincial rounds of one form and period summed by province: the national tables."""
    definition = definition_of(form)
    rounds = Round.objects.filter(
        form=form, period_start=period_start, period_end=period_end, receiving_unit__level=1
    )
    # A province's table totals are the rows it keeps for itself; summed per province.
    values = (
        ConsolidatedValue.objects.filter(
            round__in=rounds, node_id=F("round__receiving_unit_id"), child=TOTAL, reports__gt=0
        )
        .values("node_id", "element__code", "row", "category")
        .annotate(total=Sum("value"))
    )
    cells: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for v in values:
        cells[(f"u{v['node_id']}", v["row"], v["element__code"])][v["category"]] = v["total"]
    provinces = {
        f"u{u.pk}": u
        for u in AdministrativeUnit.objects.filter(pk__in=rounds.values("receiving_unit_id"))
    }
    return [_table(definition, table, cells, {}, provinces) for table in definition.tables]


@dataclass(frozen=True)
class NationalPeriod:
    form: ReportForm
    start: date
    end: date
    provinces: int  # provinces with a round of the form for the period

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def report_forms() -> list[ReportForm]:
    """One of each form (its latest version), by code: the forms a national table is asked of."""
    latest: dict[str, ReportForm] = {}
    for form in ReportForm.objects.order_by("code", "-year"):
        latest.setdefault(form.code, form)
    return list(latest.values())


def national_periods(form_code: str, year: int) -> list[NationalPeriod]:
    """The periods ending in a year for which provinces run rounds of a form, latest first."""
    rows = list(
        Round.objects.filter(form__code=form_code, receiving_unit__level=1, period_end__year=year)
        .values("form_id", "period_start", "period_end")
        .annotate(provinces=Count("receiving_unit_id", distinct=True))
        .order_by("-period_end", "-period_start", "form_id")
    )
    forms = ReportForm.objects.in_bulk({row["form_id"] for row in rows})
    return [
        NationalPeriod(
            forms[row["form_id"]], row["period_start"], row["period_end"], row["provinces"]
        )
        for row in rows
    ]


def national_rounds(form: ReportForm, period_start: date, period_end: date) -> dict[str, int]:
    """Province code → its round of the form and period (where the national rows lead)."""
    return dict(
        Round.objects.filter(
            form=form,
            period_start=period_start,
            period_end=period_end,
            receiving_unit__level=1,
        )
        .order_by("id")
        .values_list("receiving_unit__code", "pk")
    )


def _reporting_children(round_: Round, unit: AdministrativeUnit) -> QuerySet[Any]:
    subs = round_submissions(round_, unit).exclude(unit=unit)
    field_name = "unit__district_id" if unit.level == 1 else "unit_id"
    return subs.annotate(child=Coalesce(field_name, "unit_id")).values("child")


def _table(
    definition: FormDefinition,
    table: Table,
    cells: dict[tuple[str, str, str], dict[str, int]],
    agencies: dict[str, Agency],
    children: dict[str, AdministrativeUnit],
) -> ConsolidatedTable:
    def row_for(key: str, table_row: str, code: str, name: str, group: str) -> ConsolidatedRow:
        row = ConsolidatedRow(key=key, unit_code=code, unit_name=name, group=group)
        for column in table.columns:
            by_cat = cells.get((key, table_row, column.code))
            if by_cat:
                row.values[column.code] = sum(by_cat.values())
                for category, value in by_cat.items():
                    row.by_category[(column.code, category)] = value
        return row

    if table.is_grid:
        # A grid (the 14 groups) is summed over every reporter of the subtree, row by row.
        reporters = [*agencies, *children]
        rows = []
        for grid_row in table.rows:
            merged = ConsolidatedRow(
                key=grid_row.code, unit_code="", unit_name=grid_row.label, group="rows"
            )
            for key in reporters:
                part = row_for(key, grid_row.code, "", "", "")
                for code, value in part.values.items():
                    merged.values[code] = merged.values.get(code, 0) + value
                for cell, value in part.by_category.items():
                    merged.by_category[cell] = merged.by_category.get(cell, 0) + value
            rows.append(merged)
    else:
        rows = [
            row_for(key, "", "", agency.name, "agencies")
            for key, agency in sorted(
                agencies.items(), key=lambda kv: (not kv[1].is_lead_for_children, kv[1].name)
            )
        ] + [
            row_for(key, "", unit.code, unit.name, "units")
            for key, unit in sorted(children.items(), key=lambda kv: kv[1].name_folded)
        ]
    total: dict[str, int] = {}
    total_by_category: dict[tuple[str, str], int] = {}
    for row in rows:
        for code, value in row.values.items():
            total[code] = total.get(code, 0) + value
        for cell, value in row.by_category.items():
            total_by_category[cell] = total_by_category.get(cell, 0) + value
    return ConsolidatedTable(
        table=table, rows=rows, total=total, total_by_category=total_by_category
    )


@dataclass(frozen=True)
class Completeness:
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: int
    approved: int


def completeness(round_: Round, unit: AdministrativeUnit, today: date) -> Completeness:
    """Filed against expected, and how many on time, late or missing, over the unit's subtree."""
    subs = round_submissions(round_, unit).annotate(day=TruncDate("submitted_at"))
    filed = Q(status__in=FILED)
    counts = subs.aggregate(
        expected=Count("id"),
        submitted=Count("id", filter=filed),
        approved=Count("id", filter=Q(status=SubmissionStatus.APPROVED)),
        on_time=Count("id", filter=filed & (Q(deadline__isnull=True) | Q(day__lte=F("deadline")))),
        late=Count("id", filter=filed & Q(day__gt=F("deadline"))),
    )
    return Completeness(
        expected=counts["expected"],
        submitted=counts["submitted"],
        on_time=counts["on_time"],
        late=counts["late"],
        missing=counts["expected"] - counts["submitted"],
        approved=counts["approved"],
    )


def rounds_for_user(
    user: AnyUser, *, year: int | None = None, form_code: str | None = None
) -> QuerySet[Round]:
    """Rounds a user sees: received by a unit they may read, or in which their units report."""
    rounds = Round.objects.select_related("form", "receiving_unit")
    if not (user.is_authenticated and user.is_superuser):
        reporting = Submission.objects.filter(
            readable_units_q(user, prefix="unit__")
            | Q(agency_id__in=agency_ids_with_action(user, Action.READ))
        ).values("round_id")
        rounds = rounds.filter(
            readable_units_q(user, prefix="receiving_unit__") | Q(pk__in=reporting)
        )
    if year:
        rounds = rounds.filter(period_end__year=year)
    if form_code:
        rounds = rounds.filter(form__code=form_code)
    return rounds.order_by("-period_end", "-id")


def submissions_in(round_: Round, units: list[AdministrativeUnit]) -> QuerySet[Submission]:
    """The round's submissions in the subtrees of the given units."""
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**{f"unit__{unit.subtree_field}": unit.pk})
    return (
        Submission.objects.filter(round=round_)
        .filter(q)
        .select_related("unit", "agency")
        .order_by("agency_id", "unit__name_folded")
    )


def is_late(submission: Submission, today: date) -> bool:
    """Filed after its deadline (the day in Vietnam), or not filed and the deadline passed."""
    if submission.deadline is None:
        return False
    if submission.submitted_at is None:
        return submission.deadline < today
    return timezone.localdate(submission.submitted_at) > submission.deadline


def round_rows(
    round_: Round,
    unit: AdministrativeUnit,
    today: date,
    *,
    text: str = "",
    status: str = "",
    level: str = "",
    late: bool = False,
) -> list[Submission]:
    """The round's submissions under the unit, filtered as the round page asks (a unit's or an
    agency's name without accents, a status, a level, only the late ones), each marked
    ``late``."""
    rows = submissions_in(round_, [unit])
    if text:
        folded = fold(text)
        rows = rows.filter(
            Q(unit__name_folded__contains=folded) | Q(agency__name_folded__contains=folded)
        )
    if status:
        rows = rows.filter(status=status)
    if level == "agency":
        rows = rows.filter(agency__isnull=False)
    elif level:
        rows = rows.filter(agency__isnull=True, unit__level=int(level))
    found = []
    for submission in rows:
        submission.late = is_late(submission, today)  # type: ignore[attr-defined]
        if submission.late or not late:  # type: ignore[attr-defined]
            found.append(submission)
    return found


def unit_in_round(round_: Round, code: str) -> AdministrativeUnit:
    """The unit of that code in the round's tree (the receiving unit or below), or 404."""
    unit = unit_by_code(code, round_.period_end)
    lineage = {unit.pk, unit.parent_id, unit.district_id, unit.province_id} if unit else set()
    if unit is None or round_.receiving_unit_id not in lineage:
        raise Http404(_("Đơn vị %(code)s không thuộc đợt báo cáo này.") % {"code": code})
    return unit


def agency_only_submission(user: AnyUser, round_: Round) -> Submission | None:
    """The report of the user's agency in the round, when the user reaches the round only
    through an agency membership (and so may see that report and nothing else of the round)."""
    if can(user, Action.READ, round_.receiving_unit) or any(
        submissions_in(round_, [m.unit]).exists() for m in memberships(user)
    ):
        return None
    return (
        round_.submissions.filter(agency_id__in=agency_ids_with_action(user, Action.READ))
        .order_by("pk")
        .first()
    )


def my_open_submissions(user: AnyUser) -> QuerySet[Submission]:
    """Reports of the user's own units and agencies still to be filed (draft or returned)."""
    unit_ids = [m.unit_id for m in memberships(user)]
    agency_ids = agency_ids_with_action(user, Action.ENTER)
    return (
        Submission.objects.filter(
            Q(unit_id__in=unit_ids) | Q(agency_id__in=agency_ids),
            status__in=[SubmissionStatus.DRAFT, SubmissionStatus.RETURNED],
        )
        .select_related("round", "unit", "agency")
        .order_by(F("deadline").asc(nulls_last=True), "round_id")
    )


def cell_changes(submission: Submission, cell: str) -> list[ValueChange]:
    """The history of one cell ("element/row/category"), or of the whole report; each change
    carries ``cell_label``, the cell named as the form prints it."""
    changes = ValueChange.objects.filter(submission=submission).select_related(
        "element", "changed_by"
    )
    if cell:
        element, _sep, rest = cell.partition("/")
        row, _sep, category = rest.partition("/")
        changes = changes.filter(element__code=element, row=row, category=category)
    definition = definition_of(submission.round.form)
    found = list(changes.order_by("-changed_at", "-id"))
    money = {c.code for t in definition.tables for c in t.columns if c.type == "money"}
    for change in found:
        change.cell_label = definition.cell_label(  # type: ignore[attr-defined]
            change.element.code, change.row, change.category
        )
        # Money as the form shows it, in thousands of đồng (the label says "ĐVT: 1.000đ").
        factor = MONEY_FACTOR if change.element.code in money else 1
        change.shown = [  # type: ignore[attr-defined]
            None if value is None else Decimal(value) / factor
            for value in (change.old_value, change.new_value)
        ]
    return found


def dhis2_period(round_: Round) -> str:
    """The round's period in DHIS2 notation: 202106 (a month), 2021Q2, 2021S1, 2021."""
    start, end = round_.period_start, round_.period_end
    if round_.period_kind in ("campaign", "month") and (start.year, start.month) == (
        end.year,
        end.month,
    ):
        return f"{start.year}{start.month:02d}"
    if round_.period_kind == "quarter":
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    if round_.period_kind == "half_year":
        return f"{start.year}S{1 if start.month <= 6 else 2}"
    return str(end.year)


def data_value_set(round_: Round, unit: AdministrativeUnit) -> list[dict[str, str]]:
    """The filed values of the unit's subtree as DHIS2 dataValues (money in đồng).

    orgUnit is the administrative unit's official code, or "<unit code>-A<agency id>" for an
    agency; categoryOptionCombo is the funding source of a disaggregated cost, or "default".
    """
    period = dhis2_period(round_)
    values = (
        DataValue.objects.filter(submission__round=round_, submission__status__in=FILED)
        .filter(**{f"submission__unit__{unit.subtree_field}": unit.pk})
        .values_list(
            "element__code",
            "row",
            "category",
            "value",
            "submission__unit__code",
            "submission__agency_id",
            "submission__status",
        )
        .order_by("submission__unit__code", "submission__agency_id", "element__order", "row")
    )
    return [
        {
            "dataElement": f"{code}.{row}" if row else code,
            "period": period,
            "orgUnit": f"{unit_code}-A{agency_id}" if agency_id else unit_code,
            "categoryOptionCombo": category or "default",
            "value": str(value),
            "followup": "false",
            "comment": status,
        }
        for code, row, category, value, unit_code, agency_id, status in values
    ]


def last_rebuild(round_: Round) -> TotalsRebuild | None:
    """The latest recomputation of the round's totals asked for (the round's page shows it)."""
    return round_.rebuilds.first()


# The trend of a unit: its figures in the rounds of a form, year after year, across the 2025
# reform (a unit formed then has, for the years before, the figures of the units it was formed
# from).
TREND_ROUNDS = 10  # rounds a trend shows unless asked for fewer or more
TREND_ROUNDS_MAX = 20


def report_form(code: str) -> ReportForm | None:
    """The latest version of the form of that code."""
    return ReportForm.objects.filter(code=code).order_by("-year").first()


@dataclass(frozen=True)
class TrendFigure:
    """A key figure of a form: a column's total for a table with a row per reporter, a row's
    column for a grid table (the 14 groups). ``key`` is "column" or "column/row"."""

    key: str
    table: Table
    column: Column
    label: str


def trend_figures(definition: FormDefinition) -> list[TrendFigure]:
    figures = []
    for table in definition.tables:
        rows: list[Row | None] = list(table.rows) or [None]
        for row in rows:
            for column in table.columns:
                if row is None:
                    key = column.code
                    label = f"{column.group} – {column.label}" if column.group else column.label
                else:
                    key = f"{column.code}/{row.code}"
                    label = f"{row.label} – {column.label}"
                figures.append(TrendFigure(key, table, column, label))
    return figures


@dataclass(frozen=True)
class TrendRound:
    """A round whose reports count in a year of a trend."""

    id: int
    title: str


@dataclass
class TrendYear:
    """One reporting period of a trend (a year for the Action Month and yearly reports): the
    reports of every round of that period that reached the unit or the units it was formed from,
    summed; before the reform, several issuers (two former provinces, two districts) each had
    their own round."""

    year: int
    period_start: date
    period_end: date
    rounds: list[TrendRound] = field(default_factory=list)  # whose reports are summed
    values: dict[str, int] = field(default_factory=dict)  # figure key → sum (money in đồng)
    from_units: list[AdministrativeUnit] = field(default_factory=list)  # whose reports count
    notes: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        return " ".join(self.notes)

    @property
    def round_ids(self) -> list[int]:
        return [r.id for r in self.rounds]

    @property
    def title(self) -> str:
        return "; ".join(r.title for r in self.rounds)


@dataclass
class Trend:
    unit: AdministrativeUnit
    form: ReportForm
    figures: list[TrendFigure]
    years: list[TrendYear]  # oldest first

    def rows(self) -> list[tuple[TrendFigure, list[int | None]]]:
        """Each figure with its value per year (None: nothing reported)."""
        return [(f, [y.values.get(f.key) for y in self.years]) for f in self.figures]


def _subtrees_q(units: list[AdministrativeUnit], prefix: str) -> Q:
    """Rows whose unit (``prefix`` e.g. "unit__") is in the subtree of one of the units."""
    by_field: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        by_field[unit.subtree_field].append(unit.pk)
    q = Q(pk__in=[])
    for name, ids in by_field.items():
        q |= Q(**{f"{prefix}{name}__in": ids})
    return q


def _trend_notes(
    year: TrendYear,
    unit: AdministrativeUnit,
    links: list[Succession],
    filed_by: set[int],
) -> list[str]:
    """Why a year's figures hold, or lack, those of a divided commune: they go whole to its
    default successor."""
    notes = []
    by_predecessor: dict[int, list[Succession]] = defaultdict(list)
    for link in links:
        by_predecessor[link.predecessor_id].append(link)
    for predecessor_id, own in by_predecessor.items():
        if len(own) < 2:
            continue
        predecessor = own[0].predecessor
        default = next(link.successor for link in own if link.is_default)
        mine = next(link for link in own if link.successor_id == unit.pk)
        if mine.is_default and predecessor_id in filed_by:
            others = ", ".join(link.successor.name for link in own if not link.is_default)
            notes.append(
                _(
                    "Gồm toàn bộ số liệu của %(old)s, dù một phần đã nhập vào %(others)s: số "
                    "liệu cũ tính cho đơn vị kế thừa mặc định."
                )
                % {"old": predecessor.name, "others": others}
            )
        elif not mine.is_default and predecessor.is_in_force_on(year.period_end):
            notes.append(
                _(
                    "Không gồm số liệu của %(old)s (một phần đã nhập vào đơn vị này): số liệu "
                    "cũ tính cho %(default)s, đơn vị kế thừa mặc định."
                )
                % {"old": predecessor.name, "default": default.name}
            )
    return notes


# Periods of the kinds that come once a year are one column of a trend, whatever day each
# issuer's round started or ended; shorter periods are one column per month they end in.
_YEARLY_KINDS = ("campaign", "year")


def _period_key(kind: str, start: date, end: date) -> tuple[object, ...]:
    """Which rounds of the same form are the same reporting period (summed in one column)."""
    if kind in _YEARLY_KINDS:
        return ("y", end.year)
    if kind == "ad_hoc":
        return (kind, start, end)
    return (kind, end.year, end.month)


def _source_of(sources: dict[int, AdministrativeUnit], prefix: str) -> Case:
    """Which of the sources (the unit, the units it was formed from) a row's unit lies under:
    the unit itself, its district or its province."""
    whens = []
    for level, name in ((3, "id"), (2, "district"), (1, "province")):
        ids = [pk for pk, u in sources.items() if u.level == level]
        if ids:
            whens.append(When(**{f"{prefix}{name}__in": ids}, then=F(f"{prefix}{name}")))
    return Case(*whens, default=None, output_field=IntegerField())


def unit_trend(
    unit: AdministrativeUnit, form: ReportForm, as_of: date, *, limit: int = TREND_ROUNDS
) -> Trend:
    """The unit's key figures of a form in its latest reporting periods ending by a date
    (years, for the Action Month), oldest first.

    A unit's figures of a round are the filed reports of its subtree summed (its row in the
    consolidation of the unit above; the total of the round it receives). Before the 2025
    reform, a unit formed then has the figures of the units it was formed from, summed: one
    column per period, whichever of their issuers' rounds the reports were filed in (each
    unit's reports counted once, from the round in which most of them were filed, when a
    district's round and its province's of the same period both hold them). A commune divided
    among several gives its figures whole to its default successor, and a note says so on both
    sides. Rounds of any version of the form count (by its code).
    Three queries, whatever the number of predecessors and rounds.
    """
    definition = definition_of(form)
    figures = trend_figures(definition)
    known = {f.key for f in figures}
    links = formation_links(unit)
    sources = {unit.pk: unit}
    for link in links:
        if link.successor_id == unit.pk and link.is_default:
            sources[link.predecessor_id] = link.predecessor
    subtrees = list(sources.values())

    reporters = (
        Submission.objects.filter(_subtrees_q(subtrees, "unit__"))
        .filter(round__form__code=form.code, round__period_end__lte=as_of)
        .annotate(source=_source_of(sources, "unit__"))
        .values(
            "round_id",
            "round__title",
            "round__period_kind",
            "round__period_start",
            "round__period_end",
            "round__receiving_unit__level",
            "source",
        )
        .annotate(filed=Count("id", filter=Q(status__in=FILED)))
        .order_by()
    )
    years: dict[tuple[object, ...], TrendYear] = {}
    rounds: dict[int, TrendRound] = {}
    level_of: dict[int, int] = {}  # round → the level of the unit receiving it
    period_of: dict[int, tuple[object, ...]] = {}
    # period → source → round → its reports filed in that round
    filed: dict[tuple[object, ...], dict[int, dict[int, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for row in reporters:
        start, end = row["round__period_start"], row["round__period_end"]
        key = period_of[row["round_id"]] = _period_key(row["round__period_kind"], start, end)
        year = years.get(key)
        if year is None:
            year = years[key] = TrendYear(year=end.year, period_start=start, period_end=end)
        year.period_start = min(year.period_start, start)
        year.period_end = max(year.period_end, end)
        rounds[row["round_id"]] = TrendRound(row["round_id"], row["round__title"])
        level_of[row["round_id"]] = row["round__receiving_unit__level"]
        if row["filed"] and row["source"] in sources:
            filed[key][row["source"]][row["round_id"]] = row["filed"]
    ordered = sorted(years.items(), key=lambda kv: (kv[1].period_end, kv[1].period_start))
    chosen = ordered[-limit:] if limit > 0 else []

    # Each source counts in one round of a period: the one holding most of its filed reports,
    # then the one received closest to it.
    counted: dict[tuple[int, int], TrendYear] = {}  # (round, source) → the year it counts in
    for key, year in chosen:
        for source, by_round in filed[key].items():
            best = max(by_round, key=lambda r: (by_round[r], level_of[r], r))
            counted[(best, source)] = year
    values = (
        DataValue.objects.filter(_subtrees_q(subtrees, "submission__unit__"))
        .filter(
            submission__round_id__in=sorted({r for r, _source in counted}),
            submission__status__in=FILED,
        )
        .annotate(source=_source_of(sources, "submission__unit__"))
        .values("submission__round_id", "source", "element__code", "row")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for v in values:
        counts_in = counted.get((v["submission__round_id"], v["source"]))
        figure = f"{v['element__code']}/{v['row']}" if v["row"] else v["element__code"]
        if counts_in is not None and figure in known:
            counts_in.values[figure] = counts_in.values.get(figure, 0) + v["total"]
    for key, year in chosen:
        summed = {r for r, _source in counted if period_of[r] == key}
        # A period with no report filed yet names its rounds all the same.
        ids = summed or {r for r, k in period_of.items() if k == key}
        year.rounds = [rounds[r] for r in sorted(ids)]
        who = set(filed[key])
        year.from_units = sorted(
            (sources[i] for i in who), key=lambda u: (u.valid_from, u.level, u.name_folded)
        )
        year.notes = _trend_notes(year, unit, links, who)
    return Trend(unit=unit, form=form, figures=figures, years=[y for _k, y in chosen])


# The leader's dashboard: the open rounds of a unit with their completeness per row of its
# consolidation (its agencies, the units directly below it, its own report).
DASHBOARD_ROUNDS = 10


@dataclass
class PartProgress:
    """How the reports of one part of a unit's tree stand in a round."""

    key: str  # "a<agency>", "u<unit below>", or "self"
    name: str
    expected: int = 0
    code: str = ""  # of the unit below, to open its own dashboard
    on_time: int = 0
    late: int = 0
    missing: int = 0


@dataclass
class OpenRound:
    round: Round
    parts: list[PartProgress]

    @property
    def total(self) -> PartProgress:
        total = PartProgress(key="*", name="")
        for part in self.parts:
            total.expected += part.expected
            total.on_time += part.on_time
            total.late += part.late
            total.missing += part.missing
        return total


def open_rounds(unit: AdministrativeUnit, today: date) -> list[OpenRound]:
    """The rounds in which the unit's tree reports and which are still open (a report of the
    tree not filed yet, or a deadline not passed), latest first, each with its reports counted
    per part of the unit's consolidation: filed on time, filed late, not filed. Three queries."""
    below = "unit__district_id" if unit.level == 1 else "unit_id"
    subs = (
        Submission.objects.filter(**{f"unit__{unit.subtree_field}": unit.pk})
        .annotate(day=TruncDate("submitted_at"), below=Coalesce(below, "unit_id"))
        .order_by()
    )
    unfiled = ~Q(status__in=FILED)
    still_open = subs.filter(unfiled | Q(deadline__gte=today)).values("round_id").distinct()
    rounds = list(
        Round.objects.filter(pk__in=still_open)
        .select_related("form", "receiving_unit")
        .order_by("-period_end", "-id")[:DASHBOARD_ROUNDS]
    )
    filed = Q(status__in=FILED)
    counts = (
        subs.filter(round__in=rounds)
        .values("round_id", "agency_id", "agency__name", "below", "unit_id")
        .annotate(
            expected=Count("id"),
            on_time=Count(
                "id", filter=filed & (Q(deadline__isnull=True) | Q(day__lte=F("deadline")))
            ),
            late=Count("id", filter=filed & Q(day__gt=F("deadline"))),
        )
    )
    parts: dict[int, dict[str, PartProgress]] = defaultdict(dict)
    unit_ids: set[int] = set()
    for row in counts:
        if row["agency_id"] and row["unit_id"] == unit.pk:
            key, name = f"a{row['agency_id']}", row["agency__name"]
        elif row["unit_id"] == unit.pk:
            key, name = "self", unit.name
        else:
            key, name = f"u{row['below']}", ""
            unit_ids.add(row["below"])
        part = parts[row["round_id"]].setdefault(key, PartProgress(key=key, name=name))
        part.expected += row["expected"]
        part.on_time += row["on_time"]
        part.late += row["late"]
        part.missing += row["expected"] - row["on_time"] - row["late"]
    names = {
        pk: (name, code)
        for pk, name, code in AdministrativeUnit.objects.filter(pk__in=unit_ids).values_list(
            "pk", "name", "code"
        )
    }
    found = []
    for round_ in rounds:
        mine = list(parts[round_.pk].values())
        for part in mine:
            if part.key.startswith("u"):
                part.name, part.code = names.get(int(part.key[1:]), (part.name, ""))
        mine.sort(
            key=lambda p: (0 if p.key == "self" else 1 if p.key[0] == "a" else 2, fold(p.name))
        )
        found.append(OpenRound(round=round_, parts=mine))
    return found


# A plan's targets followed: each target names a row of table 2 of the child-protection report
# (Target.data_element_code); the rounds of that form give, per unit, the total and the number
# achieved, summed up the tree from the filed reports.
TARGET_FORM, TARGET_TABLE = "special-circumstances", "2"
TARGET_TOTAL, TARGET_ACHIEVED = "indicator_total", "indicator_achieved"
# Rows a commune reports as 1 of 1 when it has the thing: the targets "every commune has …".
REPORTED_EVERY_COMMUNE_ROWS = ("communes_with_fund", "child_friendly")
# The target "every commune has issued a plan" (PLAN_ISSUED_ROW) is measured from the plans;
# "every commune has a work for children built or upgraded" (CHILD_WORK_ROW) from table 1 of
# the Action Month result report.
EVERY_COMMUNE_ROWS = (*REPORTED_EVERY_COMMUNE_ROWS, PLAN_ISSUED_ROW, CHILD_WORK_ROW)
WORKS_FORM, WORKS_TABLE, WORKS_COLUMNS = "action-month-result", "1", ("works_new", "works_upgraded")


def _rate(achieved: int | None, total: int | None) -> Decimal | None:
    if achieved is None or not total:
        return None
    return (Decimal(achieved) * 100 / Decimal(total)).quantize(Decimal("0.01"))


@dataclass
class TargetPart:
    """A target's total and achieved count in one part of a unit's tree."""

    key: str  # "u<unit directly below>" or "self"
    name: str
    total: int | None = None
    achieved: int | None = None

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.achieved, self.total)


@dataclass
class TargetProgress:
    """A target planned vs achieved: ``achieved`` is a rate (%) for a percentage target, else
    the count; ``progress`` how far towards the planned value (100 = reached). A target whose
    value is below its baseline is one to bring down (malnutrition): reached at or below."""

    target: Any  # plans.Target
    row: str
    total: int | None = None
    count: int | None = None
    parts: list[TargetPart] = field(default_factory=list)
    having: list[AdministrativeUnit] = field(default_factory=list)
    lacking: list[AdministrativeUnit] = field(default_factory=list)
    unreported: list[AdministrativeUnit] = field(default_factory=list)

    @property
    def every_commune(self) -> bool:
        return self.row in EVERY_COMMUNE_ROWS

    @property
    def from_plans(self) -> bool:
        """Measured from the plans issued in the system, not from a report."""
        return self.row == PLAN_ISSUED_ROW

    @property
    def from_works(self) -> bool:
        """Measured from the works for children of the Action Month result reports."""
        return self.row == CHILD_WORK_ROW

    # The round of the Action Month result report that measured it (from_works).
    works_round: Round | None = None

    @property
    def downward(self) -> bool:
        baseline = self.target.baseline
        return baseline is not None and baseline > self.target.value

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.count, self.total)

    @property
    def per_commune(self) -> bool:
        """A target "every commune has N …" written as a count per commune (Hải Phòng: each
        commune one work for children): followed as the share of communes that have it."""
        return self.every_commune and self.target.unit != "%"

    @property
    def achieved(self) -> Decimal | None:
        if self.target.unit == "%" or self.per_commune:
            return _rate(self.count, self.total)
        return None if self.count is None else Decimal(self.count)

    @property
    def reached(self) -> bool | None:
        if self.achieved is None:
            return None
        if self.per_commune:
            return self.achieved >= 100
        if self.downward:
            return self.achieved <= self.target.value
        return self.achieved >= self.target.value

    @property
    def progress(self) -> int | None:
        """Per cent of the way to the planned value, 0–100."""
        achieved, planned = self.achieved, self.target.value
        if achieved is None:
            return None
        if self.per_commune:
            share = achieved / 100
        elif self.downward:
            baseline = self.target.baseline
            share = (baseline - achieved) / (baseline - planned)
        elif planned:
            share = achieved / planned
        else:
            share = Decimal(1)
        return max(0, min(100, int(share * 100)))


@dataclass
class PlanTargets:
    unit: AdministrativeUnit
    round: Round | None
    targets: list[TargetProgress]
    # The units directly below the plan's issuer (within the unit read) that have issued their
    # own plan implementing it, and those that have not: "every commune has a plan issued".
    issued_below: list[AdministrativeUnit] = field(default_factory=list)
    not_issued_below: list[AdministrativeUnit] = field(default_factory=list)

    @property
    def below_total(self) -> int:
        return len(self.issued_below) + len(self.not_issued_below)

    @property
    def followed(self) -> list[TargetProgress]:
        return [t for t in self.targets if t.row]

    @property
    def reported(self) -> list[TargetProgress]:
        """The targets measured by a report (not from the plans)."""
        return [t for t in self.targets if t.row and not (t.from_plans or t.from_works)]


def target_round(plan: Any, unit: AdministrativeUnit, form: str = TARGET_FORM) -> Round | None:
    """The round of the child-protection report (or of another form) that measures the plan's
    targets for the unit: one the unit reports in (received by the unit or a unit above it),
    over the plan's period, the one opened for the plan first, then the latest. One query."""
    receivers = [i for i in (unit.pk, unit.district_id, unit.province_id) if i]
    return (
        Round.objects.filter(
            form__code=form,
            receiving_unit_id__in=receivers,
            period_end__gte=plan.period_start,
            period_start__lte=plan.period_end,
        )
        .annotate(mine=Count("id", filter=Q(plan=plan)))
        .order_by("-mine", "-period_end", "-id")
        .first()
    )


def plan_targets(plan: Any, unit: AdministrativeUnit) -> PlanTargets:
    """The plan's targets for the unit, planned vs achieved: the filed reports of the unit's tree
    in the round that measures them, summed for the unit and for each unit directly below it;
    for the targets "every commune has …", the communes that have it, lack it, or have not
    reported; "every commune has issued a plan", from the plans. Four queries whatever the size
    of the tree, three more for a target measured from the plans."""
    targets = list(plan.targets.all())
    rows = {t.data_element_code for t in targets if t.data_element_code} - {
        PLAN_ISSUED_ROW,
        CHILD_WORK_ROW,
    }
    round_ = target_round(plan, unit) if rows else None
    found = PlanTargets(unit=unit, round=round_, targets=[])
    below = "unit__district_id" if unit.level == 1 else "unit_id"
    # (part, row, column) → sum; (commune, row) → achieved
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    communes_with: dict[tuple[int, str], int] = defaultdict(int)
    communes: dict[int, AdministrativeUnit] = {}
    if round_ is not None:
        values = (
            DataValue.objects.filter(
                submission__round=round_,
                submission__status__in=FILED,
                element__table_code=TARGET_TABLE,
                element__code__in=(TARGET_TOTAL, TARGET_ACHIEVED),
                row__in=rows,
                **{f"submission__unit__{unit.subtree_field}": unit.pk},
            )
            .annotate(below=Coalesce(f"submission__{below}", "submission__unit_id"))
            .values("below", "submission__unit_id", "row", "element__code")
            .annotate(total=Sum("value"))
            .order_by()
        )
        for v in values:
            part = "self" if v["submission__unit_id"] == unit.pk else f"u{v['below']}"
            sums[(part, v["row"], v["element__code"])] += v["total"]
            if v["element__code"] == TARGET_ACHIEVED:
                communes_with[(v["submission__unit_id"], v["row"])] += v["total"]
        if rows & set(REPORTED_EVERY_COMMUNE_ROWS):
            communes = {
                u.pk: u
                for u in AdministrativeUnit.objects.filter(
                    level=3,
                    pk__in=round_submissions(round_, unit).filter(agency=None).values("unit_id"),
                ).order_by("name_folded")
            }
    filed = (
        set(
            round_submissions(round_, unit)
            .filter(agency=None, status__in=FILED)
            .values_list("unit_id", flat=True)
        )
        if communes and round_ is not None
        else set()
    )
    part_ids = {int(k[0][1:]) for k in sums if k[0] != "self"}
    names = dict(AdministrativeUnit.objects.filter(pk__in=part_ids).values_list("pk", "name"))
    for target in targets:
        code = target.data_element_code
        progress = TargetProgress(target=target, row=code)
        if code == PLAN_ISSUED_ROW:
            _communes_with_plan(plan, unit, progress)
        elif code == CHILD_WORK_ROW:
            _communes_with_works(plan, unit, progress)
        elif code and round_ is not None:
            keys = sorted({k[0] for k in sums if k[1] == code}, key=lambda k: (k != "self", k))
            for key in keys:
                name = unit.name if key == "self" else names.get(int(key[1:]), "")
                progress.parts.append(
                    TargetPart(
                        key=key,
                        name=name,
                        total=sums.get((key, code, TARGET_TOTAL)),
                        achieved=sums.get((key, code, TARGET_ACHIEVED)),
                    )
                )
            progress.parts.sort(key=lambda p: (p.key != "self", fold(p.name)))
            if progress.parts:
                progress.total = sum(p.total or 0 for p in progress.parts)
                progress.count = sum(p.achieved or 0 for p in progress.parts)
            if progress.every_commune:
                for commune_id, commune in communes.items():
                    if commune_id not in filed:
                        progress.unreported.append(commune)
                    elif communes_with.get((commune_id, code), 0) > 0:
                        progress.having.append(commune)
                    else:
                        progress.lacking.append(commune)
        found.targets.append(progress)
    _plans_below(plan, unit, found)
    return found


def _communes_with_plan(plan: Any, unit: AdministrativeUnit, progress: TargetProgress) -> None:
    """The target "every commune has issued a plan": the communes of the unit's tree in force
    at the end of the plan's period, those that have issued (themselves, not one of their
    agencies) a plan of the same kind and year and those that have not, counted per unit
    directly below the unit. Three queries."""
    from vitreem.plans.models import PUBLISHED, Plan

    communes = list(
        AdministrativeUnit.objects.filter(
            in_force_on(plan.period_end), level=3, **{unit.subtree_field: unit.pk}
        ).order_by("name_folded")
    )
    issued = set(
        Plan.objects.filter(
            issuer_unit__in=communes,
            issuer_agency__isnull=True,
            kind=plan.kind,
            year=plan.year,
            status__in=PUBLISHED,
        ).values_list("issuer_unit_id", flat=True)
    )
    _count_communes(unit, progress, communes, issued)


def _communes_with_works(plan: Any, unit: AdministrativeUnit, progress: TargetProgress) -> None:
    """The target "every commune has a work for children built or upgraded": the communes that
    report in the plan's Action Month result round (target_round of that form), those whose
    filed reports (the commune's and its agencies') count at least one new or upgraded work,
    those that count none, and those not yet reported. Four queries."""
    round_ = progress.works_round = target_round(plan, unit, WORKS_FORM)
    if round_ is None:
        return
    reports = round_submissions(round_, unit).filter(unit__level=3)
    communes = list(
        AdministrativeUnit.objects.filter(
            pk__in=reports.filter(agency=None).values("unit_id")
        ).order_by("name_folded")
    )
    filed = set(reports.filter(agency=None, status__in=FILED).values_list("unit_id", flat=True))
    works = dict(
        DataValue.objects.filter(
            submission__in=reports.filter(status__in=FILED),
            element__table_code=WORKS_TABLE,
            element__code__in=WORKS_COLUMNS,
        )
        .values("submission__unit_id")
        .annotate(total=Sum("value"))
        .values_list("submission__unit_id", "total")
    )
    having = {pk for pk, total in works.items() if total and total > 0}
    reported = [c for c in communes if c.pk in filed or c.pk in having]
    progress.unreported = [c for c in communes if c not in reported]
    _count_communes(unit, progress, reported, having)


def _count_communes(
    unit: AdministrativeUnit,
    progress: TargetProgress,
    communes: list[AdministrativeUnit],
    having: set[int],
) -> None:
    """Sort the communes into those that have the thing and those that lack it, and count them
    per unit directly below the unit (its communes, or a province's districts before 2025).
    One query."""
    parts: dict[int, TargetPart] = {}
    district_ids = {c.district_id for c in communes if unit.level == 1 and c.district_id}
    names = dict(AdministrativeUnit.objects.filter(pk__in=district_ids).values_list("pk", "name"))
    for commune in communes:
        has = commune.pk in having
        (progress.having if has else progress.lacking).append(commune)
        below = commune.district_id if unit.level == 1 and commune.district_id else commune.pk
        if unit.level == 3:
            key, name = "self", unit.name
        else:
            key, name = f"u{below}", names.get(below, commune.name)
        part = parts.setdefault(below, TargetPart(key=key, name=name, total=0, achieved=0))
        part.total = (part.total or 0) + 1
        part.achieved = (part.achieved or 0) + int(has)
    progress.parts = sorted(parts.values(), key=lambda p: (p.key != "self", fold(p.name)))
    if communes:
        progress.total = len(communes)
        progress.count = len(progress.having)


def _plans_below(plan: Any, unit: AdministrativeUnit, found: PlanTargets) -> None:
    """Which units directly below the plan's issuer, in the unit's tree, have issued a plan
    implementing it. Two queries."""
    issuer = plan.issuer_unit
    if plan.status != "issued" or issuer.level == 3:
        return
    below = AdministrativeUnit.objects.filter(parent=issuer).filter(**{unit.subtree_field: unit.pk})
    below = below.filter(valid_from__lte=plan.period_end).exclude(valid_to__lt=plan.period_start)
    units = list(below.order_by("name_folded"))
    issued = set(
        plan.children.filter(status="issued", issuer_unit__in=units).values_list(
            "issuer_unit_id", flat=True
        )
    )
    found.issued_below = [u for u in units if u.pk in issued]
    found.not_issued_below = [u for u in units if u.pk not in issued]


@dataclass
class ProvinceRound:
    """A province's open round and how its reports stand, for the national dashboard."""

    round_id: int
    title: str
    province: str
    progress: PartProgress


NATIONAL_ROUNDS = 80  # the open provincial rounds the national dashboard lists, latest first


def national_open_rounds(today: date) -> list[ProvinceRound]:
    """The rounds the provinces receive that are still open (a report not filed, or a deadline
    not passed), latest first, each with its reports on time, late, missing. Two queries."""
    filed = Q(status__in=FILED)
    subs = (
        Submission.objects.filter(round__receiving_unit__level=1)
        .annotate(day=TruncDate("submitted_at"))
        .order_by()
    )
    still_open = subs.filter(~filed | Q(deadline__gte=today)).values("round_id").distinct()
    rounds = list(
        Round.objects.filter(pk__in=still_open)
        .select_related("receiving_unit")
        .order_by("-period_end", "receiving_unit__code", "-id")[:NATIONAL_ROUNDS]
    )
    counts = {
        row["round_id"]: row
        for row in subs.filter(round__in=rounds)
        .values("round_id")
        .annotate(
            expected=Count("id"),
            on_time=Count(
                "id", filter=filed & (Q(deadline__isnull=True) | Q(day__lte=F("deadline")))
            ),
            late=Count("id", filter=filed & Q(day__gt=F("deadline"))),
        )
    }
    found = []
    for round_ in rounds:
        row = counts.get(round_.pk, {"expected": 0, "on_time": 0, "late": 0})
        progress = PartProgress(
            key=f"u{round_.receiving_unit_id}",
            name=round_.receiving_unit.name,
            code=round_.receiving_unit.code,
            expected=row["expected"],
            on_time=row["on_time"],
            late=row["late"],
            missing=row["expected"] - row["on_time"] - row["late"],
        )
        found.append(ProvinceRound(round_.pk, round_.title, round_.receiving_unit.name, progress))
    return found
