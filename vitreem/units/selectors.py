from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from vitreem.core.text import fold, sort_key

from .models import AdministrativeUnit, Agency, Succession, in_force_on

LEVELS = {"province": 1, "district": 2, "commune": 3}


def units_as_of(
    as_of: date,
    *,
    level: str | None = None,
    parent: AdministrativeUnit | None = None,
    query: str | None = None,
) -> QuerySet[AdministrativeUnit]:
    """The units in force on a date, filtered; a name query matches without accents or case.

    Ordered for search: units whose short name is the query first, then by level and name.
    """
    units = AdministrativeUnit.objects.filter(in_force_on(as_of)).select_related("parent")
    if level:
        units = units.filter(level=LEVELS[level])
    if parent is not None:
        units = units.filter(parent=parent)
    folded = fold(query or "")
    if folded:
        units = units.filter(name_folded__contains=folded).annotate(
            exact=Case(
                When(name_folded__endswith=" " + folded, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        return units.order_by("exact", "level", "name_folded", "code")
    return units.order_by("level", "name_folded", "code")


def unit_by_code(code: str, as_of: date) -> AdministrativeUnit | None:
    return (
        AdministrativeUnit.objects.filter(in_force_on(as_of), code=code)
        .select_related("parent", "parent__parent")
        .first()
    )


def unit_or_404(code: str, as_of: date) -> AdministrativeUnit:
    unit = unit_by_code(code, as_of)
    if unit is None:
        raise Http404(
            _("Không có đơn vị hành chính mã %(code)s vào ngày %(date)s.")
            % {"code": code, "date": as_of.strftime("%d/%m/%Y")}
        )
    return unit


def unit_ancestors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """From the province down to the unit's parent."""
    chain: list[AdministrativeUnit] = []
    node = unit.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def unit_children(unit: AdministrativeUnit, as_of: date) -> list[AdministrativeUnit]:
    """The units directly below, in Vietnamese alphabetical order of their short names."""
    children = AdministrativeUnit.objects.filter(in_force_on(as_of), parent=unit).select_related(
        "parent"
    )
    return sorted(children, key=lambda u: sort_key(u.short_name))


@dataclass(frozen=True)
class EraSummary:
    as_of: date
    provinces: int
    districts: int
    communes: int


def era_summary(as_of: date) -> EraSummary:
    counts = dict(
        AdministrativeUnit.objects.filter(in_force_on(as_of))
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    return EraSummary(as_of, counts.get(1, 0), counts.get(2, 0), counts.get(3, 0))


def agencies_of(unit: AdministrativeUnit, as_of: date | None = None) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(unit=unit)
    if as_of is not None:
        agencies = agencies.filter(in_force_on(as_of))
    return agencies.order_by("-is_lead_for_children", "kind", "name")


def predecessors(unit: AdministrativeUnit) -> list[Succession]:
    """The links to the units this one was formed from, in alphabetical order of their names."""
    links = Succession.objects.filter(successor=unit).select_related("predecessor")
    return sorted(links, key=lambda s: sort_key(s.predecessor.short_name))


def formed_from(unit: AdministrativeUnit) -> list[Succession]:
    """The links from the units whose default successor this one is: what they kept before the
    reform (a fund's ledger, a child's record) is this unit's past. Alphabetical; one query."""
    links = Succession.objects.filter(successor=unit, is_default=True).select_related("predecessor")
    return sorted(links, key=lambda s: sort_key(s.predecessor.short_name))


def successors(unit: AdministrativeUnit) -> list[Succession]:
    """The links to the units this one became, the default successor first."""
    links = Succession.objects.filter(predecessor=unit).select_related("successor")
    return sorted(links, key=lambda s: (not s.is_default, sort_key(s.successor.short_name)))


@dataclass(frozen=True)
class Coverage:
    level: int
    mapped: int
    total: int
    unmapped: list[AdministrativeUnit]

    @property
    def percent(self) -> float:
        return 100 * self.mapped / self.total if self.total else 100.0


def succession_coverage(level: int, valid_to: date) -> Coverage:
    """How many units of a level that ended on a date have a successor, and which have none."""
    units = AdministrativeUnit.objects.filter(level=level, valid_to=valid_to)
    unmapped = list(
        units.exclude(successions__isnull=False).select_related("parent").order_by("code")
    )
    total = units.count()
    return Coverage(level, total - len(unmapped), total, unmapped)


def formation_links(unit: AdministrativeUnit) -> list[Succession]:
    """Every link of the units this one was formed from, to each unit they became (this one and,
    for a divided commune, the others): one query, predecessors and successors fetched."""
    formed_from = Succession.objects.filter(successor=unit).values("predecessor_id")
    links = Succession.objects.filter(predecessor_id__in=formed_from).select_related(
        "predecessor", "successor"
    )
    return sorted(
        links,
        key=lambda s: (sort_key(s.predecessor.short_name), not s.is_default, s.successor.code),
    )
