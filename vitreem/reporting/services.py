"""Reporting operations: open a round, enter values, submit, approve, return, reopen."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, require, require_submission
from vitreem.accounts.models import User
from vitreem.core.audit import audit_record
from vitreem.core.text import nfc_lines
from vitreem.notifications import services as notifications
from vitreem.notifications.models import Event
from vitreem.units.loaders import REFORM_DATE
from vitreem.units.models import AdministrativeUnit, Agency, in_force_on

from . import rollups
from .definitions import FormDefinition
from .loaders import definition_of
from .models import (
    DataElement,
    DataValue,
    RebuildStatus,
    ReportForm,
    Round,
    Submission,
    SubmissionStatus,
    TotalsRebuild,
    ValueChange,
)
from .tasks import rebuild_totals
from .validation import (
    CellError,
    CellKey,
    Cells,
    Findings,
    check_narrative,
    check_report,
    check_values,
)

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


def not_typed_error(definition: FormDefinition) -> ValidationError:
    """The refusal of typing, uploading or sending the values of a form filled from another
    record (the child-friendly self-assessment)."""
    return ValidationError(
        _(
            "Số liệu của báo cáo này lấy từ bản tự đánh giá xã, phường phù hợp với trẻ em: "
            "hãy nhập và gửi ở trang “Xã, phường phù hợp với trẻ em”; không có gì được lưu."
        )
    )


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
    by_owner: bool = False,
) -> Round:
    """Open a round of a form received by a unit, with a report to file for each expected
    reporter. A form filled from another record is opened only by the service of the app that
    owns that record (``by_owner``), which files what is already there."""
    require(actor, Action.ENTER, receiving_unit)
    definition = definition_of(form)
    if not definition.typed and not by_owner:
        raise ValidationError(
            _(
                "Đợt báo cáo tự đánh giá xã, phường phù hợp với trẻ em được mở ở trang "
                "“Xã, phường phù hợp với trẻ em” của đơn vị."
            )
        )
    two_tier = receiving_unit.valid_from >= REFORM_DATE
    deadlines = deadlines or default_deadlines(period_end, two_tier=two_tier)
    reporters = (
        expected_from_plan(plan, receiving_unit, period_end)
        if plan is not None
        else expected_reporters(receiving_unit, period_end)
    )
    if definition.reporters == "communes":
        reporters = [(unit, agency) for unit, agency in reporters if agency is None]
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
            for unit, agency in reporters
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


CellState = dict[CellKey, int]  # a report's values as stored: (element, row, category) → value


class UnconfirmedWarningsError(ValidationError):
    """The report breaks a plausibility check of its form: it is sent once the reporter
    confirms the figures (``confirmed=True``)."""


def _check_input(
    definition: FormDefinition, cells: Cells, narrative: dict[str, str] | None
) -> None:
    problems = check_values(definition, cells)
    if narrative is not None:
        problems += check_narrative(definition, narrative)
    if problems:
        raise ValidationError(problems)


def _check_draft(definition: FormDefinition, state: CellState) -> Findings:
    """The form's rules over a draft as it would be saved; an error refuses the whole save."""
    findings = check_report(definition, dict(state), stage="save")
    if findings.errors:
        raise _errors(definition, findings.errors)
    return findings


def _apply_cells(
    *,
    actor: User,
    definition: FormDefinition,
    submission_id: int,
    state: CellState,
    cells: Cells,
    narrative: dict[str, str] | None,
    elements: dict[str, DataElement],
    source: str,
) -> list[ValueChange]:
    """Set typed cells on a report's values (``state``, changed in place): the history row of
    each cell that changes. ``cells`` holds only the cells being set; None blanks a cell. The
    input and then the draft are checked against the form, for every path that saves cells;
    a refusal raises before the caller writes anything."""
    _check_input(definition, cells, narrative)
    changes = []
    for (code, row, category), new in cells.items():
        old = state.get((code, row, category))
        if old == new:
            continue
        if new is None:
            del state[(code, row, category)]
        else:
            state[(code, row, category)] = new
        changes.append(
            ValueChange(
                submission_id=submission_id,
                element_id=elements[code].pk,  # ids, not objects: thousands of rows per upload
                row=row,
                category=category,
                old_value=old,
                new_value=new,
                changed_by_id=actor.pk,
                source=source,
            )
        )
    _check_draft(definition, state)
    return changes


def _stored_values(
    submission_ids: list[int], elements: dict[str, DataElement]
) -> dict[int, dict[CellKey, tuple[int, int]]]:
    """Report → cell → (value row id, value), for the given reports, in one query."""
    codes = {e.pk: e.code for e in elements.values()}
    stored: dict[int, dict[CellKey, tuple[int, int]]] = {pk: {} for pk in submission_ids}
    for pk, submission_id, element_id, row, category, value in DataValue.objects.filter(
        submission_id__in=submission_ids
    ).values_list("pk", "submission_id", "element_id", "row", "category", "value"):
        stored[submission_id][(codes[element_id], row, category)] = (pk, value)
    return stored


def _write_values(
    stored: dict[int, dict[CellKey, tuple[int, int]]],
    final: dict[int, CellState],
    elements: dict[str, DataElement],
) -> None:
    """Bring the stored values of reports to their final state in a few statements, whatever
    the number of reports and cells."""
    removed, updated, added = [], [], []
    for submission_id, cells in final.items():
        before = stored[submission_id]
        for key, (pk, value) in before.items():
            if key not in cells:
                removed.append(pk)
            elif cells[key] != value:
                updated.append(DataValue(pk=pk, value=cells[key]))
        added += [
            DataValue(
                submission_id=submission_id,
                element_id=elements[code].pk,
                row=row,
                category=category,
                value=value,
            )
            for (code, row, category), value in cells.items()
            if (code, row, category) not in before
        ]
    if removed:
        DataValue.objects.filter(pk__in=removed).delete()
    DataValue.objects.bulk_update(updated, ["value"], batch_size=1000)
    DataValue.objects.bulk_create(added)


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
    require_submission(actor, Action.ENTER, submission)
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
            raise ValidationError(_("Báo cáo đã gửi hoặc đã duyệt nên không sửa được."))
        if expected_version is not None and expected_version != submission.version:
            raise ValidationError(
                _("Báo cáo vừa được người khác sửa; hãy tải lại trang rồi nhập tiếp.")
            )
        definition = definition_of(submission.round.form)
        if not definition.typed:
            raise not_typed_error(definition)
        elements = {e.code: e for e in DataElement.objects.filter(form=submission.round.form)}
        stored = _stored_values([submission.pk], elements)
        state = {key: value for key, (_pk, value) in stored[submission.pk].items()}
        changes = _apply_cells(
            actor=actor,
            definition=definition,
            submission_id=submission.pk,
            state=state,
            cells=cells,
            narrative=narrative,
            elements=elements,
            source=source,
        )
        # A few statements per save, whatever the number of cells (an uploaded form has ~20).
        _write_values(stored, {submission.pk: state}, elements)
        ValueChange.objects.bulk_create(changes)
        fields = ["version", "updated_at"]
        if narrative is not None:
            narrative = {code: nfc_lines(text) for code, text in narrative.items()}
            submission.narrative = {**submission.narrative, **narrative}
            fields.append("narrative")
        if changes or narrative is not None:
            # The row is locked: the version read above is the one being incremented.
            version = submission.version
            submission.version = F("version") + 1
            submission.save(update_fields=fields)
            submission.version = version + 1
    return submission


Refusal = ValidationError | PermissionDenied | Http404


def submission_save_many(
    *,
    actor: User,
    form: ReportForm,
    batch: Sequence[tuple[Submission, Cells]],
    source: str = "form",
) -> list[bool | Refusal]:
    """Save the values of many reports of one form at once (a bulk upload), each all or nothing.

    Per item, in order: whether it changed anything (False: the values were already those), or
    why it was refused — not the user's to change (the access rule, per report), or no longer
    a draft. A refused item changes nothing and stops no other. Every changed cell gets its
    history row; the writes of the whole batch take a few statements in one transaction. A
    report named twice takes the items in order, as if saved one after the other.
    """
    definition = definition_of(form)
    if not definition.typed:
        return [not_typed_error(definition) for _item in batch]
    outcomes: list[bool | Refusal | None] = [None] * len(batch)
    allowed: list[int] = []
    for index, (submission, _cells) in enumerate(batch):
        try:
            require_submission(actor, Action.ENTER, submission)
        except (PermissionDenied, Http404) as refused:
            outcomes[index] = refused
        else:
            allowed.append(index)
    if allowed:
        try:
            with transaction.atomic():
                _save_many(actor, form, batch, allowed, outcomes, source)
        except DatabaseError:
            # Not foreseen by the checks above (a constraint, a conflict): each report on its
            # own, so that one cannot undo the others.
            for index in allowed:
                outcomes[index] = _save_one(actor, *batch[index], source)
    return [outcome if outcome is not None else False for outcome in outcomes]


def _save_many(
    actor: User,
    form: ReportForm,
    batch: Sequence[tuple[Submission, Cells]],
    allowed: list[int],
    outcomes: list[bool | Refusal | None],
    source: str,
) -> None:
    ids = sorted({batch[index][0].pk for index in allowed})
    # Row locks in a fixed order, so that two uploads cannot wait on each other.
    locked = {
        pk: (status, version)
        for pk, status, version in Submission.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "status", "version")
    }
    elements = {e.code: e for e in DataElement.objects.filter(form=form)}
    definition = definition_of(form)
    editable = [
        pk
        for pk, (status, _version) in locked.items()
        if status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
    ]
    stored = _stored_values(editable, elements)
    final = {pk: {key: value for key, (_pk, value) in stored[pk].items()} for pk in editable}
    changes: list[ValueChange] = []
    bumps: dict[int, int] = dict.fromkeys(editable, 0)
    for index in allowed:
        submission, cells = batch[index]
        if submission.pk not in final:
            outcomes[index] = ValidationError(_("Báo cáo đã gửi hoặc đã duyệt nên không sửa được."))
            continue
        # On a copy: an item refused by the form's rules leaves the report as it was.
        state = dict(final[submission.pk])
        try:
            changed = _apply_cells(
                actor=actor,
                definition=definition,
                submission_id=submission.pk,
                state=state,
                cells=cells,
                narrative=None,
                elements=elements,
                source=source,
            )
        except ValidationError as refused:
            outcomes[index] = refused
            continue
        final[submission.pk] = state
        changes += changed
        if changed:
            bumps[submission.pk] += 1
        outcomes[index] = bool(changed)
        submission.version = locked[submission.pk][1] + bumps[submission.pk]
    _write_values(stored, final, elements)
    ValueChange.objects.bulk_create(changes)
    by_count: dict[int, list[int]] = {}
    for pk, count in bumps.items():
        if count:
            by_count.setdefault(count, []).append(pk)
    now = timezone.now()
    for count, pks in by_count.items():
        Submission.objects.filter(pk__in=pks).update(version=F("version") + count, updated_at=now)


def _save_one(actor: User, submission: Submission, cells: Cells, source: str) -> bool | Refusal:
    before = Submission.objects.filter(pk=submission.pk).values_list("version", flat=True).first()
    try:
        saved = submission_save(actor=actor, submission=submission, cells=cells, source=source)
    except (ValidationError, PermissionDenied, Http404) as refused:
        return refused
    except DatabaseError:
        return ValidationError(_("Không lưu được báo cáo này; hãy thử lại."))
    submission.version = saved.version
    return saved.version != before


def submission_cells(submission: Submission) -> Cells:
    return {
        (code, row, category): value
        for code, row, category, value in DataValue.objects.filter(
            submission=submission
        ).values_list("element__code", "row", "category", "value")
    }


def submission_submit(
    *, actor: User, submission: Submission, confirmed: bool = False
) -> Submission:
    """Send a report: refused while a rule of its form fails; a plausibility warning needs
    ``confirmed``, and the warnings confirmed are recorded with the audit event."""
    require_submission(actor, Action.ENTER, submission)
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
            raise ValidationError(_("Báo cáo này đã được gửi."))
        definition = definition_of(submission.round.form)
        if not definition.typed:
            raise not_typed_error(definition)
        findings = check_report(definition, submission_cells(submission), stage="submit")
        if findings.errors:
            raise _errors(definition, findings.errors)
        warnings = [warning.describe(definition) for warning in findings.warnings]
        if warnings and not confirmed:
            raise UnconfirmedWarningsError(
                [
                    _("Hãy kiểm tra và xác nhận số liệu: %(warning)s") % {"warning": w}
                    for w in warnings
                ]
            )
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = timezone.now()
        submission.save(update_fields=["status", "submitted_at", "updated_at"])
        _lock_round(submission)
        rollups.apply(submission, 1)
        audit_record(
            actor=actor,
            action="submission.submit",
            target=submission,
            unit=submission.unit,
            data={"confirmed": warnings} if warnings else None,
        )
    return submission


def submission_file_filled(
    *,
    actor: User,
    submission: Submission,
    cells: Cells,
    submitted_at: datetime | None = None,
    source: str = "assessment",
) -> Submission:
    """File the report of a form filled from another record with that record's values, as it
    was sent (``submitted_at``, else now). Called inside the owning app's service, which has
    checked its user's rights and the values; the form's own bounds are checked again here. A
    report already filed is left as it is."""
    with transaction.atomic():
        submission = _locked(submission)
        definition = definition_of(submission.round.form)
        if definition.typed:
            raise ValidationError(_("Báo cáo này được nhập trực tiếp."))
        if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
            return submission
        elements = {e.code: e for e in DataElement.objects.filter(form=submission.round.form)}
        stored = _stored_values([submission.pk], elements)
        state = {key: value for key, (_pk, value) in stored[submission.pk].items()}
        # Every cell of the form: one the record does not give is blank.
        complete: Cells = {
            (column.code, row, category): None for _t, row, column, category in definition.cells()
        }
        changes = _apply_cells(
            actor=actor,
            definition=definition,
            submission_id=submission.pk,
            state=state,
            cells={**complete, **cells},
            narrative=None,
            elements=elements,
            source=source,
        )
        _write_values(stored, {submission.pk: state}, elements)
        ValueChange.objects.bulk_create(changes)
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = submitted_at or timezone.now()
        submission.version = F("version") + 1
        submission.save(update_fields=["status", "submitted_at", "version", "updated_at"])
        submission.refresh_from_db(fields=["version"])
        _lock_round(submission)
        rollups.apply(submission, 1)
        audit_record(
            actor=actor,
            action="submission.submit",
            target=submission,
            unit=submission.unit,
            data={"source": source},
        )
    return submission


def _decide(actor: User, submission: Submission, allowed: tuple[str, ...]) -> Submission:
    submission = _locked(submission)
    require(actor, Action.APPROVE, approver_unit(submission))
    if submission.status not in allowed:
        raise ValidationError(_("Báo cáo không ở trạng thái cho phép thao tác này."))
    return submission


def submission_settle_filled(*, actor: User, submission: Submission) -> Submission:
    """Mark a report filled from another record approved once that record is decided (the
    owning app's service has checked its user's rights: the appraisal of a self-assessment is
    the decision on its report). A report not waiting for a decision is left as it is."""
    with transaction.atomic():
        submission = _locked(submission)
        if definition_of(submission.round.form).typed:
            raise ValidationError(_("Báo cáo này được nhập trực tiếp."))
        if submission.status != SubmissionStatus.SUBMITTED:
            return submission
        submission.status = SubmissionStatus.APPROVED
        submission.decided_at = timezone.now()
        submission.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            actor=actor,
            action="submission.approve",
            target=submission,
            unit=submission.unit,
            data={"source": "assessment"},
        )
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
        notifications.report_decided(submission, Event.REPORT_APPROVED)
    return submission


def submission_return(*, actor: User, submission: Submission, reason: str) -> Submission:
    """Send a submitted report back (or reopen an approved one), always with a reason."""
    if not reason.strip():
        raise ValidationError(_("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."))
    with transaction.atomic():
        submission = _decide(
            actor, submission, (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)
        )
        if not definition_of(submission.round.form).typed:
            raise ValidationError(
                _(
                    "Báo cáo này là bản tự đánh giá đã gửi: đơn vị thẩm định cho ý kiến ở trang "
                    "thẩm định của bản tự đánh giá, không trả lại báo cáo."
                )
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
        notifications.report_decided(
            submission, Event.REPORT_REOPENED if reopened else Event.REPORT_RETURNED
        )
    return submission


# A rebuild still "running" after this lost its worker (stopped or killed during the job).
REBUILD_ABANDONED_AFTER = timedelta(hours=1)


def totals_rebuild_request(*, actor: User | None, round_: Round) -> TotalsRebuild:
    """Ask for a round's consolidated totals to be recomputed by a worker (for data loaded in
    bulk, or a repair). The receiving unit's leaders ask from the round's page; ``actor`` None
    is the system (a management command). A rebuild already waiting or running is returned
    instead of a second one."""
    if actor is not None:
        require(actor, Action.APPROVE, round_.receiving_unit)
    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=round_.pk).first()
        open_ = round_.rebuilds.filter(
            status__in=(RebuildStatus.QUEUED, RebuildStatus.RUNNING)
        ).first()
        abandoned = (
            open_ is not None
            and open_.status == RebuildStatus.RUNNING
            and open_.started_at is not None
            and open_.started_at < timezone.now() - REBUILD_ABANDONED_AFTER
        )
        if open_ is not None and not abandoned:
            return open_
        if open_ is not None:
            # Its worker was stopped mid-way: a new job takes over (the work is idempotent).
            open_.status = RebuildStatus.FAILED
            open_.error = f"abandoned: still running after {REBUILD_ABANDONED_AFTER}"
            open_.finished_at = timezone.now()
            open_.save(update_fields=["status", "error", "finished_at", "updated_at"])
        rebuild = TotalsRebuild(round=round_, requested_by=actor)
        rebuild.full_clean()
        rebuild.save()
        audit_record(
            actor=actor, action="round.rebuild_totals", target=round_, unit=round_.receiving_unit
        )
        transaction.on_commit(lambda: _enqueue_rebuild(rebuild.pk))
    return rebuild


def _enqueue_rebuild(rebuild_id: int) -> None:
    result = rebuild_totals.enqueue(rebuild_id)
    TotalsRebuild.objects.filter(pk=rebuild_id).update(task_id=str(result.id)[:64])
