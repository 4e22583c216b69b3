from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vitreem.accounts.access import Action, can, can_oversee, require, require_oversight
from vitreem.accounts.models import AgencyMembership, User
from vitreem.accounts.selectors import (
    agency_membership_or_404,
    unit_agency_members,
    unit_members,
    unit_membership_or_404,
    username_taken,
)
from vitreem.accounts.services import member_add as add_member
from vitreem.accounts.services import member_remove as remove_member
from vitreem.accounts.services import membership_set_sensitive

from . import selectors, services
from .forms import AgencyForm, BrowseForm, MemberForm
from .loaders import PRE_REFORM_TO, REFORM_DATE
from .models import AdministrativeUnit
from .names import agency_full_name

ERA_SHORTCUTS = [
    (date(2021, 6, 1), gettext_lazy("01/06/2021 — trước sắp xếp (tỉnh, huyện, xã)")),
    (None, gettext_lazy("Hôm nay — sau sắp xếp (tỉnh, xã)")),
]


def _as_of(request: HttpRequest) -> tuple[BrowseForm, date]:
    form = BrowseForm(request.GET or None)
    as_of = timezone.localdate()
    if form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    return form, as_of


def _unit_request(request: HttpRequest, code: str) -> tuple[User, AdministrativeUnit, date]:
    """The signed-in user, the unit of the code in force on the page's date, and that date."""
    _form, as_of = _as_of(request)
    user = request.user
    assert isinstance(user, User)
    return user, selectors.unit_or_404(code, as_of), as_of


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    form, as_of = _as_of(request)
    query = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else ""
    units = (
        selectors.units_as_of(as_of, query=query)
        if query
        else selectors.units_as_of(as_of, level="province")
    )
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "units/browse.html",
        {
            "form": form,
            "as_of": as_of,
            "query": query,
            "page": page,
            "summary": selectors.era_summary(as_of),
            "pre_reform": as_of <= PRE_REFORM_TO,
            "reform_date": REFORM_DATE,
            "shortcuts": ERA_SHORTCUTS,
        },
    )


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    form, as_of = _as_of(request)
    user, unit, _day = _unit_request(request, code)
    return render(
        request,
        "units/detail.html",
        {
            "form": form,
            "as_of": as_of,
            "unit": unit,
            "ancestors": selectors.unit_ancestors(unit),
            "children": selectors.unit_children(unit, as_of),
            "agencies": selectors.agencies_of(unit, as_of),
            "predecessors": selectors.predecessors(unit),
            "successors": selectors.successors(unit),
            "can_read_data": can(user, Action.READ, unit),
            "can_manage": can(user, Action.MANAGE, unit),
        },
    )


def _member_form(
    unit: AdministrativeUnit, as_of: date, data: dict[str, Any] | None = None
) -> MemberForm:
    return MemberForm(data, unit_name=unit.name, agencies=list(selectors.agencies_of(unit, as_of)))


def _members_page(
    request: HttpRequest,
    user: User,
    unit: AdministrativeUnit,
    as_of: date,
    form: MemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = can(user, Action.MANAGE, unit)
    if can_manage and form is None:
        form = _member_form(unit, as_of)
    agency_members = list(unit_agency_members(user=user, unit=unit))
    for m in agency_members:
        m.agency_title = agency_full_name(m.agency)  # type: ignore[attr-defined]
    return render(
        request,
        "units/members.html",
        {
            "unit": unit,
            "as_of": as_of,
            "members": unit_members(user=user, unit=unit),
            "agency_members": agency_members,
            # Leaders of the unit or above grant; nobody grants themselves (the service decides).
            "can_grant": can_oversee(user, unit),
            # Leaders of the unit add and remove members; nobody changes their own role.
            "can_manage": can_manage,
            "form": form if can_manage else None,
        },
        status=status,
    )


def _members_url(unit: AdministrativeUnit, as_of: date) -> str:
    return f"{reverse('units:members', args=[unit.code])}?as_of={as_of:%d/%m/%Y}"


@login_required
def members(request: HttpRequest, code: str) -> HttpResponse:
    user, unit, as_of = _unit_request(request, code)
    return _members_page(request, user, unit, as_of)


@login_required
@require_POST
def member_add(request: HttpRequest, code: str) -> HttpResponse:
    """A leader of the unit gives a person a role in the unit or in one of its agencies."""
    user, unit, as_of = _unit_request(request, code)
    require(user, Action.MANAGE, unit)  # before the form: an outsider learns nothing
    form = _member_form(unit, as_of, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        known = username_taken(data["username"])
        try:
            membership = add_member(
                actor=user,
                unit=unit,
                agency=form.agency(),
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                role=data["role"],
            )
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            place = (
                agency_full_name(membership.agency)
                if isinstance(membership, AgencyMembership)
                else unit.name
            )
            messages.success(
                request,
                _("Đã thêm %(user)s vào %(place)s.") % {"user": membership.user, "place": place},
            )
            if not known:
                messages.info(
                    request,
                    _("Thư mời đặt mật khẩu đã được gửi tới %(email)s.")
                    % {"email": membership.user.email},
                )
            return redirect(_members_url(unit, as_of))
    return _members_page(request, user, unit, as_of, form=form, status=400)


def _form_errors(form: MemberForm, error: ValidationError) -> None:
    """The service's refusal shown on the form, by the field it names where the form has it."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, field_messages in error.message_dict.items():
        name = "place" if field == "agency" else field
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)


def _remove(
    request: HttpRequest, user: User, unit: AdministrativeUnit, as_of: date, membership: Any
) -> HttpResponse:
    try:
        remove_member(actor=user, membership=membership)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Đã gỡ %(user)s.") % {"user": membership.user})
    return redirect(_members_url(unit, as_of))


@login_required
@require_POST
def member_remove(request: HttpRequest, code: str, membership_id: int) -> HttpResponse:
    """A leader of the unit takes a member's role in the unit away."""
    user, unit, as_of = _unit_request(request, code)
    membership = unit_membership_or_404(user=user, unit=unit, membership_id=membership_id)
    return _remove(request, user, unit, as_of, membership)


@login_required
@require_POST
def agency_member_remove(request: HttpRequest, code: str, membership_id: int) -> HttpResponse:
    """A leader of the unit takes a member's role in one of the unit's agencies away."""
    user, unit, as_of = _unit_request(request, code)
    membership = agency_membership_or_404(user=user, unit=unit, membership_id=membership_id)
    return _remove(request, user, unit, as_of, membership)


@login_required
@require_POST
def member_sensitive(request: HttpRequest, code: str, membership_id: int) -> HttpResponse:
    """A leader of the unit or above grants or withdraws a member's right to see children's
    sensitive data."""
    user, unit, as_of = _unit_request(request, code)
    require_oversight(user, unit)
    membership = unit_members(user=user, unit=unit).filter(pk=membership_id).first()
    if membership is None:
        raise Http404(_("Không tìm thấy người dùng của đơn vị."))
    allowed = request.POST.get("allowed") == "1"
    back = redirect(f"{reverse('units:members', args=[unit.code])}?as_of={as_of:%d/%m/%Y}")
    try:
        membership_set_sensitive(actor=user, membership=membership, allowed=allowed)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return back
    messages.success(
        request,
        (
            _("%(user)s được xem dữ liệu nhạy cảm của trẻ em.")
            if allowed
            else _("%(user)s không còn xem dữ liệu nhạy cảm của trẻ em.")
        )
        % {"user": membership.user},
    )
    return back


@login_required
def agency_new(request: HttpRequest, code: str) -> HttpResponse:
    user, unit, as_of = _unit_request(request, code)
    require(user, Action.MANAGE, unit)  # before the form: an outsider learns nothing
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(actor=user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": agency.name})
            return redirect(_detail_url(unit, as_of))
    return render(request, "units/agency_form.html", {"form": form, "unit": unit, "as_of": as_of})


@login_required
@require_POST
def agencies_standard(request: HttpRequest, code: str) -> HttpResponse:
    user, unit, as_of = _unit_request(request, code)
    created = services.agencies_create_standard(actor=user, unit=unit)
    messages.success(request, _("Đã tạo %(count)d cơ quan, tổ chức.") % {"count": len(created)})
    return redirect(_detail_url(unit, as_of))


def _detail_url(unit: AdministrativeUnit, as_of: date) -> str:
    return f"{reverse('units:detail', args=[unit.code])}?as_of={as_of:%d/%m/%Y}"
