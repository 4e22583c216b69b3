import re
from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitreem.accounts.access import (
    Action,
    agencies_with_action,
    can,
    can_close_task,
    can_task,
    get_plan_for_user,
    get_task_for_user,
    require_plan_discard,
    units_with_action,
)
from vitreem.accounts.models import User
from vitreem.documents import attachments
from vitreem.documents.pdf import libreoffice
from vitreem.documents.plans import render_plan_preview
from vitreem.jobs.models import JobKind
from vitreem.jobs.services import job_start
from vitreem.reporting.selectors import plan_targets
from vitreem.units.models import AdministrativeUnit

from . import selectors, services
from .dates import from_stored, parse_partial
from .documents import plan_docx_response, plan_pdf_response
from .forms import (
    AppendicesForm,
    AwardFormSet,
    BoardFilterForm,
    BudgetFormSet,
    CopyForm,
    DeriveForm,
    IssueForm,
    LaunchForm,
    NewPlanForm,
    PlanHeaderForm,
    ProgressForm,
    RecipientFormSet,
    ReportingFormSet,
    SloganFormSet,
    TargetFormSet,
    TaskAssignForm,
    TaskFormSet,
)
from .models import Plan, PlanKind, PlanStatus
from .views_editor import STEPS


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    kind = request.GET.get("kind", "")
    plans = selectors.plans_for_user(
        request.user,
        year=int(year) if year.isdigit() else None,
        kind=kind if kind in PlanKind.values else None,
    )
    return render(
        request,
        "plans/list.html",
        {
            "page": Paginator(plans, 50).get_page(request.GET.get("page")),
            "year": year,
            "kind": kind,
            "kinds": PlanKind.choices,
        },
    )


@login_required
def plan_docx(request: HttpRequest, plan_id: int) -> HttpResponse:
    return plan_docx_response(get_plan_for_user(request.user, plan_id))


@login_required
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """GET: the PDF made in the request, as before (scripts, links); POST (the plan page's
    button): made by a job on the queue, whose page shows when it is ready to download (or
    why not: a server without LibreOffice, whose plan page offers no such button)."""
    plan = get_plan_for_user(request.user, plan_id)
    if request.method != "POST":
        return plan_pdf_response(plan)
    job = job_start(
        actor=_user(request),
        kind=JobKind.PLAN_PDF,
        # A received plan is its receiving unit's record: its readers, not the issuer's, see it.
        unit=plan.received_by or plan.issuer_unit,
        params={"plan": plan.pk},
    )
    return redirect("jobs:job", job.pk)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _derivable_units(user: User, plan: Plan) -> list[AdministrativeUnit]:
    """The user's own units directly or further below the plan's issuer; for a received plan,
    only the unit that received it."""
    return [
        unit
        for unit in units_with_action(user, Action.ENTER)
        if plan.issuer_unit_id in {unit.parent_id, unit.district_id, unit.province_id} - {unit.pk}
        and plan.received_by_id in (None, unit.pk)
    ]


def _copy_key(plan: Plan) -> str:
    """Where the changes made by copying a plan wait for its page, shown once."""
    return f"plans.copy_changes.{plan.pk}"


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = get_plan_for_user(user, plan_id)
    preview = render_plan_preview(selectors.plan_document(plan))
    derivable = (
        _derivable_units(user, plan)
        if plan.status in (PlanStatus.ISSUED, PlanStatus.RECEIVED)
        else []
    )
    derived = selectors.derived_plans(plan, derivable)
    issued_units = {p.issuer_unit_id for p in derived if p.status != PlanStatus.DRAFT}
    derivable = [unit for unit in derivable if unit.pk not in issued_units]
    context = {
        "plan": plan,
        "preview": preview,
        "has_pdf": libreoffice() is not None,
        "derive_form": DeriveForm(units=derivable) if derivable else None,
        "derived_issued": [p for p in derived if p.status != PlanStatus.DRAFT],
        "derived_drafts": [p for p in derived if p.status == PlanStatus.DRAFT],
        "copy_changes": request.session.pop(_copy_key(plan), None),
        "can_edit": plan.status == PlanStatus.DRAFT and can(user, Action.ENTER, plan.issuer_unit),
        "can_amend": plan.status == PlanStatus.ISSUED and can(user, Action.ENTER, plan.issuer_unit),
        "can_discard": plan.status in (PlanStatus.DRAFT, PlanStatus.RECEIVED)
        and _may(require_plan_discard, user, plan),
        "amendments": selectors.amendments_of(plan),
        "target_progress": plan_targets(plan, plan.issuer_unit),
        "can_issue": plan.status == PlanStatus.DRAFT
        and can(user, Action.APPROVE, plan.issuer_unit),
        "issue_form": IssueForm(initial={"issued_on": timezone.localdate()}),
        "copy_form": CopyForm(initial={"year": plan.year + 1})
        if can(user, Action.ENTER, plan.issuer_unit)
        else None,
        "task_forms": [
            (
                task,
                TaskAssignForm(
                    unit=plan.issuer_unit,
                    initial={"agency": assignment.assignee_agency_id},
                    prefix=f"t{task.pk}",
                ),
            )
            for assignment in plan.assignments.all()
            for task in assignment.tasks.all()
        ],
    }
    return render(request, "plans/detail.html", context)


@login_required
@require_POST
def plan_derive_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    parent = get_plan_for_user(user, plan_id)
    form = DeriveForm(request.POST, units=_derivable_units(user, parent))
    if not form.is_valid():
        messages.error(request, _("Hãy chọn đơn vị của bạn để triển khai kế hoạch."))
        return redirect("plans:detail", plan_id)
    try:
        plan = services.plan_derive(
            actor=user, parent=parent, issuer_unit=form.cleaned_data["unit"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:detail", plan_id)
    messages.success(request, _("Đã tạo dự thảo kế hoạch triển khai."))
    return redirect("plans:detail", plan.pk)


@login_required
@require_POST
def plan_amend_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = get_plan_for_user(user, plan_id, Action.ENTER)
    try:
        amendment = services.plan_amend(actor=user, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:detail", plan_id)
    messages.success(request, _("Đã tạo dự thảo văn bản sửa đổi; kế hoạch gốc vẫn giữ nguyên."))
    return redirect("plans:edit", amendment.pk)


def _may(rule: Callable[..., None], *args: Any) -> bool:
    """Whether an access rule that refuses by raising lets the user through (to show a button)."""
    try:
        rule(*args)
    except (PermissionDenied, Http404):
        return False
    return True


@login_required
@require_POST
def plan_discard_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = get_plan_for_user(user, plan_id)
    if request.POST.get("confirm") != "on":
        messages.error(request, _("Hãy đánh dấu ô xác nhận trước khi xóa kế hoạch."))
        return redirect("plans:detail", plan_id)
    try:
        services.plan_discard(actor=user, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:detail", plan_id)
    messages.success(request, _("Đã xóa kế hoạch “%(title)s”.") % {"title": plan.title})
    return redirect("plans:list")


@login_required
@require_POST
def plan_copy_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    source = get_plan_for_user(user, plan_id, Action.ENTER)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Năm không hợp lệ."))
        return redirect("plans:detail", plan_id)
    copied = services.plan_copy_previous(actor=user, source=source, year=form.cleaned_data["year"])
    plan = copied.plan
    request.session[_copy_key(plan)] = {
        "changes": [list(change) for change in copied.changes],
        "warnings": copied.warnings,
    }
    messages.success(request, _("Đã chép kế hoạch sang năm %(year)s.") % {"year": plan.year})
    for warning in copied.warnings:
        messages.warning(request, warning)
    return redirect("plans:detail", plan.pk)


@login_required
@require_POST
def task_assign_view(request: HttpRequest, plan_id: int, task_id: int) -> HttpResponse:
    user = _user(request)
    plan = get_plan_for_user(user, plan_id, Action.ENTER)
    task = selectors.task_of_plan(plan, task_id)
    form = TaskAssignForm(request.POST, unit=plan.issuer_unit, prefix=f"t{task.pk}")
    if form.is_valid():
        agency = form.cleaned_data["agency"]
        services.task_assign(actor=user, task=task, agency=agency)
        messages.success(request, _("Đã giao nhiệm vụ cho %(agency)s.") % {"agency": agency.name})
    else:
        messages.error(request, _("Hãy chọn cơ quan, tổ chức nhận nhiệm vụ."))
    return redirect("plans:detail", plan_id)


@login_required
@require_POST
def plan_issue_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = get_plan_for_user(user, plan_id, Action.APPROVE)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            services.plan_issue(actor=user, plan=plan, **form.cleaned_data)
        except services.UnassignedTasksError as error:
            # Asked first: the tasks given to nobody, and the same form with the confirmation.
            return render(
                request,
                "plans/issue_confirm.html",
                {"plan": plan, "form": form, "unassigned": error.tasks},
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã ban hành kế hoạch."))
    else:
        for field_errors in form.errors.values():
            for field_error in field_errors:
                messages.error(request, str(field_error))
    return redirect("plans:detail", plan_id)


@login_required
def plan_board_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = get_plan_for_user(user, plan_id)
    today = timezone.localdate()
    rows = selectors.plan_board(plan, today, user)
    form = BoardFilterForm(request.GET, assignees=selectors.board_assignees(rows))
    form.is_valid()  # what is not valid is left out, and said so
    chosen = {name: value for name, value in form.cleaned_data.items() if value}
    shown = selectors.filter_board(rows, **chosen)
    return render(
        request,
        "plans/board.html",
        {
            "plan": plan,
            "rows": shown,
            "form": form,
            "filtered": bool(chosen),
            "today": today,
            "overdue": sum(r.overdue for r in shown),
            "done": sum(r.done for r in shown),
            "total": sum(len(r.tasks) for r in shown),
        },
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    tasks = [(t, selectors.is_overdue(t, today)) for t in selectors.tasks_for_user(_user(request))]
    return render(request, "plans/my_tasks.html", {"tasks": tasks})


@login_required
def task_progress_view(request: HttpRequest, task_id: int) -> HttpResponse:
    user = _user(request)
    task = get_task_for_user(user, task_id)
    form = ProgressForm(
        request.POST or None, request.FILES or None, initial={"status": task.status}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_progress_post(actor=user, task=task, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items()
                if hasattr(error, "error_dict")
                else [(None, error.messages)]
            ):
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Đã cập nhật tiến độ."))
            return redirect("plans:my_tasks")
    return render(
        request,
        "plans/progress.html",
        {
            "task": task,
            "form": form,
            "history": task.progress.select_related("created_by", "agency"),
            "is_lead": can_close_task(user, task),
            "can_report": can_task(user, Action.ENTER, task),
        },
    )


_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


@login_required
def task_progress_file(request: HttpRequest, task_id: int, progress_id: int) -> FileResponse:
    """A report's file, to the readers of its task only, always as a download."""
    task = get_task_for_user(_user(request), task_id)
    progress = selectors.progress_with_file(task, progress_id)
    suffix = attachments.suffix_of(progress.attachment_filename)
    name = _UNSAFE_NAME.sub("_", progress.attachment_filename).strip("._")
    if not name.lower().endswith(suffix) or len(name) > 120:
        name = f"nhiem-vu-{task.pk}-{progress.pk}{suffix}"
    try:
        stream = progress.attachment.open("rb")
    except (FileNotFoundError, OSError) as missing:
        raise Http404(_("Không tìm thấy tệp đính kèm.")) from missing
    return FileResponse(
        stream,
        as_attachment=True,
        filename=name,
        content_type=attachments.CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = list(units_with_action(user, Action.ENTER))
    agencies = agencies_with_action(user, Action.ENTER)
    form = NewPlanForm(
        request.POST or None,
        units=units,
        agencies=agencies,
        initial={"year": timezone.localdate().year, "kind": PlanKind.ACTION_MONTH},
    )
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(
            actor=user,
            issuer_unit=form.cleaned_data["unit"],
            kind=form.cleaned_data["kind"],
            year=form.cleaned_data["year"],
            title=form.cleaned_data["title"],
            issuer_agency=form.cleaned_data["agency"],
        )
        messages.success(request, _("Đã tạo dự thảo kế hoạch."))
        return redirect("plans:edit", plan.pk)
    return render(request, "plans/new.html", {"form": form, "has_units": bool(units or agencies)})


def _task_initial(plan: Plan) -> list[dict[str, object]]:
    return [
        {
            "agency": assignment.assignee_group or assignment.assignee_agency_id,
            "text": task.text,
            "role": task.role,
            "lead_label": task.lead_label,
            "start_on": from_stored(task.start_on, task.start_precision),
            "due_on": from_stored(task.due_on, task.due_precision),
        }
        for assignment in plan.assignments.all()
        for task in assignment.tasks.all()
    ]


def _task_rows(formset: object) -> list[dict[str, object]]:
    """The tasks of the formset, each with its assignee: {"agency": …} or {"group": …}."""
    rows = []
    for row in _kept(formset):
        assignee = row.pop("agency")
        assert isinstance(assignee, dict)
        rows.append({**row, **assignee})
    return rows


def _launch_posted(data: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
    """The launch as the form posted it; its lead, cooperating units and participants only when
    the form sent them (a form without them keeps the plan's)."""
    kept = ("lead", "cooperating", "participants")
    return {k: v for k, v in data.items() if k not in kept or k in request.POST}


def _recipient_initial(plan: Plan) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for item in plan.recipients:
        if isinstance(item, dict):
            rows.append({"text": item.get("heading") or "", "heading": True})
            rows.extend({"text": sub, "heading": False} for sub in item.get("items") or [])
        else:
            rows.append({"text": str(item), "heading": False})
    return rows


def _recipients(formset: object) -> list[Any]:
    """The recipients' rows as the plan keeps them: a row marked as a group's heading takes the
    rows below it, up to the next heading, as its recipients."""
    recipients: list[Any] = []
    group: dict[str, Any] | None = None
    for row in _kept(formset):
        text = str(row["text"])
        if row.get("heading"):
            group = {"heading": text, "items": []}
            recipients.append(group)
        elif group is not None:
            group["items"].append(text)
        else:
            recipients.append(text)
    return recipients


def _target_initial(plan: Plan) -> list[dict[str, object]]:
    return [
        {
            "text": t.text,
            "value": t.value,
            "unit": t.unit,
            "denominator": t.denominator,
            "baseline": t.baseline,
            "data_element_code": t.data_element_code,
        }
        for t in plan.targets.all()
    ]


def _save_list(user: User, plan: Plan, name: str, formset: object) -> Plan:
    rows = _kept(formset)
    # Slogans are plain lines, recipients lines and groups; the other lists are rows of fields.
    value: Any = rows
    if name == "slogans":
        value = [str(row["text"]) for row in rows]
    elif name == "recipients":
        value = _recipients(formset)
    return services.plan_lists_update(actor=user, plan=plan, **{name: value})


def _kept(formset: object) -> list[dict[str, object]]:
    """The filled rows of a valid formset, without the deleted and the untouched extra ones."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms  # type: ignore[attr-defined]
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = get_plan_for_user(user, plan_id, Action.ENTER)
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _("Kế hoạch đã ban hành; muốn sửa hãy ban hành văn bản sửa đổi."))
        return redirect("plans:detail", plan_id)
    part = request.POST.get("part") if request.method == "POST" else None

    def bound(name: str) -> QueryDict | None:
        return request.POST if part == name else None

    header = PlanHeaderForm(bound("header"), instance=plan)
    targets = TargetFormSet(bound("targets"), prefix="targets", initial=_target_initial(plan))
    tasks = TaskFormSet(
        bound("tasks"),
        prefix="tasks",
        initial=_task_initial(plan),
        form_kwargs={"unit": plan.issuer_unit},
    )
    slogans = SloganFormSet(
        bound("slogans"), prefix="slogans", initial=[{"text": s} for s in plan.slogans]
    )
    budget = BudgetFormSet(
        bound("budget"),
        prefix="budget",
        initial=[
            {"source": b.source, "text": b.text, "amount": b.amount}
            for b in plan.budget_lines.all()
        ],
    )
    reporting = ReportingFormSet(
        bound("reporting"),
        prefix="reporting",
        initial=[
            {
                "report": r.report,
                "by": r.by,
                "to": r.to,
                "through": r.through,
                "due": r.due,
                "text": r.text,
            }
            for r in plan.reporting.all()
        ],
    )
    recipients = RecipientFormSet(
        bound("recipients"),
        prefix="recipients",
        initial=_recipient_initial(plan),
    )
    awards = AwardFormSet(
        bound("awards"),
        prefix="awards",
        initial=[{"text": a.text, "threshold": a.threshold} for a in plan.award_rules.all()],
    )
    launch_data = dict(plan.launch or {})
    launch = LaunchForm(
        bound("launch"),
        initial={
            **launch_data,
            "date": parse_partial(launch_data.get("date")),
            **{
                key: "\n".join(launch_data.get(key) or [])
                for key in ("agenda", "cooperating", "participants")
            },
        },
    )
    # Each part of the page: its form or formset, and the service call that saves it.
    actions: dict[str, tuple[Any, Callable[[], Plan]]] = {
        "header": (
            header,
            lambda: services.plan_update(
                actor=user, plan=plan, **{f: header.cleaned_data[f] for f in header.changed_data}
            ),
        ),
        "targets": (
            targets,
            lambda: services.plan_targets_replace(actor=user, plan=plan, targets=_kept(targets)),
        ),
        "tasks": (
            tasks,
            lambda: services.plan_tasks_replace(actor=user, plan=plan, tasks=_task_rows(tasks)),
        ),
    }
    lists: dict[str, Any] = {
        "slogans": slogans,
        "budget": budget,
        "reporting": reporting,
        "recipients": recipients,
        "awards": awards,
    }
    for name, formset in lists.items():
        actions[name] = (formset, partial(_save_list, user, plan, name, formset))
    actions["launch"] = (
        launch,
        lambda: services.plan_lists_update(
            actor=user, plan=plan, launch=_launch_posted(launch.cleaned_data, request)
        ),
    )
    appendices = AppendicesForm(bound("appendices"), appendices=list(plan.appendices or []))
    actions["appendices"] = (
        appendices,
        lambda: services.plan_appendices_update(
            actor=user,
            plan=plan,
            appendices=appendices.changes(request.POST.get("move", "")),
            expected_version=appendices.cleaned_data["version"],
        ),
    )
    if part in actions:
        form_or_set, save = actions[part]
        if form_or_set.is_valid():
            try:
                save()
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Đã lưu."))
                return redirect(f"{request.path}?step={part}")
    # One step of the editor at a time (the body is the outline editor's page).
    step = part or request.GET.get("step", "")
    if step not in actions:
        step = "header"
    return render(
        request,
        "plans/edit.html",
        {
            "plan": plan,
            "header": header,
            "targets": targets,
            "tasks": tasks,
            "slogans": slogans,
            "budget": budget,
            "reporting": reporting,
            "recipients": recipients,
            "awards": awards,
            "launch": launch,
            "appendices": appendices,
            "steps": STEPS,
            "step": step,
        },
    )
