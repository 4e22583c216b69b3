from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _

from vitreem.accounts.access import (
    Action,
    AnyUser,
    agency_tasks_q,
    can_task,
    memberships,
    readable_plans_q,
)
from vitreem.units.models import AdministrativeUnit

from .dates import from_stored, parse_partial
from .models import (
    ActivityGroup,
    Assignment,
    Plan,
    PlanStatus,
    ReportingRequirement,
    Task,
    TaskProgress,
    TaskStatus,
)
from .outline import activities, parse_runs, plain, printed, with_facts

__all__ = ["Plan", "plan_document", "plan_with_parts", "plans_for_user", "tasks_for_user"]


def plans_for_user(
    user: AnyUser,
    *,
    year: int | None = None,
    issuer_code: str | None = None,
    kind: str | None = None,
) -> QuerySet[Plan]:
    plans = Plan.objects.filter(readable_plans_q(user)).select_related("issuer_unit")
    if year:
        plans = plans.filter(year=year)
    if issuer_code:
        plans = plans.filter(issuer_unit__code=issuer_code)
    if kind:
        plans = plans.filter(kind=kind)
    return plans.order_by("-year", "issuer_unit__level", "issuer_unit__name_folded", "-id")


def plan_with_parts(plan_id: int) -> Plan | None:
    return (
        Plan.objects.filter(pk=plan_id)
        .select_related("issuer_unit", "issuer_agency", "parent", "received_by")
        .prefetch_related(
            "targets",
            "budget_lines",
            "award_rules",
            "reporting",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related(
                    "assignee_unit", "assignee_agency"
                ).prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("order"))),
            ),
        )
        .first()
    )


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as the plain data the document builders take (plans/data/SCHEMA.md)."""
    launch = dict(plan.launch or {})
    launch["date"] = parse_partial(launch.get("date"))
    rules = list(plan.reporting.all())
    in_tasks = {r.task_id: r for r in rules if r.task_id}
    assignments = list(plan.assignments.all())
    return {
        "key": plan.key,
        "kind": plan.kind,
        "issuer": {"header_above": plan.header_above or None, "header_name": plan.header_name},
        "number": plan.number,
        "symbol": plan.symbol,
        "place": plan.place,
        "issued_on": plan.issued,
        "year": plan.year,
        "title": plan.title,
        "subtitle": plan.subtitle or None,
        "theme": plan.theme,
        "period": {
            "start": from_stored(plan.period_start, plan.period_start_precision),
            "end": from_stored(plan.period_end, plan.period_end_precision),
        },
        "scope": plan.scope,
        "opening": plan.opening,
        "sections": plan.sections,
        "outline": plan.outline,
        "closing": plan.closing,
        "appendices": plan.appendices,
        "slogans": plan.slogans,
        "launch": launch,
        "recipients": plan.recipients,
        "signer": {
            "authority": plan.signer_authority or None,
            "deputy": plan.signer_deputy or None,
            "title": plan.signer_title,
            "name": plan.signer_name,
        },
        "targets": [
            {
                "text": t.text,
                "indicator": t.indicator,
                "value": _number(t.value),
                "unit": t.unit,
                "denominator": t.denominator,
                "baseline": _number(t.baseline),
            }
            for t in plan.targets.all()
        ],
        "budget": [
            {
                "source": b.source,
                "sources": b.sources or [b.source],
                "text": b.text,
                "amount": b.amount,
            }
            for b in plan.budget_lines.all()
        ],
        "awards": [{"text": a.text, "threshold": a.threshold} for a in plan.award_rules.all()],
        # The reporting part: the rules a task does not state (those print in their task).
        "reporting": [_rule(r) for r in rules if not r.task_id],
        "assignments": _assignees(_by_parent(assignments), None, in_tasks),
    }


def _rule(rule: ReportingRequirement) -> dict[str, Any]:
    return {
        "report": rule.report,
        "by": rule.by,
        "to": rule.to,
        "through": rule.through,
        "due": from_stored(rule.due, rule.due_precision),
        "text": rule.text,
    }


def _by_parent(assignments: list[Assignment]) -> dict[int | None, list[Assignment]]:
    groups: dict[int | None, list[Assignment]] = {}
    for assignment in assignments:
        groups.setdefault(assignment.parent_id, []).append(assignment)
    return groups


def _assignees(
    groups: dict[int | None, list[Assignment]],
    parent: int | None,
    rules: dict[int, ReportingRequirement],
) -> list[dict[str, Any]]:
    """The assignees under ``parent`` (the plan's own when None), each with its divisions."""
    return [
        {
            "assignee": a.assignee_label,
            "label": a.label or None,
            "assignee_group": a.assignee_group or None,
            "marker": a.task_marker or None,
            "tasks": [
                {
                    "text": t.text,
                    "role": t.role,
                    "lead": t.lead_label,
                    "start": from_stored(t.start_on, t.start_precision),
                    "due": from_stored(t.due_on, t.due_precision),
                    **({"reporting": _rule(rules[t.pk])} if t.pk in rules else {}),
                }
                for t in a.tasks.all()
            ],
            "children": _assignees(groups, a.pk, rules),
        }
        for a in groups.get(parent, [])
    ]


def assignments_in_order(plan: Plan) -> list[tuple[Assignment, int, list[Assignment]]]:
    """The plan's assignees in the order they print: each followed by its divisions (and
    theirs), with its depth (0 for the plan's own) and its divisions."""
    groups = _by_parent(list(plan.assignments.all()))
    rows: list[tuple[Assignment, int, list[Assignment]]] = []

    def walk(parent: int | None, depth: int) -> None:
        for assignment in groups.get(parent, []):
            rows.append((assignment, depth, groups.get(assignment.pk, [])))
            walk(assignment.pk, depth + 1)

    walk(None, 0)
    return rows


def recipient_texts(recipients: list[Any]) -> list[str]:
    """The recipients as lines in order: a group's sub-heading ("Gửi bản giấy:"), then its own."""
    lines: list[str] = []
    for item in recipients:
        if isinstance(item, dict):
            lines.append(str(item.get("heading") or ""))
            lines.extend(str(sub) for sub in item.get("items") or [])
        else:
            lines.append(str(item))
    return lines


def plan_outline(plan: Plan) -> list[dict[str, Any]]:
    """The body as printed: the outline with the plan's facts in their places, every node with
    its number as printed (plans/outline.py)."""
    return printed(with_facts(plan.outline, plan_document(plan)))


def _heading_of(text: str) -> str:
    """A heading's own words: the bold part before the colon when the text runs on after it
    ("**Truyền thông:** Tổ chức …" → "Truyền thông"), else the whole text."""
    runs = parse_runs(text)
    if len(runs) > 1 and runs[0][1] and runs[0][0].rstrip().endswith(":"):
        return runs[0][0].rstrip().removesuffix(":").strip()
    return plain(text)


def plan_activities(plan: Plan) -> list[dict[str, Any]]:
    """The activities of the body (its nodes of role "activity"), in document order, each with
    its group of Circular 28/2019, its own dates and its implementing units when given."""
    labels = dict(ActivityGroup.choices)
    rows = []
    for node in activities(plan.outline):
        facts = node.get("activity") or {}
        group = facts.get("group") or None
        start, end = parse_partial(facts.get("start")), parse_partial(facts.get("end"))
        rows.append(
            {
                "group": group,
                "group_label": str(labels[group]) if group in labels else "",
                "heading": _heading_of(node["text"]),
                "start": start.iso() if start else None,
                "start_precision": start.precision if start else None,
                "end": end.iso() if end else None,
                "end_precision": end.precision if end else None,
                "units": list(facts.get("units") or []),
            }
        )
    return rows


def amendments_of(plan: Plan) -> QuerySet[Plan]:
    return Plan.objects.filter(amends=plan).order_by("issued_on", "pk")


def tasks_for_user(user: AnyUser) -> QuerySet[Task]:
    """Tasks of issued plans assigned to the user's units or to their agencies, and the tasks of
    the agencies the user is a member of."""
    unit_ids = [m.unit_id for m in memberships(user)]
    return (
        Task.objects.filter(assignment__plan__status="issued")
        .filter(
            Q(assignment__assignee_unit_id__in=unit_ids)
            | Q(assignment__assignee_agency__unit_id__in=unit_ids)
            | agency_tasks_q(user)
        )
        .select_related(
            "assignment__plan", "assignment__assignee_agency__unit", "assignment__assignee_unit"
        )
        .order_by(F("due_on").asc(nulls_last=True), "assignment__plan_id", "order")
    )


def tasks_of_unit(unit: AdministrativeUnit) -> QuerySet[Task]:
    """Tasks of issued plans assigned to the unit or to its agencies."""
    return (
        Task.objects.filter(assignment__plan__status="issued")
        .filter(Q(assignment__assignee_unit=unit) | Q(assignment__assignee_agency__unit=unit))
        .select_related("assignment__plan")
        .order_by(F("due_on").asc(nulls_last=True), "assignment__plan_id", "order")
    )


def task_of_plan(plan: Plan, task_id: int) -> Task:
    task = Task.objects.filter(assignment__plan=plan, pk=task_id).first()
    if task is None:
        raise Http404(_("Không tìm thấy nhiệm vụ."))
    return task


def unassigned_tasks(plan: Plan) -> QuerySet[Task]:
    """The plan's tasks given to nobody: no unit, no agency, no group of them."""
    return (
        Task.objects.filter(
            assignment__plan=plan,
            assignment__assignee_unit__isnull=True,
            assignment__assignee_agency__isnull=True,
            assignment__assignee_group="",
        )
        .select_related("assignment")
        .order_by("assignment__order", "order")
    )


def is_unassigned(assignment: Assignment) -> bool:
    return not (
        assignment.assignee_unit_id or assignment.assignee_agency_id or assignment.assignee_group
    )


BOARD_LATEST = 3  # the reports shown per task on the board, newest first


@dataclass(frozen=True)
class BoardTask:
    task: Task
    overdue: bool
    # The latest reports (who, when, note, file), only where the user may read the task itself.
    latest: list[TaskProgress]
    readable: bool


@dataclass(frozen=True)
class BoardRow:
    assignment: Assignment
    unassigned: bool
    tasks: list[BoardTask]
    done: int
    overdue: int


def plan_board(plan: Plan, today: date, user: AnyUser) -> list[BoardRow]:
    """Per assignee: its tasks with their status, the latest reports on each, and how many are
    done or overdue. A fixed number of queries however many tasks and reports the plan has (the
    plan's assignments and tasks are those plan_with_parts fetched already)."""
    assignments = list(plan.assignments.all())
    tasks = [task for assignment in assignments for task in assignment.tasks.all()]
    prefetch_related_objects(assignments, "assignee_unit", "assignee_agency__unit")
    prefetch_related_objects(
        tasks,
        Prefetch(
            "progress",
            queryset=TaskProgress.objects.select_related("created_by", "agency").order_by(
                "-created_at", "-id"
            ),
        ),
    )
    rows = []
    for assignment in assignments:
        assignment.plan = plan  # the access rule asks which unit issued the task's plan
        board_tasks = []
        for task in assignment.tasks.all():
            readable = can_task(user, Action.READ, task)
            board_tasks.append(
                BoardTask(
                    task=task,
                    overdue=is_overdue(task, today),
                    latest=list(task.progress.all())[:BOARD_LATEST] if readable else [],
                    readable=readable,
                )
            )
        rows.append(_board_row(assignment, board_tasks))
    return rows


def _board_row(assignment: Assignment, tasks: list[BoardTask]) -> BoardRow:
    return BoardRow(
        assignment=assignment,
        unassigned=is_unassigned(assignment),
        tasks=tasks,
        done=sum(t.task.status == "done" for t in tasks),
        overdue=sum(t.overdue for t in tasks),
    )


UNASSIGNED = "none"  # the agency filter's value for the tasks given to nobody


def board_assignees(rows: list[BoardRow]) -> list[tuple[str, str]]:
    """The board's agency filter: each agency the plan gives tasks to, and "Chưa giao"."""
    choices: dict[str, str] = {}
    for row in rows:
        agency = row.assignment.assignee_agency
        if agency is not None:
            choices.setdefault(str(agency.pk), agency.name)
        elif row.unassigned:
            choices.setdefault(UNASSIGNED, _("Chưa giao"))
    return sorted(choices.items(), key=lambda item: (item[0] == UNASSIGNED, item[1]))


def filter_board(
    rows: list[BoardRow], *, agency: str = "", status: str = "", overdue: bool = False
) -> list[BoardRow]:
    """The rows of the board narrowed to one agency (or the tasks given to nobody), one status,
    the overdue tasks; rows left without a task are dropped."""
    kept = []
    for row in rows:
        if agency == UNASSIGNED and not row.unassigned:
            continue
        if agency and agency != UNASSIGNED and str(row.assignment.assignee_agency_id) != agency:
            continue
        tasks = [
            t
            for t in row.tasks
            if (not status or t.task.status == status) and (not overdue or t.overdue)
        ]
        if tasks:
            kept.append(_board_row(row.assignment, tasks))
    return kept


def progress_with_file(task: Task, progress_id: int) -> TaskProgress:
    """A report on the task that carries a file, or 404."""
    progress = TaskProgress.objects.filter(task=task, pk=progress_id).exclude(attachment="").first()
    if progress is None:
        raise Http404(_("Không tìm thấy tệp đính kèm."))
    return progress


def is_overdue(task: Task, today: date) -> bool:
    return bool(task.due_on and task.due_on < today and task.status not in {"done", "cannot_do"})


def derived_plans(parent: Plan, units: list[AdministrativeUnit]) -> list[Plan]:
    """The plans these units derived from the parent plan, issued ones first."""
    if not units:
        return []
    return list(
        Plan.objects.filter(parent=parent, issuer_unit__in=units)
        .select_related("issuer_unit")
        .order_by("issuer_unit__name", "status", "pk")
    )


def plans_in_force(unit: AdministrativeUnit, today: date, *, limit: int = 5) -> list[Plan]:
    """The issued plans of the unit and of the units above it whose period holds the day, the
    unit's own first, with their targets. Two queries."""
    issuers = [i for i in (unit.pk, unit.district_id, unit.province_id) if i]
    found = (
        Plan.objects.filter(
            issuer_unit_id__in=issuers,
            status=PlanStatus.ISSUED,
            period_start__lte=today,
            period_end__gte=today,
        )
        .select_related("issuer_unit")
        .prefetch_related("targets")
        .order_by("-issuer_unit__level", "-period_start", "-pk")
    )
    return list(found[:limit])


@dataclass
class AgencyTasks:
    """How the tasks a plan gives one agency stand on a day."""

    name: str
    total: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0


def task_counts(plan: Plan, today: date) -> list[AgencyTasks]:
    """The plan's tasks per assignee: done (or found impossible), still open, overdue. One
    query."""
    closed = Q(status__in=[TaskStatus.DONE, TaskStatus.CANNOT_DO])
    late = ~closed & Q(due_on__lt=today)
    rows = (
        Task.objects.filter(assignment__plan=plan)
        .values("assignment_id", "assignment__assignee_label", "assignment__order")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=closed),
            overdue=Count("id", filter=late),
        )
        .order_by("assignment__order", "assignment_id")
    )
    return [
        AgencyTasks(
            name=r["assignment__assignee_label"],
            total=r["total"],
            done=r["done"],
            open=r["total"] - r["done"] - r["overdue"],
            overdue=r["overdue"],
        )
        for r in rows
    ]
