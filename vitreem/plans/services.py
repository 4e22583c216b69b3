"""Plan operations: derive a plan from the level above, copy last year's, issue, report progress."""

import calendar
import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Field, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitreem.accounts.access import (
    Action,
    can_close_task,
    can_read_plan,
    require,
    require_agency,
    require_plan,
    require_plan_discard,
    require_task,
    task_agency,
    task_unit,
)
from vitreem.accounts.models import User
from vitreem.core.audit import audit_record
from vitreem.documents import attachments
from vitreem.notifications import services as notifications
from vitreem.units.models import AdministrativeUnit, Agency
from vitreem.units.names import agency_full_name, committee_header, unit_phrase
from vitreem.units.names import committee as committee_of

from .appendices import (
    MAX_APPENDICES,
    MAX_APPENDIX_LINES,
    MAX_APPENDIX_REFERENCE,
    MAX_APPENDIX_TITLE,
    AppendixTextError,
    appendices_version,
    appendix_lines,
    with_texts,
)
from .datafile import target_rows
from .dates import PartialDate, parse_partial
from .editor import clean_text
from .models import (
    PUBLISHED,
    AssigneeGroup,
    Assignment,
    AwardRule,
    BudgetLine,
    Plan,
    PlanStatus,
    ReportingRequirement,
    Target,
    Task,
    TaskProgress,
    TaskStatus,
)
from .outline import MAX_TEXT, parse_runs, validate_outline
from .selectors import unassigned_tasks
from .yearshift import YearShift

# The nodes of a body that open it: a derived plan writes its own.
_OPENING_ROLES = ("basis", "intro")
THEMES_FILE = Path(__file__).with_name("data") / "themes.yaml"
ATTACHMENT_MAX_BYTES = getattr(settings, "TASK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_TYPES = frozenset(attachments.KINDS)


def theme_of_year(year: int) -> dict[str, Any]:
    themes: dict[int, dict[str, Any]] = yaml.safe_load(THEMES_FILE.read_text(encoding="utf-8"))
    return themes.get(year, {"theme": "", "slogans": []})


def _shift_year(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _date_text(day: date | None) -> str:
    return f"{day.day}/{day.month}/{day.year}" if day else "…"


def _unit_phrase(unit: AdministrativeUnit) -> str:
    """ "phường Bắc Kạn": the kind in lower case, the proper name as written."""
    return unit_phrase(unit)


def _issuer_in_sentence(plan: Plan) -> str:
    """Who issued the plan, as a sentence names it: "Ủy ban nhân dân thành phố Bắc Kạn",
    "Phòng Lao động - Thương binh và Xã hội" — never the header's title case."""
    if plan.issuer_agency_id:
        return agency_full_name(plan.issuer_agency)  # type: ignore[arg-type]
    return committee_of(plan.issuer_unit)


def _lead_agency(unit: AdministrativeUnit) -> Agency | None:
    return Agency.objects.filter(unit=unit, is_lead_for_children=True).first()


def _text_fields(row: models.Model) -> list[Field[Any, Any]]:
    """The written fields of a row: texts and JSON trees, not codes chosen from a list."""
    return [
        f
        for f in row._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
    ]


def _shift_row(
    row: models.Model, shift: YearShift | None, skip: frozenset[str] = frozenset()
) -> None:
    """Every text of the row moved to the shift's year, each change noted under the field's name."""
    if shift is None:
        return
    for f in _text_fields(row):
        if f.name not in skip:
            setattr(row, f.attname, shift.tree(getattr(row, f.attname), str(f.verbose_name)))


def _shift_activities(outline: list[Any], years: int) -> list[Any]:
    """The outline with its activities' own dates moved by ``years`` (29/2 to 28/2)."""

    def moved(value: Any) -> Any:
        known = parse_partial(value)
        if known is None:
            return value
        day = known.day
        if day and known.month == 2 and day == 29:
            day = min(day, calendar.monthrange(known.year + years, 2)[1])
        return PartialDate(known.year + years, known.month, day).iso()

    def walk(nodes: list[Any]) -> list[Any]:
        result = []
        for node in nodes:
            node = {**node, "children": walk(node["children"])}
            if node.get("activity"):
                facts = node["activity"]
                node["activity"] = {
                    **facts,
                    "start": moved(facts.get("start")),
                    "end": moved(facts.get("end")),
                }
            result.append(node)
        return result

    return walk(outline)


def _copy_parts(
    source: Plan,
    target: Plan,
    *,
    years: int = 0,
    with_tasks: bool = True,
    shift: YearShift | None = None,
) -> None:
    """Copy targets, budget, awards, reporting (and assignments with tasks) from plan to plan."""
    targets = list(Target.objects.filter(plan=source))
    budget = list(BudgetLine.objects.filter(plan=source))
    awards = list(AwardRule.objects.filter(plan=source))
    for part in (targets, budget, awards):
        for row in part:
            row.pk, row.plan = None, target
            _shift_row(row, shift)
    Target.objects.bulk_create(targets)
    BudgetLine.objects.bulk_create(budget)
    AwardRule.objects.bulk_create(awards)
    reporting = list(ReportingRequirement.objects.filter(plan=source))
    in_tasks = {r.pk: r.task_id for r in reporting}
    for requirement in reporting:
        requirement.pk, requirement.plan, requirement.task = None, target, None
        requirement.due = _shift_year(requirement.due, years)
        _shift_row(requirement, shift)
    ReportingRequirement.objects.bulk_create(reporting)
    if not with_tasks:
        return
    # By id: an agency is made before its divisions, so its copy is there when they come.
    assignments: dict[int, Assignment] = {}
    copied_tasks: dict[int, Task] = {}
    for assignment in (
        Assignment.objects.filter(plan=source).order_by("id").prefetch_related("tasks")
    ):
        tasks = list(assignment.tasks.all())
        old_pk, parent_id = assignment.pk, assignment.parent_id
        assignment.pk, assignment.plan = None, target
        assignment.parent = assignments.get(parent_id) if parent_id else None
        _shift_row(assignment, shift)
        assignment.save()
        assignments[old_pk] = assignment
        for task in tasks:
            old_task = task.pk
            task.pk, task.assignment = None, assignment
            _shift_row(task, shift)
            task.status = TaskStatus.NOT_STARTED
            task.start_on = _shift_year(task.start_on, years)
            task.due_on = _shift_year(task.due_on, years)
            copied_tasks[old_task] = task
        Task.objects.bulk_create(tasks)
    for requirement, old_pk in zip(reporting, in_tasks, strict=True):
        copy = copied_tasks.get(in_tasks[old_pk] or 0)
        if copy is not None:
            requirement.task = copy
            requirement.save(update_fields=["task"])


def _group_for(unit: AdministrativeUnit) -> str:
    return AssigneeGroup.COMMUNES if unit.level == 3 else AssigneeGroup.DISTRICTS


def _refuse_second_implementation(
    parent_id: int, issuer_unit: AdministrativeUnit, *, replaced: int | None = None
) -> None:
    """A unit implements a plan of the level above with one issued plan (amended if need be),
    not two: refused when one is issued already (other than the one an amendment replaces)."""
    published = Plan.objects.filter(
        parent_id=parent_id, issuer_unit=issuer_unit, status__in=PUBLISHED
    )
    if replaced is not None:
        published = published.exclude(pk=replaced)
    existing = published.order_by("issued_on").first()
    if existing is not None:
        raise ValidationError(
            _(
                "%(unit)s đã ban hành Kế hoạch số %(number)s triển khai kế hoạch này; "
                "không tạo kế hoạch triển khai thứ hai. Nếu cần thay đổi, hãy sửa đổi kế hoạch đó."
            )
            % {"unit": issuer_unit.name, "number": existing.number_text}
        )


def plan_derive(*, actor: User, parent: Plan, issuer_unit: AdministrativeUnit) -> Plan:
    """A draft plan of a unit implementing the plan of a unit above it: an issued plan of the
    system, or the plan the unit received and kept from its document (status RECEIVED).

    It starts with the parent's kind, year, theme, period, slogans, targets, purposes and reporting
    regime, the basis line "Thực hiện Kế hoạch số … ngày … của …", and the tasks the parent gave to
    this unit or to all units of its level, assigned to the unit's lead agency for distribution.
    """
    require(actor, Action.ENTER, issuer_unit)
    if not can_read_plan(actor, parent):
        raise PermissionDenied(_("Bạn không được xem kế hoạch cấp trên này."))
    above = {issuer_unit.parent_id, issuer_unit.district_id, issuer_unit.province_id}
    if parent.issuer_unit_id not in above - {issuer_unit.pk, None}:
        raise ValidationError(_("Chỉ triển khai được kế hoạch của đơn vị cấp trên."))
    if parent.status == PlanStatus.RECEIVED:
        if parent.received_by_id != issuer_unit.pk:
            raise ValidationError(
                _("Kế hoạch cấp trên này do đơn vị khác nhận; chỉ đơn vị đó triển khai được.")
            )
    elif parent.status != PlanStatus.ISSUED:
        raise ValidationError(_("Chỉ triển khai được kế hoạch đã ban hành."))
    issuer_name = committee_of(issuer_unit)
    reference = (
        f"Kế hoạch số {parent.number_text} ngày {_date_text(parent.issued_on)} "
        f"của {_issuer_in_sentence(parent)}"
    )
    subject = parent.title[0].lower() + parent.title[1:]
    with transaction.atomic():
        # Under the issuer's row lock (as issuing), so two derivations at once cannot both pass.
        AdministrativeUnit.objects.select_for_update().get(pk=issuer_unit.pk)
        _refuse_second_implementation(parent.pk, issuer_unit)
        plan = Plan(
            issuer_unit=issuer_unit,
            header_above="",
            header_name=issuer_name.upper(),
            kind=parent.kind,
            year=parent.year,
            place=issuer_unit.short_name,
            title=parent.title,
            parent=parent,
            parent_reference=reference,
            theme=parent.theme,
            period_start=parent.period_start,
            period_end=parent.period_end,
            scope=f"Trên địa bàn {_unit_phrase(issuer_unit)}.",
            opening=[
                {
                    "text": f"Thực hiện {reference} về {subject}, {issuer_name} xây dựng "
                    f"Kế hoạch {subject}, cụ thể như sau:",
                    "basis": False,
                }
            ],
            sections=copy.deepcopy(parent.sections),
            slogans=list(parent.slogans),
            launch={},
            recipients=[f"{_issuer_in_sentence(parent)} (b/c);", "Lưu: VT."],
            created_by=actor,
        )
        plan.refresh_outline()
        if parent.outline:
            # The parent's body as edited, under this plan's own opening.
            opening = [n for n in plan.outline if n["role"] in _OPENING_ROLES]
            body = [n for n in parent.outline if n["role"] not in _OPENING_ROLES]
            plan.outline = validate_outline(opening + copy.deepcopy(body))
        plan.full_clean()
        plan.save()
        _copy_parts(parent, plan, with_tasks=False)
        lead = _lead_agency(issuer_unit)
        given = Assignment.objects.filter(plan=parent).filter(
            assignee_unit=issuer_unit
        ) | Assignment.objects.filter(plan=parent, assignee_group=_group_for(issuer_unit))
        for order, source in enumerate(given.prefetch_related("tasks").order_by("order")):
            assignment = Assignment.objects.create(
                plan=plan,
                order=order,
                assignee_label=lead.name if lead else "Chưa phân công",
                assignee_agency=lead,
            )
            Task.objects.bulk_create(
                Task(
                    assignment=assignment,
                    order=i,
                    text=task.text,
                    role=task.role,
                    lead_label=task.lead_label,
                    start_on=task.start_on,
                    due_on=task.due_on,
                )
                for i, task in enumerate(source.tasks.all())
            )
        audit_record(
            actor=actor,
            action="plan.derive",
            target=plan,
            unit=issuer_unit,
            data={"parent": parent.pk},
        )
    return plan


@dataclass
class PlanCopy:
    """A plan copied into another year, with what the copy changed in its texts."""

    plan: Plan
    changes: list[tuple[str, str, str]]  # (where, before, after)
    warnings: list[str]


def plan_copy_previous(*, actor: User, source: Plan, year: int) -> PlanCopy:
    """Last year's plan as this year's draft: dates moved, the new year's theme and slogans.

    Every text of the plan, its targets, budget, awards, reporting and tasks goes through one
    replacer: dates and "năm …" of the source's year move to the new year (written as before:
    01/6 stays 01/6), other years stay, and the old theme becomes the new year's where it is known.
    """
    require_plan(actor, Action.ENTER, source)
    if not can_read_plan(actor, source):
        raise PermissionDenied(_("Bạn không được xem kế hoạch này."))
    years = year - source.year
    library = theme_of_year(year)
    warnings: list[str] = []
    new_theme = library["theme"]
    if not new_theme and source.theme:
        warnings.append(
            _(
                "Chưa có chủ đề của năm %(year)s trong hệ thống: chủ đề cũ được giữ nguyên, "
                "hãy rà soát lại chủ đề và khẩu hiệu."
            )
            % {"year": year}
        )
    shift = YearShift(
        old_year=source.year, new_year=year, old_theme=source.theme, new_theme=new_theme
    )
    with transaction.atomic():
        plan = Plan.objects.get(pk=source.pk)
        plan.pk = None
        plan.key = None
        plan.year = year
        plan.status = PlanStatus.DRAFT
        plan.number = None
        plan.issued_on = None
        plan.parent = None
        plan.amends = None
        plan.parent_reference = ""
        plan.launch = {}
        _shift_row(plan, shift, skip=frozenset({"theme", "slogans", "source", "key"}))
        if new_theme and new_theme != source.theme:
            shift.changes.append((str(_("Chủ đề")), source.theme, new_theme))
        plan.theme = new_theme or source.theme
        plan.slogans = list(library["slogans"])
        plan.period_start = _shift_year(source.period_start, years)  # type: ignore[assignment]
        plan.period_end = _shift_year(source.period_end, years)  # type: ignore[assignment]
        plan.created_by = actor
        # The body as edited, its years moved with the other texts.
        if plan.outline:
            plan.outline = validate_outline(_shift_activities(plan.outline, years))
        else:
            plan.refresh_outline()
        plan.full_clean()
        plan.save()
        _copy_parts(source, plan, years=years, shift=shift)
        audit_record(
            actor=actor,
            action="plan.copy",
            target=plan,
            unit=plan.issuer_unit,
            data={"source": source.pk, "changes": len(shift.changes)},
        )
    return PlanCopy(plan=plan, changes=shift.changes, warnings=warnings)


def _period_outside_year(plan: Plan) -> bool:
    return not (plan.period_start.year <= plan.year <= plan.period_end.year)


PERIOD_OUTSIDE_YEAR = gettext_lazy("Thời gian thực hiện phải nằm trong năm của kế hoạch.")


def plan_check(plan: Plan) -> list[str]:
    """What stops the plan from being issued, in Vietnamese; empty when it can be."""
    problems: list[str] = []
    if _period_outside_year(plan):
        problems.append(str(PERIOD_OUTSIDE_YEAR))
    for assignment in plan.assignments.prefetch_related("tasks"):
        for task in assignment.tasks.all():
            where = f"{assignment.assignee_label}: {task.text[:60]}"
            if task.due_on and task.start_on and task.due_on < task.start_on:
                problems.append(_("Hạn trước ngày bắt đầu — %(task)s") % {"task": where})
            if task.due_on and task.due_on < plan.period_start:
                problems.append(
                    _("Hạn trước thời gian thực hiện kế hoạch — %(task)s") % {"task": where}
                )
    return problems


class UnassignedTasksError(ValidationError):
    """The draft has tasks given to nobody: issued only once the issuer confirms it."""

    def __init__(self, tasks: list[Task]) -> None:
        self.tasks = tasks
        super().__init__(
            _(
                "%(n)s nhiệm vụ chưa giao cho cơ quan, đơn vị nào. Hãy giao nhiệm vụ, hoặc xác "
                "nhận vẫn ban hành kế hoạch."
            )
            % {"n": len(tasks)},
            code="unassigned",
        )


def plan_issue(
    *,
    actor: User,
    plan: Plan,
    issued_on: date,
    number: int | None = None,
    signer_name: str = "",
    confirm_unassigned: bool = False,
) -> Plan:
    """Issue a draft: a number of the issuer for the year (the next free one unless given).

    Tasks given to nobody stop it unless the issuer confirms (UnassignedTasksError lists them).
    Those given to a unit or an agency are told of to its people.
    """
    require_plan(actor, Action.APPROVE, plan)
    with transaction.atomic():
        # The issuer's row is the lock under which numbers of the year are handed out.
        AdministrativeUnit.objects.select_for_update().get(pk=plan.issuer_unit_id)
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != PlanStatus.DRAFT:
            raise ValidationError(_("Kế hoạch đã ban hành; muốn sửa hãy ban hành văn bản sửa đổi."))
        if plan.parent_id:
            _refuse_second_implementation(plan.parent_id, plan.issuer_unit, replaced=plan.amends_id)
        problems = plan_check(plan)
        if problems:
            raise ValidationError(problems)
        unassigned = list(unassigned_tasks(plan))
        if unassigned and not confirm_unassigned:
            raise UnassignedTasksError(unassigned)
        # The records units below keep of the plans they received do not take numbers.
        numbered = Plan.objects.filter(
            issuer_unit_id=plan.issuer_unit_id, year=plan.year, symbol=plan.symbol
        ).exclude(status=PlanStatus.RECEIVED)
        if number is None:
            number = (numbered.aggregate(n=Max("number"))["n"] or 0) + 1
        elif numbered.filter(number=number).exists():
            raise ValidationError(
                {
                    "number": _("Số %(number)s/%(symbol)s đã dùng trong năm %(year)s.")
                    % {"number": number, "symbol": plan.symbol, "year": plan.year}
                }
            )
        plan.number = number
        # Signed on a day: a draft dated to the month only ("ngày … tháng 5") is dated in full.
        plan.issued_on, plan.issued_on_precision = issued_on, "day"
        plan.status = PlanStatus.ISSUED
        if signer_name:
            plan.signer_name = signer_name
        plan.full_clean()
        plan.save(
            update_fields=[
                "number",
                "issued_on",
                "issued_on_precision",
                "status",
                "signer_name",
                "updated_at",
            ]
        )
        if plan.amends_id:
            # The original stays readable; its tasks give way to the amendment's.
            Plan.objects.filter(pk=plan.amends_id, status=PlanStatus.ISSUED).update(
                status=PlanStatus.AMENDED
            )
        audit_record(
            actor=actor,
            action="plan.issue",
            target=plan,
            unit=plan.issuer_unit,
            data={"number": plan.number_text, "unassigned": len(unassigned)},
        )
        notifications.plan_issued(plan)
        notifications.tasks_given(plan)
    return plan


def _check_attachment(upload: UploadedFile) -> None:
    """A task's evidence: PDF, Word, Excel or an image (its content, not only its name, says
    so), 10 MB at most."""
    if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "attachment": _("Tệp quá lớn: tối đa %(mb)s MB.")
                % {"mb": ATTACHMENT_MAX_BYTES // 2**20}
            }
        )
    name = upload.name or ""
    if attachments.suffix_of(name) not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                "attachment": _("Chỉ nhận tệp %(types)s.")
                % {"types": ", ".join(sorted(ATTACHMENT_TYPES))}
            }
        )
    if attachments.attachment_kind(name, upload.file) is None:  # type: ignore[arg-type]
        raise ValidationError(
            {
                "attachment": _(
                    "Nội dung tệp “%(name)s” không phải là tệp PDF, Word, Excel hoặc ảnh như "
                    "tên tệp ghi; không có gì được lưu."
                )
                % {"name": Path(name).name[:80]}
            }
        )


# What a cooperating agency's report does to the task: it shows the work under way, never
# closes or reopens it; the lead alone sets the task's status.
_UNDER_WAY = {TaskStatus.NOT_STARTED, TaskStatus.ACCEPTED}


def _status_after(task: Task, reported: str, *, lead: bool) -> str:
    if lead:
        return reported
    if task.status in _UNDER_WAY and reported in {TaskStatus.IN_PROGRESS, TaskStatus.DONE}:
        return TaskStatus.IN_PROGRESS
    return task.status


def task_progress_post(
    *,
    actor: User,
    task: Task,
    status: str,
    note: str = "",
    attachment: UploadedFile | None = None,
) -> TaskProgress:
    """Report on a task: accepted, under way with a note and a file, done, or not possible.

    The lead (the unit the task is given to, or the agency leading it) sets the task's status
    and alone closes it as done; a cooperating agency reports its own part, which the lead is
    told of, and the task stays open for the lead to close.
    """
    require_task(actor, Action.ENTER, task)
    # An agency's member reports for the agency; a unit's member for the unit.
    agency = task_agency(actor, task, Action.ENTER)
    lead = can_close_task(actor, task)
    plan = task.assignment.plan
    unit = task_unit(task) or (agency.unit if agency else plan.issuer_unit)
    if plan.status != PlanStatus.ISSUED:
        raise ValidationError(_("Kế hoạch chưa ban hành."))
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Tiến độ không hợp lệ.")})
    if attachment is not None:
        _check_attachment(attachment)
    progress = TaskProgress(task=task, agency=agency, status=status, note=note, created_by=actor)
    progress.full_clean(exclude=["attachment"])
    try:
        with transaction.atomic():
            locked = Task.objects.select_for_update().get(pk=task.pk)
            if attachment is not None:
                progress.attachment.save(attachment.name or "tep", attachment, save=False)
            progress.save()
            after = _status_after(locked, status, lead=lead)
            if after != locked.status:
                locked.status = after
                locked.save(update_fields=["status"])
            task.status = after
            audit_record(
                actor=actor,
                action="task.progress",
                target=task,
                unit=unit,
                data={
                    "status": status,
                    "task_status": after,
                    "agency": agency.name if agency else "",
                    "lead": lead,
                },
            )
            if not lead:
                notifications.task_part_reported(progress)
    except Exception:
        # The database kept nothing: neither may the disk.
        if progress.attachment:
            progress.attachment.delete(save=False)
        raise
    return progress


def task_assign(*, actor: User, task: Task, agency: Agency) -> Task:
    """Give a task of a draft to an agency of the issuing unit (that agency's assignment)."""
    plan = task.assignment.plan
    require_plan(actor, Action.ENTER, plan)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Kế hoạch đã ban hành; muốn sửa hãy ban hành văn bản sửa đổi."))
    if agency.unit_id != plan.issuer_unit_id:
        raise ValidationError(_("Chỉ giao được cho cơ quan, tổ chức của đơn vị ban hành."))
    with transaction.atomic():
        previous = task.assignment
        target = Assignment.objects.filter(plan=plan, assignee_agency=agency).first()
        if target is None:
            last = Assignment.objects.filter(plan=plan).aggregate(n=Max("order"))["n"]
            target = Assignment.objects.create(
                plan=plan,
                order=(last or 0) + 1,
                assignee_label=agency.name,
                assignee_agency=agency,
            )
        task.assignment = target
        task.save(update_fields=["assignment"])
        if not previous.tasks.exists():
            previous.delete()
        audit_record(
            actor=actor,
            action="task.assign",
            target=task,
            unit=plan.issuer_unit,
            data={"agency": agency.name},
        )
    return task


def _locked_draft(actor: User, plan: Plan) -> Plan:
    """The draft, locked for the change; inside the caller's transaction."""
    require_plan(actor, Action.ENTER, plan)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Kế hoạch đã ban hành; muốn sửa hãy ban hành văn bản sửa đổi."))
    return plan


SKELETON_SECTIONS: list[dict[str, Any]] = [
    {
        "heading": "MỤC ĐÍCH, YÊU CẦU",
        "blocks": [
            {"type": "subsection", "heading": "Mục đích", "blocks": []},
            {"type": "subsection", "heading": "Yêu cầu", "blocks": []},
        ],
    },
    {
        "heading": "CHỦ ĐỀ, THỜI GIAN, PHẠM VI TRIỂN KHAI",
        "blocks": [{"type": "theme"}, {"type": "slogans"}],
    },
    {"heading": "MỤC TIÊU", "blocks": [{"type": "targets"}]},
    {"heading": "NỘI DUNG HOẠT ĐỘNG", "blocks": [{"type": "launch"}, {"type": "awards"}]},
    {"heading": "KINH PHÍ THỰC HIỆN", "blocks": [{"type": "budget"}]},
    {"heading": "TỔ CHỨC THỰC HIỆN", "blocks": [{"type": "assignments"}]},
    {"heading": "CHẾ ĐỘ BÁO CÁO", "blocks": [{"type": "reporting"}]},
]


def plan_create(
    *,
    actor: User,
    issuer_unit: AdministrativeUnit,
    kind: str,
    year: int,
    title: str,
    issuer_agency: Agency | None = None,
) -> Plan:
    """A new draft with the skeleton of a plan (DOMAIN.md §2) and the year's theme and slogans.

    An agency of the unit may issue it for its own part (a sector plan): the agency heads the
    document under the people's committee above it.
    """
    if issuer_agency is not None:
        require_agency(actor, Action.ENTER, issuer_agency)
        if issuer_agency.unit_id != issuer_unit.pk:
            raise ValidationError(_("Cơ quan này không thuộc đơn vị đã chọn."))
    else:
        require(actor, Action.ENTER, issuer_unit)
    committee = committee_header(issuer_unit)
    library = theme_of_year(year)
    action_month = kind == "action_month"
    with transaction.atomic():
        plan = Plan(
            issuer_unit=issuer_unit,
            issuer_agency=issuer_agency,
            header_above=committee if issuer_agency else "",
            header_name=agency_full_name(issuer_agency).upper() if issuer_agency else committee,
            kind=kind,
            year=year,
            place=issuer_unit.short_name,
            title=title,
            theme=library["theme"] if action_month else "",
            slogans=list(library["slogans"]) if action_month else [],
            period_start=date(year, 6, 1) if action_month else date(year, 1, 1),
            period_end=date(year, 6, 30) if action_month else date(year, 12, 31),
            scope=f"Trên địa bàn {_unit_phrase(issuer_unit)}.",
            sections=copy.deepcopy(SKELETON_SECTIONS),
            recipients=["Lưu: VT."],
            created_by=actor,
        )
        plan.refresh_outline()
        plan.full_clean()
        plan.save()
        audit_record(actor=actor, action="plan.create", target=plan, unit=issuer_unit)
    return plan


PLAN_HEADER_FIELDS = [
    "title",
    "subtitle",
    "symbol",
    "place",
    "parent_reference",
    "theme",
    "period_start",
    "period_end",
    "scope",
    "signer_authority",
    "signer_deputy",
    "signer_title",
    "signer_name",
]


def plan_update(*, actor: User, plan: Plan, **changes: Any) -> Plan:
    """Change the header fields of a draft; the period must lie in the plan's year. ``issued``
    is the date of issue as far as it is known (a PartialDate, a date, or None): a month only
    prints "ngày … tháng 5 năm 2026"."""
    require_plan(actor, Action.ENTER, plan)
    unknown = set(changes) - {*PLAN_HEADER_FIELDS, "issued"}
    if unknown:
        raise ValueError(f"not header fields: {sorted(unknown)}")
    fields = [f for f in changes if f != "issued"]
    with transaction.atomic():
        plan = _locked_draft(actor, plan)
        for field in fields:
            setattr(plan, field, changes[field])
        if "issued" in changes:
            issued = parse_partial(changes["issued"])
            plan.issued_on, plan.issued_on_precision = issued.stored() if issued else (None, "day")
            fields += ["issued_on", "issued_on_precision"]
        plan.full_clean()
        if _period_outside_year(plan):
            raise ValidationError({"period_start": str(PERIOD_OUTSIDE_YEAR)})
        plan.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="plan.update",
            target=plan,
            unit=plan.issuer_unit,
            data={"fields": sorted(changes)},
        )
    return plan


def assignee_groups(unit: AdministrativeUnit) -> list[tuple[str, str]]:
    """The groups of units below ``unit`` its plans give tasks to, named as its plans write them:
    a ward's "Các tổ dân phố", a commune's "Các thôn, bản"; above the communes, their committees."""
    if unit.level == 3:
        names = {"ward": "Các tổ dân phố", "township": "Các tổ dân phố", "commune": "Các thôn, bản"}
        return [(AssigneeGroup.HAMLETS, names.get(unit.kind, str(AssigneeGroup.HAMLETS.label)))]
    return [(AssigneeGroup.COMMUNES, str(AssigneeGroup.COMMUNES.label))]


def _stored(value: Any, *, end: bool = False) -> tuple[date | None, str]:
    known = parse_partial(value)
    return known.stored(end=end) if known else (None, "day")


def plan_tasks_replace(*, actor: User, plan: Plan, tasks: list[dict[str, Any]]) -> Plan:
    """Set a draft's tasks: each {agency | group, text, role, lead_label, start_on, due_on}.

    A task goes to an agency of the issuing unit or to a group of the units below it
    (``assignee_groups``: "Các tổ dân phố"). Its dates are dates or PartialDates: a month only
    is kept as the month ("trong tháng 6/2026"), a due month ending on its last day.
    All or nothing: one invalid task and nothing changes. A draft has no progress to lose.
    """
    require_plan(actor, Action.ENTER, plan)
    groups = dict(assignee_groups(plan.issuer_unit))
    errors: list[str] = []
    for number, item in enumerate(tasks, start=1):
        if item.get("group") is not None and item["group"] not in groups:
            errors.append(
                _("Dòng %(n)s: nhóm được giao không có ở cấp của đơn vị ban hành.") % {"n": number}
            )
        elif item.get("group") is None and (
            item.get("agency") is None or item["agency"].unit_id != plan.issuer_unit_id
        ):
            errors.append(
                _("Dòng %(n)s: chỉ giao cho cơ quan của đơn vị ban hành.") % {"n": number}
            )
        if item.get("role") == "cooperate" and not item.get("lead_label"):
            errors.append(
                _("Dòng %(n)s: nhiệm vụ phối hợp phải ghi đơn vị chủ trì.") % {"n": number}
            )
        try:
            start, due = parse_partial(item.get("start_on")), parse_partial(item.get("due_on"))
        except ValueError:
            errors.append(_("Dòng %(n)s: ngày không hợp lệ.") % {"n": number})
            continue
        if start and due and due.last() < start.first():
            errors.append(_("Dòng %(n)s: hạn hoàn thành trước ngày bắt đầu.") % {"n": number})
        if due and due.last() < plan.period_start:
            errors.append(_("Dòng %(n)s: hạn trước thời gian thực hiện kế hoạch.") % {"n": number})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = _locked_draft(actor, plan)
        Assignment.objects.filter(plan=plan).delete()
        by_assignee: dict[str, Assignment] = {}
        for order, item in enumerate(tasks):
            agency: Agency | None = item.get("agency")
            group: str = item.get("group") or ""
            key = f"agency:{agency.pk}" if agency is not None and not group else f"group:{group}"
            if key not in by_assignee:
                by_assignee[key] = Assignment.objects.create(
                    plan=plan,
                    order=len(by_assignee),
                    assignee_label=agency.name
                    if agency is not None and not group
                    else groups[group],
                    assignee_agency=None if group else agency,
                    assignee_group=group,
                )
            start_on, start_precision = _stored(item.get("start_on"))
            due_on, due_precision = _stored(item.get("due_on"), end=True)
            task = Task(
                assignment=by_assignee[key],
                order=order,
                text=item["text"],
                role=item.get("role") or "lead",
                lead_label=item.get("lead_label") or "",
                start_on=start_on,
                start_precision=start_precision,
                due_on=due_on,
                due_precision=due_precision,
            )
            task.full_clean()
            task.save()
        audit_record(
            actor=actor,
            action="plan.tasks",
            target=plan,
            unit=plan.issuer_unit,
            data={"tasks": len(tasks)},
        )
    return plan


def plan_targets_replace(*, actor: User, plan: Plan, targets: list[dict[str, Any]]) -> Plan:
    """Set a draft's numeric targets: each {text, indicator, value, unit, denominator, baseline,
    data_element_code}. A target measured by a report names a row of table 2 of the
    child-protection report, or a measure of plans (datafile.MEASURED_ROWS); one naming anything
    else (a row of another form) is refused and nothing changes."""
    require_plan(actor, Action.ENTER, plan)
    errors = [
        _(
            "Chỉ tiêu %(n)s: “%(code)s” không phải một dòng của bảng 2 (Kết quả thực hiện các "
            "chỉ tiêu) của biểu Báo cáo công tác bảo vệ, chăm sóc trẻ em."
        )
        % {"n": number, "code": str(item["data_element_code"])[:60]}
        for number, item in enumerate(targets, start=1)
        if item.get("data_element_code") and item["data_element_code"] not in target_rows()
    ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = _locked_draft(actor, plan)
        Target.objects.filter(plan=plan).delete()
        rows = []
        for order, item in enumerate(targets):
            target = Target(plan=plan, order=order, **item)
            if not target.indicator:
                target.indicator = target.text
            target.full_clean()
            rows.append(target)
        Target.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="plan.targets",
            target=plan,
            unit=plan.issuer_unit,
            data={"targets": len(rows)},
        )
    return plan


def plan_discard(*, actor: User, plan: Plan) -> None:
    """Delete a draft, or a received plan kept by mistake, with its parts. An issued plan is a
    record and stays; so does a plan another plan implements (derive from it, then it is kept)."""
    require_plan_discard(actor, plan)
    with transaction.atomic():
        # The row locked and read again: a draft issued meanwhile is no longer discarded.
        current = Plan.objects.select_for_update().filter(pk=plan.pk).first()
        if current is None:
            return
        if current.status not in (PlanStatus.DRAFT, PlanStatus.RECEIVED):
            raise ValidationError(
                _(
                    "Chỉ xóa được dự thảo hoặc kế hoạch cấp trên đã nhận; kế hoạch đã ban "
                    "hành được lưu giữ."
                )
            )
        if current.children.exists() or current.amendments.exists():
            raise ValidationError(_("Đã có kế hoạch xây dựng từ kế hoạch này; không xóa được."))
        audit_record(
            actor=actor,
            action="plan.discard",
            target=current,
            unit=current.received_by or current.issuer_unit,
            data={"title": current.title, "status": current.status, "year": current.year},
        )
        try:
            current.delete()
        except models.ProtectedError:
            raise ValidationError(
                _("Kế hoạch đang được dùng ở nơi khác; không xóa được.")
            ) from None


def plan_amend(*, actor: User, plan: Plan) -> Plan:
    """A draft amendment of an issued plan: its full content, to change and issue in its place."""
    require_plan(actor, Action.ENTER, plan)
    if plan.status != PlanStatus.ISSUED:
        raise ValidationError(_("Chỉ sửa đổi được kế hoạch đang có hiệu lực."))
    with transaction.atomic():
        amendment = Plan.objects.get(pk=plan.pk)
        amendment.pk = None
        amendment.key = None
        amendment.status = PlanStatus.DRAFT
        amendment.number = None
        amendment.issued_on = None
        amendment.amends = plan
        # Document text is Vietnamese whatever the language of the screen.
        amendment.title = (
            f"Sửa đổi, bổ sung Kế hoạch số {plan.number_text} ngày {_date_text(plan.issued_on)} "
            f"về {plan.title[0].lower()}{plan.title[1:]}"
        )
        amendment.created_by = actor
        amendment.full_clean()
        amendment.save()
        _copy_parts(plan, amendment)
        audit_record(
            actor=actor,
            action="plan.amend",
            target=amendment,
            unit=plan.issuer_unit,
            data={"amends": plan.pk},
        )
    return amendment


MAX_RECIPIENTS = 200


def clean_recipients(recipients: list[Any]) -> list[Any]:
    """The recipients as a plan keeps them, or ValidationError (in Vietnamese) saying why not:
    texts and groups {heading, items}, a group with a heading and at least one recipient."""
    clean: list[Any] = []
    lines = 0
    for item in recipients:
        if isinstance(item, str):
            if item.strip():
                clean.append(item.strip())
                lines += 1
            continue
        if not isinstance(item, dict) or set(item) - {"heading", "items"}:
            raise ValidationError(_("Nơi nhận phải là một dòng chữ hoặc một nhóm có tiêu đề."))
        heading = item.get("heading")
        items = item.get("items")
        if not isinstance(heading, str) or not heading.strip():
            raise ValidationError(_("Một nhóm nơi nhận chưa có tiêu đề (Gửi bản giấy:…)."))
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValidationError(_("Nơi nhận của một nhóm phải là các dòng chữ."))
        kept = [i.strip() for i in items if i.strip()]
        if not kept:
            raise ValidationError(
                _("Nhóm nơi nhận “%(heading)s” chưa có nơi nhận nào; hãy thêm các dòng dưới nó.")
                % {"heading": heading.strip()[:100]}
            )
        clean.append({"heading": heading.strip(), "items": kept})
        lines += 1 + len(kept)
    if lines > MAX_RECIPIENTS:
        raise ValidationError(_("Nơi nhận có tối đa %(n)s dòng.") % {"n": MAX_RECIPIENTS})
    return clean


def plan_lists_update(
    *,
    actor: User,
    plan: Plan,
    slogans: list[str] | None = None,
    budget: list[dict[str, Any]] | None = None,
    reporting: list[dict[str, Any]] | None = None,
    recipients: list[Any] | None = None,
    awards: list[dict[str, Any]] | None = None,
    launch: dict[str, Any] | None = None,
) -> Plan:
    """Replace the given lists of a draft: slogans, budget, reporting regime, recipients, award
    rules, launch ceremony. (The body's paragraphs, the bases among them, are the outline
    editor's: plans/editor.py.)

    A recipient is a text or a group {heading: "Gửi bản giấy:", items: [texts]}, which prints
    its sub-heading and its own recipients under it. The launch's date may be a month only
    (a PartialDate); its lead, cooperating units and participants are kept unless given."""
    if recipients is not None:
        recipients = clean_recipients(recipients)
    with transaction.atomic():
        plan = _locked_draft(actor, plan)
        changed = []
        if slogans is not None:
            plan.slogans = [s for s in slogans if s]
            changed.append("slogans")
        if recipients is not None:
            plan.recipients = recipients
            changed.append("recipients")
        if launch is not None:
            day = parse_partial(launch.get("date"))
            plan.launch = {
                **(plan.launch or {}),
                "held": bool(launch.get("held")),
                "date": day.iso() if day else None,
                "place": launch.get("place") or None,
                "agenda": [a for a in launch.get("agenda", []) if a],
                "note": launch.get("note") or "",
            }
            for key in ("cooperating", "participants"):
                if key in launch:
                    plan.launch[key] = [str(x) for x in launch[key] or [] if x]
            if "lead" in launch:
                plan.launch["lead"] = launch["lead"] or None
            changed.append("launch")
        if changed:
            plan.save(update_fields=[*changed, "updated_at"])
        if awards is not None:
            AwardRule.objects.filter(plan=plan).delete()
            rules = [AwardRule(plan=plan, order=i, **item) for i, item in enumerate(awards)]
            for rule in rules:
                rule.full_clean()
            AwardRule.objects.bulk_create(rules)
        if budget is not None:
            BudgetLine.objects.filter(plan=plan).delete()
            lines = [BudgetLine(plan=plan, order=i, **item) for i, item in enumerate(budget)]
            for line in lines:
                line.full_clean()
            BudgetLine.objects.bulk_create(lines)
        if reporting is not None:
            ReportingRequirement.objects.filter(plan=plan).delete()
            rows = [
                ReportingRequirement(plan=plan, order=i, **item) for i, item in enumerate(reporting)
            ]
            for row in rows:
                row.full_clean()
            ReportingRequirement.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="plan.lists",
            target=plan,
            unit=plan.issuer_unit,
            data={
                "changed": changed,
                "budget": budget is not None,
                "reporting": reporting is not None,
                "awards": awards is not None,
            },
        )
    return plan


def _appendix_text(
    value: Any, *, label: str, limit: int, required: bool = False, markup: bool = True
) -> str:
    """A text of an appendix as the rest of the plan writes it: one line, NFC, no control
    character, no HTML, at most ``limit`` characters; a body's line may mark **bold** and
    *italic* (closed), a title or a reference line prints as written."""
    text = clean_text(value if value is not None else "").strip()
    if required and not text:
        raise ValidationError(_("%(field)s của phụ lục không được để trống.") % {"field": label})
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s của phụ lục dài quá %(n)s ký tự.") % {"field": label, "n": limit}
        )
    try:
        if markup:
            parse_runs(text)
    except ValueError as error:
        raise ValidationError(
            _("%(field)s của phụ lục: %(problem)s.") % {"field": label, "problem": error}
        ) from None
    return text


def _appendix(given: dict[str, Any], appendices: list[Any]) -> dict[str, Any]:
    """One appendix as the editor sends it: ``source`` (its place in the list the editor read,
    none for a new one), ``title``, ``reference``, ``texts`` (its lines in order, see
    plans/appendices.py) and ``more`` (paragraphs added at its end)."""
    source = given.get("source")
    if source is not None and (type(source) is not int or not 0 <= source < len(appendices)):
        raise ValidationError(_("Phụ lục gửi lên không có trong kế hoạch."))
    title = _appendix_text(
        given.get("title"), label=_("Tên"), limit=MAX_APPENDIX_TITLE, required=True, markup=False
    )
    reference = _appendix_text(
        given.get("reference"), label=_("Dòng kèm theo"), limit=MAX_APPENDIX_REFERENCE, markup=False
    )
    old = appendices[source] if source is not None else {"blocks": []}
    # Only a paragraph prints its bold and italic; headings and bullets print as written.
    kinds = [line.kind for line in appendix_lines(old) if line.editable]
    given_texts, given_more = list(given.get("texts") or []), list(given.get("more") or [])
    if len(given_texts) != len(kinds):
        raise ValidationError(_("Số dòng gửi lên không khớp với phụ lục."))
    if len(given_more) > MAX_APPENDIX_LINES:
        raise ValidationError(
            _("Một phụ lục có tối đa %(n)s dòng chữ.") % {"n": MAX_APPENDIX_LINES}
        )
    texts = [
        _appendix_text(t, label=_("Nội dung"), limit=MAX_TEXT, markup=kind == "text")
        for t, kind in zip(given_texts, kinds, strict=True)
    ]
    more = [_appendix_text(t, label=_("Nội dung"), limit=MAX_TEXT) for t in given_more]
    try:
        blocks = with_texts(old.get("blocks") or [], texts)
    except AppendixTextError as error:
        raise ValidationError(str(error)) from None
    blocks += [{"type": "text", "text": text} for text in more if text]
    if sum(line.editable for line in appendix_lines({"blocks": blocks})) > MAX_APPENDIX_LINES:
        raise ValidationError(
            _("Một phụ lục có tối đa %(n)s dòng chữ.") % {"n": MAX_APPENDIX_LINES}
        )
    return {"title": title, "reference": reference or None, "blocks": blocks}


class AppendicesConflictError(ValidationError):
    """The appendices changed since the editor read them (its version is stale)."""


def plan_appendices_update(
    *,
    actor: User,
    plan: Plan,
    appendices: list[dict[str, Any]],
    expected_version: str,
) -> Plan:
    """Replace a draft's appendices with those given, in their order (see ``_appendix``): an
    appendix of the list read but not given is removed, one without a source is added. Tables
    stay as they are. ``expected_version`` is the digest of the appendices the editor read;
    another change in between is refused, as is any bad text, and nothing changes."""
    with transaction.atomic():
        plan = _locked_draft(actor, plan)
        before = list(plan.appendices or [])
        if expected_version != appendices_version(before):
            raise AppendicesConflictError(
                _(
                    "Phụ lục vừa được người khác (hoặc một cửa sổ khác) sửa sau khi bạn mở trang; "
                    "thay đổi của bạn chưa được lưu. Hãy xem bản mới nhất rồi sửa lại."
                )
            )
        if len(appendices) > MAX_APPENDICES:
            raise ValidationError(_("Kế hoạch có tối đa %(n)s phụ lục.") % {"n": MAX_APPENDICES})
        sources = [a.get("source") for a in appendices if a.get("source") is not None]
        if len(sources) != len(set(sources)):
            raise ValidationError(_("Một phụ lục được gửi lên hai lần."))
        plan.appendices = [_appendix(given, before) for given in appendices]
        plan.save(update_fields=["appendices", "updated_at"])
        audit_record(
            actor=actor,
            action="plan.appendices",
            target=plan,
            unit=plan.issuer_unit,
            data={"before": before, "count": len(plan.appendices)},
        )
    return plan
