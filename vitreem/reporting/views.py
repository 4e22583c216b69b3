from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitreem.accounts.access import (
    Action,
    can,
    can_read_national,
    can_read_sensitive,
    can_submission,
    get_round_for_user,
    get_submission_for_user,
    memberships,
    require,
    require_national,
    units_with_action,
)
from vitreem.accounts.models import Role, User
from vitreem.core.text import text_problem
from vitreem.jobs.models import JobKind
from vitreem.jobs.services import job_start
from vitreem.notifications import selectors as reminder_selectors
from vitreem.notifications import services as reminder_services
from vitreem.notifications.forms import ReminderSettingsForm
from vitreem.plans.selectors import plans_in_force, task_counts
from vitreem.units.selectors import unit_by_code

from . import dashboard as dashboard_tables
from . import documents, selectors, services, workbooks
from .definitions import FormDefinition, Row, Table
from .forms import ReturnForm, RoundFilterForm, RoundForm
from .loaders import definition_of
from .models import Round, SubmissionStatus
from .validation import Cells, display_number, parse_cells


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rounds = selectors.rounds_for_user(user)
    mine = selectors.my_open_submissions(user)
    return render(
        request,
        "reporting/round_list.html",
        {
            "rounds": rounds[:200],
            "mine": mine,
            "can_create": bool(units_with_action(user, Action.ENTER)),
            "can_national": can_read_national(user),
        },
    )


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = list(units_with_action(user, Action.ENTER))
    form = RoundForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                actor=user,
                form=data["form"],
                receiving_unit=data["receiving_unit"],
                title=data["title"],
                period_kind=data["period_kind"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                deadlines=form.deadlines(),
                plan=data["plan"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã mở đợt báo cáo."))
            return redirect("reporting:round", round_.pk)
    return render(request, "reporting/round_new.html", {"form": form})


def _scope(request: HttpRequest, round_: Round) -> Any:
    """The unit the round page looks at: ?unit=CODE, else the receiving unit if readable,
    else the user's own unit in the round."""
    user = _user(request)
    code = request.GET.get("unit")
    if code:
        unit = selectors.unit_in_round(round_, code)
        require(user, Action.READ, unit)
        return unit
    if can(user, Action.READ, round_.receiving_unit):
        return round_.receiving_unit
    for m in memberships(user):
        if selectors.submissions_in(round_, [m.unit]).exists():
            return m.unit
    # An agency's member reads the agency's own report, never the round's other units.
    raise Http404(_("Không tìm thấy đợt báo cáo."))


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    user = _user(request)
    round_ = get_round_for_user(user, round_id)
    # An agency's member sees the agency's own report in the round, not the others'.
    own = selectors.agency_only_submission(user, round_)
    if own is not None:
        return redirect("reporting:submission", own.pk)
    return _round_page(request, round_)


def _round_page(
    request: HttpRequest, round_: Round, reminder_form: ReminderSettingsForm | None = None
) -> HttpResponse:
    user = _user(request)
    unit = _scope(request, round_)
    today = timezone.localdate()
    filters = RoundFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    submissions = selectors.round_rows(
        round_,
        unit,
        today,
        text=chosen.get("q", ""),
        status=chosen.get("status", ""),
        level=chosen.get("level", ""),
        late=chosen.get("late", False),
    )
    return render(
        request,
        "reporting/round_detail.html",
        {
            "round": round_,
            "unit": unit,
            "stats": selectors.completeness(round_, unit, today),
            "submissions": submissions,
            "filters": filters,
            "filtered": bool(chosen and any(chosen.values())),
            "today": today,
            "can_rebuild": can(user, Action.APPROVE, round_.receiving_unit),
            "rebuild": selectors.last_rebuild(round_),
            **_reminders(user, round_, reminder_form),
        },
        status=400 if reminder_form is not None else 200,
    )


def _reminders(
    user: User, round_: Round, form: ReminderSettingsForm | None = None
) -> dict[str, object]:
    """The reminders part of the round's page: for the receiving unit's staff only."""
    if not can(user, Action.ENTER, round_.receiving_unit):
        return {"can_remind": False}
    return {
        "can_remind": True,
        "reminders": reminder_selectors.round_reminders(round_),
        "reminder_form": form
        or ReminderSettingsForm(
            initial={
                "remind_days": ", ".join(str(d) for d in round_.remind_days),
                "escalate_after": round_.escalate_after,
            }
        ),
    }


@login_required
@require_POST
def round_remind(request: HttpRequest, round_id: int) -> HttpResponse:
    """ "Nhắc nộp": one reminder to every reporter that has not sent its report."""
    user = _user(request)
    round_ = get_round_for_user(user, round_id)
    done = reminder_services.round_remind(actor=user, round_=round_)
    if done.told:
        messages.success(
            request,
            _("Đã nhắc %(n)s đơn vị chưa nộp báo cáo (%(people)s người nhận).")
            % {"n": done.reporters, "people": done.told},
        )
    elif done.reporters:
        messages.info(
            request, _("Các đơn vị chưa nộp đã được nhắc hôm nay; mỗi ngày nhắc một lần.")
        )
    else:
        messages.info(request, _("Không còn đơn vị nào chưa nộp báo cáo."))
    if done.without_staff:
        messages.warning(
            request,
            _("Chưa có tài khoản để nhắc: %(units)s.")
            % {"units": ", ".join(done.without_staff[:10])}
            + (" …" if len(done.without_staff) > 10 else ""),
        )
    return redirect("reporting:round", round_id=round_.pk)


@login_required
@require_POST
def round_reminder_settings(request: HttpRequest, round_id: int) -> HttpResponse:
    user = _user(request)
    round_ = get_round_for_user(user, round_id)
    require(user, Action.ENTER, round_.receiving_unit)
    form = ReminderSettingsForm(request.POST)
    if form.is_valid():
        try:
            reminder_services.round_reminder_settings(
                actor=user,
                round_=round_,
                days=form.cleaned_data["remind_days"],
                escalate_after=form.cleaned_data["escalate_after"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Đã lưu lịch nhắc hạn của đợt báo cáo."))
            return redirect("reporting:round", round_id=round_.pk)
    return _round_page(request, round_, form)


@login_required
@require_POST
def round_rebuild(request: HttpRequest, round_id: int) -> HttpResponse:
    """Queue the recomputation of the round's consolidated totals (the receiving unit's leaders)."""
    round_ = get_round_for_user(_user(request), round_id)
    services.totals_rebuild_request(actor=_user(request), round_=round_)
    messages.success(
        request, _("Đã xếp lịch tính lại số liệu tổng hợp; trang này cho biết khi nào xong.")
    )
    return redirect("reporting:round", round_id=round_.pk)


@login_required
def consolidated(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(_user(request), round_id)
    unit = _scope(request, round_)
    tables = selectors.consolidate(round_, unit)
    trend = selectors.unit_trend(unit, round_.form, round_.period_end)
    return render(
        request,
        "reporting/consolidated.html",
        {
            "round": round_,
            "unit": unit,
            "tables": [_printable(t) for t in tables],
            "trend": _trend_table(trend, round_.pk),
        },
    )


def _trend_table(trend: selectors.Trend, current_round_id: int | None = None) -> dict[str, Any]:
    """The trend as printed: a row per key figure under its table's title, a column per year
    (money in thousands of đồng), the units each year sums and its notes."""
    sections: list[dict[str, Any]] = []
    for figure, values in trend.rows():
        if not sections or sections[-1]["table"] is not figure.table:
            sections.append({"table": figure.table, "rows": []})
        sections[-1]["rows"].append(
            {"label": figure.label, "cells": [display_number(v, figure.column) for v in values]}
        )
    return {
        "years": [{"year": y, "current": current_round_id in y.round_ids} for y in trend.years],
        "sections": sections,
        "has_past": any(current_round_id not in y.round_ids for y in trend.years),
    }


def _printable(consolidated_table: selectors.ConsolidatedTable) -> dict[str, Any]:
    """A consolidated table as printed: a cost entered by funding source shows each source
    ("Ngân sách", "Vận động") and their sum, the official form's column."""
    table = consolidated_table.table
    leaves = [c for c in table.columns for _cat in c.printed_categories]

    def cells(values: list[int | None]) -> list[str]:
        return [display_number(v, c) for v, c in zip(values, leaves, strict=True)]

    groups = {"agencies": [], "units": [], "rows": []}  # type: dict[str, list[dict[str, Any]]]
    for row in consolidated_table.rows:
        groups[row.group].append(
            {"name": row.unit_name, "code": row.unit_code, "cells": cells(row.printed(table))}
        )
    return {
        "table": table,
        "groups": groups,
        "total": cells(consolidated_table.printed_total()),
        "header": _header(table, printed=True),
    }


def _header(table: Table, *, split: bool = False, printed: bool = False) -> dict[str, Any]:
    """The official two-level header; a third level for funding sources, ``split`` as entered
    (one column per source) or ``printed`` (each source, then their sum)."""

    def categories(column: Any) -> list[tuple[str, str]]:
        if printed:
            return list(column.printed_categories)
        return list(column.categories) if split else [("", "")]

    top = []
    for group, span in table.header_groups():
        columns = [c for c in table.columns if c.group == group] if group else []
        width = sum(len(categories(c)) for c in columns) if group else span
        top.append({"text": group, "span": width})
    leaves = []
    split_any = False
    for column in table.columns:
        cats = categories(column)
        split_any = split_any or len(cats) > 1
        leaves.append({"column": column, "span": len(cats), "categories": cats})
    return {"top": top, "leaves": leaves, "split": split_any}


def _entry_tables(
    definition: FormDefinition, cells: Cells, typed: dict[tuple[str, str, str], str]
) -> list[dict[str, Any]]:
    tables = []
    for table in definition.tables:
        rows = []
        grid_rows: list[Row | None] = list(table.rows) or [None]
        for row in grid_rows:
            row_code = row.code if row else ""
            inputs = []
            for column in table.columns:
                for category, label in column.categories:
                    key = (column.code, row_code, category)
                    value = typed.get(key, display_number(cells.get(key), column))
                    inputs.append(
                        {
                            "name": f"c-{column.code}-{row_code}-{category}",
                            "value": value,
                            "label": f"{column.group} – {column.label}"
                            + (f" ({label})" if label else ""),
                            "money": column.type == "money",
                        }
                    )
            rows.append({"label": row.label if row else "", "inputs": inputs})
        tables.append({"table": table, "rows": rows, "header": _header(table, split=True)})
    return tables


def _typed(request: HttpRequest, definition: FormDefinition) -> dict[tuple[str, str, str], str]:
    typed = {}
    for _table, row, column, category in definition.cells():
        name = f"c-{column.code}-{row}-{category}"
        if name in request.POST:
            typed[(column.code, row, category)] = request.POST[name]
    return typed


@login_required
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    user = _user(request)
    submission = get_submission_for_user(user, submission_id)
    definition = definition_of(submission.round.form)
    typed: dict[tuple[str, str, str], str] = {}
    errors: list[str] = []
    needs_confirm = False
    if request.method == "POST":
        typed = _typed(request, definition)
        cells, cell_errors = parse_cells(definition, typed)
        errors = [e.describe(definition) for e in cell_errors]
        if not errors:
            narrative = {
                item.code: request.POST.get(f"n-{item.code}", "")
                for top in definition.narrative
                for item in top.flat()
                if f"n-{item.code}" in request.POST
            }
            try:
                version = request.POST.get("version")
                submission = services.submission_save(
                    actor=user,
                    submission=submission,
                    cells=cells,
                    narrative=narrative,
                    expected_version=int(version) if version and version.isdigit() else None,
                )
                if request.POST.get("action") == "submit" and request.POST.get("send") != "1":
                    # The values are saved; sending waits for the reporter to say so.
                    raise ValidationError(
                        _("Hãy đánh dấu ô xác nhận gửi báo cáo rồi bấm “Gửi báo cáo”.")
                    )
                if request.POST.get("action") == "submit":
                    services.submission_submit(
                        actor=user,
                        submission=submission,
                        confirmed=request.POST.get("confirm") == "1",
                    )
                    messages.success(request, _("Đã gửi báo cáo."))
                else:
                    messages.success(request, _("Đã lưu."))
                return redirect("reporting:submission", submission.pk)
            except services.UnconfirmedWarningsError as warning:
                # The values are saved; sending waits for the reporter to confirm them.
                errors, needs_confirm = list(warning.messages), True
            except ValidationError as error:
                errors = list(error.messages)
    editable = (
        definition.typed
        and submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
        and can_submission(user, Action.ENTER, submission)
    )
    approver = services.approver_unit(submission)
    return render(
        request,
        "reporting/submission.html",
        {
            "submission": submission,
            "definition": definition,
            "tables": _entry_tables(definition, services.submission_cells(submission), typed),
            "narrative": [item for top in definition.narrative for item in top.flat()],
            "errors": errors,
            "needs_confirm": needs_confirm,
            "late_by": submission.deadline is not None
            and submission.deadline < timezone.localdate(),
            "editable": editable,
            "can_decide": can(user, Action.APPROVE, approver)
            and definition.typed
            and submission.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED),
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_POST
def submission_decide(request: HttpRequest, submission_id: int) -> HttpResponse:
    user = _user(request)
    submission = get_submission_for_user(user, submission_id)
    try:
        if request.POST.get("action") == "approve":
            services.submission_approve(actor=user, submission=submission)
            messages.success(request, _("Đã duyệt báo cáo."))
        else:
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            services.submission_return(actor=user, submission=submission, reason=str(reason))
            messages.success(request, _("Đã trả lại báo cáo."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("reporting:submission", submission.pk)


@login_required
def cell_history(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = get_submission_for_user(_user(request), submission_id)
    changes = selectors.cell_changes(submission, request.GET.get("cell", ""))
    return render(request, "reporting/history.html", {"submission": submission, "changes": changes})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def consolidated_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(_user(request), round_id)
    unit = _scope(request, round_)
    return _xlsx(workbooks.consolidated_workbook(round_, unit), f"tong-hop-{round_.pk}-{unit.code}")


@login_required
def submission_xlsx(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = get_submission_for_user(_user(request), submission_id)
    return _xlsx(workbooks.submission_workbook(submission), f"bieu-mau-{submission.pk}")


@login_required
@require_POST
def submission_upload(request: HttpRequest, submission_id: int) -> HttpResponse:
    user = _user(request)
    submission = get_submission_for_user(user, submission_id, Action.ENTER)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Hãy chọn tệp Excel đã điền."))
        return redirect("reporting:submission", submission.pk)
    try:
        before = submission.version
        saved = workbooks.submission_import(actor=user, submission=submission, data=upload.read())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if saved.version == before:
            messages.success(request, _("Tệp không có gì khác với số liệu đã lưu."))
        else:
            messages.success(request, _("Đã nhập số liệu từ tệp Excel."))
    return redirect("reporting:submission", submission.pk)


@login_required
def submission_docx(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = get_submission_for_user(_user(request), submission_id)
    response = HttpResponse(
        documents.submission_docx(submission),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{submission.pk}.docx"'
    return response


@login_required
def round_upload(request: HttpRequest, round_id: int) -> HttpResponse:
    """Upload a .zip of filled forms: checked at once, then imported by a job on the queue
    whose page shows its progress and then one line per file."""
    user = _user(request)
    round_ = get_round_for_user(user, round_id)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Hãy chọn tệp .zip gồm các biểu mẫu đã điền."))
        else:
            data = upload.read()
            try:
                workbooks.check_zip(data)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                job = job_start(
                    actor=user,
                    kind=JobKind.ROUND_UPLOAD,
                    unit=round_.receiving_unit,
                    params={"round": round_.pk},
                    data=data,
                    name=upload.name or "",
                )
                return redirect("jobs:job", job.pk)
    return render(request, "reporting/round_upload.html", {"round": round_})


def _national_choice(request: HttpRequest) -> dict[str, Any]:
    """The form, year and period the national page asks for (?form=&year=&period=), with the
    choices around them; by default the first form, this year and its latest period."""
    forms = selectors.report_forms()
    codes = [f.code for f in forms]
    code = request.GET.get("form", "")
    code = code if code in codes else (codes[0] if codes else "")
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isascii() and year_text.isdigit() else 0
    year = year if 2000 <= year <= 2100 else 0
    year = year or timezone.localdate().year
    periods = selectors.national_periods(code, year) if code else []
    wanted = request.GET.get("period", "")
    period = next((p for p in periods if p.key == wanted), periods[0] if periods else None)
    return {"forms": forms, "code": code, "year": year, "periods": periods, "period": period}


@login_required
def national(request: HttpRequest) -> HttpResponse:
    """The national tables: every province's round of a form and period, summed by province."""
    require_national(_user(request))
    choice = _national_choice(request)
    period = choice["period"]
    tables = []
    if period is not None:
        consolidated = selectors.consolidate_national(period.form, period.start, period.end)
        tables = [_printable(t) for t in consolidated]
        rounds = selectors.national_rounds(period.form, period.start, period.end)
        for table in tables:
            for row in table["groups"]["units"]:
                row["round"] = rounds.get(row["code"])  # the province's own tables
    return render(request, "reporting/national.html", {**choice, "tables": tables})


@login_required
def national_xlsx(request: HttpRequest) -> HttpResponse:
    """GET: the workbook made in the request, as before (scripts, links); POST (the national
    page's button): made by a job on the queue, whose page offers it when it is ready."""
    user = _user(request)
    require_national(user)
    period = _national_choice(request)["period"]
    if period is None:
        raise Http404(_("Chưa có số liệu của kỳ báo cáo này."))
    if request.method == "POST":
        job = job_start(
            actor=user,
            kind=JobKind.NATIONAL_EXPORT,
            unit=None,
            params={
                "form": period.form.code,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
        )
        return redirect("jobs:job", job.pk)
    return _xlsx(
        workbooks.national_workbook(period.form, period.start, period.end),
        f"tong-hop-toan-quoc-{period.form.code}-{period.end:%Y%m%d}",
    )


def _dashboard_unit(request: HttpRequest) -> Any:
    """?unit=CODE (the unit in force today, or the user's own unit of that code in another era)
    that the user reads, else the user's own unit, the one they lead first."""
    user = _user(request)
    code = request.GET.get("unit", "")
    if code:
        if text_problem(code) or len(code) > 8:
            raise Http404(_("Không tìm thấy dữ liệu của đơn vị này."))
        unit = unit_by_code(code, timezone.localdate()) or next(
            (m.unit for m in memberships(user) if m.unit.code == code), None
        )
        if unit is None:
            raise Http404(_("Không tìm thấy dữ liệu của đơn vị này."))
        require(user, Action.READ, unit)
        return unit
    mine = sorted(memberships(user), key=lambda m: (m.role != Role.LEADER, m.unit.level))
    if not mine:
        raise Http404(_("Bạn chưa có vai trò tại đơn vị nào."))
    return mine[0].unit


def _dashboard_tables(user: User, unit: Any, today: date) -> list[dashboard_tables.DashTable]:
    """The registry's groups over the years, the support given, the fund: the sensitive groups
    and kinds of support only for a reader allowed them (the access rule)."""
    sensitive = can_read_sensitive(user, unit)
    return [
        dashboard_tables.registry_table(unit, today, sensitive),
        dashboard_tables.support_table(unit, today, sensitive),
        dashboard_tables.fund_table(unit, today),
    ]


def _national_tables(today: date) -> list[dashboard_tables.DashTable]:
    """The nation's registry, support and funds; the sensitive groups and kinds are left out
    (no national reader is granted children's sensitive data)."""
    return [
        dashboard_tables.registry_table(None, today, False),
        dashboard_tables.support_table(None, today, False),
        dashboard_tables.fund_table(None, today),
    ]


@login_required
def dashboard_national(request: HttpRequest) -> HttpResponse:
    """The ministry's view: every province's open rounds with their reports on time, late or
    missing; the nation's registry, support and funds, each chart over its table."""
    require_national(_user(request))
    today = timezone.localdate()
    return render(
        request,
        "reporting/dashboard_national.html",
        {
            "today": today,
            "rounds": selectors.national_open_rounds(today),
            "tables": _national_tables(today),
        },
    )


@login_required
def dashboard_national_xlsx(request: HttpRequest) -> HttpResponse:
    require_national(_user(request))
    today = timezone.localdate()
    rounds = selectors.national_open_rounds(today)
    progress = dashboard_tables.DashTable(
        key="rounds",
        title=_("Tiến độ nộp báo cáo các đợt đang mở"),
        header=[_("Đơn vị"), _("Phải nộp"), _("Đúng hạn"), _("Trễ hạn"), _("Chưa nộp")],
        rows=[[f"{r.province} — {r.title}", *_counts(r.progress)] for r in rounds],
        chart="progress",
    )
    return _xlsx(
        dashboard_tables.workbook(None, today, [progress, *_national_tables(today)]),
        f"bang-dieu-hanh-toan-quoc-{today:%Y%m%d}",
    )


def _counts(part: selectors.PartProgress) -> list[int]:
    return [part.expected, part.on_time, part.late, part.missing]


@login_required
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as a workbook: the reports' progress, the tasks of the unit's plans
    by agency, the registry, the support, the fund, each form's figures over the years."""
    user = _user(request)
    unit = _dashboard_unit(request)
    today = timezone.localdate()
    tables = [
        dashboard_tables.completeness_table(selectors.open_rounds(unit, today)),
        *(
            dashboard_tables.tasks_table(plan, task_counts(plan, today))
            for plan in plans_in_force(unit, today)
            if plan.issuer_unit_id == unit.pk
        ),
        *_dashboard_tables(user, unit, today),
        *(
            dashboard_tables.trend_table(trend)
            for trend in (
                selectors.unit_trend(unit, form, today) for form in selectors.report_forms()
            )
            if trend.years
        ),
    ]
    return _xlsx(
        dashboard_tables.workbook(unit, today, tables), f"bang-dieu-hanh-{unit.code}-{today:%Y%m%d}"
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The leader's view of a unit: its open rounds with the reports of each part of its tree
    (on time, late, missing), and its figures year over year, each chart beside its table."""
    user = _user(request)
    if not request.GET.get("unit") and can_read_national(user) and not memberships(user):
        return redirect("dashboard_national")  # the ministry's
    unit = _dashboard_unit(request)
    today = timezone.localdate()
    trends = []
    for form in selectors.report_forms():
        trend = selectors.unit_trend(unit, form, today)
        if trend.years:
            trends.append({"form": form, **_trend_table(trend)})
    rounds = selectors.open_rounds(unit, today)
    plans = [
        {
            "plan": plan,
            "tasks": task_counts(plan, today) if plan.issuer_unit_id == unit.pk else [],
            "targets": selectors.plan_targets(plan, unit),
        }
        for plan in plans_in_force(unit, today)
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "unit": unit,
            "today": today,
            "rounds": rounds,
            "trends": trends,
            "plans": plans,
            "tables": _dashboard_tables(user, unit, today),
            "my_units": [m.unit for m in memberships(user)],
        },
    )
