"""THE access rule. Every page, API endpoint and export asks this module, and only this module.

- A member of a unit may READ the data of that unit and of every unit below it (its subtree).
- Writes are per role and only on the member's own unit: an officer enters and submits data,
  a leader also approves, signs and manages the unit's agencies; a viewer only reads.
- Children's records are read like the rest of a unit's data, but their sensitive fields
  (health, disability, HIV, abuse, drugs, crime, ethnicity) only by members granted sensitive
  data, in their unit and below; child lists are exported and the read log is read only by the
  leaders of the unit or of a unit above. Those leaders also grant sensitive data, never to
  themselves (accounts.services.membership_set_sensitive).
- A member of an agency (its police, a school, the health station, a department: officer,
  leader or viewer, as for a unit) reaches the agency's own work only: the tasks given to the
  agency or to a group that includes it ("các cơ quan, ban, ngành" of its unit), the agency's
  reports in rounds and those rounds, the agency's own sector plans (drafted by its officers,
  issued by its leaders) and the issued plans of its unit and the units above. Never the unit's
  other data, and never children's records. The unit's own members act for its agencies.
- A unit formed in the 2025 reform is the heir of the units it was formed from: its readers
  read their filed reports summed, as its own figures of the years before (its trend; a
  divided commune's go to its default successor only). Never those units' reports one by one.
- A plan of a unit above that a unit received and kept as imported from its document (status
  "received") is the receiving unit's record: read by that unit's own members only, not by the
  issuer nor by the units above or beside it; never changed by anyone; the receiving unit's
  officers and leaders derive their own plan from it.
- A background job (an import, an export, a PDF) and the file it made are read by the user who
  started it and by the readers of its unit.
- Superusers administer everything.
- "Not found" and "not yours" look the same to the caller (404); a unit that the user may read
  but not change answers 403.

The administrative registry itself (names, codes, hierarchy, agencies) is public reference data:
any signed-in user may browse it. What this rule guards is each unit's own data.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from vitreem.units.models import AdministrativeUnit

from .models import AgencyMembership, Membership, Role, User

if TYPE_CHECKING:
    from vitreem.assessments.models import Assessment
    from vitreem.children.models import Child
    from vitreem.fund.models import Fund
    from vitreem.jobs.models import Job
    from vitreem.plans.models import Plan, Task
    from vitreem.reporting.models import Round, Submission
    from vitreem.units.models import Agency

PUBLISHED = ("issued", "amended")  # as vitreem.plans.models.PUBLISHED; units must not import plans
RECEIVED = "received"  # as vitreem.plans.models.PlanStatus.RECEIVED


class Action(StrEnum):
    READ = "read"
    ENTER = "enter"  # enter and submit the unit's data
    APPROVE = "approve"  # approve, return, sign for the unit
    MANAGE = "manage"  # manage the unit's agencies and settings


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.OFFICER: frozenset({Action.READ, Action.ENTER}),
    Role.LEADER: frozenset({Action.READ, Action.ENTER, Action.APPROVE, Action.MANAGE}),
    Role.VIEWER: frozenset({Action.READ}),
}

AnyUser = User | AnonymousUser


def memberships(user: AnyUser) -> list[Membership]:
    """The user's memberships with their units, fetched once per user object (per request)."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_vitreem_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        setattr(user, "_vitreem_memberships", cached)  # noqa: B010  (a per-request cache)
    return cached


def agency_memberships(user: AnyUser) -> list[AgencyMembership]:
    """The user's agency memberships with their agencies and units, fetched once per request."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[AgencyMembership] | None = getattr(user, "_vitreem_agency_memberships", None)
    if cached is None:
        cached = list(AgencyMembership.objects.filter(user=user).select_related("agency__unit"))
        setattr(user, "_vitreem_agency_memberships", cached)  # noqa: B010  (a per-request cache)
    return cached


def _ancestor_ids(unit: AdministrativeUnit) -> set[int]:
    return {i for i in (unit.pk, unit.province_id, unit.district_id) if i is not None}


def can(user: AnyUser, action: Action, unit: AdministrativeUnit) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if action is Action.READ:
        reach = _ancestor_ids(unit)
        return any(m.unit_id in reach for m in memberships(user))
    return any(m.unit_id == unit.pk and action in ROLE_ACTIONS[m.role] for m in memberships(user))


def require(user: AnyUser, action: Action, unit: AdministrativeUnit) -> None:
    """404 when the unit's data is not the user's to see; 403 when not theirs to change."""
    if not can(user, Action.READ, unit):
        raise Http404(_("Không tìm thấy dữ liệu của đơn vị này."))
    if not can(user, action, unit):
        raise PermissionDenied(_("Vai trò của bạn tại đơn vị này không cho phép thao tác này."))


def can_read_national(user: AnyUser) -> bool:
    """The national tables (every province summed) are the ministry's. There is no ministry
    unit: superusers stand for it, and nobody else reads them."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def require_national(user: AnyUser) -> None:
    """404 for anyone who may not read the national tables, as for a page that does not exist."""
    if not can_read_national(user):
        raise Http404(_("Không tìm thấy trang."))


def readable_units_q(user: AnyUser, prefix: str = "") -> Q:
    """A filter on a unit foreign key (``prefix`` e.g. "unit__") to the units the user may read."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for m in memberships(user):
        q |= Q(**{f"{prefix}{m.unit.subtree_field}": m.unit_id})
    return q


def reach_upward_ids(user: AnyUser) -> set[int]:
    """The units of the user and of the user's agencies, and every unit above them: whose
    issued plans reach the user."""
    ids: set[int] = set()
    for m in memberships(user):
        ids |= _ancestor_ids(m.unit)
    for am in agency_memberships(user):
        ids |= _ancestor_ids(am.agency.unit)
    return ids


def can_agency(user: AnyUser, action: Action, agency: "Agency") -> bool:
    """The agency's own work: its unit's members as for the unit's data (they act for the unit's
    agencies), and the agency's members per their role."""
    if can(user, action, agency.unit):
        return True
    return any(
        am.agency_id == agency.pk and action in ROLE_ACTIONS[am.role]
        for am in agency_memberships(user)
    )


def require_agency(user: AnyUser, action: Action, agency: "Agency") -> None:
    """404 when the agency's work is not the user's to see; 403 when not theirs to change."""
    if not can_agency(user, Action.READ, agency):
        raise Http404(_("Không tìm thấy dữ liệu của cơ quan này."))
    if not can_agency(user, action, agency):
        raise PermissionDenied(_("Vai trò của bạn tại cơ quan này không cho phép thao tác này."))


def agencies_with_action(user: AnyUser, action: Action) -> list["Agency"]:
    """The agencies where the user holds an agency role that allows the action."""
    return [am.agency for am in agency_memberships(user) if action in ROLE_ACTIONS[am.role]]


def agency_ids_with_action(user: AnyUser, action: Action) -> set[int]:
    """The agencies where the user holds an agency role that allows the action."""
    return {am.agency_id for am in agency_memberships(user) if action in ROLE_ACTIONS[am.role]}


def _member_of(user: AnyUser, unit_id: int) -> bool:
    """Whether the user holds a role at that very unit (not above it); superusers do."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(m.unit_id == unit_id for m in memberships(user))


def can_read_plan(user: AnyUser, plan: "Plan") -> bool:
    """A plan is read by the issuer's subtree readers (and an agency's plan by the agency's
    members); once issued, also by the units and agencies below it. A received plan only by the
    members of the unit that received it."""
    if plan.received_by_id:
        return _member_of(user, plan.received_by_id)
    if can(user, Action.READ, plan.issuer_unit):
        return True
    if plan.issuer_agency_id and plan.issuer_agency_id in agency_ids_with_action(user, Action.READ):
        return True
    return plan.status in PUBLISHED and plan.issuer_unit_id in reach_upward_ids(user)


def readable_plans_q(user: AnyUser) -> Q:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Q()
    own = [m.unit_id for m in memberships(user)] if user.is_active else []
    return Q(received_by__isnull=True) & (
        readable_units_q(user, prefix="issuer_unit__")
        | Q(issuer_agency_id__in=agency_ids_with_action(user, Action.READ))
        | Q(status__in=PUBLISHED, issuer_unit_id__in=reach_upward_ids(user))
    ) | Q(status=RECEIVED, received_by_id__in=own)


def require_plan(user: AnyUser, action: Action, plan: "Plan") -> None:
    """Writes on a plan: an agency's plan by the agency (and its unit's members), a unit's plan
    by the unit; a received plan by nobody (its own members derive from it)."""
    if plan.received_by_id:
        if not can_read_plan(user, plan):
            raise Http404(_("Không tìm thấy kế hoạch."))
        raise PermissionDenied(
            _("Kế hoạch cấp trên đã nhận chỉ để xem và triển khai; không sửa được.")
        )
    if plan.issuer_agency_id:
        require_agency(user, action, plan.issuer_agency)  # type: ignore[arg-type]
    else:
        require(user, action, plan.issuer_unit)


def require_plan_discard(user: AnyUser, plan: "Plan") -> None:
    """Discarding a plan: a draft by those who write it; a received plan by the members of the
    receiving unit who enter its data (the plan was theirs to keep, not the issuer's)."""
    if plan.received_by_id:
        if not can_read_plan(user, plan):
            raise Http404(_("Không tìm thấy kế hoạch."))
        require(user, Action.ENTER, plan.received_by)  # type: ignore[arg-type]
    else:
        require_plan(user, Action.ENTER, plan)


def get_plan_for_user(user: AnyUser, plan_id: int, action: Action = Action.READ) -> "Plan":
    """The plan with its parts, or 404 when it is absent or not the user's to see."""
    from vitreem.plans.selectors import plan_with_parts

    plan = plan_with_parts(plan_id)
    if plan is None or not can_read_plan(user, plan):
        raise Http404(_("Không tìm thấy kế hoạch."))
    if action is not Action.READ:
        require_plan(user, action, plan)
    return plan


def _task_reaches(task: "Task", agency: "Agency") -> bool:
    """Whether the task is the agency's: given to it, or to the agencies of its unit as a group."""
    assignment = task.assignment
    if assignment.assignee_agency_id:
        return assignment.assignee_agency_id == agency.pk
    return (
        assignment.assignee_group == "agencies" and assignment.plan.issuer_unit_id == agency.unit_id
    )


def task_unit(task: "Task") -> AdministrativeUnit | None:
    """The administrative unit whose members act on the task."""
    assignment = task.assignment
    if assignment.assignee_unit_id:
        return assignment.assignee_unit
    if assignment.assignee_agency_id:
        return assignment.assignee_agency.unit  # type: ignore[union-attr]
    return None


def task_agency(user: AnyUser, task: "Task", action: Action = Action.READ) -> "Agency | None":
    """The agency through which the user acts on the task (None when acting as a unit member)."""
    for am in agency_memberships(user):
        if action in ROLE_ACTIONS[am.role] and _task_reaches(task, am.agency):
            return am.agency
    return None


def can_task(user: AnyUser, action: Action, task: "Task") -> bool:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    unit = task_unit(task)
    if unit is not None and can(user, action, unit):
        return True
    return task_agency(user, task, action) is not None


def _leads(task: "Task", agency: "Agency") -> bool:
    """Whether the agency is the task's lead: the task is given to it as lead, or to the
    agencies of its unit as a group and it is the unit's lead agency for children's work."""
    assignment = task.assignment
    if assignment.assignee_agency_id:
        return assignment.assignee_agency_id == agency.pk and task.role == "lead"
    return (
        assignment.assignee_group == "agencies"
        and agency.is_lead_for_children
        and assignment.plan.issuer_unit_id == agency.unit_id
    )


def can_close_task(user: AnyUser, task: "Task") -> bool:
    """Whether the user speaks for the task's lead, who alone closes the task as done: the
    officers and leaders of the unit the task is given to (they act for its agencies), and of
    the agency that leads it. A cooperating agency reports its own part only."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    unit = task_unit(task)
    if unit is not None and can(user, Action.ENTER, unit):
        return True
    return any(
        Action.ENTER in ROLE_ACTIONS[am.role]
        and _task_reaches(task, am.agency)
        and _leads(task, am.agency)
        for am in agency_memberships(user)
    )


def agency_tasks_q(user: AnyUser, prefix: str = "") -> Q:
    """A filter on tasks (``prefix`` e.g. "task__") to those of the user's agencies."""
    q = Q(pk__in=[])
    for am in agency_memberships(user):
        q |= Q(**{f"{prefix}assignment__assignee_agency_id": am.agency_id}) | Q(
            **{
                f"{prefix}assignment__assignee_group": "agencies",
                f"{prefix}assignment__plan__issuer_unit_id": am.agency.unit_id,
            }
        )
    return q


def get_task_for_user(user: AnyUser, task_id: int, action: Action = Action.READ) -> "Task":
    """A task of an issued plan that is the user's (their unit's or their agency's), or 404;
    403 when the user may see it but not act on it."""
    from vitreem.plans.models import Task

    task = (
        Task.objects.filter(pk=task_id, assignment__plan__status="issued")
        .select_related(
            "assignment__plan__issuer_unit",
            "assignment__assignee_unit",
            "assignment__assignee_agency__unit",
        )
        .first()
    )
    if task is None:
        raise Http404(_("Không tìm thấy nhiệm vụ."))
    require_task(user, action, task)
    return task


def require_task(user: AnyUser, action: Action, task: "Task") -> None:
    if not can_task(user, Action.READ, task):
        raise Http404(_("Không tìm thấy nhiệm vụ."))
    if not can_task(user, action, task):
        raise PermissionDenied(_("Vai trò của bạn không cho phép cập nhật nhiệm vụ này."))


def can_read_round(user: AnyUser, round_: "Round") -> bool:
    """A round is seen by the receiving unit's readers and by every unit that reports in it."""
    if can(user, Action.READ, round_.receiving_unit):
        return True
    mine = [m.unit for m in memberships(user)]
    if any(
        round_.submissions.filter(**{f"unit__{unit.subtree_field}": unit.pk}).exists()
        for unit in mine
    ):
        return True
    agencies = agency_ids_with_action(user, Action.READ)
    return bool(agencies) and round_.submissions.filter(agency_id__in=agencies).exists()


def get_round_for_user(user: AnyUser, round_id: int) -> "Round":
    from vitreem.reporting.models import Round

    round_ = Round.objects.select_related("form", "receiving_unit").filter(pk=round_id).first()
    if round_ is None or not can_read_round(user, round_):
        raise Http404(_("Không tìm thấy đợt báo cáo."))
    return round_


def get_submission_for_user(
    user: AnyUser, submission_id: int, action: Action = Action.READ
) -> "Submission":
    """A report, read by its unit's readers (the unit and those above); written per role."""
    from vitreem.reporting.models import Submission

    submission = (
        Submission.objects.select_related(
            "round__form", "round__receiving_unit", "unit__parent", "agency"
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not can_submission(user, Action.READ, submission):
        raise Http404(_("Không tìm thấy báo cáo."))
    if action is not Action.READ:
        require_submission(user, action, submission)
    return submission


def can_submission(user: AnyUser, action: Action, submission: "Submission") -> bool:
    """A report is its unit's; an agency's report is also its agency's members'."""
    if submission.agency_id:
        return can_agency(user, action, submission.agency)  # type: ignore[arg-type]
    return can(user, action, submission.unit)


def require_submission(user: AnyUser, action: Action, submission: "Submission") -> None:
    if submission.agency_id:
        require_agency(user, action, submission.agency)  # type: ignore[arg-type]
    else:
        require(user, action, submission.unit)


def units_with_action(user: AnyUser, action: Action) -> Iterable[AdministrativeUnit]:
    """The units where the user holds a role that allows the action (their own units)."""
    return [m.unit for m in memberships(user) if action in ROLE_ACTIONS[m.role]]


def _reaching(user: AnyUser, unit: AdministrativeUnit) -> list[Membership]:
    """The user's memberships in the unit or in a unit above it."""
    if not user.is_authenticated or not user.is_active:
        return []
    reach = _ancestor_ids(unit)
    return [m for m in memberships(user) if m.unit_id in reach]


def can_read_sensitive(user: AnyUser, unit: AdministrativeUnit) -> bool:
    """Children's sensitive data of the unit: members granted it, in the unit or above."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return any(m.sensitive_data for m in _reaching(user, unit))


def can_oversee(user: AnyUser, unit: AdministrativeUnit) -> bool:
    """Leaders of the unit or of a unit above: they export child lists and read the read log."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return any(m.role == Role.LEADER for m in _reaching(user, unit))


def require_oversight(user: AnyUser, unit: AdministrativeUnit) -> None:
    require(user, Action.READ, unit)
    if not can_oversee(user, unit):
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị hoặc cấp trên được thực hiện thao tác này."))


def get_child_for_user(user: AnyUser, public_id: str, action: Action = Action.READ) -> "Child":
    """A child's record (not its reads: the children app logs those), or 404."""
    from vitreem.children.models import Child

    child = Child.objects.select_related("unit").filter(public_id=public_id).first()
    if child is None or not can(user, Action.READ, child.unit):
        raise Http404(_("Không tìm thấy hồ sơ trẻ em."))
    if action is not Action.READ:
        require(user, action, child.unit)
    return child


def get_fund_for_user(user: AnyUser, fund_id: int, action: Action = Action.READ) -> "Fund":
    from vitreem.fund.models import Fund

    fund = Fund.objects.select_related("unit", "managing_agency").filter(pk=fund_id).first()
    if fund is None or not can(user, Action.READ, fund.unit):
        raise Http404(_("Không tìm thấy quỹ."))
    if action is not Action.READ:
        require(user, action, fund.unit)
    return fund


def can_read_job(user: AnyUser, job: "Job") -> bool:
    """A background job (an import, an export, a PDF) and its result: the user who started it,
    and the readers of its unit; a job of no unit (the national export) only its starter."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or job.started_by_id == user.pk:
        return True
    return job.unit is not None and can(user, Action.READ, job.unit)


def get_job_for_user(user: AnyUser, job_id: int) -> "Job":
    from vitreem.jobs.models import Job

    job = Job.objects.select_related("unit", "started_by").filter(pk=job_id).first()
    if job is None or not can_read_job(user, job):
        raise Http404(_("Không tìm thấy công việc."))
    return job


def get_assessment_for_user(
    user: AnyUser, assessment_id: int, action: Action = Action.READ
) -> "Assessment":
    """A commune's child-friendly assessment: read by the commune's readers (the commune and
    those above), entered (ENTER) and submitted (APPROVE) by the commune's own members."""
    from vitreem.assessments.models import Assessment

    assessment = (
        Assessment.objects.select_related("unit", "appraising_unit")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or not can(user, Action.READ, assessment.unit):
        raise Http404(_("Không tìm thấy bản tự đánh giá."))
    if action is not Action.READ:
        require(user, action, assessment.unit)
    return assessment


def require_appraisal(user: AnyUser, assessment: "Assessment") -> None:
    """Appraising and recognising belong to the leaders of the appraising unit (the unit above):
    404 to those who may not read that unit, 403 to its other readers."""
    require(user, Action.APPROVE, assessment.appraising_unit)
