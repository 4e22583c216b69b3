"""Registry reads: scoped lists, a child's record as the user may see it, counts over time.

A circumstance is active on day d when started_on <= d <= ended_on (an open end: still active).
Counts at a date and changes over a period come from those dates alone.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, AnyUser, can_read_sensitive, require
from vitreem.accounts.models import User
from vitreem.core.text import fold
from vitreem.units.models import AdministrativeUnit, Agency, in_force_on

from . import catalogue
from .models import (
    SENSITIVE_SUPPORT,
    Child,
    ChildRead,
    Circumstance,
    Consent,
    FundingSource,
    PossibleDuplicate,
    ReadVia,
    SupportKind,
    SupportRecord,
)
from .services import CHILD_AGE_LIMIT, birthday


def _scope(unit: AdministrativeUnit, prefix: str = "") -> Q:
    """Rows of the unit's subtree, on a model carrying the child's commune and province."""
    if unit.level == 1:
        return Q(**{f"{prefix}province": unit.pk})
    if unit.level == 2:
        return Q(**{f"{prefix}unit__district": unit.pk})
    return Q(**{f"{prefix}unit": unit.pk})


# _GROUPED: counts over circumstances clear the model's ordering ("child", which is the child's
# own ordering: commune, name, birthday). Django leaves it out of a GROUP BY query but keeps the
# joins it needs, so that every count joined a million children (bench/registry.py: counts by
# province 436 ms → 19 ms).


def active_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def children_in(
    user: AnyUser,
    unit: AdministrativeUnit,
    *,
    as_of: date | None = None,
    group: str | None = None,
    query: str = "",
) -> QuerySet[Child]:
    """The children of the unit's subtree the user may read, optionally those in a group on a
    date. Filtering by a sensitive group needs the right to see sensitive data."""
    require(user, Action.READ, unit)
    children = Child.objects.filter(_scope(unit)).select_related("unit")
    if as_of is not None:
        # Born by that day and not yet 16 on it.
        children = children.filter(date_of_birth__lte=as_of, date_of_birth__gt=birthday(as_of, -16))
    if group:
        if group in catalogue.sensitive_groups() and not can_read_sensitive(user, unit):
            raise PermissionDenied(_("Lọc theo nhóm này cần quyền xem dữ liệu nhạy cảm."))
        day = as_of or timezone.localdate()
        children = children.filter(
            Exists(
                Circumstance.objects.filter(child=OuterRef("pk"), group=group).filter(
                    active_on(day)
                )
            )
        )
    if query:
        folded = fold(query)
        digits = folded.replace(" ", "")
        children = children.filter(
            Q(name_folded__contains=folded) | Q(personal_id=digits)
            if digits.isdigit()
            else Q(name_folded__contains=folded)
        )
    return children.order_by("name_folded", "date_of_birth", "pk")


MASKED = "—"


@dataclass
class CircumstanceView:
    circumstance: Circumstance
    title: str
    subgroup: str
    active: bool


@dataclass
class ChildView:
    """A child's record as one user may see it: sensitive fields only with the right."""

    child: Child
    sensitive: bool
    ethnicity: str
    disability: str
    circumstances: list[CircumstanceView] = field(default_factory=list)
    support: list[SupportRecord] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    duplicates: list[PossibleDuplicate] = field(default_factory=list)
    # The 16th birthday itself; the record runs to the day before (services.last_day_as_child).
    turns_16: date | None = None


def child_view(user: AnyUser, child: Child, today: date) -> ChildView:
    sensitive = can_read_sensitive(user, child.unit)
    hidden = catalogue.sensitive_groups()
    known = catalogue.groups()
    circumstances = []
    for c in Circumstance.objects.filter(child=child).order_by("-started_on"):
        if c.group in hidden and not sensitive:
            continue
        group = known.get(c.group)
        circumstances.append(
            CircumstanceView(
                circumstance=c,
                title=group.title if group else c.group,
                subgroup=dict(group.subgroups).get(c.subgroup, "") if group else "",
                active=c.started_on <= today and (c.ended_on is None or today <= c.ended_on),
            )
        )
    support = list(
        SupportRecord.objects.filter(child=child).select_related("giver_unit", "giver_agency")
    )
    if not sensitive:
        support = [s for s in support if s.kind not in SENSITIVE_SUPPORT]
    return ChildView(
        child=child,
        sensitive=sensitive,
        ethnicity=catalogue.ethnicities().get(child.ethnicity, "") if sensitive else MASKED,
        disability=child.get_disability_level_display() if sensitive else MASKED,
        circumstances=circumstances,
        support=support,
        consents=list(Consent.objects.filter(child=child)),
        duplicates=list(
            PossibleDuplicate.objects.filter(child=child, resolved_at__isnull=True).select_related(
                "other"
            )
        ),
        turns_16=birthday(child.date_of_birth, CHILD_AGE_LIMIT),
    )


def in_need_below(unit: AdministrativeUnit, day: date) -> list[tuple[AdministrativeUnit, int]]:
    """The units directly below, each with its children in special circumstances on the day."""
    counts: dict[int, int] = {}
    for commune, district, n in (
        Circumstance.objects.filter(_scope(unit), active_on(day))
        .values_list("unit", "unit__district")
        .annotate(n=Count("child", distinct=True))
        .order_by()  # see _GROUPED
    ):
        row = district if unit.level == 1 and district else commune
        counts[row] = counts.get(row, 0) + n
    units = AdministrativeUnit.objects.filter(parent=unit).filter(in_force_on(day))
    return [(u, counts.get(u.pk, 0)) for u in units.order_by("name_folded")]


def groups_on(children: list[Child], day: date) -> list[tuple[int, str]]:
    """(child id, group) of every circumstance of these children active on the day."""
    return list(
        Circumstance.objects.filter(child__in=children)
        .filter(active_on(day))
        .values_list("child", "group")
        .order_by("group")
    )


@dataclass(frozen=True)
class GroupName:
    """A group a child is in, as the law names it: its point (a, b, đ…), its title, and the
    sub-group of Decree 56/2017 when the record has one."""

    point: str
    title: str
    label: str
    subgroup: str


def active_groups(
    children: list[Child] | QuerySet[Child], day: date, sensitive: bool
) -> dict[int, list[GroupName]]:
    """The groups each child is in on the day, as the user may see them (a queryset of
    children is read as a subquery: an export of a province names no child id)."""
    hidden = catalogue.sensitive_groups()
    known = catalogue.groups()
    found: dict[int, list[GroupName]] = {}
    rows = (
        Circumstance.objects.filter(child__in=children)
        .filter(active_on(day))
        .values_list("child", "group", "subgroup")
        .order_by("group", "subgroup")
    )
    for child_id, code, subgroup in rows:
        if not sensitive and code in hidden:
            continue
        group = known.get(code)
        if group is None:
            name = GroupName(code, code, code, "")
        else:
            sub = dict(group.subgroups).get(subgroup, "")
            name = GroupName(group.point, group.title, group.label, sub)
        found.setdefault(child_id, []).append(name)
    return found


def group_counts(
    unit: AdministrativeUnit, day: date, basis: str = catalogue.LAW_2016
) -> dict[str, int]:
    """Children in each group of the basis on a day, over the unit's subtree."""
    rows = (
        Circumstance.objects.filter(_scope(unit), active_on(day), legal_basis=basis)
        .values("group")
        .annotate(n=Count("id"))
        .order_by()  # see _GROUPED
    )
    return {r["group"]: r["n"] for r in rows}


def counts_by_province(day: date) -> dict[int, dict[str, int]]:
    """The nation: children in each group of the 2016 law on a day, by province."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for province, group, n in (
        Circumstance.objects.filter(active_on(day), legal_basis=catalogue.LAW_2016)
        .values_list("province", "group")
        .annotate(n=Count("id"))
        .order_by()  # see _GROUPED
    ):
        found[province][group] = n
    return dict(found)


@dataclass(frozen=True)
class GroupChange:
    at_start: int
    new: int
    left: int
    at_end: int


def period_changes(unit: AdministrativeUnit, start: date, end: date) -> dict[str, GroupChange]:
    """Per 2016 group over a period: at its start, joined within, left within, at its end.

    A record active on ``start`` counts at the start; one starting after ``start`` (up to
    ``end``) is new; one ending before ``end`` (from ``start``) has left; one active on ``end``
    counts at the end. So at_start + new - left = at_end for every group.
    """
    base = Circumstance.objects.filter(_scope(unit), legal_basis=catalogue.LAW_2016)
    counts = (
        base.values("group")
        .annotate(
            at_start=Count("id", filter=active_on(start)),
            new=Count("id", filter=Q(started_on__gt=start, started_on__lte=end)),
            left=Count("id", filter=Q(ended_on__gte=start, ended_on__lt=end)),
            at_end=Count("id", filter=active_on(end)),
        )
        .order_by()  # see _GROUPED
    )
    return {
        r["group"]: GroupChange(r["at_start"], r["new"], r["left"], r["at_end"]) for r in counts
    }


def reads_of(unit: AdministrativeUnit, *, child: Child | None = None) -> QuerySet[ChildRead]:
    """The read log of the unit's subtree (leaders only: the caller checks oversight)."""
    # A read keeps the child's commune; above the commune the child's own columns say where.
    scope = Q(unit=unit.pk) if unit.level == 3 else _scope(unit, "child__")
    reads = ChildRead.objects.filter(scope).select_related("user", "child", "unit")
    if child is not None:
        reads = reads.filter(child=child)
    return reads


@dataclass
class ReadView:
    """One line of the read log: the records one user read in one view (a list, a page, an
    export, an API call)."""

    at: datetime  # the last read of the view
    user: User
    via: str
    children: int
    sensitive: bool
    child: Child | None = None  # the record, when the view read a single one
    unit: AdministrativeUnit | None = None  # the commune, when the records are of a single one
    units: int = 1

    @property
    def via_label(self) -> str:
        return str(ReadVia(self.via).label)


def read_views(
    unit: AdministrativeUnit,
    *,
    child: Child | None = None,
    user: User | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Any, Any]:
    """The read log of the unit's subtree, one row per view (request, user, way of reading),
    newest first; ``start`` and ``end`` are days of Vietnam. Leaders only: the caller checks
    oversight. Rows are dicts: read_view_lines makes the lines of a page of them."""
    reads = reads_of(unit, child=child).select_related(None)
    if user is not None:
        reads = reads.filter(user=user)
    if start is not None:
        reads = reads.filter(at__gte=_midnight(start))
    if end is not None:
        reads = reads.filter(at__lt=_midnight(end + timedelta(days=1)))
    return (
        reads.order_by()
        .values("request_id", "user", "via")
        .annotate(
            last_at=Max("at"),
            children=Count("child", distinct=True),
            first_child=Min("child"),
            units=Count("unit", distinct=True),
            first_unit=Min("unit"),
            sensitive_reads=Count("id", filter=Q(sensitive=True)),
        )
        .order_by("-last_at", "-request_id")
    )


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def read_view_lines(rows: Iterable[dict[str, Any]]) -> list[ReadView]:
    """The lines of a page of read_views, with their users, single children and communes."""
    rows = list(rows)
    users = User.objects.in_bulk({r["user"] for r in rows})
    children = Child.objects.in_bulk({r["first_child"] for r in rows if r["children"] == 1})
    units = AdministrativeUnit.objects.in_bulk({r["first_unit"] for r in rows if r["units"] == 1})
    return [
        ReadView(
            at=r["last_at"],
            user=users[r["user"]],
            via=r["via"],
            children=r["children"],
            sensitive=r["sensitive_reads"] > 0,
            child=children.get(r["first_child"]) if r["children"] == 1 else None,
            unit=units.get(r["first_unit"]) if r["units"] == 1 else None,
            units=r["units"],
        )
        for r in rows
    ]


def read_log_users(unit: AdministrativeUnit) -> QuerySet[User]:
    """Who appears in the unit's read log: the choices of its filter by user."""
    return User.objects.filter(pk__in=reads_of(unit).values("user")).order_by("username")


def support_in(unit: AdministrativeUnit, start: date, end: date) -> QuerySet[SupportRecord]:
    return SupportRecord.objects.filter(_scope(unit), given_on__gte=start, given_on__lte=end)


def age_summary(children: QuerySet[Child], day: date) -> dict[str, Any]:
    """Children under 6 on a day, and those of them with a health-insurance card valid then."""
    under_six = children.filter(date_of_birth__gt=birthday(day, -6), date_of_birth__lte=day)
    return {
        "under_six": under_six.count(),
        "insured": under_six.filter(insurance_valid_to__gte=day)
        .exclude(insurance_number="")
        .count(),
    }


def circumstance_of(child: Child, circumstance_id: int) -> Circumstance | None:
    return Circumstance.objects.filter(child=child, pk=circumstance_id).first()


def consent_of(child: Child, consent_id: int) -> Consent | None:
    return Consent.objects.filter(child=child, pk=consent_id).first()


def duplicate_of(child: Child, duplicate_id: int) -> PossibleDuplicate | None:
    return PossibleDuplicate.objects.filter(child=child, pk=duplicate_id).first()


def giver_agencies(child: Child) -> QuerySet[Agency]:
    """The agencies that may give a child support: its commune's and those above it."""
    unit = child.unit
    ids = [i for i in (unit.pk, unit.district_id, unit.province_id) if i]
    return Agency.objects.filter(unit_id__in=ids).order_by("unit__level", "name")


def open_duplicates(unit: AdministrativeUnit, limit: int = 20) -> list[PossibleDuplicate]:
    """Flagged pairs of the unit's subtree not yet checked, newest first."""
    return list(
        PossibleDuplicate.objects.filter(_scope(unit, "child__"), resolved_at__isnull=True)
        .select_related("child__unit", "other__unit")
        .order_by("-flagged_at", "-id")[:limit]
    )


@dataclass
class GroupsOverTime:
    """The registry's children per group of the 2016 law on each of a list of days; the
    sensitive groups are left out (``hidden`` says how many) for a reader not allowed them."""

    days: list[date]
    rows: list[tuple[str, list[int]]]  # (group title, count per day)
    hidden: int


def groups_over_time(
    unit: AdministrativeUnit | None, days: list[date], sensitive: bool
) -> GroupsOverTime:
    """Children in each of the 14 groups over the unit's subtree (the nation: None) on each day.
    One query."""
    hidden = catalogue.sensitive_groups()
    shown = {
        code: group
        for code, group in catalogue.groups().items()
        if group.basis == catalogue.LAW_2016 and (sensitive or code not in hidden)
    }
    annotations = {f"d{i}": Count("id", filter=active_on(day)) for i, day in enumerate(days)}
    rows_found: Any = (
        Circumstance.objects.filter(
            _scope(unit) if unit else Q(), legal_basis=catalogue.LAW_2016, group__in=list(shown)
        )
        .values("group")
        .annotate(**annotations)
        .order_by()  # see _GROUPED
    )
    counts = {row["group"]: [row[f"d{i}"] for i in range(len(days))] for row in rows_found}
    rows = [(group.title, counts.get(code, [0] * len(days))) for code, group in shown.items()]
    left_out = sum(1 for code, g in catalogue.groups().items() if g.basis == catalogue.LAW_2016)
    return GroupsOverTime(days=days, rows=rows, hidden=left_out - len(shown))


@dataclass
class SupportTable:
    """Support given over a span: value (đồng) and records per kind, by funding source."""

    sources: list[tuple[str, str]]  # (code, label)
    rows: list[tuple[str, int, list[int]]]  # (kind label, records, value per source)


def support_by_kind_and_source(
    unit: AdministrativeUnit | None, start: date, end: date, sensitive: bool
) -> SupportTable:
    """Support given to the unit's children in the span, per kind and funding source; medical
    care and surgery only for a reader allowed sensitive data. One query."""
    sources = list(FundingSource.choices)
    cells: dict[str, dict[str, int]] = defaultdict(dict)
    records: dict[str, int] = defaultdict(int)
    for row in (
        SupportRecord.objects.filter(
            _scope(unit) if unit else Q(), given_on__gte=start, given_on__lte=end
        )
        .values("kind", "source")
        .annotate(n=Count("id"), total=Sum("value"))
        .order_by()
    ):
        cells[row["kind"]][row["source"]] = int(row["total"] or 0)
        records[row["kind"]] += row["n"]
    rows = [
        (str(label), records[kind], [cells[kind].get(code, 0) for code, _label in sources])
        for kind, label in SupportKind.choices
        if kind in records and (sensitive or kind not in SENSITIVE_SUPPORT)
    ]
    return SupportTable(sources=[(c, str(label)) for c, label in sources], rows=rows)
