"""Writes of the child-friendly commune assessment: each one transaction, its acting user
passed in, checked by the access rule, audited; a refusal (ValidationError) changes nothing."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, require, require_appraisal
from vitreem.accounts.models import Membership, Role, User
from vitreem.core import bounds
from vitreem.core.audit import audit_record
from vitreem.core.text import nfc, text_problem
from vitreem.documents import attachments
from vitreem.notifications.models import Event
from vitreem.notifications.services import Notice, deliver
from vitreem.reporting import services as reporting
from vitreem.reporting.models import PeriodKind, Round, Submission, SubmissionStatus
from vitreem.units.models import AdministrativeUnit, Level

from . import rules, selectors
from .models import Assessment, CommuneType, Criterion, Score, Status

# The first assessments under Decision 06/2019/QĐ-TTg were of 2019.
FIRST_YEAR = 2019
EVIDENCE_MAX = 4000
# An evidence file: PDF, Word, Excel or an image, 10 MB at most (as a task's evidence).
FILE_MAX_BYTES = 10 * 2**20
# Reminders of the self-assessment report's deadline, in days before it.
REMIND_DAYS = (7, 3, 1)


def due_on(year: int) -> date:
    """The commune's report is due on 30/10 of the assessment year."""
    return date(year, 10, 30)


def year_problem(year: int, today: date | None = None) -> str | None:
    last = (today or timezone.localdate()).year + 1
    if FIRST_YEAR <= year <= last:
        return None
    return _("Năm đánh giá phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": last}


def appraiser_for(unit: AdministrativeUnit) -> AdministrativeUnit:
    """The unit that appraises and recognises the commune, per settings.ASSESSMENT_APPRAISER:
    the district of a commune that has one ("auto", "district"), else its province."""
    mode = getattr(settings, "ASSESSMENT_APPRAISER", "auto")
    if mode in ("auto", "district") and unit.district_id:
        return unit.district  # type: ignore[return-value]
    assert unit.province is not None
    return unit.province


def _text(value: str, field: str, limit: int) -> str:
    value = nfc(value or "").strip()
    if problem := text_problem(value):
        raise ValidationError({field: problem})
    if len(value) > limit:
        raise ValidationError(
            {field: _("Nội dung quá dài (tối đa %(max)s ký tự).") % {"max": limit}}
        )
    return value


def _commune_type(value: str) -> str:
    if value not in CommuneType.values:
        raise ValidationError({"commune_type": _("Loại đơn vị không hợp lệ.")})
    return value


@transaction.atomic
def assessment_start(
    *, actor: User, unit: AdministrativeUnit, year: int, commune_type: str = CommuneType.OTHER
) -> Assessment:
    """Open a commune's self-assessment of a year, its 13 criteria pre-filled from what the
    system knows (support records; table 3 of the year's Action Month report)."""
    require(actor, Action.ENTER, unit)
    if unit.level != Level.COMMUNE:
        raise ValidationError({"unit": _("Chỉ xã, phường, đặc khu tự đánh giá.")})
    if problem := year_problem(year):
        raise ValidationError({"year": problem})
    commune_type = _commune_type(commune_type)
    if Assessment.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            {"year": _("Đơn vị đã có bản tự đánh giá năm %(year)s.") % {"year": year}}
        )
    criteria = selectors.criteria()
    if len(criteria) != rules.CRITERIA_COUNT:
        raise ValidationError(_("Chưa nạp bộ tiêu chí (lệnh load_criteria)."))
    assessment = Assessment(
        unit=unit,
        year=year,
        commune_type=commune_type,
        appraising_unit=appraiser_for(unit),
        due_on=due_on(year),
    )
    assessment.full_clean(exclude=["unit", "appraising_unit"])
    assessment.save()
    known = selectors.prefill(unit, year, timezone.localdate())
    Score.objects.bulk_create(
        [
            Score(
                assessment=assessment,
                criterion=c,
                evidence=known[c.number].evidence if c.number in known else "",
                prefill_source=known[c.number].source if c.number in known else "",
            )
            for c in criteria
        ]
    )
    audit_record(
        actor=actor,
        action="assessment.start",
        target=assessment,
        unit=unit,
        data={"year": year, "prefilled": sorted(known)},
    )
    return assessment


@dataclass(frozen=True)
class ScoreInput:
    criterion: int  # its number, 1 to 13
    points: int | None
    evidence: str | None = None  # None: left as it is


def _points(value: object, criterion: Criterion) -> int | None:
    field = f"points_{criterion.number}"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("Điểm phải là số nguyên.")})
    if value < 0:
        raise ValidationError({field: _("Điểm không được âm.")})
    if problem := bounds.count_problem(value):
        raise ValidationError({field: problem})
    if criterion.max_points is not None and value > criterion.max_points:
        raise ValidationError(
            {
                field: _("Tiêu chí %(n)s tối đa %(max)s điểm; không thể chấm %(value)s điểm.")
                % {"n": criterion.number, "max": criterion.max_points, "value": value}
            }
        )
    return value


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    assessment: Assessment,
    scores: Sequence[ScoreInput],
    commune_type: str | None = None,
) -> Assessment:
    """Record points and evidence; everything is checked before anything is written."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    require(actor, Action.ENTER, assessment.unit)
    if assessment.status != Status.DRAFT:
        raise ValidationError(_("Bản tự đánh giá đã gửi thẩm định; không sửa được nữa."))
    stored = {s.criterion.number: s for s in selectors.scores_of(assessment)}
    changed: dict[int, Score] = {}
    for entry in scores:
        score = stored.get(entry.criterion)
        if score is None:
            raise ValidationError(
                {"criterion": _("Không có tiêu chí số %(n)s.") % {"n": entry.criterion}}
            )
        score.points = _points(entry.points, score.criterion)
        if entry.evidence is not None:
            score.evidence = _text(entry.evidence, f"evidence_{entry.criterion}", EVIDENCE_MAX)
        changed[entry.criterion] = score
    fields = []
    if commune_type is not None and commune_type != assessment.commune_type:
        assessment.commune_type = _commune_type(commune_type)
        fields.append("commune_type")
    Score.objects.bulk_update(list(changed.values()), ["points", "evidence"])
    assessment.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor,
        action="assessment.save",
        target=assessment,
        unit=assessment.unit,
        data={"points": {str(n): s.points for n, s in sorted(changed.items())}},
    )
    return assessment


def _check_file(upload: UploadedFile) -> None:
    """An accepted kind of file by its content, not its name alone (documents.attachments)."""
    if (upload.size or 0) > FILE_MAX_BYTES:
        raise ValidationError(
            {"file": _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": FILE_MAX_BYTES // 2**20}}
        )
    name = upload.name or ""
    if attachments.attachment_kind(name, upload.file) is None:  # type: ignore[arg-type]
        raise ValidationError(
            {
                "file": _(
                    "Chỉ nhận tệp PDF, Word, Excel hoặc ảnh có nội dung đúng như tên tệp; "
                    "không có gì được lưu."
                )
            }
        )


@transaction.atomic
def score_attach(
    *, actor: User, assessment: Assessment, criterion: int, upload: UploadedFile
) -> Score:
    """Attach (or replace) the evidence file of one criterion of a draft assessment."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    require(actor, Action.ENTER, assessment.unit)
    if assessment.status != Status.DRAFT:
        raise ValidationError(_("Bản tự đánh giá đã gửi thẩm định; không sửa được nữa."))
    score = (
        Score.objects.select_related("criterion")
        .filter(assessment=assessment, criterion__number=criterion)
        .first()
    )
    if score is None:
        raise ValidationError({"criterion": _("Không có tiêu chí số %(n)s.") % {"n": criterion}})
    _check_file(upload)
    name = attachments.suffix_of(upload.name or "")
    score.evidence_file.save(f"tieu-chi-{criterion}{name}", upload, save=False)
    score.save(update_fields=["evidence_file"])
    audit_record(
        actor=actor,
        action="assessment.attach",
        target=assessment,
        unit=assessment.unit,
        data={"criterion": criterion, "size": upload.size},
    )
    return score


@transaction.atomic
def report_cells(points: dict[int, int | None]) -> dict[tuple[str, str, str], int | None]:
    """The cells of the commune's report (reporting/forms/child-friendly-assessment.yaml) from
    the points per criterion number: each criterion's points and their total."""
    cells: dict[tuple[str, str, str], int | None] = {
        (f"criterion_{n}", "", ""): points.get(n) for n in range(1, rules.CRITERIA_COUNT + 1)
    }
    cells[("total_points", "", "")] = sum(p for p in points.values() if p is not None)
    return cells


def _reports_of(assessment: Assessment) -> "QuerySet[Submission]":
    """The commune's reports in the assessment rounds of the assessment's year."""
    return Submission.objects.filter(
        unit=assessment.unit,
        agency__isnull=True,
        round__form__code=selectors.ASSESSMENT_FORM,
        round__period_end__year=assessment.year,
    ).order_by("pk")


def _file_reports(actor: User, assessment: Assessment, points: dict[int, int | None]) -> int:
    """File the sent assessment as the commune's report in the rounds of its year still waiting
    for it (none when no round is open yet: opening one files it then)."""
    waiting = _reports_of(assessment).filter(
        status__in=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
    )
    cells = report_cells(points)
    filed = 0
    for submission in waiting:
        reporting.submission_file_filled(
            actor=actor,
            submission=submission,
            cells=cells,
            submitted_at=assessment.submitted_at,
        )
        filed += 1
    return filed


def assessment_submit(*, actor: User, assessment: Assessment) -> Assessment:
    """The commune's leader sends the self-assessment to the appraising unit; it is filed at
    once as the commune's report in the year's round (reporting), when one is open."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    require(actor, Action.APPROVE, assessment.unit)
    if assessment.status != Status.DRAFT:
        raise ValidationError(_("Bản tự đánh giá đã được gửi."))
    judged = selectors.verdict(assessment)
    if judged.missing:
        raise ValidationError(
            _("Còn tiêu chí chưa chấm điểm: %(list)s.")
            % {"list": ", ".join(str(n) for n in judged.missing)}
        )
    assessment.status = Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    points = {s.criterion.number: s.points for s in selectors.scores_of(assessment)}
    filed = _file_reports(actor, assessment, points)
    audit_record(
        actor=actor,
        action="assessment.submit",
        target=assessment,
        unit=assessment.unit,
        data={"total": judged.total, "meets": judged.meets, "reports": filed},
    )
    return assessment


@transaction.atomic
def assessment_round_open(*, actor: User, unit: AdministrativeUnit, year: int) -> Round:
    """Open the reporting round of the communes' self-assessment reports of a year, received by
    a province (or, before the reform, a district), due 30/10: every commune below in force on
    that day reports; those whose assessment is already sent are filed at once, as sent."""
    require(actor, Action.ENTER, unit)
    if unit.level == Level.COMMUNE:
        raise ValidationError(
            {"unit": _("Đợt báo cáo do tỉnh (trước 01/7/2025: huyện) mở cho các xã, phường.")}
        )
    if problem := year_problem(year):
        raise ValidationError({"year": problem})
    day = due_on(year)
    if not unit.is_in_force_on(day):
        raise ValidationError(
            {
                "unit": _("%(unit)s không còn tồn tại vào ngày %(day)s.")
                % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")}
            }
        )
    form = selectors.assessment_form()
    if form is None:
        raise ValidationError(_("Chưa nạp biểu báo cáo tự đánh giá (lệnh load_forms)."))
    if selectors.assessment_round(unit, year) is not None:
        raise ValidationError(
            {
                "year": _("%(unit)s đã mở đợt báo cáo tự đánh giá năm %(year)s.")
                % {"unit": unit.name, "year": year}
            }
        )
    round_ = reporting.round_create(
        actor=actor,
        form=form,
        receiving_unit=unit,
        # The round's title is a document's wording: Vietnamese whatever the screen's language.
        title=f"Báo cáo tự đánh giá xã, phường phù hợp với trẻ em năm {year}",
        period_kind=PeriodKind.YEAR,
        period_start=date(year, 1, 1),
        period_end=day,
        deadlines={"commune": day.isoformat()},
        by_owner=True,
    )
    sent = list(
        Assessment.objects.filter(
            year=year,
            unit__in=round_.submissions.values("unit_id"),
        )
        .exclude(status=Status.DRAFT)
        .select_related("unit", "submitted_by")
        .order_by("pk")
    )
    points: dict[int, dict[int, int | None]] = {a.pk: {} for a in sent}
    for assessment_id, number, value in Score.objects.filter(assessment__in=sent).values_list(
        "assessment_id", "criterion__number", "points"
    ):
        points[assessment_id][number] = value
    for assessment in sent:
        _file_reports(assessment.submitted_by or actor, assessment, points[assessment.pk])
    audit_record(
        actor=actor,
        action="assessment.round_open",
        target=round_,
        unit=unit,
        data={"year": year, "filed": len(sent)},
    )
    return round_


@transaction.atomic
def assessment_appraise(
    *,
    actor: User,
    assessment: Assessment,
    recognised: bool,
    decision_number: str = "",
    decided_on: date | None = None,
    note: str = "",
) -> Assessment:
    """The appraising unit's leader recognises the commune, or not; recognition needs the rule
    met (every criterion above 0 and the total at the threshold of the commune's type)."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("unit", "appraising_unit")
        .get(pk=assessment.pk)
    )
    require_appraisal(actor, assessment)
    if assessment.status != Status.SUBMITTED:
        raise ValidationError(_("Chỉ thẩm định bản tự đánh giá đã gửi."))
    decision_number = _text(decision_number, "decision_number", 60)
    note = _text(note, "note", EVIDENCE_MAX)
    if decided_on is not None:
        bounds.check_day(decided_on, field="decided_on")
    judged = selectors.verdict(assessment)
    if recognised and not judged.meets:
        raise ValidationError(
            _(
                "Chưa đủ điều kiện công nhận: cần mọi tiêu chí trên 0 điểm và tổng từ "
                "%(threshold)s điểm (hiện %(total)s điểm)."
            )
            % {"threshold": judged.threshold, "total": judged.total}
        )
    if recognised and not decision_number:
        raise ValidationError({"decision_number": _("Hãy ghi số quyết định công nhận.")})
    assessment.status = Status.RECOGNISED if recognised else Status.NOT_RECOGNISED
    assessment.decided_at = timezone.now()
    assessment.decided_by = actor
    assessment.decision_number = decision_number
    assessment.decided_on = decided_on
    assessment.appraisal_note = note
    assessment.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_by",
            "decision_number",
            "decided_on",
            "appraisal_note",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="assessment.appraise",
        target=assessment,
        unit=assessment.appraising_unit,
        data={"recognised": recognised, "total": judged.total},
    )
    # The appraisal decides the commune's report in the year's round too, either way: the
    # report is the assessment as sent, and the verdict is on the assessment.
    for submission in _reports_of(assessment).filter(status=SubmissionStatus.SUBMITTED):
        reporting.submission_settle_filled(actor=actor, submission=submission)
    return assessment


def remind_due(today: date) -> int:
    """Tell the officers (else leaders) of each commune whose self-assessment is still a draft,
    7, 3 and 1 days before 30/10; each once (the notice's key names the assessment and day).
    A commune that reports in a round of the year is reminded by the round's own reminders
    (notifications.scan_reports), not here."""
    days = {today + timedelta(days=n): n for n in REMIND_DAYS}
    in_round = Submission.objects.filter(
        unit_id=OuterRef("unit_id"),
        round__form__code=selectors.ASSESSMENT_FORM,
        round__period_end__year=OuterRef("year"),
    )
    drafts = list(
        Assessment.objects.filter(status=Status.DRAFT, due_on__in=list(days))
        .exclude(Exists(in_round))
        .select_related("unit")
    )
    if not drafts:
        return 0
    people: dict[int, dict[str, list[int]]] = {}
    for unit_id, user_id, role in Membership.objects.filter(
        unit__in=[a.unit_id for a in drafts],
        role__in=(Role.OFFICER, Role.LEADER),
        user__is_active=True,
    ).values_list("unit_id", "user_id", "role"):
        people.setdefault(unit_id, {}).setdefault(role, []).append(user_id)
    notices = []
    for assessment in drafts:
        staff = people.get(assessment.unit_id, {})
        link = reverse("assessments:detail", args=[assessment.pk])
        text = _(
            "Báo cáo tự đánh giá xã, phường phù hợp với trẻ em năm %(year)s của %(unit)s "
            "đến hạn ngày %(due)s (còn %(days)s ngày)."
        ) % {
            "year": assessment.year,
            "unit": assessment.unit.name,
            "due": assessment.due_on.strftime("%d/%m/%Y"),
            "days": days[assessment.due_on],
        }
        for user_id in staff.get(Role.OFFICER) or staff.get(Role.LEADER, []):
            notices.append(
                Notice(
                    user_id,
                    Event.REPORT_DUE,
                    f"assessment_due:{assessment.pk}:{today.isoformat()}",
                    text,
                    link,
                )
            )
    return deliver(notices)
