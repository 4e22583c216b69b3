"""Fund reads: balance at a date, norms in force, management share, honour roll, disclosure.

Balances are sums over the append-only ledger (receipts minus payments up to a date), never a
stored figure. A unit formed in the 2025 reform keeps the past of the funds of the units it was
formed from as their default successor: their entries dated before the reform are read into its
ledger where they were recorded, never copied or moved (``fund_ledger``, ``unit_ledger``).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, AnyUser, can, readable_units_q
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import formed_from, successors

from .models import (
    Disbursement,
    Donation,
    DonationKind,
    Donor,
    Fund,
    NormDecision,
    NormItem,
    SpendingCategory,
)

if TYPE_CHECKING:
    from vitreem.children.models import Child

# Public aggregate cells counting fewer children than this are shown as "< 5" (DOMAIN.md §7).
SMALL_CELL = 5


def funds_for_user(user: AnyUser) -> QuerySet[Fund]:
    return (
        Fund.objects.filter(readable_units_q(user, prefix="unit__"))
        .select_related("unit")
        .order_by("unit__level", "unit__name_folded", "name")
    )


@dataclass(frozen=True)
class InheritedLedger:
    """A unit this one was formed from in the reform: the entries its funds recorded before the
    day of the reform (and their reversals, whenever made) are part of this one's ledger."""

    unit: AdministrativeUnit
    until: date  # the first day of the successor: entries dated before it count


@dataclass(frozen=True)
class Ledger:
    """Which entries make a ledger: its own funds' and those it inherited. The entries stay in
    the fund that recorded them (ADR 0005); each names its fund and so the unit that recorded it.
    ``subtree``: the inherited units' funds and those of the units below them (a unit's tree)."""

    own: Q
    inherited: tuple[InheritedLedger, ...] = ()
    subtree: bool = False

    def _q(self, day: str) -> Q:
        q = self.own
        for part in self.inherited:
            where = f"fund__unit__{part.unit.subtree_field}" if self.subtree else "fund__unit"
            before = Q(**{f"{day}__lt": part.until}) | Q(**{f"reverses__{day}__lt": part.until})
            q |= Q(**{where: part.unit.pk}) & before
        return q

    def donations(self) -> QuerySet[Donation]:
        return Donation.objects.filter(self._q("received_on"))

    def disbursements(self) -> QuerySet[Disbursement]:
        return Disbursement.objects.filter(self._q("paid_on"))

    @property
    def inherited_units(self) -> list[AdministrativeUnit]:
        return [part.unit for part in self.inherited]


def _inherited(unit: AdministrativeUnit) -> tuple[InheritedLedger, ...]:
    return tuple(InheritedLedger(link.predecessor, link.date) for link in formed_from(unit))


def fund_ledger(fund: Fund) -> Ledger:
    """The fund's entries and, when it is the first fund of a unit formed in the reform, those
    the funds of the units it was formed from (as their default successor) recorded before it:
    the successor took over their funds. Two queries."""
    first = Fund.objects.filter(unit_id=fund.unit_id).order_by("pk").values_list("pk", flat=True)
    inherited = _inherited(fund.unit) if first.first() == fund.pk else ()
    return Ledger(Q(fund=fund), inherited)


def ledger_family(fund: Fund) -> list[int]:
    """The funds whose balances move with this fund's entries across the reform, ``fund``
    included, in id order: those it reads the past of (its unit's predecessors' funds, when it
    is its unit's first) and the successor's first fund that reads its past. A write that checks
    or lowers a balance locks them all, in this order. Three queries at most."""
    family = {fund.pk}
    first = Fund.objects.filter(unit_id=fund.unit_id).order_by("pk").values_list("pk", flat=True)
    units = (
        [link.predecessor_id for link in formed_from(fund.unit)] if first.first() == fund.pk else []
    )
    if units:
        family.update(Fund.objects.filter(unit_id__in=units).values_list("pk", flat=True))
    link = next((s for s in successors(fund.unit) if s.is_default), None)
    if link is not None:
        heir = Fund.objects.filter(unit=link.successor).order_by("pk").values_list("pk", flat=True)
        if (pk := heir.first()) is not None:
            family.add(pk)
    return sorted(family)


@dataclass(frozen=True)
class CarriedOn:
    """Where a fund of a unit ended by the reform goes on: its unit's default successor from the
    day of the reform, and that unit's fund which reads its past (None if it has none yet, or
    the reader may not see it)."""

    successor: AdministrativeUnit
    day: date
    fund: Fund | None


def carried_on(fund: Fund, user: AnyUser) -> CarriedOn | None:
    """The successor that carries on the fund's ledger after the reform, or None. Three queries."""
    link = next((s for s in successors(fund.unit) if s.is_default), None)
    if link is None:
        return None
    # The successor's first fund is the one that reads the past (fund_ledger).
    heir = Fund.objects.filter(unit=link.successor).order_by("pk").first()
    if heir is not None and not funds_for_user(user).filter(pk=heir.pk).exists():
        heir = None
    return CarriedOn(link.successor, link.date, heir)


def unit_ledger(unit: AdministrativeUnit | None) -> Ledger:
    """The funds of the unit's tree (the nation's: None) and, before the reform, those of the
    trees of the units it was formed from. One query."""
    if unit is None:
        return Ledger(Q())
    own = Q(**{f"fund__unit__{unit.subtree_field}": unit.pk})
    return Ledger(own, _inherited(unit), subtree=True)


def _ledger(of: Fund | Ledger) -> Ledger:
    return of if isinstance(of, Ledger) else fund_ledger(of)


def _sum(queryset: QuerySet[Donation] | QuerySet[Disbursement]) -> int:
    return int(queryset.aggregate(s=Sum("amount"))["s"] or 0)


def received(of: Fund | Ledger, start: date | None, end: date) -> int:
    donations = _ledger(of).donations().filter(received_on__lte=end)
    if start is not None:
        donations = donations.filter(received_on__gte=start)
    return _sum(donations)


def paid(of: Fund | Ledger, start: date | None, end: date) -> int:
    payments = _ledger(of).disbursements().filter(paid_on__lte=end)
    if start is not None:
        payments = payments.filter(paid_on__gte=start)
    return _sum(payments)


def balance(of: Fund | Ledger, as_of: date) -> int:
    """Receipts minus payments up to and including the day, the inherited past included."""
    ledger = _ledger(of)
    return received(ledger, None, as_of) - paid(ledger, None, as_of)


def _lowest_from(donations: QuerySet[Donation], payments: QuerySet[Disbursement], day: date) -> int:
    running = _sum(donations.filter(received_on__lte=day)) - _sum(payments.filter(paid_on__lte=day))
    lowest = running
    moves: dict[date, int] = defaultdict(int)
    for on, amount in donations.filter(received_on__gt=day).values_list("received_on", "amount"):
        moves[on] += amount
    for on, amount in payments.filter(paid_on__gt=day).values_list("paid_on", "amount"):
        moves[on] -= amount
    for on in sorted(moves):
        running += moves[on]
        lowest = min(lowest, running)
    return lowest


def lowest_balance_from(fund: Fund, day: date) -> int:
    """The lowest balance on the day or any later day with entries: what a payment dated that
    day may spend without sending the fund below zero later (the inherited past included)."""
    ledger = fund_ledger(fund)
    return _lowest_from(ledger.donations(), ledger.disbursements(), day)


# A gift with no earmark (tài trợ có địa chỉ): the fund decides what it pays for.
UNEARMARKED = Q(earmark_purpose="", earmark_child__isnull=True)


def lowest_free_balance_from(fund: Fund, day: date) -> int:
    """As ``lowest_balance_from``, over the money that is not earmarked: gifts without an
    earmark less the payments not drawn on an earmarked gift. What a payment without an earmark
    may spend, so that every earmarked gift can still be paid out as its donor asked."""
    ledger = fund_ledger(fund)
    return _lowest_from(
        ledger.donations().filter(UNEARMARKED),
        ledger.disbursements().filter(earmark_donation__isnull=True),
        day,
    )


def norm_in_force(fund: Fund, category: str, day: date) -> NormItem | None:
    """The norm for a category under the latest council decision in force on the day."""
    decision = (
        NormDecision.objects.filter(fund=fund, valid_from__lte=day).order_by("-valid_from").first()
    )
    if decision is None:
        return None
    return (
        NormItem.objects.filter(decision=decision, category=category)
        .select_related("decision")
        .first()
    )


@dataclass(frozen=True)
class ManagementShare:
    year: int
    basis: int  # money receipts of the year, earmarked gifts excluded
    spent: int
    percent: int
    cap: int


def management_share(fund: Fund, year: int) -> ManagementShare:
    """Management costs against their cap: a share of the year's money receipts, earmarked
    gifts and in-kind gifts excluded (Decree 93/2019, Article 37)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    basis = _sum(
        Donation.objects.filter(
            fund=fund,
            received_on__range=(start, end),
            kind=DonationKind.MONEY,
            earmark_purpose="",
            earmark_child__isnull=True,
        )
    )
    spent = _sum(
        Disbursement.objects.filter(
            fund=fund, paid_on__range=(start, end), category=SpendingCategory.MANAGEMENT
        )
    )
    percent = fund.management_cap_percent
    return ManagementShare(year, basis, spent, percent, basis * percent // 100)


def earmark_left(donation: Donation) -> int:
    """What remains of an earmarked gift: its amount, less its reversal and what was spent."""
    reversed_ = _sum(Donation.objects.filter(reverses=donation))
    spent = _sum(Disbursement.objects.filter(earmark_donation=donation))
    return donation.amount + reversed_ - spent


@dataclass(frozen=True)
class HonourEntry:
    donor: Donor
    total: int


def honour_roll(fund: Fund, year: int) -> list[HonourEntry]:
    """Donors whose gifts to the fund in the year reach its threshold, largest first."""
    # A reversed gift does not count, in its own year, whenever it was reversed.
    totals = (
        Donation.objects.filter(
            fund=fund,
            received_on__range=(date(year, 1, 1), date(year, 12, 31)),
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .values("donor")
        .annotate(total=Sum("amount"))
        .filter(total__gte=fund.honour_threshold)
        .order_by("-total", "donor")
    )
    donors = Donor.objects.in_bulk([t["donor"] for t in totals])
    return [HonourEntry(donors[t["donor"]], int(t["total"])) for t in totals]


def period_of(year: int, quarter: int | None) -> tuple[date, date]:
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


@dataclass(frozen=True)
class PublicGift:
    received_on: date
    donor: str
    kind: str
    amount: int
    purpose: str  # the earmark's purpose; never a child's name
    unit: str  # the unit whose fund recorded it (before the reform, one it was formed from)


@dataclass(frozen=True)
class PublicPayment:
    paid_on: date
    category: str
    purpose: str
    amount: int
    beneficiaries: str  # children supported, as a public page shows them ("< 5")
    unit: str  # the unit whose fund recorded it


@dataclass(frozen=True)
class Disclosure:
    fund: Fund
    start: date
    end: date
    opening: int
    received: int
    paid: int
    closing: int
    gifts: list[PublicGift]
    payments: list[PublicPayment]
    # Per spending category: (label, amount, children shown: a number or "< 5").
    by_category: list[tuple[str, int, str]]
    inherited: list[str]  # the units formed into the fund's whose entries before then it shows


def disclosure(fund: Fund, year: int, quarter: int | None = None) -> Disclosure:
    """What the fund publishes for a quarter or a year: each donor's gift and each payment's
    purpose and amount, and totals per category. No child's personal data: an earmark for a
    child says only that it is for a child; children counts under 5 are not shown."""
    start, end = period_of(year, quarter)
    ledger = fund_ledger(fund)
    gifts = [
        PublicGift(
            received_on=d.received_on,
            donor=d.donor.public_name,
            kind=d.get_kind_display(),
            amount=d.amount,
            # A gift for a named child says only that: the purpose typed for it may name the child.
            purpose=_("Tài trợ có địa chỉ cho trẻ em") if d.earmark_child_id else d.earmark_purpose,
            unit=d.fund.unit.name,
        )
        for d in ledger.donations()
        .filter(received_on__range=(start, end))
        .select_related("donor", "fund__unit")
        .order_by("received_on", "id")
    ]
    payments = [
        PublicPayment(
            paid_on=p.paid_on,
            category=p.get_category_display(),
            purpose=p.purpose,
            amount=p.amount,
            beneficiaries=""
            if p.category == SpendingCategory.MANAGEMENT
            else suppressed(p.beneficiaries),
            unit=p.fund.unit.name,
        )
        for p in ledger.disbursements()
        .filter(paid_on__range=(start, end))
        .select_related("fund__unit")
        .order_by("paid_on", "id")
    ]
    totals: dict[str, list[int]] = {}
    for row in (
        ledger.disbursements()
        .filter(paid_on__range=(start, end))
        .values("category")
        .annotate(amount=Sum("amount"), children=Sum("beneficiaries"))
        .order_by("category")
    ):
        totals[row["category"]] = [int(row["amount"] or 0), int(row["children"] or 0)]
    by_category = [
        (
            str(SpendingCategory(code).label),
            amount,
            "" if code == SpendingCategory.MANAGEMENT else suppressed(children),
        )
        for code, (amount, children) in totals.items()
    ]
    opening = balance(ledger, date.fromordinal(start.toordinal() - 1))
    got, spent = received(ledger, start, end), paid(ledger, start, end)
    return Disclosure(
        fund,
        start,
        end,
        opening,
        got,
        spent,
        opening + got - spent,
        gifts,
        payments,
        by_category,
        [u.name for u in ledger.inherited_units],
    )


def suppressed(children: int) -> str:
    """A count of children as a public page shows it: small counts are hidden."""
    if children == 0:
        return "0"
    return f"< {SMALL_CELL}" if children < SMALL_CELL else f"{children:,}".replace(",", ".")


def funds_for_child(user: AnyUser, child: "Child") -> list[Fund]:
    """The funds that may support a child: its commune's and those above it that the user
    records payments for."""
    unit = child.unit
    ids = [i for i in (unit.pk, unit.district_id, unit.province_id) if i]
    return [
        f
        for f in Fund.objects.filter(unit_id__in=ids).select_related("unit")
        if can(user, Action.ENTER, f.unit)
    ]


def public_funds() -> QuerySet[Fund]:
    """Every fund, for its public disclosure page (which shows no child's data)."""
    return Fund.objects.select_related("unit")


def donors_of(fund: Fund) -> QuerySet[Donor]:
    return Donor.objects.filter(fund=fund).order_by("name_folded", "id")


def donations_of(fund: Fund) -> QuerySet[Donation]:
    return Donation.objects.filter(fund=fund).select_related("donor")


def open_earmarks(fund: Fund) -> QuerySet[Donation]:
    """Earmarked gifts with money left to pay out (``left`` annotated), oldest first."""
    spent = (
        Disbursement.objects.filter(earmark_donation=OuterRef("pk"))
        .values("earmark_donation")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        Donation.objects.filter(fund=fund, reverses__isnull=True, reversed_by__isnull=True)
        .exclude(UNEARMARKED)
        .select_related("donor")
        .annotate(left=F("amount") - Coalesce(Subquery(spent), 0))
        .filter(left__gt=0)
        .order_by("received_on", "id")
    )


def norms_in_force(fund: Fund, day: date) -> NormDecision | None:
    """The council decision in force on the day, with its items."""
    return (
        NormDecision.objects.filter(fund=fund, valid_from__lte=day)
        .order_by("-valid_from")
        .prefetch_related("items")
        .first()
    )


@dataclass(frozen=True)
class FundOverview:
    """What a fund's page shows, in a fixed number of queries whatever the size of the ledger."""

    fund: Fund
    year: int
    today: date
    as_of: date
    balance_today: int
    balance_as_of: int
    receipts: Sequence[Donation]  # annotated: child_public_id, reversal_id
    payments: list[Disbursement]
    received: int
    paid: int
    share: ManagementShare
    norms: NormDecision | None
    honour: list[HonourEntry]
    donors: list[Donor]
    inherited: list[InheritedLedger]  # the units whose past ledgers this fund carries


def fund_overview(fund: Fund, *, year: int, today: date, as_of: date | None = None) -> FundOverview:
    """The fund's year: its entries and, for a unit formed in the reform, those of the units it
    was formed from up to then, each with the fund (and unit) that recorded it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    ledger = fund_ledger(fund)
    receipts = list(
        ledger.donations()
        .filter(received_on__range=(start, end))
        .select_related("donor", "fund__unit")
        .annotate(child_public_id=F("earmark_child__public_id"), reversal_id=F("reversed_by__id"))
        .order_by("received_on", "id")
    )
    payments = list(
        ledger.disbursements()
        .filter(paid_on__range=(start, end))
        .select_related("norm_item__decision", "fund__unit")
        .order_by("paid_on", "id")
    )
    as_of = as_of or today
    balance_today = balance(ledger, today)
    return FundOverview(
        fund=fund,
        year=year,
        today=today,
        as_of=as_of,
        balance_today=balance_today,
        balance_as_of=balance_today if as_of == today else balance(ledger, as_of),
        receipts=receipts,
        payments=payments,
        received=sum(d.amount for d in receipts),
        paid=sum(p.amount for p in payments),
        share=management_share(fund, year),
        norms=norms_in_force(fund, today),
        honour=honour_roll(fund, year),
        donors=list(donors_of(fund)),
        inherited=list(ledger.inherited),
    )


@dataclass
class FundYear:
    year: int
    received: int
    paid: int
    balance: int  # at the end of the year (or on the day, for the current year)


def fund_years(ledger: Ledger, years: list[int]) -> list[FundYear]:
    """A ledger's receipts and payments of each year and the balance at its end, its whole past
    counted in the balance (``unit_ledger``: the funds of a unit's tree and of the trees it was
    formed from, up to the reform). Two queries."""
    if not years:
        return []
    first = min(years)

    def by_year(entries: QuerySet[Donation] | QuerySet[Disbursement], day: str) -> dict[int, int]:
        rows = (
            entries.annotate(y=ExtractYear(day))
            .values("y")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        found: dict[int, int] = defaultdict(int)
        for row in rows:
            found[max(row["y"], first - 1)] += int(row["total"] or 0)
        return found

    received_by = by_year(ledger.donations(), "received_on")
    paid_by = by_year(ledger.disbursements(), "paid_on")
    running = received_by.get(first - 1, 0) - paid_by.get(first - 1, 0)
    found = []
    for year in range(first, max(years) + 1):
        running += received_by.get(year, 0) - paid_by.get(year, 0)
        if year in years:
            found.append(FundYear(year, received_by.get(year, 0), paid_by.get(year, 0), running))
    return found
