"""Report cells proposed from the registry: the officer sees each with its source, accepts or
keeps their own figure, and the choice is recorded (PrefillChoice; the accepted values also go
into the cell history as any save does).

- Action Month result, table 2: children and cost per kind of support given by the reporter
  (a commune, or an agency) within the round's period; costs by source, the fund's money
  counting as mobilised (it is raised from donations).
- Child-protection report, table 1: children of the commune in each of the 14 groups at the
  period's start, new, left, at its end; and, among the indicators, children under 6 with a
  valid health-insurance card.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, require
from vitreem.accounts.models import User
from vitreem.core.audit import audit_record
from vitreem.reporting.models import Submission
from vitreem.reporting.services import submission_cells, submission_save
from vitreem.reporting.validation import CellKey, Cells
from vitreem.units.models import AdministrativeUnit

from . import catalogue, selectors
from .models import Child, FundingSource, PrefillChoice, SupportKind, SupportRecord

ACTION_MONTH_FORM = "action-month-result"
CHILD_PROTECTION_FORM = "special-circumstances"
FORMS = (ACTION_MONTH_FORM, CHILD_PROTECTION_FORM)

# Table 2 columns and the kinds of support they count.
SUPPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "gifts": (SupportKind.GIFT,),
    "scholarships": (SupportKind.SCHOLARSHIP,),
    "medical": (SupportKind.MEDICAL, SupportKind.SURGERY),
}
COST_CATEGORY = {
    FundingSource.STATE: "state",
    FundingSource.MOBILISED: "mobilised",
    FundingSource.FUND: "mobilised",
}


@dataclass(frozen=True)
class Proposal:
    key: CellKey
    value: int
    sources: str  # what was counted, in words
    current: int | None = None


def reporter_key(unit_id: int, agency_id: int | None, level: int = 1) -> str:
    """Whose report counts a record: a commune reports for its own agencies (they report to
    it, not in the round); above the commune an agency reports for itself."""
    return f"a{agency_id}" if agency_id and level != 3 else f"u{unit_id}"


def _table2(records: QuerySet[SupportRecord]) -> dict[str, dict[CellKey, int]]:
    """Table 2 figures of the records by reporter key ("u<unit>" or "a<agency>")."""
    figures: dict[str, dict[CellKey, int]] = defaultdict(dict)
    communes = records.filter(giver_unit__level=3)
    above = records.exclude(giver_unit__level=3)
    for column, kinds in SUPPORT_COLUMNS.items():
        key = (f"{column}_children", "", "")
        # A child counts once per reporter: a commune's agencies report through the commune.
        for unit_id, children in (
            communes.filter(kind__in=kinds)
            .values_list("giver_unit")
            .annotate(n=Count("child", distinct=True))
        ):
            figures[f"u{unit_id}"][key] = children
        for unit_id, agency_id, children in (
            above.filter(kind__in=kinds)
            .values_list("giver_unit", "giver_agency")
            .annotate(n=Count("child", distinct=True))
        ):
            figures[reporter_key(unit_id, agency_id)][key] = children
    column_of = {kind: column for column, kinds in SUPPORT_COLUMNS.items() for kind in kinds}
    for unit_id, agency_id, level, kind, source, total in (
        records.filter(kind__in=list(column_of))
        .values_list("giver_unit", "giver_agency", "giver_unit__level", "kind", "source")
        .annotate(total=Sum("value"))
    ):
        cells = figures[reporter_key(unit_id, agency_id, level)]
        key = (f"{column_of[kind]}_cost", "", COST_CATEGORY[FundingSource(source)])
        cells[key] = cells.get(key, 0) + int(total)
    return dict(figures)


def support_by_reporter(
    scope: AdministrativeUnit, start: date, end: date
) -> dict[str, dict[CellKey, int]]:
    """Table 2 of every reporter that supported children of the scope's subtree within
    [start, end]: a province's pre-fill in two grouped queries."""
    return _table2(selectors.support_in(scope, start, end))


def _support_proposals(submission: Submission) -> list[Proposal]:
    round_ = submission.round
    records = SupportRecord.objects.filter(
        giver_unit=submission.unit, given_on__range=(round_.period_start, round_.period_end)
    )
    if submission.unit.level != 3:
        records = records.filter(giver_agency=submission.agency)
    reporter = reporter_key(submission.unit_id, submission.agency_id, submission.unit.level)
    figures = _table2(records).get(reporter, {})
    counts = dict(records.values_list("kind").annotate(n=Count("id")))
    period = f"{round_.period_start:%d/%m/%Y}–{round_.period_end:%d/%m/%Y}"
    proposals = []
    for column, kinds in SUPPORT_COLUMNS.items():
        n = sum(counts.get(k, 0) for k in kinds)
        if not n:
            continue
        words = _("%(n)s lượt hỗ trợ (%(kinds)s) ghi trong sổ, %(period)s") % {
            "n": n,
            "kinds": ", ".join(str(SupportKind(k).label).lower() for k in kinds),
            "period": period,
        }
        proposals.append(
            Proposal(
                (f"{column}_children", "", ""),
                figures.get((f"{column}_children", "", ""), 0),
                words,
            )
        )
        for category in ("state", "mobilised"):
            key = (f"{column}_cost", "", category)
            proposals.append(Proposal(key, figures.get(key, 0), words))
    return proposals


def _circumstance_proposals(submission: Submission) -> list[Proposal]:
    round_ = submission.round
    changes = selectors.period_changes(submission.unit, round_.period_start, round_.period_end)
    words = _("Sổ theo dõi trẻ em có hoàn cảnh đặc biệt của %(unit)s, %(start)s–%(end)s") % {
        "unit": submission.unit.name,
        "start": f"{round_.period_start:%d/%m/%Y}",
        "end": f"{round_.period_end:%d/%m/%Y}",
    }
    proposals = []
    for group in catalogue.GROUP_CODES_2016:
        change = changes.get(group, selectors.GroupChange(0, 0, 0, 0))
        for column in ("at_start", "new", "left", "at_end"):
            proposals.append(Proposal((column, group, ""), getattr(change, column), words))
    summary = selectors.age_summary(Child.objects.filter(unit=submission.unit), round_.period_end)
    words = _("Trẻ em dưới 6 tuổi trong sổ có thẻ BHYT còn hạn ngày %(day)s") % {
        "day": f"{round_.period_end:%d/%m/%Y}"
    }
    proposals.append(
        Proposal(("indicator_total", "insurance_under6", ""), summary["under_six"], words)
    )
    proposals.append(
        Proposal(("indicator_achieved", "insurance_under6", ""), summary["insured"], words)
    )
    return proposals


def proposals(submission: Submission) -> list[Proposal]:
    """The cells the registry can fill for this report, each with its source and the cell's
    current value. Empty for forms and reporters the registry knows nothing about."""
    form = submission.round.form.code
    if form == ACTION_MONTH_FORM:
        found = _support_proposals(submission)
    elif (
        form == CHILD_PROTECTION_FORM
        and submission.agency_id is None
        and submission.unit.level == 3
    ):
        found = _circumstance_proposals(submission)
    else:
        return []
    current = submission_cells(submission)
    return [Proposal(p.key, p.value, p.sources, current.get(p.key)) for p in found]


def prefill_apply(*, actor: User, submission: Submission, accepted: set[CellKey]) -> Submission:
    """Fill the accepted cells with the proposed values and record every proposal's fate:
    accepted, or kept as the officer had it."""
    require(actor, Action.ENTER, submission.unit)
    offered = {p.key: p for p in proposals(submission)}
    unknown = accepted - set(offered)
    if unknown:
        raise ValidationError(_("Có ô không nằm trong đề xuất; hãy tải lại trang."))
    with transaction.atomic():
        cells: Cells = {key: offered[key].value for key in accepted}
        saved = submission_save(actor=actor, submission=submission, cells=cells, source="registry")
        PrefillChoice.objects.bulk_create(
            PrefillChoice(
                submission=submission,
                element_code=key[0],
                row=key[1],
                category=key[2],
                proposed=proposal.value,
                previous=proposal.current,
                accepted=key in accepted,
                sources=proposal.sources[:300],
                chosen_by=actor,
            )
            for key, proposal in offered.items()
        )
        audit_record(
            actor=actor,
            action="submission.prefill",
            target=submission,
            unit=submission.unit,
            data={"offered": len(offered), "accepted": len(accepted)},
        )
    return saved
