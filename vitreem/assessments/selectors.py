"""Reads of the child-friendly commune assessment: the criteria, what the system already knows
of a commune's year (the pre-filled figures), an assessment's verdict, the province's list."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from vitreem.accounts.access import AnyUser, readable_units_q
from vitreem.children.models import Circumstance
from vitreem.children.selectors import support_in
from vitreem.reporting.models import DataValue, ReportForm, Round, Submission, SubmissionStatus
from vitreem.units.models import AdministrativeUnit, Level, in_force_on

from . import rules
from .models import Assessment, Criterion, Score

ACTION_MONTH_FORM = "action-month-result"
# The commune's yearly report of its self-assessment, a round of this form (reporting/forms).
ASSESSMENT_FORM = "child-friendly-assessment"
# Table 3 of the Action Month result report: participation (criterion 11) and play (criterion 12).
PARTICIPATION = ("participation_activities", "participation_children", "forums", "forums_children")
RECREATION = ("camps", "camps_children", "recreation_activities", "recreation_children")
FILED = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def criteria() -> list[Criterion]:
    return list(Criterion.objects.order_by("number"))


def assessment_form() -> ReportForm | None:
    """The latest version of the self-assessment report's form."""
    return ReportForm.objects.filter(code=ASSESSMENT_FORM).order_by("-year").first()


def assessment_round(unit: AdministrativeUnit, year: int) -> Round | None:
    """The round of the year's self-assessment reports the unit receives, if it is open."""
    return (
        Round.objects.filter(form__code=ASSESSMENT_FORM, receiving_unit=unit, period_end__year=year)
        .order_by("-id")
        .first()
    )


@dataclass(frozen=True)
class Prefill:
    """A criterion's figure that the system holds: the evidence text, where it came from, and
    the figures themselves (by name)."""

    evidence: str
    source: str
    figures: dict[str, int] = field(default_factory=dict)


def _supported_children(unit: AdministrativeUnit, year: int, today: date) -> Prefill | None:
    """Criterion 6: the commune's children in special circumstances during the year, and those
    of them who received support recorded in the registry within the year."""
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    if end < start:
        return None
    in_need = set(
        Circumstance.objects.filter(unit=unit, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values_list("child_id", flat=True)
        .distinct()
    )
    if not in_need:
        return None
    supported = set(
        support_in(unit, start, end)
        .filter(child_id__in=in_need)
        .values_list("child_id", flat=True)
        .distinct()
    )
    percent = round(100 * len(supported) / len(in_need), 1)
    return Prefill(
        evidence=_(
            "%(supported)s/%(total)s trẻ em có hoàn cảnh đặc biệt được trợ giúp "
            "từ %(start)s đến %(end)s (%(percent)s%%)."
        )
        % {
            "supported": _n(len(supported)),
            "total": _n(len(in_need)),
            "start": _d(start),
            "end": _d(end),
            "percent": f"{percent:g}".replace(".", ","),
        },
        source=_(
            "Sổ theo dõi trẻ em của hệ thống: trẻ em có hoàn cảnh đặc biệt của đơn vị trong kỳ "
            "và các lần hỗ trợ đã ghi cho các em. Phần 75 điểm về kế hoạch can thiệp các vụ "
            "xâm hại tình dục, bỏ rơi, mua bán trẻ em hệ thống không có số liệu."
        ),
        figures={"children": len(in_need), "supported": len(supported)},
    )


def _filed_action_month_report(unit: AdministrativeUnit, year: int) -> Submission | None:
    return (
        Submission.objects.filter(
            unit=unit,
            agency__isnull=True,
            round__form__code=ACTION_MONTH_FORM,
            round__period_start__year=year,
            status__in=FILED,
        )
        .select_related("round")
        .order_by("-round__period_end", "-pk")
        .first()
    )


def _table3(submission: Submission) -> dict[str, int]:
    return {
        row["element__code"]: row["total"]
        for row in DataValue.objects.filter(
            submission=submission,
            element__table_code="3",
            element__code__in=PARTICIPATION + RECREATION,
        )
        .values("element__code")
        .annotate(total=Sum("value"))
        .order_by()
    }


def _from_table3(
    submission: Submission, values: dict[str, int], codes: tuple[str, ...]
) -> Prefill | None:
    figures = {code: values[code] for code in codes if code in values}
    if not figures:
        return None
    first, first_children, second, second_children = codes
    labels = {
        "participation_activities": _("hoạt động có sự tham gia của trẻ em"),
        "forums": _("diễn đàn trẻ em"),
        "camps": _("lần cắm trại"),
        "recreation_activities": _("hoạt động vui chơi, giải trí khác"),
    }
    parts = []
    for count, children in ((first, first_children), (second, second_children)):
        if count in figures:
            part = f"{_n(figures[count])} {labels[count]}"
            if children in figures:
                part += _(" với %(n)s lượt trẻ em tham gia") % {"n": _n(figures[children])}
            parts.append(part)
        elif children in figures:
            parts.append(
                _("%(n)s lượt trẻ em tham gia %(what)s")
                % {"n": _n(figures[children]), "what": labels[count]}
            )
    round_ = submission.round
    return Prefill(
        evidence=_("Biểu 3, báo cáo “%(round)s”: %(parts)s.")
        % {"round": round_.title, "parts": "; ".join(parts)},
        source=_(
            "Biểu 3 của báo cáo kết quả Tháng hành động của đơn vị đã gửi trong đợt "
            "“%(round)s” (%(start)s–%(end)s)."
        )
        % {"round": round_.title, "start": _d(round_.period_start), "end": _d(round_.period_end)},
        figures=figures,
    )


def prefill(unit: AdministrativeUnit, year: int, today: date) -> dict[int, Prefill]:
    """What the system knows of the commune's year, per criterion number; a criterion whose
    figure the system does not hold is absent."""
    found: dict[int, Prefill] = {}
    supported = _supported_children(unit, year, today)
    if supported is not None:
        found[6] = supported
    report = _filed_action_month_report(unit, year)
    if report is not None:
        values = _table3(report)
        for number, codes in ((11, PARTICIPATION), (12, RECREATION)):
            filled = _from_table3(report, values, codes)
            if filled is not None:
                found[number] = filled
    return found


def scores_of(assessment: Assessment) -> list[Score]:
    return list(assessment.scores.select_related("criterion").order_by("criterion__number"))


def verdict(assessment: Assessment, scores: list[Score] | None = None) -> rules.Verdict:
    scores = scores_of(assessment) if scores is None else scores
    return rules.evaluate({s.criterion.number: s.points for s in scores}, assessment.commune_type)


def assessments_for_user(
    user: AnyUser, *, unit: AdministrativeUnit | None = None, year: int | None = None
) -> QuerySet[Assessment]:
    """The assessments the user may read, of a unit's subtree and a year when given."""
    found = Assessment.objects.filter(readable_units_q(user, "unit__")).select_related(
        "unit", "appraising_unit"
    )
    if unit is not None:
        found = found.filter(**{f"unit__{unit.subtree_field}": unit.pk})
    if year is not None:
        found = found.filter(year=year)
    return found.order_by("-year", "unit__name_folded")


@dataclass(frozen=True)
class ListRow:
    unit: AdministrativeUnit
    assessment: Assessment | None
    verdict: rules.Verdict | None


def communes_with_status(unit: AdministrativeUnit, year: int) -> list[ListRow]:
    """The communes of a province (or a district) in force on 30/10 of the year, each with its
    assessment of the year and the verdict of its points (None: not opened)."""
    day = date(year, 10, 30)
    communes = list(
        AdministrativeUnit.objects.filter(
            in_force_on(day), level=Level.COMMUNE, **{unit.subtree_field: unit.pk}
        ).order_by("name_folded")
    )
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(unit__in=communes, year=year).select_related(
            "unit", "appraising_unit"
        )
    }
    points: dict[int, dict[int, int | None]] = {a.pk: {} for a in assessments.values()}
    for assessment_id, number, value in Score.objects.filter(
        assessment__in=list(assessments.values())
    ).values_list("assessment_id", "criterion__number", "points"):
        points[assessment_id][number] = value
    rows = []
    for commune in communes:
        found = assessments.get(commune.pk)
        judged = rules.evaluate(points[found.pk], found.commune_type) if found else None
        rows.append(ListRow(commune, found, judged))
    return rows
