"""Reporting operations: open a round, enter values, submit, approve, return, reopen."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, require
from vitreem.accounts.models import User
from vitreem.core.audit import audit_record
from vitreem.units.loaders import REFORM_DATE
from vitreem.units.models import AdministrativeUnit, Agency, in_force_on

from . import rollups
from .definitions import FormDefinition
from .loaders import definition_of
from .models import (
    DataElement,
    DataValue,
    ReportForm,
    Round,
    Submission,
    SubmissionStatus,
    ValueChange,
)
from .validation import CellError, Cells, check_rules

LEVEL_KEYS = {1: "province", 2: "district", 3: "commune"}


def default_deadlines(period_end: date, *, two_tier: bool) -> dict[str, str]:
    """Deadlines of the Action Month report per level (DOMAIN.md §7), editable per round.

    Before the reform: commune → district before 10 July, district → province before 20 July;
    since: commune → province before 20 July. Agencies report with their unit's level.
    """
    year = period_end.year
    if two_tier:
        return {"agency": date(year, 7, 15).isoformat(), "commune": date(year, 7, 20).isoformat()}
    return {
        "agency": date(year, 7, 5).isoformat(),
        "commune": date(year, 7, 10).isoformat(),
        "district": date(year, 7, 20).isoformat(),
    }


def _deadline(
    deadlines: dict[str, str], unit: AdministrativeUnit, agency: Agency | None
) -> date | None:
    key = "agency" if agency is not None else LEVEL_KEYS[unit.level]
    value = deadlines.get(key)
    return date.fromisoformat(value) if value else None


def expected_reporters(
    receiving_unit: AdministrativeUnit, as_of: date
) -> list[tuple[AdministrativeUnit, Agency | None]]:
    """Who reports in a round received by a unit: its agencies and those of the district-level
    units below, and every commune-level unit below. A district's own report is the live
    consolidation of what reaches it, so it enters nothing itself; a commune's agencies report
    to the commune, which enters its own figures.
    """
    below = list(
        AdministrativeUnit.objects.filter(in_force_on(as_of))
        .filter(**{receiving_unit.subtree_field: receiving_unit.pk})
        .exclude(pk=receiving_unit.pk)
    )
    with_agencies = [receiving_unit, *(u for u in below if u.level == 2)]
    agencies = (
        Agency.objects.filter(unit__in=with_agencies)
        .filter(in_force_on(as_of))
        .select_related("unit")
    )
    return [(a.unit, a) for a in agencies] + [(u, None) for u in below if u.level == 3]


def expected_from_plan(
    plan: Any, receiving_unit: AdministrativeUnit, as_of: date
) -> list[tuple[AdministrativeUnit, Agency | None]]:
    """The reporters a plan names: its agencies and units, and the groups it gives tasks to
    ("UBND các xã, phường" → every commune below; "các phòng, ban, ngành" → the agencies)."""
    everyone = expected_reporters(receiving_unit, as_of)
    reporters: dict[str, tuple[AdministrativeUnit, Agency | None]] = {}
    for assignment in plan.assignments.select_related("assignee_agency__unit", "assignee_unit"):
        if assignment.assignee_agency_id:
            agency = assignment.assignee_agency
            reporters[f"a{agency.pk}"] = (agency.unit, agency)
        elif assignment.assignee_unit_id:
            unit = assignment.assignee_unit
            reporters[f"u{unit.pk}"] = (unit, None)
        elif assignment.assignee_group in ("communes", "districts"):
            for unit, agency in everyone:
                if agency is None or (assignment.assignee_group == "districts" and unit.level == 2):
                    reporters[f"a{agency.pk}" if agency else f"u{unit.pk}"] = (unit, agency)
        elif assignment.assignee_group == "agencies":
            for unit, agency in everyone:
                if agency is not None and unit.pk == receiving_unit.pk:
                    reporters[f"a{agency.pk}"] = (unit, agency)
    return list(reporters.values())


def round_create(
    *,
    actor: User,
    form: ReportForm,
    receiving_unit: AdministrativeUnit,
    title: str,
    period_kind: str,
    period_start: date,
    period_end: date,
    deadlines: dict[str, str] | None = None,
    plan: Any = None,
) -> Round:
    require(actor, Action.ENTER, receiving_unit)
    two_tier = receiving_unit.valid_from >= REFORM_DATE
    deadlines = deadlines or default_deadlines(period_end, two_tier=two_tier)
    with transaction.atomic():
        round_ = Round(
            form=form,
            title=title,
            period_kind=period_kind,
            period_start=period_start,
            period_end=period_end,
            receiving_unit=receiving_unit,
            plan=plan,
            deadlines=deadlines,
            created_by=actor,
        )
        round_.full_clean()
        round_.save()
        Submission.objects.bulk_create(
            Submission(
                round=round_,
                unit=unit,
                agency=agency,
                reporter_key=f"a{agency.pk}" if agency else f"u{unit.pk}",
                deadline=_deadline(deadlines, unit, agency),
            )
            for unit, agency in (
                expected_from_plan(plan, receiving_unit, period_end)
                if plan is not None
                else expected_reporters(receiving_unit, period_end)
            )
        )
        audit_record(
            actor=actor,
            action="round.create",
            target=round_,
            unit=receiving_unit,
            data={"form": form.code, "reporters": round_.submissions.count()},
        )
    return round_


def approver_unit(submission: Submission) -> AdministrativeUnit:
    """Who receives a reporter's report: an agency's unit, or the unit above a unit."""
    if submission.agency_id:
        return submission.unit
    parent = submission.unit.parent
    return parent if parent is not None else submission.round.receiving_unit


def _locked(submission: Submission) -> Submission:
    return (
        # Lock the report's row only (its unit's parent is an outer join PostgreSQL won't lock).
        Submission.objects.select_for_update(of=("self",))
        .select_related("round__form", "unit__parent")
        .get(pk=submission.pk)
    )


def _lock_round(submission: Submission) -> None:
    """The round's row lock: its consolidated totals change one report at a time."""
    Round.objects.select_for_update().filter(pk=submission.round_id).first()


def _errors(definition: FormDefinition, errors: list[CellError]) -> ValidationError:
    return ValidationError([error.describe(definition) for error in errors])


def submission_save(
    *,
    actor: User,
    submission: Submission,
    cells: Cells,
    narrative: dict[str, str] | None = None,
    expected_version: int | None = None,
    source: str = "form",
) -> Submission:
    """Save typed values of a draft or returned report; each changed cell is recorded.

    ``cells`` holds only the cells being set: None blanks a cell, a number sets it. With
    ``expected_version``, a report changed by someone else since it was read is refused.
    """
    require(actor, Action.ENTER, submission.unit)
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
            raise ValidationError(_("Báo cáo đã gửi hoặc đã duyệt nên không sửa được."))
        if expected_version is not None and expected_version != submission.version:
            raise ValidationError(
                _("Báo cáo vừa được người khác sửa; hãy tải lại trang rồi nhập tiếp.")
            )
        elements = {e.code: e for e in DataElement.objects.filter(form=submission.round.form)}
        current = {
            (v.element.code, v.row, v.category): v
            for v in DataValue.objects.filter(submission=submission).select_related("element")
        }
        changes = []
        added, updated, removed = [], [], []
        for (code, row, category), new in cells.items():
            old_row = current.get((code, row, category))
            old = old_row.value if old_row else None
            if old == new:
                continue
            element = elements[code]
            if new is None:
                removed.append(old_row.pk)  # type: ignore[union-attr]
            elif old_row is None:
                added.append(
                    DataValue(
                        submission=submission,
                        element=element,
                        row=row,
                        category=category,
                        value=new,
                    )
                )
            else:
                old_row.value = new
                updated.append(old_row)
            changes.append(
                ValueChange(
                    submission=submission,
                    element=element,
                    row=row,
                    category=category,
                    old_value=old,
                    new_value=new,
                    changed_by=actor,
                    source=source,
                )
            )
        # A few statements per save, whatever the number of cells (an uploaded form has ~20).
        DataValue.objects.filter(pk__in=removed).delete()
        DataValue.objects.bulk_update(updated, ["value"])
        DataValue.objects.bulk_create(added)
        ValueChange.objects.bulk_create(changes)
        fields = ["version", "updated_at"]
        if narrative is not None:
            submission.narrative = {**submission.narrative, **narrative}
            fields.append("narrative")
        if changes or narrative is not None:
            submission.version = F("version") + 1
            submission.save(update_fields=fields)
            submission.refresh_from_db()
    return submission


def submission_cells(submission: Submission) -> Cells:
    return {
        (code, row, category): value
        for code, row, category, value in DataValue.objects.filter(
            submission=submission
        ).values_list("element__code", "row", "category", "value")
    }


def submission_submit(*, actor: User, submission: Submission) -> Submission:
    require(actor, Action.ENTER, submission.unit)
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
            raise ValidationError(_("Báo cáo này đã được gửi."))
        definition = definition_of(submission.round.form)
        errors = check_rules(definition, submission_cells(submission))
        if errors:
            raise _errors(definition, errors)
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = timezone.now()
        submission.save(update_fields=["status", "submitted_at", "updated_at"])
        _lock_round(submission)
        rollups.apply(submission, 1)
        audit_record(
            actor=actor, action="submission.submit", target=submission, unit=submission.unit
        )
    return submission


def _decide(actor: User, submission: Submission, allowed: tuple[str, ...]) -> Submission:
    submission = _locked(submission)
    require(actor, Action.APPROVE, approver_unit(submission))
    if submission.status not in allowed:
        raise ValidationError(_("Báo cáo không ở trạng thái cho phép thao tác này."))
    return submission


def submission_approve(*, actor: User, submission: Submission) -> Submission:
    with transaction.atomic():
        submission = _decide(actor, submission, (SubmissionStatus.SUBMITTED,))
        submission.status = SubmissionStatus.APPROVED
        submission.decided_at = timezone.now()
        submission.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            actor=actor, action="submission.approve", target=submission, unit=submission.unit
        )
    return submission


def submission_return(*, actor: User, submission: Submission, reason: str) -> Submission:
    """Send a submitted report back (or reopen an approved one), always with a reason."""
    if not reason.strip():
        raise ValidationError(_("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."))
    with transaction.atomic():
        submission = _decide(
            actor, submission, (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)
        )
        reopened = submission.status == SubmissionStatus.APPROVED
        _lock_round(submission)
        rollups.apply(submission, -1)
        submission.status = SubmissionStatus.RETURNED
        submission.return_reason = reason.strip()
        submission.decided_at = timezone.now()
        submission.save(update_fields=["status", "return_reason", "decided_at", "updated_at"])
        audit_record(
            actor=actor,
            action="submission.reopen" if reopened else "submission.return",
            target=submission,
            unit=submission.unit,
            data={"reason": reason.strip()},
        )
    return submission
