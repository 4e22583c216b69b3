"""Pages of the registry. Every page that shows a child's record logs the read; names are
searched by POST (kept in the session) so that they never appear in a URL or an access log."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitreem.accounts.access import (
    Action,
    can,
    can_oversee,
    can_read_sensitive,
    get_child_for_user,
    get_submission_for_user,
    memberships,
    require,
    require_oversight,
)
from vitreem.accounts.models import User
from vitreem.core import bounds
from vitreem.core.forms import DATE_INPUTS
from vitreem.fund import selectors as fund_selectors
from vitreem.reporting.loaders import definition_of
from vitreem.reporting.models import SubmissionStatus
from vitreem.reporting.validation import display_number
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import unit_by_code

from . import catalogue, exports, selectors, services
from . import prefill as prefill_cells
from .forms import (
    AsOfForm,
    ChildForm,
    CircumstanceEndForm,
    CircumstanceForm,
    ConsentForm,
    ConsentWithdrawForm,
    ReadLogForm,
    SearchForm,
    SupportForm,
)
from .models import Child, ReadVia


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _parse_day(text: str) -> date | None:
    from datetime import datetime

    for pattern in DATE_INPUTS:
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        # Out of the domain's range is read as no date at all, like an unreadable one.
        return None if bounds.day_problem(day) else day
    return None


def unit_from_request(request: HttpRequest) -> AdministrativeUnit:
    """?unit=CODE (with ?as_of=dd/mm/yyyy when the code is of another era), else the user's
    first unit. A unit the user may not read answers 404."""
    user = _user(request)
    code = request.GET.get("unit", "")
    if not code:
        mine = memberships(user)
        if not mine:
            raise Http404(_("Bạn chưa là thành viên của đơn vị nào."))
        return mine[0].unit
    day = _parse_day(request.GET.get("as_of", "")) or timezone.localdate()
    unit = unit_by_code(code, day)
    if unit is None:
        unit = next((m.unit for m in memberships(user) if m.unit.code == code), None)
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    require(user, Action.READ, unit)
    return unit


def unit_query(unit: AdministrativeUnit) -> str:
    """The query string that finds the unit again, whatever its era."""
    return f"unit={unit.code}&as_of={unit.valid_from:%d/%m/%Y}"


def _search_key(unit: AdministrativeUnit) -> str:
    return f"children-q-{unit.pk}"


@login_required
def child_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unit = unit_from_request(request)
    if request.method == "POST":
        search = SearchForm(request.POST)
        if search.is_valid():
            request.session[_search_key(unit)] = search.cleaned_data["q"]
        return redirect(f"{reverse('children:list')}?{request.GET.urlencode()}")
    sensitive = can_read_sensitive(user, unit)
    today = timezone.localdate()
    filters = AsOfForm(request.GET or None, sensitive=sensitive)
    day = filters.day(today if unit.valid_to is None else unit.valid_to)
    group = filters.cleaned_data.get("group", "") if filters.is_valid() else ""
    query = request.session.get(_search_key(unit), "")
    children = selectors.children_in(user, unit, as_of=day, group=group or None, query=query)
    page = Paginator(children, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    duplicates = selectors.open_duplicates(unit) if unit.level == 3 else []
    shown = rows + [c for d in duplicates for c in (d.child, d.other) if c not in rows]
    services.reads_record(user=user, children=shown, via=ReadVia.LIST)
    groups = selectors.active_groups(rows, day, sensitive)
    below = selectors.in_need_below(unit, day) if unit.level < 3 else []
    return render(
        request,
        "children/list.html",
        {
            "unit": unit,
            "unit_query": unit_query(unit),
            "day": day,
            "filters": filters,
            "search": SearchForm(initial={"q": query}),
            "query": query,
            "page": page,
            "rows": [(child, groups.get(child.pk, [])) for child in rows],
            "below": below,
            "duplicates": duplicates,
            "counts": _group_table(unit, day, sensitive),
            "can_enter": can(user, Action.ENTER, unit) and unit.level == 3,
            "can_oversee": can_oversee(user, unit),
            "sensitive": sensitive,
            "my_units": [m.unit for m in memberships(user)],
        },
    )


def _group_table(unit: AdministrativeUnit, day: date, sensitive: bool) -> list[tuple[str, int]]:
    counts = selectors.group_counts(unit, day)
    return [
        (g.title, counts.get(g.code, 0))
        for g in catalogue.groups_of(catalogue.LAW_2016)
        if sensitive or not g.sensitive
    ]


@login_required
def child_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    child = get_child_for_user(user, public_id)
    today = timezone.localdate()
    view = selectors.child_view(user, child, today)
    services.reads_record(user=user, children=[child], via=ReadVia.PAGE)
    return render(
        request,
        "children/detail.html",
        {
            "view": view,
            "child": child,
            "age": services.age_on(
                child.date_of_birth, min(today, services.last_day_as_child(child.date_of_birth))
            ),
            "can_enter": can(user, Action.ENTER, child.unit),
            "can_oversee": can_oversee(user, child.unit),
            "funds": fund_selectors.funds_for_child(user, child),
            "unit_query": unit_query(child.unit),
        },
    )


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages_:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
def child_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unit = unit_from_request(request)
    require(user, Action.ENTER, unit)
    form = ChildForm(request.POST or None, sensitive=can_read_sensitive(user, unit))
    twins: list[Child] = []
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_register(
                actor=user,
                unit=unit,
                data=form.child_data(),
                allow_duplicate=form.cleaned_data["allow_duplicate"],
            )
        except services.PossibleDuplicateError as duplicate:
            twins = duplicate.twins
            form.add_error(None, duplicate.messages[0])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã đăng ký trẻ em."))
            return redirect("children:detail", child.public_id)
    return render(
        request,
        "children/form.html",
        {"form": form, "unit": unit, "twins": twins, "title": _("Đăng ký trẻ em")},
    )


@login_required
def child_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    child = get_child_for_user(user, public_id, Action.ENTER)
    sensitive = can_read_sensitive(user, child.unit)
    stored = services.ChildData(
        full_name=child.full_name,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        ethnicity=child.ethnicity,
        personal_id=child.personal_id or "",
        address=child.address,
        representative_name=child.representative_name,
        representative_relation=child.representative_relation,
        representative_phone=child.representative_phone,
        disability_level=child.disability_level,
        insurance_number=child.insurance_number,
        insurance_valid_to=child.insurance_valid_to,
    )
    initial = (
        vars(stored)
        if sensitive
        else {k: v for k, v in vars(stored).items() if k not in ChildForm.SENSITIVE}
    )
    form = ChildForm(request.POST or None, initial=initial, sensitive=sensitive)
    del form.fields["allow_duplicate"]
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(actor=user, child=child, data=form.child_data(keep=stored))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu hồ sơ."))
            return redirect("children:detail", child.public_id)
    services.reads_record(user=user, children=[child], via=ReadVia.PAGE)
    return render(
        request,
        "children/form.html",
        {"form": form, "unit": child.unit, "child": child, "title": _("Sửa hồ sơ trẻ em")},
    )


def _simple_form_page(
    request: HttpRequest,
    child: Child,
    form: Any,
    title: str,
    save: Any,
    done: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, done)
            return redirect("children:detail", child.public_id)
    return render(
        request, "children/part_form.html", {"form": form, "child": child, "title": title}
    )


@login_required
def circumstance_new(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    child = get_child_for_user(user, public_id, Action.ENTER)
    form = CircumstanceForm(request.POST or None, sensitive=can_read_sensitive(user, child.unit))

    def save(f: CircumstanceForm) -> None:
        data = f.cleaned_data
        services.circumstance_add(
            actor=user,
            child=child,
            group=data["group"],
            subgroup=data["subgroup"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            legal_basis=f.legal_basis,
        )

    return _simple_form_page(
        request, child, form, _("Thêm hoàn cảnh đặc biệt"), save, _("Đã ghi hoàn cảnh.")
    )


@login_required
def circumstance_end(request: HttpRequest, public_id: str, circumstance_id: int) -> HttpResponse:
    user = _user(request)
    child = get_child_for_user(user, public_id, Action.ENTER)
    circumstance = selectors.circumstance_of(child, circumstance_id)
    if circumstance is None or (
        circumstance.group in catalogue.sensitive_groups()
        and not can_read_sensitive(user, child.unit)
    ):
        raise Http404(_("Không tìm thấy hoàn cảnh."))
    form = CircumstanceEndForm(request.POST or None)

    def save(f: CircumstanceEndForm) -> None:
        services.circumstance_end(
            actor=user,
            circumstance=circumstance,
            ended_on=f.cleaned_data["ended_on"],
            reason=f.cleaned_data["reason"],
        )

    return _simple_form_page(
        request, child, form, _("Trẻ em ra khỏi nhóm"), save, _("Đã ghi ngày ra khỏi nhóm.")
    )


@login_required
def support_new(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    child = get_child_for_user(user, public_id, Action.ENTER)
    form = SupportForm(
        request.POST or None,
        sensitive=can_read_sensitive(user, child.unit),
        agencies=selectors.giver_agencies(child),
    )

    def save(f: SupportForm) -> None:
        services.support_record_add(actor=user, child=child, data=f.support_data())

    return _simple_form_page(
        request, child, form, _("Ghi nhận hỗ trợ"), save, _("Đã ghi nhận hỗ trợ.")
    )


@login_required
def consent_new(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    child = get_child_for_user(user, public_id, Action.ENTER)
    form = ConsentForm(
        request.POST or None, initial={"representative_name": child.representative_name}
    )

    def save(f: ConsentForm) -> None:
        services.consent_record(actor=user, child=child, **f.cleaned_data)

    return _simple_form_page(
        request, child, form, _("Ghi nhận sự đồng ý"), save, _("Đã ghi nhận sự đồng ý.")
    )


@login_required
def consent_withdraw(request: HttpRequest, public_id: str, consent_id: int) -> HttpResponse:
    user = _user(request)
    child = get_child_for_user(user, public_id, Action.ENTER)
    consent = selectors.consent_of(child, consent_id)
    if consent is None:
        raise Http404(_("Không tìm thấy sự đồng ý."))
    form = ConsentWithdrawForm(request.POST or None)

    def save(f: ConsentWithdrawForm) -> None:
        services.consent_withdraw(actor=user, consent=consent, **f.cleaned_data)

    return _simple_form_page(
        request, child, form, _("Rút lại sự đồng ý"), save, _("Đã ghi nhận việc rút lại.")
    )


@login_required
@require_POST
def duplicate_resolve(request: HttpRequest, public_id: str, duplicate_id: int) -> HttpResponse:
    user = _user(request)
    child = get_child_for_user(user, public_id, Action.ENTER)
    duplicate = selectors.duplicate_of(child, duplicate_id)
    if duplicate is None:
        raise Http404(_("Không tìm thấy."))
    services.duplicate_resolve(actor=user, duplicate=duplicate)
    messages.success(request, _("Đã xác nhận đây là hai trẻ em khác nhau."))
    return redirect("children:detail", child.public_id)


@login_required
def read_log(request: HttpRequest) -> HttpResponse:
    """The read log, one line per view: a list or an export with its count of children, a
    single record with the child; filtered by child, user and days, a bounded page at a time."""
    user = _user(request)
    unit = unit_from_request(request)
    require_oversight(user, unit)
    child = None
    if request.GET.get("child"):
        child = get_child_for_user(user, request.GET["child"])
    form = ReadLogForm(request.GET, users=selectors.read_log_users(unit))
    data = form.cleaned_data if form.is_valid() else {}
    views = selectors.read_views(
        unit, child=child, user=data.get("user"), start=data.get("start"), end=data.get("end")
    )
    page = Paginator(views, ReadLogForm.PER_PAGE).get_page(data.get("page", 1))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "children/reads.html",
        {
            "unit": unit,
            "child": child,
            "form": form,
            "page": page,
            "lines": selectors.read_view_lines(page.object_list),
            "unit_query": unit_query(unit),
            "query": kept.urlencode(),
        },
    )


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The unit's list of children as a workbook, for leaders, marked with who exported it."""
    user = _user(request)
    unit = unit_from_request(request)
    require_oversight(user, unit)
    today = timezone.localdate()
    listed = selectors.children_in(user, unit, as_of=today)
    children = list(listed)
    groups = selectors.active_groups(listed, today, can_read_sensitive(user, unit))
    data = exports.children_workbook(user, unit, children, timezone.localtime(), groups)
    services.reads_record(user=user, children=children, via=ReadVia.EXPORT)
    services.export_record(actor=user, unit=unit, count=len(children))
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="danh-sach-tre-em-{unit.code}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


def _cell_name(key: tuple[str, str, str]) -> str:
    return "p-" + "-".join(key)


@login_required
def prefill(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The registry's proposals for a report's cells, with their sources; the officer ticks
    the ones to use and the choice is recorded."""
    user = _user(request)
    submission = get_submission_for_user(user, submission_id)
    definition = definition_of(submission.round.form)
    proposals = prefill_cells.proposals(submission)
    editable = submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
    if request.method == "POST":
        submission = get_submission_for_user(user, submission_id, Action.ENTER)
        accepted = {p.key for p in proposals if request.POST.get(_cell_name(p.key))}
        try:
            prefill_cells.prefill_apply(actor=user, submission=submission, accepted=accepted)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã điền %(n)s ô từ sổ theo dõi.") % {"n": len(accepted)})
            return redirect("reporting:submission", submission.pk)
    rows = []
    for p in proposals:
        table, column = definition.column(p.key[0])
        row = next((r.label for r in table.rows if r.code == p.key[1]), "")
        category = dict(column.categories).get(p.key[2], "")
        rows.append(
            {
                "name": _cell_name(p.key),
                "where": " – ".join(
                    x
                    for x in (f"Bảng {table.code}", row, column.group, column.label, category)
                    if x
                ),
                "current": display_number(p.current, column),
                "proposed": display_number(p.value, column),
                "sources": p.sources,
                "same": p.current == p.value,
                "checked": p.current is None,
            }
        )
    return render(
        request,
        "children/prefill.html",
        {
            "submission": submission,
            "rows": rows,
            "editable": editable and can(user, Action.ENTER, submission.unit),
        },
    )
